using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient;

/// <summary>Reductions beyond sum, mean and max: prod, var, std, min, argmax/argmin, all/any, cumsum/cumprod.</summary>
public static partial class T
{
    /// <summary>
    /// The product over all axes (<paramref name="axes"/> null) or over <paramref name="axes"/> (negative count from
    /// the end); integers multiply to int64. Its gradient is exact when factors are zero.
    /// </summary>
    public static Variable Prod(Variable x, IReadOnlyList<int>? axes = null, bool keepdims = false) =>
        Reduce(x, axes, keepdims, "prod", a => new Ops.Prod(a));

    /// <summary>The product over one axis.</summary>
    public static Variable Prod(Variable x, int axis, bool keepdims = false) => Prod(x, [axis], keepdims);

    /// <summary>
    /// Aesara's <c>var</c>: the mean of squared deviations from the mean over <paramref name="axes"/> (all when null).
    /// With <paramref name="ddof"/> ≠ 0 the sum of squares is divided by (n_i - ddof) for each reduced axis i, as
    /// Aesara does; <paramref name="corrected"/> subtracts the two-pass correction term.
    /// </summary>
    public static Variable Var(Variable x, IReadOnlyList<int>? axes = null, int ddof = 0, bool keepdims = false,
        bool corrected = false)
    {
        Guard.NotNull(x);
        var normal = axes is null ? Enumerable.Range(0, x.Ndim).ToArray() : NormalAxes(x, axes, "var");
        var centered = x - Mean(x, normal, keepdims: true);
        Variable v;
        if (ddof == 0)
        {
            v = Mean(Sqr(centered), normal, keepdims);
        }
        else
        {
            v = Sum(Sqr(centered), normal, keepdims);
            foreach (int i in normal)
            {
                v = TrueDiv(v, ShapeI(x, i) - Constant((long)ddof));
            }
        }
        if (corrected)
        {
            Variable error;
            if (ddof == 0)
            {
                error = Sqr(Mean(centered, normal, keepdims));
            }
            else
            {
                error = Sqr(Sum(centered, normal, keepdims));
                foreach (int i in normal)
                {
                    error = TrueDiv(error, (ShapeI(x, i) - Constant((long)ddof)) * ShapeI(x, i));
                }
            }
            v = v - error;
        }
        v.Name = "var";
        return v;
    }

    /// <summary>Aesara's <c>std</c>: the square root of <see cref="Var"/>.</summary>
    public static Variable Std(Variable x, IReadOnlyList<int>? axes = null, int ddof = 0, bool keepdims = false,
        bool corrected = false)
    {
        Guard.NotNull(x);
        var v = Var(x, axes is null ? null : NormalAxes(x, axes, "std"), ddof, keepdims, corrected);
        var s = Pow(v, Cast(Constant(0.5), v.DType.IsFloat() ? v.DType : Config.FloatX));
        s.Name = "std";
        return s;
    }

    /// <summary>
    /// The minimum over all axes or over <paramref name="axes"/>, as Aesara builds it: <c>-max(-x)</c> for floats and
    /// signed integers, <c>m - max(m - x)</c> for uint8 (m = 255), <c>~max(~x)</c> for booleans.
    /// </summary>
    public static Variable Min(Variable x, IReadOnlyList<int>? axes = null, bool keepdims = false)
    {
        Guard.NotNull(x);
        axes = axes is null ? null : NormalAxes(x, axes, "min");
        return x.DType switch
        {
            DType.Bool => Invert(Max(Invert(x), axes, keepdims)),
            DType.UInt8 => Uint8Max() - Max(Uint8Max() - x, axes, keepdims),
            _ => -Max(-x, axes, keepdims),
        };
    }

    /// <summary>The minimum over one axis.</summary>
    public static Variable Min(Variable x, int axis, bool keepdims = false) => Min(x, [axis], keepdims);

    /// <summary>
    /// The position (int64) of the maximum over all axes (flattened) or over <paramref name="axes"/>; no gradient.
    /// </summary>
    public static Variable Argmax(Variable x, IReadOnlyList<int>? axes = null, bool keepdims = false) =>
        Reduce(x, axes, keepdims, "argmax", a => new Ops.Argmax(a));

    /// <summary>The position of the maximum along one axis.</summary>
    public static Variable Argmax(Variable x, int axis, bool keepdims = false) => Argmax(x, [axis], keepdims);

    /// <summary>The position (int64) of the minimum, as Aesara builds it: the argmax of -x (of 255 - x, of ~x).</summary>
    public static Variable Argmin(Variable x, IReadOnlyList<int>? axes = null, bool keepdims = false)
    {
        Guard.NotNull(x);
        axes = axes is null ? null : NormalAxes(x, axes, "argmin");
        return x.DType switch
        {
            DType.Bool => Argmax(Invert(x), axes, keepdims),
            DType.UInt8 => Argmax(Uint8Max() - x, axes, keepdims),
            _ => Argmax(-x, axes, keepdims),
        };
    }

    /// <summary>The position of the minimum along one axis.</summary>
    public static Variable Argmin(Variable x, int axis, bool keepdims = false) => Argmin(x, [axis], keepdims);

    /// <summary>Aesara's <c>max_and_argmax</c>: the maximum and its position, from one node.</summary>
    public static (Variable Max, Variable Argmax) MaxAndArgmax(Variable x, IReadOnlyList<int>? axes = null,
        bool keepdims = false)
    {
        Guard.NotNull(x);
        var normal = axes is null ? Enumerable.Range(0, x.Ndim).ToArray() : NormalAxes(x, axes, "max_and_argmax");
        var node = new Ops.MaxAndArgmax(axes is null ? null : normal).MakeNode(x);
        return (KeepDims(node.Outputs[0], x.Ndim, normal, keepdims), KeepDims(node.Outputs[1], x.Ndim, normal, keepdims));
    }

    /// <summary>True where every element over <paramref name="axes"/> (all when null) is non-zero (bool; no gradient).</summary>
    public static Variable All(Variable x, IReadOnlyList<int>? axes = null, bool keepdims = false) =>
        Reduce(x, axes, keepdims, "all", a => new Ops.All(a));

    /// <summary>True where some element over <paramref name="axes"/> (all when null) is non-zero (bool; no gradient).</summary>
    public static Variable Any(Variable x, IReadOnlyList<int>? axes = null, bool keepdims = false) =>
        Reduce(x, axes, keepdims, "any", a => new Ops.Any(a));

    /// <summary>Cumulative sum along <paramref name="axis"/> (negative counts from the end), or of the flattened x when null.</summary>
    public static Variable CumSum(Variable x, int? axis = null) =>
        new Ops.CumOp(NormalizeAxis("cumsum", x, axis), "add").Call(x);

    /// <summary>Cumulative product along <paramref name="axis"/>, or of the flattened x when null; exact gradient with zeros.</summary>
    public static Variable CumProd(Variable x, int? axis = null) =>
        new Ops.CumOp(NormalizeAxis("cumprod", x, axis), "mul").Call(x);

    private static Variable Reduce(Variable x, IReadOnlyList<int>? axes, bool keepdims, string fn,
        Func<IReadOnlyList<int>?, Op> op)
    {
        Guard.NotNull(x);
        var normal = axes is null ? Enumerable.Range(0, x.Ndim).ToArray() : NormalAxes(x, axes, fn);
        return KeepDims(op(axes is null ? null : normal).Call(x), x.Ndim, normal, keepdims);
    }

    private static Variable Uint8Max()
    {
        using var t = TorchSharp.torch.tensor((byte)255, TorchSharp.torch.ScalarType.Byte);
        return Constant(t);
    }
}
