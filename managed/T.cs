using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using TorchSharp;

namespace Gradient;

/// <summary>
/// The tensor API (Aesara's <c>aesara.tensor</c>): variable constructors and the operations, each building a graph
/// node.
/// </summary>
public static partial class T
{
    private static readonly Elemwise s_add = new(ScalarOps.Add), s_sub = new(ScalarOps.Sub), s_mul = new(ScalarOps.Mul),
        s_div = new(ScalarOps.TrueDiv), s_pow = new(ScalarOps.Pow), s_neg = new(ScalarOps.Neg), s_exp = new(ScalarOps.Exp),
        s_log = new(ScalarOps.Log), s_tanh = new(ScalarOps.Tanh), s_sqr = new(ScalarOps.Sqr),
        s_second = new(ScalarOps.Second);

    /// <summary>A symbolic tensor of <paramref name="dtype"/> and static <paramref name="shape"/> (null: unknown).</summary>
    public static Variable Tensor(DType dtype, IReadOnlyList<long?> shape, string? name = null)
    {
        Guard.NotNull(shape);
        Guard.Defined(dtype);
        return new(new TensorType(dtype, shape), null, 0, name);
    }

    /// <summary>A 0-d tensor of <see cref="Config.FloatX"/>.</summary>
    public static Variable Scalar(string? name = null) => Tensor(Config.FloatX, [], name);

    /// <summary>A vector of <see cref="Config.FloatX"/>.</summary>
    public static Variable Vector(string? name = null) => Tensor(Config.FloatX, [null], name);

    /// <summary>A matrix of <see cref="Config.FloatX"/>.</summary>
    public static Variable Matrix(string? name = null) => Tensor(Config.FloatX, [null, null], name);

    /// <summary>A float64 scalar.</summary>
    public static Variable DScalar(string? name = null) => Tensor(DType.Float64, [], name);

    /// <summary>A float64 vector.</summary>
    public static Variable DVector(string? name = null) => Tensor(DType.Float64, [null], name);

    /// <summary>A float64 matrix.</summary>
    public static Variable DMatrix(string? name = null) => Tensor(DType.Float64, [null, null], name);

    /// <summary>A float32 scalar.</summary>
    public static Variable FScalar(string? name = null) => Tensor(DType.Float32, [], name);

    /// <summary>A float32 vector.</summary>
    public static Variable FVector(string? name = null) => Tensor(DType.Float32, [null], name);

    /// <summary>A float32 matrix.</summary>
    public static Variable FMatrix(string? name = null) => Tensor(DType.Float32, [null, null], name);

    /// <summary>A constant holding a copy of <paramref name="value"/>.</summary>
    public static Constant Constant(torch.Tensor value, string? name = null)
    {
        Guard.NotNull(value);
        return new(value, weak: false, name);
    }

    /// <summary>
    /// A constant from a bare float, typed as Aesara 2.9 types a Python float (<c>aesara.scalar.basic.convert</c> →
    /// <c>autocast_float</c>, with the default <c>cast_policy='custom'</c>): float32 when <see cref="Config.FloatX"/>
    /// is float32; otherwise float32 when float32 holds the value exactly (2.0, 0.5, inf), else float64 (0.1, NaN).
    /// </summary>
    public static Constant Constant(double value)
    {
        var dtype = AutocastFloat(value);
        return Graph.Constant.Adopt(
            Graph.Constant.SharedScalar(BitConverter.DoubleToInt64Bits(value), isFloat: true, dtype,
                static (v, d) => Kernels.Kernels.Scalar(BitConverter.Int64BitsToDouble(v), d)),
            weak: true);
    }

    /// <summary>
    /// A constant from a bare integer, of the smallest of int8, int16, int32 and int64 that holds it (Aesara's
    /// <c>autocast_int</c>).
    /// </summary>
    public static Constant Constant(long value)
    {
        return Graph.Constant.Adopt(
            Graph.Constant.SharedScalar(value, isFloat: false, AutocastInt(value),
                static (v, d) => torch.tensor(v, d.ToTorch())),
            weak: true);
    }

    /// <summary>The dtype Aesara gives a Python float: see <see cref="Constant(double)"/>.</summary>
    public static DType AutocastFloat(double value) =>
        Config.FloatX == DType.Float32 || (double)(float)value == value ? DType.Float32 : DType.Float64;

    /// <summary>The dtype Aesara gives a Python int: the smallest signed integer type that holds it.</summary>
    public static DType AutocastInt(long value) => value switch
    {
        >= sbyte.MinValue and <= sbyte.MaxValue => DType.Int8,
        >= short.MinValue and <= short.MaxValue => DType.Int16,
        >= int.MinValue and <= int.MaxValue => DType.Int32,
        _ => DType.Int64,
    };

    /// <summary>Element-wise <c>a + b</c> with broadcasting.</summary>
    public static Variable Add(Variable a, Variable b) => s_add.Call(a, b);

    /// <summary>Element-wise <c>a - b</c>.</summary>
    public static Variable Sub(Variable a, Variable b) => s_sub.Call(a, b);

    /// <summary>Element-wise <c>a * b</c>.</summary>
    public static Variable Mul(Variable a, Variable b) => s_mul.Call(a, b);

    /// <summary>Element-wise true division; integers give floats.</summary>
    public static Variable TrueDiv(Variable a, Variable b) => s_div.Call(a, b);

    /// <summary>Element-wise <c>a ** b</c>.</summary>
    public static Variable Pow(Variable a, Variable b) => s_pow.Call(a, b);

    /// <summary>Element-wise <c>-x</c>.</summary>
    public static Variable Neg(Variable x) => s_neg.Call(x);

    /// <summary>Element-wise <c>exp(x)</c>.</summary>
    public static Variable Exp(Variable x) => s_exp.Call(x);

    /// <summary>Element-wise natural logarithm.</summary>
    public static Variable Log(Variable x) => s_log.Call(x);

    /// <summary>Element-wise hyperbolic tangent.</summary>
    public static Variable Tanh(Variable x) => s_tanh.Call(x);

    /// <summary>Element-wise square.</summary>
    public static Variable Sqr(Variable x) => s_sqr.Call(x);

    /// <summary><paramref name="value"/> broadcast to the shape of <paramref name="like"/> (Aesara's <c>second</c>/<c>fill</c>).</summary>
    public static Variable Second(Variable like, Variable value) => s_second.Call(like, value);

    /// <summary>Zeros shaped and typed like <paramref name="x"/> (floats for discrete x, as gradients are never integers).</summary>
    public static Variable ZerosLike(Variable x, DType? dtype = null)
    {
        Guard.NotNull(x);
        return Second(x, Cast(Constant(0L), dtype ?? (x.DType.IsDiscrete() ? Config.FloatX : x.DType)));
    }

    /// <summary>Ones shaped and typed like <paramref name="x"/>.</summary>
    public static Variable OnesLike(Variable x, DType? dtype = null)
    {
        Guard.NotNull(x);
        return Second(x, Cast(Constant(1L), dtype ?? (x.DType.IsDiscrete() ? Config.FloatX : x.DType)));
    }

    /// <summary>Conversion to <paramref name="dtype"/>.</summary>
    public static Variable Cast(Variable x, DType dtype)
    {
        Guard.NotNull(x);
        Guard.Defined(dtype);
        return x.DType == dtype ? x : new Elemwise(ScalarOps.Cast(dtype)).Call(x);
    }

    /// <summary>Sum over all axes, or over <paramref name="axis"/> (negative counts from the end).</summary>
    public static Variable Sum(Variable x, int? axis = null, bool keepdims = false)
    {
        Guard.NotNull(x);
        if (axis is null)
        {
            var all = new Sum(null).Call(x);
            return keepdims ? DimShuffle(all, Enumerable.Repeat(-1, x.Ndim).ToArray()) : all;
        }
        int a = axis.Value < 0 ? axis.Value + x.Ndim : axis.Value;
        if (a < 0 || a >= x.Ndim)
        {
            throw new ArgumentException($"sum: axis {axis} is out of range for {x.Type}", nameof(axis));
        }
        var summed = new Sum([a]).Call(x);
        if (!keepdims)
        {
            return summed;
        }
        int kept = 0;
        return DimShuffle(summed, Enumerable.Range(0, x.Ndim).Select(i => i == a ? -1 : kept++).ToArray());
    }

    /// <summary>Sum over several <paramref name="axes"/>.</summary>
    public static Variable Sum(Variable x, IReadOnlyList<int> axes)
    {
        Guard.NotNull(x);
        Guard.NotNull(axes);
        return new Sum(axes).Call(x);
    }

    /// <summary>numpy's <c>dot</c> for ranks 1 and 2.</summary>
    public static Variable Dot(Variable a, Variable b) => Ops.Dot.Instance.Call(a, b);

    /// <summary>Permutes and inserts (-1) or drops broadcastable axes.</summary>
    public static Variable DimShuffle(Variable x, IReadOnlyList<int> order)
    {
        Guard.NotNull(x);
        Guard.NotNull(order);
        return Ops.DimShuffle.IsIdentity(order, x.Ndim) ? x : new DimShuffle(order).Call(x);
    }

    /// <summary>Reverses the axes.</summary>
    public static Variable Transpose(Variable x)
    {
        Guard.NotNull(x);
        return DimShuffle(x, Enumerable.Range(0, x.Ndim).Reverse().ToArray());
    }

    /// <summary>Adds leading broadcastable axes up to rank <paramref name="ndim"/>, as numpy broadcasting does.</summary>
    public static Variable PadLeft(Variable x, int ndim)
    {
        Guard.NotNull(x);
        if (ndim < x.Ndim)
        {
            throw new ArgumentException($"PadLeft: ndim {ndim} is smaller than the rank of {x.Type}", nameof(ndim));
        }
        // Plain loops: every operation with a bare number pads it (gradients of large graphs, by the hundred thousand).
        var order = new int[ndim];
        int added = ndim - x.Ndim;
        for (int i = 0; i < ndim; i++)
        {
            order[i] = i < added ? -1 : i - added;
        }
        return DimShuffle(x, order);
    }
}
