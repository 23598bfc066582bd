using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Serialization;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// prod, var, std, min, max, max_and_argmax, cumsum and cumprod against torch, with pullbacks, pushforwards and
/// second derivatives against central differences; exact prod and cumprod gradients at zero factors against a
/// brute-force product of the other factors; argmax, argmin, all and any values and gradients (argmax disconnected,
/// all/any zero).
/// </summary>
public sealed class ReductionOpTests : OpTableTests<ReductionOpTests.Table>
{
    private static readonly Arg M34 = Arg.Matrix(3, 4), V5 = Arg.Vector(5), T234 = Arg.Tensor3(2, 3, 4);

    private static IEnumerable<OpCase> All()
    {
        // prod: every axis of a rank-3 tensor, several axes, keepdims (empty axes: see Empty_axes_...).
        yield return new("prod(matrix)", v => T.Prod(v[0]), t => t[0].prod(), M34);
        yield return new("prod(vector)", v => T.Prod(v[0]), t => t[0].prod(), V5);
        yield return new("prod(scalar)", v => T.Prod(v[0]), t => t[0].prod(), Arg.Scalar());
        for (int a = -3; a < 3; a++)
        {
            int axis = a;
            yield return new($"prod(tensor3, axis={a})", v => T.Prod(v[0], axis),
                t => t[0].prod(axis < 0 ? axis + 3 : axis), T234);
        }
        yield return new("prod(tensor3, axes=[0, 2])", v => T.Prod(v[0], [0, 2]), t => t[0].prod(2L).prod(0L), T234);
        yield return new("prod(tensor3, axes=[2, 1], keepdims)", v => T.Prod(v[0], [2, 1], keepdims: true),
            t => t[0].prod(2L, keepdim: true).prod(1L, keepdim: true), T234);
        yield return new("prod(matrix, keepdims)", v => T.Prod(v[0], keepdims: true), t => t[0].prod().reshape(1, 1), M34);
        yield return new("prod(x) * sum(x) (composite)", v => T.Prod(v[0], 1) * T.Sum(v[0], 1),
            t => t[0].prod(1) * t[0].sum(1), M34);

        // min and max: every axis of a rank-3 tensor (distinct random values: no ties).
        yield return new("min(tensor3)", v => T.Min(v[0]), t => t[0].min(), T234);
        yield return new("max(tensor3)", v => T.Max(v[0]), t => t[0].max(), T234);
        for (int a = -3; a < 3; a++)
        {
            int axis = a;
            long d = axis < 0 ? axis + 3 : axis;
            yield return new($"min(tensor3, axis={a})", v => T.Min(v[0], axis), t => t[0].amin([d]), T234);
            yield return new($"max(tensor3, axis={a})", v => T.Max(v[0], axis), t => t[0].amax([d]), T234);
        }
        yield return new("min(tensor3, axes=[0, 2], keepdims)", v => T.Min(v[0], [0, 2], keepdims: true),
            t => t[0].amin([0L, 2L], keepdim: true), T234);
        yield return new("max(tensor3, axes=[1, 2])", v => T.Max(v[0], [1, 2]), t => t[0].amax([1L, 2L]), T234);
        yield return new("min(vector)", v => T.Min(v[0]), t => t[0].min(), V5);
        yield return new("max_and_argmax(tensor3, axis=1)[0]", v => T.MaxAndArgmax(v[0], [1]).Max,
            t => t[0].amax([1L]), T234);
        yield return new("max_and_argmax(tensor3)[0]", v => T.MaxAndArgmax(v[0]).Max, t => t[0].max(), T234);
        yield return new("max_and_argmax(tensor3, axes=[0, 2], keepdims)[0] * 2",
            v => T.MaxAndArgmax(v[0], [0, 2], keepdims: true).Max * 2.0,
            t => t[0].amax([0L, 2L], keepdim: true) * 2.0, T234);

        // var and std (Aesara's definitions; numpy's for one axis).
        yield return new("var(matrix)", v => T.Var(v[0]), t => t[0].var([0L, 1L], unbiased: false), M34);
        yield return new("var(matrix, axis=0)", v => T.Var(v[0], [0]), t => t[0].var(0L, unbiased: false), M34);
        yield return new("var(matrix, axis=1, ddof=1)", v => T.Var(v[0], [1], ddof: 1), t => t[0].var(1, unbiased: true), M34);
        yield return new("var(tensor3, axes=[0, 2], keepdims)", v => T.Var(v[0], [0, 2], keepdims: true),
            t => t[0].var([0L, 2L], unbiased: false, keepdim: true), T234);
        yield return new("var(tensor3, axes=[0, 2], ddof=1) divides by (n0-1)(n2-1) as Aesara",
            v => T.Var(v[0], [0, 2], ddof: 1),
            t => (t[0] - t[0].mean([0L, 2L], keepdim: true)).square().sum([0L, 2L]) / ((2 - 1) * (4 - 1)), T234);
        yield return new("var(matrix, axis=1, corrected)", v => T.Var(v[0], [1], corrected: true),
            t => t[0].var(1, unbiased: false), M34) { Tolerance = 1e-6 };
        yield return new("var(matrix, axis=0, ddof=1, corrected)", v => T.Var(v[0], [0], ddof: 1, corrected: true),
            t => t[0].var(0L, unbiased: true), M34);
        yield return new("std(matrix)", v => T.Std(v[0]), t => t[0].std([0L, 1L], unbiased: false), M34);
        yield return new("std(tensor3, axis=-1, ddof=1, keepdims)", v => T.Std(v[0], [-1], ddof: 1, keepdims: true),
            t => t[0].std(2, unbiased: true, keepdim: true), T234);

        // cumsum and cumprod along every axis and flattened.
        yield return new("cumsum(tensor3)", v => T.CumSum(v[0]), t => t[0].reshape(-1).cumsum(0), T234);
        yield return new("cumprod(tensor3)", v => T.CumProd(v[0]), t => t[0].reshape(-1).cumprod(0), T234);
        for (int a = -3; a < 3; a++)
        {
            int axis = a;
            long d = axis < 0 ? axis + 3 : axis;
            yield return new($"cumsum(tensor3, axis={a})", v => T.CumSum(v[0], axis), t => t[0].cumsum(d), T234);
            yield return new($"cumprod(tensor3, axis={a})", v => T.CumProd(v[0], axis), t => t[0].cumprod(d), T234);
        }
        yield return new("cumprod(vector)", v => T.CumProd(v[0], 0), t => t[0].cumprod(0), V5);
        yield return new("cumsum(sqr(matrix), axis=1)", v => T.CumSum(T.Sqr(v[0]), 1), t => t[0].square().cumsum(1), M34);
    }

    /// <summary>This file's cases.</summary>
    public sealed class Table : IOpTable
    {
        /// <inheritdoc/>
        public IEnumerable<OpCase> All() => ReductionOpTests.All();

        /// <inheritdoc/>
        public double ValueTolerance => 1e-12;
    }

    private static readonly double[,] ZeroRows =
    {
        { 1.5, 0, 3, -4 },   // one zero: the gradient there is the product of the others, 0 elsewhere
        { 0, 2, 0, 5 },      // two zeros: zero gradient
        { 1, -2, 3, 0.5 },   // no zero
        { 0, 0, 0, 0 },      // all zeros
    };

    /// <summary>Π_{k≠i} x_k over each row, by brute force.</summary>
    private static double[] OthersProduct(double[,] x, bool cumulative, double[,] g)
    {
        int rows = x.GetLength(0), n = x.GetLength(1);
        var result = new double[rows * n];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < n; i++)
            {
                double total = 0;
                for (int j = cumulative ? i : n - 1; j < n; j++)
                {
                    double p = 1;
                    for (int k = 0; k <= j; k++)
                    {
                        p *= k == i ? 1 : x[r, k];
                    }
                    total += g[r, j] * p;
                }
                result[r * n + i] = total;
            }
        }
        return result;
    }

    [Test]
    public void Prod_gradient_is_exact_with_one_and_with_two_zeros_in_a_slice()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var gz = T.DVector("gz");
        var y = T.Prod(x, 1);
        var grad = Autodiff.Lop([y], [x], [gz])[0];
        var gzValue = new[] { 0.7, -1.3, 2.0, 0.9 };
        var result = Function.Compile([x, gz], [grad]).Call(torch.tensor(ZeroRows), torch.tensor(gzValue))[0];
        var g = new double[4, 4];
        for (int r = 0; r < 4; r++)
        {
            for (int j = 0; j < 4; j++)
            {
                g[r, j] = j == 3 ? gzValue[r] : 0; // a prod is the last "cumulative" entry
            }
        }
        var expected = OthersProduct(ZeroRows, cumulative: false, g);
        Assert.That(GradCheck.Doubles(result), Is.EqualTo(expected).Within(1e-14));
        Assert.That(expected[1], Is.EqualTo(0.7 * 1.5 * 3 * -4).Within(1e-14), "the row with one zero");
        Assert.That(expected[4..8], Is.All.EqualTo(0.0), "the row with two zeros");

        // Forward mode: the same Jacobian applied to a tangent.
        var dx = T.DMatrix("dx");
        var jvp = Autodiff.Rop([y], [x], [dx])[0];
        var tangent = GradCheck.Uniform([4, 4], seed: 5);
        var actual = GradCheck.Doubles(Function.Compile([x, dx], [jvp]).Call(torch.tensor(ZeroRows), tangent)[0]);
        var ones = new double[4, 4];
        for (int r = 0; r < 4; r++)
        {
            ones[r, 3] = 1;
        }
        var jac = OthersProduct(ZeroRows, cumulative: false, ones);
        var t = GradCheck.Doubles(tangent);
        for (int r = 0; r < 4; r++)
        {
            double e = Enumerable.Range(0, 4).Sum(i => jac[r * 4 + i] * t[r * 4 + i]);
            Assert.That(actual[r], Is.EqualTo(e).Within(1e-14), $"row {r}");
        }
    }

    [Test]
    public void Prod_over_all_axes_with_a_single_zero_has_the_product_of_the_others_as_gradient()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var g = Autodiff.Grad(T.Prod(x), [x])[0];
        var value = torch.tensor(new double[,] { { 2, 3 }, { 0, 5 } });
        var result = GradCheck.Doubles(Function.Compile([x], [g]).Call(value)[0]);
        Assert.That(result, Is.EqualTo(new[] { 0.0, 0.0, 30.0, 0.0 }));
        var two = torch.tensor(new double[,] { { 0, 3 }, { 0, 5 } });
        Assert.That(GradCheck.Doubles(Function.Compile([x], [g]).Call(two)[0]), Is.All.EqualTo(0.0));
    }

    [Test]
    public void Cumprod_gradients_are_exact_with_zeros()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var gy = T.DMatrix("gy");
        var y = T.CumProd(x, 1);
        var grad = Autodiff.Lop([y], [x], [gy])[0];
        var gValue = GradCheck.Uniform([4, 4], seed: 9);
        var gArray = new double[4, 4];
        var flat = GradCheck.Doubles(gValue);
        for (int i = 0; i < 16; i++)
        {
            gArray[i / 4, i % 4] = flat[i];
        }
        var actual = GradCheck.Doubles(Function.Compile([x, gy], [grad]).Call(torch.tensor(ZeroRows), gValue)[0]);
        var expected = OthersProduct(ZeroRows, cumulative: true, gArray);
        GradCheck.AssertClose(actual, [4, 4], expected, [4, 4], 1e-14, "cumprod pullback at zeros");

        // Forward mode: dy_j = Σ_{i ≤ j} dx_i Π_{k ≤ j, k ≠ i} x_k.
        var dx = T.DMatrix("dx");
        var jvp = Autodiff.Rop([y], [x], [dx])[0];
        var tangent = GradCheck.Doubles(gValue);
        var dy = GradCheck.Doubles(Function.Compile([x, dx], [jvp]).Call(torch.tensor(ZeroRows), gValue)[0]);
        for (int r = 0; r < 4; r++)
        {
            for (int j = 0; j < 4; j++)
            {
                double e = 0;
                for (int i = 0; i <= j; i++)
                {
                    double p = 1;
                    for (int k = 0; k <= j; k++)
                    {
                        p *= k == i ? 1 : ZeroRows[r, k];
                    }
                    e += tangent[r * 4 + i] * p;
                }
                Assert.That(dy[r * 4 + j], Is.EqualTo(e).Within(1e-14), $"row {r}, position {j}");
            }
        }
    }

    [Test]
    public void Argmax_argmin_all_any_values()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.Tensor(DType.Float64, [null, null, null], "x");
        var value = GradCheck.Uniform([2, 3, 4], seed: 3);
        var outs = Function.Compile([x],
        [
            T.Argmax(x), T.Argmax(x, 1), T.Argmin(x, -1), T.Argmin(x), T.Argmax(x, [0, 2]),
            T.Argmax(x, 2, keepdims: true), T.MaxAndArgmax(x, [1]).Argmax,
        ]).Call(value);
        Assert.That(outs.Select(o => o.dtype), Is.All.EqualTo(ScalarType.Int64));
        Assert.That(outs[0].item<long>(), Is.EqualTo(value.reshape(-1).argmax().item<long>()));
        Assert.That(outs[1].data<long>().ToArray(), Is.EqualTo(value.argmax(1).data<long>().ToArray()));
        Assert.That(outs[2].data<long>().ToArray(), Is.EqualTo(value.argmin(2).data<long>().ToArray()));
        Assert.That(outs[3].item<long>(), Is.EqualTo(value.reshape(-1).argmin().item<long>()));
        // Over axes 0 and 2: the position in the row-major flattening of (axis 0, axis 2), found by brute force.
        var v = GradCheck.Doubles(value);
        var best = new long[3];
        for (int j = 0; j < 3; j++)
        {
            double m = double.NegativeInfinity;
            for (int i = 0; i < 2; i++)
            {
                for (int k = 0; k < 4; k++)
                {
                    if (v[i * 12 + j * 4 + k] > m)
                    {
                        (m, best[j]) = (v[i * 12 + j * 4 + k], i * 4 + k);
                    }
                }
            }
        }
        Assert.That(outs[4].data<long>().ToArray(), Is.EqualTo(best));
        Assert.That(outs[5].shape, Is.EqualTo(new long[] { 2, 3, 1 }));
        Assert.That(outs[6].data<long>().ToArray(), Is.EqualTo(value.argmax(1).data<long>().ToArray()));

        var b = T.Tensor(DType.Float64, [null, null], "b");
        var bv = torch.tensor(new double[,] { { 1, 0, 2 }, { 0, 0, 0 } });
        var logic = Function.Compile([b], [T.All(b), T.Any(b), T.All(b, [1]), T.Any(b, [1]), T.Any(b, [0], keepdims: true)])
            .Call(bv);
        Assert.That(logic.Select(o => o.dtype), Is.All.EqualTo(ScalarType.Bool));
        Assert.That(logic[0].item<bool>(), Is.False);
        Assert.That(logic[1].item<bool>(), Is.True);
        Assert.That(logic[2].data<bool>().ToArray(), Is.EqualTo(new[] { false, false }));
        Assert.That(logic[3].data<bool>().ToArray(), Is.EqualTo(new[] { true, false }));
        Assert.That(logic[4].shape, Is.EqualTo(new long[] { 1, 3 }));
    }

    [Test]
    public void Integer_and_boolean_reductions_follow_numpy()
    {
        using var scope = torch.NewDisposeScope();
        var i = T.Tensor(DType.Int32, [null], "i");
        var u = T.Tensor(DType.UInt8, [null], "u");
        var b = T.Tensor(DType.Bool, [null], "b");
        var iv = torch.tensor(new[] { 3, -7, 2 });
        var uv = torch.tensor(new byte[] { 9, 200, 4 });
        var bv = torch.tensor(new[] { true, false, true });
        var f = Function.Compile([i, u, b], [T.Prod(i), T.Min(i), T.Min(u), T.Argmin(u), T.Min(b), T.Argmin(b),
            T.CumSum(i), T.CumProd(i), T.Prod(b)]);
        var o = f.Call(iv, uv, bv);
        Assert.That(o[0].dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(o[0].item<long>(), Is.EqualTo(-42));
        Assert.That(o[1].item<int>(), Is.EqualTo(-7));
        Assert.That(o[2].dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(o[2].item<byte>(), Is.EqualTo(4));
        Assert.That(o[3].item<long>(), Is.EqualTo(2));
        Assert.That(o[4].item<bool>(), Is.False);
        Assert.That(o[5].item<long>(), Is.EqualTo(1));
        Assert.That(o[6].dtype, Is.EqualTo(ScalarType.Int32), "CumOp keeps the dtype, as Aesara");
        Assert.That(o[6].data<int>().ToArray(), Is.EqualTo(new[] { 3, -4, -2 }));
        Assert.That(o[7].data<int>().ToArray(), Is.EqualTo(new[] { 3, -21, -42 }));
        Assert.That(o[8].item<long>(), Is.EqualTo(0));
    }

    [Test]
    public void Argmax_is_disconnected_all_any_give_zeros_and_max_and_argmax_differentiates_through_the_max()
    {
        var x = T.DMatrix("x");
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Grad(T.Sum(T.Cast(T.Argmax(x, 1), DType.Float64)), [x]));
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Grad(T.Sum(T.Cast(T.Argmin(x), DType.Float64)), [x]));
        // all and any stay connected, with zero gradients, as Aesara's All and Any.
        var logical = Autodiff.Grad(T.Sum(T.Cast(T.All(x), DType.Float64)) + T.Sum(T.Cast(T.Any(x, [0]), DType.Float64)), [x])[0];
        var (max, argmax) = T.MaxAndArgmax(x, [1]);
        Assert.That(max.Owner, Is.SameAs(argmax.Owner));
        Assert.That(max.Owner!.Op.ClassName, Is.EqualTo("MaxAndArgmax"));
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Grad(T.Sum(T.Cast(argmax, DType.Float64)), [x]));
        var zeros = Autodiff.Grad(T.Sum(T.Cast(argmax, DType.Float64)), [x],
            new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore })[0];
        using var scope = torch.NewDisposeScope();
        var value = torch.tensor(new double[,] { { 1, 5, 2 }, { 7, 7, 0 } });
        var both = Autodiff.Grad(T.Sum(max) + T.Sum(T.Cast(argmax, DType.Float64)), [x])[0];
        var outs = Function.Compile([x], [zeros, both, logical]).Call(value);
        Assert.That(GradCheck.Doubles(outs[0]), Is.All.EqualTo(0.0));
        Assert.That(GradCheck.Doubles(outs[2]), Is.All.EqualTo(0.0));
        // Ties share the gradient evenly (adjoint to the R-op; Aesara gives each tie all of it).
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new[] { 0.0, 1, 0, 0.5, 0.5, 0 }));
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Rop([argmax], [x], [T.DMatrix()]));
        Assert.DoesNotThrow(() => Autodiff.Rop([argmax], [x], [T.DMatrix()], DisconnectedPolicy.Ignore));
    }

    [Test]
    public void Float32_gradients_stay_float32_and_static_shapes_are_kept()
    {
        var f = T.Tensor(DType.Float32, [2, null, 4], "f");
        Assert.That(T.Prod(f, 1).Type.Shape, Is.EqualTo(new long?[] { 2, 4 }));
        Assert.That(T.Prod(f, [0, 2], keepdims: true).Type.Shape, Is.EqualTo(new long?[] { 1, null, 1 }));
        Assert.That(T.CumSum(f).Type.Shape, Is.EqualTo(new long?[] { null }));
        Assert.That(T.CumSum(T.Tensor(DType.Float32, [2, 3])).Type.Shape, Is.EqualTo(new long?[] { 6 }));
        Assert.That(T.Argmax(f, 2).Type.Shape, Is.EqualTo(new long?[] { 2, null }));
        Assert.That(T.All(f).DType, Is.EqualTo(DType.Bool));
        Assert.That(T.Var(f).DType, Is.EqualTo(DType.Float32));
        Assert.That(T.Std(f, [1]).DType, Is.EqualTo(DType.Float32));
        Assert.That(T.Var(T.Tensor(DType.Int32, [null])).DType, Is.EqualTo(DType.Float64));
        foreach (var cost in new[] { T.Sum(T.Prod(f, 1)), T.Sum(T.CumProd(f, 2)), T.Sum(T.CumSum(f)), T.Sum(T.Min(f, 0)),
                     T.Std(f), T.Sum(T.MaxAndArgmax(f, [1]).Max) })
        {
            Assert.That(Autodiff.Grad(cost, [f])[0].DType, Is.EqualTo(DType.Float32), cost.ToString());
        }
        Assert.Throws<ArgumentException>(() => T.Prod(f, 3));
        Assert.Throws<ArgumentException>(() => T.Argmax(f, [0, -3]));
        Assert.Throws<ArgumentException>(() => T.CumSum(f, -4));
        Assert.Throws<ArgumentException>(() => T.Argmax(T.Tensor(DType.Float64, [0, 3]), 0));
        Assert.Throws<ArgumentException>(() => new Ops.CumOp(0, "max"));
    }

    [Test]
    public void Empty_reductions_raise_named_errors_at_run_time()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var empty = torch.zeros(0, 3, ScalarType.Float64);
        var argmax = Function.Compile([x], [T.Argmax(x, 0)]);
        var e = Assert.Throws<ArgumentException>(() => argmax.Call(empty));
        Assert.That(e!.Message, Does.Contain("argmax"));
        var prod = Function.Compile([x], [T.Prod(x, 0), T.All(x, [0]), T.Any(x, [0])]).Call(empty);
        Assert.That(GradCheck.Doubles(prod[0]), Is.EqualTo(new[] { 1.0, 1, 1 }));
        Assert.That(prod[1].data<bool>().ToArray(), Is.All.True);
        Assert.That(prod[2].data<bool>().ToArray(), Is.All.False);
    }

    /// <summary>Shapes, values and derivative shapes with an axis of length 0 (GradCheck reads only non-empty tensors).</summary>
    [Test]
    public void Empty_axes_give_numpy_results_and_empty_gradients()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var dx = T.DMatrix("dx");
        Variable[] fs = [T.Prod(x, 0), T.Prod(x), T.Prod(x, 1), T.CumSum(x, 0), T.CumProd(x, 1), T.CumProd(x), T.Var(x, [1])];
        foreach (var (shape, i) in new long[][] { [0, 3], [2, 0] }.Select((s, i) => (s, i)))
        {
            var value = torch.zeros(shape, ScalarType.Float64);
            foreach (var f in fs)
            {
                var cost = T.Sum(f * 2.0);
                var grad = Autodiff.Grad(cost, [x])[0];
                var jvp = Autodiff.Rop([f], [x], [dx])[0];
                var outs = Function.Compile([x, dx], [f, grad, jvp]).Call(value, value);
                using var reference = f.Owner!.Op switch
                {
                    Ops.Prod p when p.Axes is null => value.prod(),
                    Ops.Prod p => value.prod(p.Axes![0]),
                    Ops.CumOp { Axis: null, Mode: "mul" } => value.reshape(-1).cumprod(0L),
                    Ops.CumOp c => c.Mode == "add" ? value.cumsum(c.Axis!.Value) : value.cumprod(c.Axis!.Value),
                    _ => value.var(1L, unbiased: false),
                };
                Assert.That(outs[0].shape, Is.EqualTo(reference.shape), $"{f} on {Kernels.Kernels.Show(shape)}");
                if (reference.NumberOfElements > 0)
                {
                    Assert.That(outs[0].allclose(reference, equal_nan: true), Is.True, $"{f} value on {Kernels.Kernels.Show(shape)}");
                }
                Assert.That(outs[1].shape, Is.EqualTo(shape), $"gradient of {f}");
                Assert.That(outs[2].shape, Is.EqualTo(reference.shape), $"tangent of {f}");
                if (outs[2].NumberOfElements > 0 && f.Owner.Op is Ops.Prod or Ops.CumOp)
                {
                    // (A variance over an empty axis is NaN, as numpy's, and so is its tangent.)
                    Assert.That(GradCheck.Doubles(outs[2]), Is.All.EqualTo(0.0), $"tangent of {f}: nothing varies");
                }
            }
        }
    }

    [Test]
    public void Ops_round_trip_through_graph_json()
    {
        var x = T.Tensor(DType.Float64, [null, null, null], "x");
        var (max, argmax) = T.MaxAndArgmax(x, [0, 2]);
        var outputs = new[]
        {
            T.Prod(x, [2, 0]), T.Prod(x), max, argmax, T.Argmax(x, 1), T.All(x, [1]), T.Any(x), T.CumSum(x, 1), T.CumProd(x),
        };
        var loaded = GraphJson.Read(GraphJson.Write([x], outputs));
        var ops = loaded.Outputs.Select(o => o.Owner!.Op).ToArray();
        Assert.That(ops, Is.EqualTo(outputs.Select(o => o.Owner!.Op).ToArray()));
        Assert.That(ops.Select(o => o.ClassName),
            Is.EqualTo(new[] { "Prod", "Prod", "MaxAndArgmax", "MaxAndArgmax", "Argmax", "All", "Any", "CumOp", "CumOp" }));
    }
}
