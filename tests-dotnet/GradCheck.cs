using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// Checks compiled values and symbolic derivatives against numbers the engine did not produce: torch for values,
/// central finite differences for reverse mode (<see cref="Autodiff.Grad(Variable, IReadOnlyList{Variable}, GradOptions?)"/>),
/// forward mode (<see cref="Autodiff.Rop"/>) and second derivatives (grad of grad).
/// </summary>
/// <remarks>
/// A builder receives one symbolic input per value and returns the function to check. A non-scalar result is
/// reduced to a scalar cost by contracting it with a fixed random cotangent, so that a pullback which ignores or
/// misplaces its output gradient cannot pass by accident (a plain sum would seed it with ones).
/// </remarks>
public static class GradCheck
{
    /// <summary>Derivative graphs may not read every input (a linear op's tangent ignores the point): allow that.</summary>
    private static readonly CompileOptions Lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };

    /// <summary>Finite-difference step.</summary>
    public const double Step = 1e-6;

    /// <summary>Relative and absolute tolerance: |actual - expected| ≤ tol·(1 + |expected|).</summary>
    public const double Tolerance = 1e-6;

    /// <summary>A tensor of <paramref name="shape"/> with uniform values in [low, high), reproducible from <paramref name="seed"/>.</summary>
    public static Tensor Uniform(long[] shape, double low = -2, double high = 2, int seed = 0, DType dtype = DType.Float64)
    {
        var rng = new Random(seed);
        var data = new double[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = low + (high - low) * rng.NextDouble();
        }
        return FromDoubles(data, shape, dtype);
    }

    /// <summary>Symbolic inputs typed float64 with unknown lengths, one per value, of the value's rank.</summary>
    public static TensorType[] DynamicTypes(Tensor[] values) =>
        values.Select(v => new TensorType(DTypes.FromTorch(v.dtype), v.shape.Select(_ => (long?)null).ToArray())).ToArray();

    /// <summary>Compiles <paramref name="build"/> and compares its value with <paramref name="reference"/> (dtype, shape, values).</summary>
    public static void Value(Func<Variable[], Variable> build, Func<Tensor[], Tensor> reference, TensorType[] types,
        Tensor[] values, double tolerance = 1e-12)
    {
        using var scope = torch.NewDisposeScope();
        var xs = Symbols(types);
        var f = build(xs);
        var actual = Function.Compile(xs, [f], Lenient).Call(values)[0];
        var expected = reference(values);
        Assert.That(DTypes.FromTorch(actual.dtype), Is.EqualTo(f.DType), "run-time dtype differs from the static one");
        Assert.That(actual.dtype, Is.EqualTo(expected.dtype), "dtype differs from torch's");
        Assert.That(f.Type.Mismatch(actual.shape), Is.Null, "run-time shape does not fit the static type");
        AssertClose(Doubles(actual), actual.shape, Doubles(expected), expected.shape, tolerance, "value");
    }

    /// <summary>Reverse mode: <c>Autodiff.Grad</c> of the cost against central differences of the cost.</summary>
    public static void Reverse(Func<Variable[], Variable> build, params Tensor[] values) =>
        Reverse(build, DynamicTypes(values), values);

    /// <inheritdoc cref="Reverse(Func{Variable[], Variable}, Tensor[])"/>
    public static void Reverse(Func<Variable[], Variable> build, TensorType[] types, Tensor[] values,
        double step = Step, double tolerance = Tolerance)
    {
        using var scope = torch.NewDisposeScope();
        var xs = Symbols(types);
        var cost = ScalarCost(build(xs), xs, values);
        var grads = Autodiff.Grad(cost, xs);
        var results = Function.Compile(xs, [cost, .. grads], Lenient).Call(values);
        var costFn = Function.Compile(xs, [cost], Lenient);
        var data = values.Select(Doubles).ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            var g = results[1 + i];
            Assert.That(DTypes.FromTorch(g.dtype), Is.EqualTo(xs[i].DType), $"gradient {i} dtype");
            var numeric = new double[data[i].Length];
            for (int j = 0; j < numeric.Length; j++)
            {
                double saved = data[i][j];
                data[i][j] = saved + step;
                double plus = Scalar(costFn, data, types, values);
                data[i][j] = saved - step;
                double minus = Scalar(costFn, data, types, values);
                data[i][j] = saved;
                numeric[j] = (plus - minus) / (2 * step);
            }
            AssertClose(Doubles(g), g.shape, numeric, values[i].shape, tolerance, $"gradient wrt input {i}");
        }
    }

    /// <summary>
    /// Forward mode: <c>Autodiff.Rop</c> along a random direction v against (f(x + h v) - f(x - h v)) / 2h, for
    /// outputs of any shape.
    /// </summary>
    public static void Forward(Func<Variable[], Variable> build, params Tensor[] values) =>
        Forward(build, DynamicTypes(values), values);

    /// <inheritdoc cref="Forward(Func{Variable[], Variable}, Tensor[])"/>
    public static void Forward(Func<Variable[], Variable> build, TensorType[] types, Tensor[] values,
        double step = Step, double tolerance = Tolerance)
    {
        using var scope = torch.NewDisposeScope();
        var xs = Symbols(types);
        var vs = types.Select((t, i) => new Variable(t, name: $"v{i}")).ToArray();
        var f = build(xs);
        var jvp = Autodiff.Rop([f], xs, vs)[0];
        Assert.That(jvp.Ndim, Is.EqualTo(f.Ndim), "tangent rank");
        var directions = values.Select((v, i) => Uniform(v.shape, seed: 100 + i, dtype: DTypes.FromTorch(v.dtype))).ToArray();
        var actual = Function.Compile([.. xs, .. vs], [jvp], Lenient).Call([.. values, .. directions])[0];
        Assert.That(DTypes.FromTorch(actual.dtype), Is.EqualTo(f.DType), "tangent dtype");

        var fn = Function.Compile(xs, [f], Lenient);
        var data = values.Select(Doubles).ToArray();
        var dirs = directions.Select(Doubles).ToArray();
        var plus = fn.Call(Shifted(data, dirs, step, types, values))[0];
        var minus = fn.Call(Shifted(data, dirs, -step, types, values))[0];
        var numeric = Doubles(plus).Zip(Doubles(minus), (p, m) => (p - m) / (2 * step)).ToArray();
        AssertClose(Doubles(actual), actual.shape, numeric, plus.shape, tolerance, "directional derivative");
    }

    /// <summary>
    /// Second derivatives: the Hessian-vector product H u, built as the gradient of ⟨grad, u⟩ (grad of grad),
    /// against (grad(x + h u) - grad(x - h u)) / 2h.
    /// </summary>
    public static void SecondOrder(Func<Variable[], Variable> build, params Tensor[] values) =>
        SecondOrder(build, DynamicTypes(values), values);

    /// <inheritdoc cref="SecondOrder(Func{Variable[], Variable}, Tensor[])"/>
    public static void SecondOrder(Func<Variable[], Variable> build, TensorType[] types, Tensor[] values,
        double step = Step, double tolerance = Tolerance)
    {
        using var scope = torch.NewDisposeScope();
        var xs = Symbols(types);
        var cost = ScalarCost(build(xs), xs, values);
        var grads = Autodiff.Grad(cost, xs);
        var directions = values.Select((v, i) => Uniform(v.shape, seed: 200 + i, dtype: DTypes.FromTorch(v.dtype))).ToArray();
        var projected = grads.Select((g, i) => T.Sum(g * T.Constant(directions[i]))).Aggregate((a, b) => a + b);
        // A linear function's gradient does not depend on x at all: its Hessian is zero, not an error.
        var hvp = Autodiff.Grad(projected, xs, new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore });
        var actual = Function.Compile(xs, hvp, Lenient).Call(values);

        var gradFn = Function.Compile(xs, grads, Lenient);
        var data = values.Select(Doubles).ToArray();
        var dirs = directions.Select(Doubles).ToArray();
        var plus = gradFn.Call(Shifted(data, dirs, step, types, values));
        var minus = gradFn.Call(Shifted(data, dirs, -step, types, values));
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.That(DTypes.FromTorch(actual[i].dtype), Is.EqualTo(xs[i].DType), $"second derivative {i} dtype");
            var numeric = Doubles(plus[i]).Zip(Doubles(minus[i]), (p, m) => (p - m) / (2 * step)).ToArray();
            AssertClose(Doubles(actual[i]), actual[i].shape, numeric, values[i].shape, tolerance,
                $"Hessian-vector product wrt input {i}");
        }
    }

    /// <summary>The values of <paramref name="t"/> in row-major order, as doubles.</summary>
    public static double[] Doubles(Tensor t)
    {
        // to_type may hand back t itself; the scope frees only the handles made here.
        using var scope = torch.NewDisposeScope();
        return t.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
    }

    /// <summary>A tensor of <paramref name="dtype"/> holding <paramref name="data"/> in row-major order.</summary>
    public static Tensor FromDoubles(double[] data, long[] shape, DType dtype = DType.Float64)
    {
        var t = torch.tensor(data, dtype: ScalarType.Float64).reshape(shape);
        return dtype == DType.Float64 ? t : t.to_type(dtype.ToTorch());
    }

    /// <summary>Asserts equal shapes and |a - e| ≤ tol·(1 + |e|) everywhere; the message names the worst element.</summary>
    public static void AssertClose(double[] actual, long[] actualShape, double[] expected, long[] expectedShape,
        double tolerance, string what)
    {
        Assert.That(actualShape, Is.EqualTo(expectedShape), $"{what}: shape");
        int worst = -1;
        double worstRatio = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double ratio = Math.Abs(actual[i] - expected[i]) / (tolerance * (1 + Math.Abs(expected[i])));
            if (!(ratio <= worstRatio))
            {
                (worst, worstRatio) = (i, double.IsNaN(ratio) ? double.PositiveInfinity : ratio);
            }
        }
        Assert.That(worstRatio, Is.LessThanOrEqualTo(1.0),
            () => $"{what}: element {worst} is {actual[worst]:R}, expected {expected[worst]:R} " +
                  $"(error {Math.Abs(actual[worst] - expected[worst]):E2}, tolerance {tolerance:E0})");
    }

    private static Variable[] Symbols(TensorType[] types) =>
        types.Select((t, i) => new Variable(t, name: $"x{i}")).ToArray();

    /// <summary>The cost itself when scalar; otherwise Σ f ⊙ C for a fixed random C shaped like f's value.</summary>
    private static Variable ScalarCost(Variable f, Variable[] xs, Tensor[] values)
    {
        if (f.Ndim == 0)
        {
            return f;
        }
        var shape = Function.Compile(xs, [f], Lenient).Call(values)[0].shape;
        return T.Sum(f * T.Constant(Uniform(shape, seed: 300)));
    }

    private static double Scalar(Function fn, double[][] data, TensorType[] types, Tensor[] like)
    {
        using var scope = torch.NewDisposeScope();
        var args = data.Select((d, i) => FromDoubles(d, like[i].shape, types[i].DType)).ToArray();
        return Doubles(fn.Call(args)[0])[0];
    }

    private static Tensor[] Shifted(double[][] data, double[][] directions, double step, TensorType[] types, Tensor[] like) =>
        data.Select((d, i) => FromDoubles(d.Zip(directions[i], (x, v) => x + step * v).ToArray(), like[i].shape,
            types[i].DType)).ToArray();
}
