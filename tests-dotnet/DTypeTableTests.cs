using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;

namespace Gradient.Tests;

/// <summary>One symbolic input: dtype, static shape (null unknown, 1 broadcastable) and the run-time shape.</summary>
public sealed record In(DType DType, long?[] Type, long[] Shape)
{
    /// <summary>An input with every length unknown statically.</summary>
    public static In Of(DType dtype, params long[] shape) => new(dtype, shape.Select(_ => (long?)null).ToArray(), shape);
}

/// <summary>
/// A dtype/shape expectation written by hand from numpy's promotion table and Aesara 2.9's rules (not computed by
/// the engine): Python numbers are autocast (ints to the smallest fitting int, floats to float32 when exact or when
/// floatX is float32, else float64), true_div of integers gives floatX, reductions follow Aesara's accumulators.
/// </summary>
public sealed record DTypeCase(string Name, In[] Inputs, Func<Variable[], Variable> Build, DType Expected, long[] Shape)
{
    /// <summary>The floatX the graph is built under.</summary>
    public DType FloatX { get; init; } = DType.Float64;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// Output dtype and shape of mixed-dtype arithmetic, Python-number constants, reductions, broadcasting and shape ops:
/// the static type and the compiled result must both equal the hand-written expectation.
/// </summary>
public sealed class DTypeTableTests
{
    private static In V(DType d) => In.Of(d, 3);

    private static In M(DType d) => In.Of(d, 3, 4);

    private static IEnumerable<DTypeCase> All()
    {
        long[] v3 = [3], m34 = [3, 4], s = [];
        // Tensor-tensor promotion: numpy's table.
        yield return new("int8 + int8", [V(DType.Int8), V(DType.Int8)], x => x[0] + x[1], DType.Int8, v3);
        yield return new("int8 + int16", [V(DType.Int8), V(DType.Int16)], x => x[0] + x[1], DType.Int16, v3);
        yield return new("int8 + int32", [V(DType.Int8), V(DType.Int32)], x => x[0] + x[1], DType.Int32, v3);
        yield return new("int16 + int64", [V(DType.Int16), V(DType.Int64)], x => x[0] + x[1], DType.Int64, v3);
        yield return new("uint8 + int8", [V(DType.UInt8), V(DType.Int8)], x => x[0] + x[1], DType.Int16, v3);
        yield return new("uint8 + int16", [V(DType.UInt8), V(DType.Int16)], x => x[0] + x[1], DType.Int16, v3);
        yield return new("uint8 + int32", [V(DType.UInt8), V(DType.Int32)], x => x[0] + x[1], DType.Int32, v3);
        yield return new("bool + int8", [V(DType.Bool), V(DType.Int8)], x => x[0] + x[1], DType.Int8, v3);
        yield return new("bool + bool", [V(DType.Bool), V(DType.Bool)], x => x[0] + x[1], DType.Bool, v3);
        yield return new("int8 * float32", [V(DType.Int8), V(DType.Float32)], x => x[0] * x[1], DType.Float32, v3);
        yield return new("int16 * float32", [V(DType.Int16), V(DType.Float32)], x => x[0] * x[1], DType.Float32, v3);
        yield return new("int32 * float32", [V(DType.Int32), V(DType.Float32)], x => x[0] * x[1], DType.Float64, v3);
        yield return new("int64 * float32", [V(DType.Int64), V(DType.Float32)], x => x[0] * x[1], DType.Float64, v3);
        yield return new("uint8 * float32", [V(DType.UInt8), V(DType.Float32)], x => x[0] * x[1], DType.Float32, v3);
        yield return new("float32 + float64", [V(DType.Float32), V(DType.Float64)], x => x[0] + x[1], DType.Float64, v3);
        yield return new("float16 + float32", [V(DType.Float16), V(DType.Float32)], x => x[0] + x[1], DType.Float32, v3);
        yield return new("int8 + float16", [V(DType.Int8), V(DType.Float16)], x => x[0] + x[1], DType.Float16, v3);
        yield return new("int16 + float16", [V(DType.Int16), V(DType.Float16)], x => x[0] + x[1], DType.Float32, v3);
        yield return new("float32 + complex64", [V(DType.Float32), V(DType.Complex64)], x => x[0] + x[1], DType.Complex64, v3);
        yield return new("float64 + complex64", [V(DType.Float64), V(DType.Complex64)], x => x[0] + x[1], DType.Complex128, v3);
        yield return new("int32 * complex64", [V(DType.Int32), V(DType.Complex64)], x => x[0] * x[1], DType.Complex128, v3);
        yield return new("float32 - int8", [V(DType.Float32), V(DType.Int8)], x => x[0] - x[1], DType.Float32, v3);

        // Python numbers: Aesara's autocasting, then numpy promotion of the two dtypes.
        yield return new("int8 * 2.0 (float32 constant)", [V(DType.Int8)], x => x[0] * 2.0, DType.Float32, v3);
        yield return new("int16 * 2.0", [V(DType.Int16)], x => x[0] * 2.0, DType.Float32, v3);
        yield return new("int32 * 2.0", [V(DType.Int32)], x => x[0] * 2.0, DType.Float64, v3);
        yield return new("float32 * 2.0", [V(DType.Float32)], x => x[0] * 2.0, DType.Float32, v3);
        yield return new("float32 * 0.1 (float64 constant)", [V(DType.Float32)], x => x[0] * 0.1, DType.Float64, v3);
        yield return new("float64 * 0.5", [V(DType.Float64)], x => x[0] * 0.5, DType.Float64, v3);
        yield return new("float16 * 2.0", [V(DType.Float16)], x => x[0] * 2.0, DType.Float32, v3);
        yield return new("int8 + 2 (int8 constant)", [V(DType.Int8)], x => x[0] + 2L, DType.Int8, v3);
        yield return new("int8 + 300 (int16 constant)", [V(DType.Int8)], x => x[0] + 300L, DType.Int16, v3);
        yield return new("int8 + 70000 (int32 constant)", [V(DType.Int8)], x => x[0] + 70000L, DType.Int32, v3);
        yield return new("int8 + 2^40 (int64 constant)", [V(DType.Int8)], x => x[0] + (1L << 40), DType.Int64, v3);
        yield return new("int32 + 2", [V(DType.Int32)], x => x[0] + 2L, DType.Int32, v3);
        yield return new("float32 + 3", [V(DType.Float32)], x => x[0] + 3L, DType.Float32, v3);
        yield return new("uint8 + 1 (int8 constant)", [V(DType.UInt8)], x => x[0] + 1L, DType.Int16, v3);
        yield return new("bool + 1", [V(DType.Bool)], x => x[0] + 1L, DType.Int8, v3);
        yield return new("2.0 - int8", [V(DType.Int8)], x => 2.0 - x[0], DType.Float32, v3);

        // Division, floor division, modulo and power.
        yield return new("int32 / int32 → floatX", [V(DType.Int32), V(DType.Int32)], x => x[0] / x[1], DType.Float64, v3);
        yield return new("int8 / int8 → floatX", [V(DType.Int8), V(DType.Int8)], x => x[0] / x[1], DType.Float64, v3);
        yield return new("int8 / 2 → floatX", [V(DType.Int8)], x => x[0] / 2L, DType.Float64, v3);
        yield return new("float32 / 2", [V(DType.Float32)], x => x[0] / 2L, DType.Float32, v3);
        yield return new("float32 / int32", [V(DType.Float32), V(DType.Int32)], x => x[0] / x[1], DType.Float64, v3);
        yield return new("int64 / float32", [V(DType.Int64), V(DType.Float32)], x => x[0] / x[1], DType.Float64, v3);
        yield return new("int32 // int8", [V(DType.Int32), V(DType.Int8)], x => x[0].FloorDiv(x[1]), DType.Int32, v3);
        yield return new("float32 // 2", [V(DType.Float32)], x => T.IntDiv(x[0], T.Constant(2L)), DType.Float32, v3);
        yield return new("int8 % 3", [V(DType.Int8)], x => x[0] % 3L, DType.Int8, v3);
        yield return new("float64 % float32", [V(DType.Float64), V(DType.Float32)], x => x[0] % x[1], DType.Float64, v3);
        yield return new("float32 ** 2", [V(DType.Float32)], x => T.Pow(x[0], T.Constant(2L)), DType.Float32, v3);
        yield return new("int32 ** 2", [V(DType.Int32)], x => T.Pow(x[0], T.Constant(2L)), DType.Int32, v3);
        yield return new("bool ** bool → int8", [V(DType.Bool), V(DType.Bool)], x => T.Pow(x[0], x[1]), DType.Int8, v3);

        // Comparisons and bitwise operations.
        yield return new("float32 < float64", [V(DType.Float32), V(DType.Float64)], x => x[0] < x[1], DType.Bool, v3);
        yield return new("eq(int8, 2.5)", [V(DType.Int8)], x => T.Eq(x[0], T.Constant(2.5)), DType.Bool, v3);
        yield return new("int32 >= 1", [V(DType.Int32)], x => T.Ge(x[0], T.Constant(1L)), DType.Bool, v3);
        yield return new("neq(float32 matrix, float32 vector)", [M(DType.Float32), In.Of(DType.Float32, 4)],
            x => T.Neq(x[0], x[1]), DType.Bool, m34);
        yield return new("int8 & int16", [V(DType.Int8), V(DType.Int16)], x => x[0] & x[1], DType.Int16, v3);
        yield return new("bool | bool", [V(DType.Bool), V(DType.Bool)], x => x[0] | x[1], DType.Bool, v3);
        yield return new("~int32", [V(DType.Int32)], x => ~x[0], DType.Int32, v3);

        // Unary functions.
        yield return new("exp(int8) → float32", [V(DType.Int8)], x => T.Exp(x[0]), DType.Float32, v3);
        yield return new("exp(int32) → float64", [V(DType.Int32)], x => T.Exp(x[0]), DType.Float64, v3);
        yield return new("exp(bool) → float32", [V(DType.Bool)], x => T.Exp(x[0]), DType.Float32, v3);
        yield return new("abs(int16)", [V(DType.Int16)], x => T.Abs(x[0]), DType.Int16, v3);
        yield return new("-float32", [V(DType.Float32)], x => -x[0], DType.Float32, v3);

        // Reductions: integers sum in int64, means of integers are float64, max keeps the dtype.
        yield return new("sum(int8 matrix)", [M(DType.Int8)], x => T.Sum(x[0]), DType.Int64, s);
        yield return new("sum(bool vector)", [V(DType.Bool)], x => T.Sum(x[0]), DType.Int64, s);
        yield return new("sum(float32 matrix, axis=0)", [M(DType.Float32)], x => T.Sum(x[0], 0), DType.Float32, [4]);
        yield return new("sum(float32 tensor3, axes=[0, 2], keepdims)", [In.Of(DType.Float32, 2, 3, 4)],
            x => T.Sum(x[0], [0, 2], keepdims: true), DType.Float32, [1, 3, 1]);
        yield return new("mean(int32 matrix)", [M(DType.Int32)], x => T.Mean(x[0]), DType.Float64, s);
        yield return new("mean(float32 matrix, axis=1)", [M(DType.Float32)], x => T.Mean(x[0], 1), DType.Float32, v3);
        yield return new("mean(int8 matrix, axes=[0, 1], keepdims)", [M(DType.Int8)], x => T.Mean(x[0], [0, 1], true),
            DType.Float64, [1, 1]);
        yield return new("mean(float16 vector)", [V(DType.Float16)], x => T.Mean(x[0]), DType.Float16, s);
        yield return new("max(int16 matrix, axis=0)", [M(DType.Int16)], x => T.Max(x[0], 0), DType.Int16, [4]);
        yield return new("max(float32 tensor3, axes=[0, 2])", [In.Of(DType.Float32, 2, 3, 4)], x => T.Max(x[0], [0, 2]),
            DType.Float32, v3);
        yield return new("max(float64 matrix, keepdims)", [M(DType.Float64)], x => T.Max(x[0], keepdims: true), DType.Float64, [1, 1]);
        yield return new("max(uint8 vector, axis=-1)", [V(DType.UInt8)], x => T.Max(x[0], -1), DType.UInt8, s);

        // Broadcasting: output shape as numpy's.
        yield return new("float32 (3,4) + float64 (4,)", [M(DType.Float32), In.Of(DType.Float64, 4)], x => x[0] + x[1], DType.Float64, m34);
        yield return new("int8 col (3,1) * int32 row (1,4)", [new(DType.Int8, [null, 1], [3, 1]), new(DType.Int32, [1, null], [1, 4])],
            x => x[0] * x[1], DType.Int32, m34);
        yield return new("float32 scalar + int16 (3,4)", [In.Of(DType.Float32), M(DType.Int16)], x => x[0] + x[1], DType.Float32, m34);
        yield return new("float64 (2,3,4) * int8 (4,)", [In.Of(DType.Float64, 2, 3, 4), In.Of(DType.Int8, 4)], x => x[0] * x[1],
            DType.Float64, [2, 3, 4]);
        yield return new("int32 (3,1,4) - float32 (1,5,1)", [new(DType.Int32, [null, 1, null], [3, 1, 4]),
            new(DType.Float32, [1, null, 1], [1, 5, 1])], x => x[0] - x[1], DType.Float64, [3, 5, 4]);

        // Shape operations and products.
        yield return new("shape(float32 matrix)", [M(DType.Float32)], x => T.Shape(x[0]), DType.Int64, [2]);
        yield return new("shape(float32 matrix)[1]", [M(DType.Float32)], x => T.Shape(x[0])[1], DType.Int64, s);
        yield return new("reshape(float32 (3,4), (2,-1))", [M(DType.Float32)], x => x[0].Reshape(2, -1), DType.Float32, [2, 6]);
        yield return new("flatten(int8 tensor3)", [In.Of(DType.Int8, 2, 3, 4)], x => x[0].Flatten(), DType.Int8, [24]);
        yield return new("flatten(float32 tensor3, 2)", [In.Of(DType.Float32, 2, 3, 4)], x => x[0].Flatten(2), DType.Float32, [2, 12]);
        yield return new("float32 (3,4)[1:, ::-1]", [M(DType.Float32)], x => x[0]["1:, ::-1"], DType.Float32, [2, 4]);
        yield return new("int32 (3,4)[None, -1]", [M(DType.Int32)], x => x[0]["None, -1"], DType.Int32, [1, 4]);
        yield return new("dot(float32 matrix, float64 vector)", [M(DType.Float32), In.Of(DType.Float64, 4)], x => T.Dot(x[0], x[1]),
            DType.Float64, v3);
        yield return new("dot(int32 matrix, float32 matrix)", [M(DType.Int32), In.Of(DType.Float32, 4, 2)], x => T.Dot(x[0], x[1]),
            DType.Float64, [3, 2]);
        yield return new("dot(float32, float32)", [M(DType.Float32), In.Of(DType.Float32, 4, 2)], x => T.Dot(x[0], x[1]),
            DType.Float32, [3, 2]);

        // floatX = float32: every Python float is float32, integer division gives float32.
        yield return new("floatX=float32: float32 * 0.1", [V(DType.Float32)], x => x[0] * 0.1, DType.Float32, v3) { FloatX = DType.Float32 };
        yield return new("floatX=float32: int8 * 0.1", [V(DType.Int8)], x => x[0] * 0.1, DType.Float32, v3) { FloatX = DType.Float32 };
        yield return new("floatX=float32: int32 / int32", [V(DType.Int32), V(DType.Int32)], x => x[0] / x[1], DType.Float32, v3)
            { FloatX = DType.Float32 };
        yield return new("floatX=float32: float64 * 0.1", [V(DType.Float64)], x => x[0] * 0.1, DType.Float64, v3) { FloatX = DType.Float32 };
        yield return new("floatX=float32: T.Vector() + 1.5", [], _ => T.Vector("v") + 1.5, DType.Float32, v3)
            { FloatX = DType.Float32 };
        yield return new("floatX=float32: mlp layer stays float32", [M(DType.Float32), In.Of(DType.Float32, 4, 2), In.Of(DType.Float32, 2)],
            x => T.Mean(T.Tanh(T.Dot(x[0], x[1]) * 0.5 + x[2]) * 3.0 - 1.0, 1), DType.Float32, v3) { FloatX = DType.Float32 };
    }

    private static IEnumerable<TestCaseData> Cases() => All().Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    /// <summary>The static dtype, the static shape's rank and the compiled value's dtype and shape match the table.</summary>
    [TestCaseSource(nameof(Cases))]
    public void Output_dtype_and_shape_match_numpy_and_aesara(DTypeCase c)
    {
        var saved = Config.FloatX;
        Config.FloatX = c.FloatX;
        try
        {
            using var scope = torch.NewDisposeScope();
            var xs = c.Inputs.Select((a, i) => T.Tensor(a.DType, a.Type, $"x{i}")).ToArray();
            var y = c.Build(xs);
            Assert.That(y.DType, Is.EqualTo(c.Expected), "static dtype");
            Assert.That(y.Ndim, Is.EqualTo(c.Shape.Length), "static rank");
            var inputs = xs.Length > 0 ? xs : GraphOrder.GraphInputs([y], new HashSet<Variable>()).Where(v => v is not Constant).ToArray();
            var shapes = xs.Length > 0 ? c.Inputs.Select(a => a.Shape).ToArray() : [c.Shape];
            var values = inputs.Select((v, i) => torch.ones(shapes[i], v.DType.ToTorch())).ToArray();
            var result = Function.Compile(inputs, [y]).Call(values)[0];
            Assert.That(DTypes.FromTorch(result.dtype), Is.EqualTo(c.Expected), "run-time dtype");
            Assert.That(result.shape, Is.EqualTo(c.Shape), "run-time shape");
            Assert.That(y.Type.Mismatch(result.shape), Is.Null, "the static shape admits the run-time one");
        }
        finally
        {
            Config.FloatX = saved;
        }
    }

    /// <summary>The table has the size the issue asks for.</summary>
    [Test]
    public void Table_has_at_least_sixty_cases() => Assert.That(All().Count(), Is.GreaterThanOrEqualTo(60));

    /// <summary>Bare numbers are typed as Aesara types Python numbers.</summary>
    [TestCase(2.0, DType.Float32)]
    [TestCase(0.5, DType.Float32)]
    [TestCase(0.1, DType.Float64)]
    [TestCase(1e300, DType.Float64)]
    [TestCase(double.PositiveInfinity, DType.Float32)]
    [TestCase(double.NaN, DType.Float64)]
    public void Float_constants_are_autocast(double value, DType expected) =>
        Assert.That(T.Constant(value).DType, Is.EqualTo(expected));

    /// <summary>Integers take the smallest signed type that holds them.</summary>
    [TestCase(0L, DType.Int8)]
    [TestCase(-128L, DType.Int8)]
    [TestCase(128L, DType.Int16)]
    [TestCase(-32769L, DType.Int32)]
    [TestCase(2147483648L, DType.Int64)]
    public void Int_constants_are_autocast(long value, DType expected) =>
        Assert.That(T.Constant(value).DType, Is.EqualTo(expected));

    /// <summary>A float32 cost's gradient, pushforward and second derivative stay float32.</summary>
    [Test]
    public void Float32_graphs_stay_float32_through_derivatives()
    {
        var x = T.FVector("x");
        var cost = T.Mean(T.Tanh(x * 2.0 + 1.0) + T.Max(x) * 0.5 - T.Sqr(x["::-1"]).Sum() / 3L);
        Assert.That(cost.DType, Is.EqualTo(DType.Float32));
        var g = Autodiff.Grad(cost, x);
        Assert.That(g.DType, Is.EqualTo(DType.Float32));
        var jvp = Autodiff.Rop([cost], [x], [T.FVector("v")])[0];
        Assert.That(jvp.DType, Is.EqualTo(DType.Float32));
        var hv = Autodiff.Grad(T.Sum(g * T.FVector("u")), x);
        Assert.That(hv.DType, Is.EqualTo(DType.Float32));
        using var values = torch.tensor(new float[] { 0.5f, -1f, 2f });
        var outs = Function.Compile([x], [cost, g]).Call(values);
        Assert.That(outs.Select(o => o.dtype), Is.All.EqualTo(torch.ScalarType.Float32));
    }

    /// <summary>Complex values compute, but their gradients are refused with the op named.</summary>
    [Test]
    public void Complex_values_compute_but_gradients_are_refused()
    {
        var z = T.Vector(DType.Complex128, "z");
        var y = z * z + 1.5;
        Assert.That(y.DType, Is.EqualTo(DType.Complex128));
        using var value = torch.ones(2, dtype: torch.ScalarType.ComplexFloat64);
        Assert.That(Function.Compile([z], [y]).Call(value)[0].dtype, Is.EqualTo(torch.ScalarType.ComplexFloat64));
        var ex = Assert.Throws<NotSupportedException>(() => Autodiff.Grad(T.Sum(y), z));
        Assert.That(ex!.Message, Does.Contain("Elemwise{add}").Or.Contain("Elemwise{mul}"));
    }

    /// <summary>Booleans cannot be subtracted or negated (numpy and Aesara refuse).</summary>
    [Test]
    public void Bool_subtraction_is_rejected()
    {
        var b = T.Vector(DType.Bool);
        Assert.Throws<ArgumentException>(() => _ = b - b);
        Assert.Throws<ArgumentException>(() => _ = -b);
        Assert.Throws<ArgumentException>(() => _ = T.FVector() & T.FVector());
    }
}
