using Gradient.Graph;
using static Gradient.Ops.ScalarOp;
using K = Gradient.Kernels.Kernels;

namespace Gradient.Ops;

/// <summary>The three-input element-wise functions: <c>clip</c> and <c>switch</c>.</summary>
public static partial class ScalarOps
{
    /// <summary>
    /// Aesara's <c>clip(x, min, max)</c> = <c>x &lt; min ? min : x &gt; max ? max : x</c>. Where x equals a bound the
    /// output counts as x, so the gradient goes to x (Aesara's documented rule: x gets it where min ≤ x ≤ max, min
    /// where x &lt; min, max where x &gt; max). When min &gt; max and x lies below min (and above max), the output is
    /// min and here only min gets the gradient; Aesara also sends a copy to max there, which double-counts.
    /// </summary>
    public static readonly ScalarOp Clip = new("clip", 3, NoComplex("clip"), t => K.Clip(t[0], t[1], t[2]),
        (x, y, gy) =>
        {
            var (below, above, inside) = ClipRegions(x);
            return [T.Switch(inside, gy, Zero(gy)), T.Switch(below, gy, Zero(gy)), T.Switch(above, gy, Zero(gy))];
        },
        (x, y, dx) =>
        {
            var (below, above, _) = ClipRegions(x);
            return T.Switch(below, dx[1] ?? Zero(y), T.Switch(above, dx[2] ?? Zero(y), dx[0] ?? Zero(y)));
        });

    /// <summary>
    /// Aesara's <c>switch(cond, ift, iff)</c> (numpy's <c>where</c>): ift where cond is non-zero, else iff. The
    /// output dtype is the promotion of ift and iff (a boolean cond does not change it; <see cref="T.Switch"/> casts
    /// other conditions to bool when they would). The gradient goes to ift where cond holds and to iff elsewhere;
    /// cond gets zeros, as in Aesara (a small change of it never changes which branch is taken).
    /// </summary>
    public static readonly ScalarOp Switch = new("switch", 3, Same, t => K.Switch(t[0], t[1], t[2]),
        (x, y, gy) => [T.ZerosLike(gy), T.Switch(x[0], gy, Zero(gy)), T.Switch(x[0], Zero(gy), gy)],
        (x, y, dx) => dx[1] is null && dx[2] is null ? null : T.Switch(x[0], dx[1] ?? Zero(y), dx[2] ?? Zero(y)));

    /// <summary>Where clip's output is min (x &lt; min), max (x ≥ min and x &gt; max) and x itself.</summary>
    private static (Variable Below, Variable Above, Variable Inside) ClipRegions(Variable[] x)
    {
        var below = T.Lt(x[0], x[1]);
        var notBelow = T.Ge(x[0], x[1]);
        return (below, T.And(notBelow, T.Gt(x[0], x[2])), T.And(notBelow, T.Le(x[0], x[2])));
    }
}
