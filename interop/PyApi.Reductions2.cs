using Gradient.Graph;

namespace Gradient.Interop;

/// <summary>Reductions beyond sum/mean/max for <c>sharpgrad.tensor</c>: prod, var, std, min, argmax, all, cumsum...</summary>
public static partial class PyApi
{
    /// <summary>Applies a reduction by its Aesara name (prod, min, argmax, argmin, all, any) over <paramref name="axes"/> (null: all).</summary>
    public static Variable Reduce2(string op, Variable x, int[]? axes, bool keepdims) => op switch
    {
        "prod" => T.Prod(x, axes, keepdims),
        "min" => T.Min(x, axes, keepdims),
        "argmax" => T.Argmax(x, axes, keepdims),
        "argmin" => T.Argmin(x, axes, keepdims),
        "all" => T.All(x, axes, keepdims),
        "any" => T.Any(x, axes, keepdims),
        _ => throw new ArgumentException(
            $"reduction: expected prod, min, argmax, argmin, all or any; got '{op}'", nameof(op)),
    };

    /// <summary>Aesara's <c>var</c> (<paramref name="std"/> false) or <c>std</c>.</summary>
    public static Variable Variance(Variable x, int[]? axes, int ddof, bool keepdims, bool corrected, bool std) =>
        std ? T.Std(x, axes, ddof, keepdims, corrected) : T.Var(x, axes, ddof, keepdims, corrected);

    /// <summary>Aesara's <c>max_and_argmax</c>: both outputs of one node.</summary>
    public static Variable[] MaxAndArgmax(Variable x, int[]? axes, bool keepdims)
    {
        var (max, argmax) = T.MaxAndArgmax(x, axes, keepdims);
        return [max, argmax];
    }

    /// <summary>Cumulative sum (<paramref name="product"/> false) or product along <paramref name="axis"/> (null: flattened).</summary>
    public static Variable Cumulative(Variable x, int? axis, bool product) =>
        product ? T.CumProd(x, axis) : T.CumSum(x, axis);
}
