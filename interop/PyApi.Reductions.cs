using Gradient.Graph;

namespace Gradient.Interop;

/// <summary>Reductions over several axes for <c>sharpgrad.tensor</c>.</summary>
public static partial class PyApi
{
    /// <summary>Sum over <paramref name="axes"/> (null: all axes).</summary>
    public static Variable SumAxes(Variable x, int[]? axes, bool keepdims) =>
        axes is null ? T.Sum(x, keepdims: keepdims) : T.Sum(x, axes, keepdims);

    /// <summary>Mean over <paramref name="axes"/> (null: all axes).</summary>
    public static Variable Mean(Variable x, int[]? axes, bool keepdims) => T.Mean(x, axes, keepdims);

    /// <summary>Maximum over <paramref name="axes"/> (null: all axes).</summary>
    public static Variable Max(Variable x, int[]? axes, bool keepdims) => T.Max(x, axes, keepdims);
}
