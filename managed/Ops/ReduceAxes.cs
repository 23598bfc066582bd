using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Ops;

/// <summary>Axis bookkeeping shared by the reductions: validation, output shapes and restoring reduced axes.</summary>
internal static class ReduceAxes
{
    /// <summary>Checks that <paramref name="axes"/> (null: all) are distinct axes of <paramref name="x"/>.</summary>
    public static void Check(Op op, Variable x, IReadOnlyList<int>? axes)
    {
        if (axes is not null && (axes.Any(a => a < 0 || a >= x.Ndim) || axes.Distinct().Count() != axes.Count))
        {
            throw new ArgumentException(
                $"{op}: expected distinct axes in [0, {x.Ndim}) for {x.Type}; got [{string.Join(", ", axes)}]");
        }
    }

    /// <summary>
    /// Checks an ordered reduction (max, argmax): a real input, distinct axes, and no reduced axis of static length 0
    /// (<paramref name="what"/> names what needs a value, e.g. "a maximum").
    /// </summary>
    public static void CheckOrdered(Op op, Variable x, IReadOnlyList<int>? axes, string what)
    {
        if (x.DType.IsComplex())
        {
            throw new NotSupportedException($"{op}: complex inputs have no order; got {x.Type}");
        }
        Check(op, x, axes);
        foreach (int a in Enumerable.Range(0, x.Ndim).Where(a => Reduces(axes, a)))
        {
            if (x.Type.Shape[a] == 0)
            {
                throw new ArgumentException($"{op}: axis {a} of {x.Type} is empty; {what} needs at least one value");
            }
        }
    }

    /// <summary>Whether <paramref name="axis"/> is reduced.</summary>
    public static bool Reduces(IReadOnlyList<int>? axes, int axis) => axes is null || axes.Contains(axis);

    /// <summary>The static shape of <paramref name="x"/> without the reduced axes.</summary>
    public static long?[] Kept(Variable x, IReadOnlyList<int>? axes) =>
        Enumerable.Range(0, x.Ndim).Where(a => !Reduces(axes, a)).Select(a => x.Type.Shape[a]).ToArray();

    /// <summary>The DimShuffle order that puts the reduced axes back with length 1.</summary>
    public static int[] KeepDims(int ndim, IReadOnlyList<int>? axes)
    {
        int kept = 0;
        return Enumerable.Range(0, ndim).Select(a => Reduces(axes, a) ? -1 : kept++).ToArray();
    }

    /// <summary>A reduced value spread back over the reduced axes of an input of rank <paramref name="ndim"/>.</summary>
    public static Variable Spread(Variable reduced, int ndim, IReadOnlyList<int>? axes) =>
        T.DimShuffle(reduced, KeepDims(ndim, axes));

    /// <summary>Text for ToString: <c>[0, 2]</c> or <c>None</c>.</summary>
    public static string Show(IReadOnlyList<int>? axes) => axes is null ? "None" : "[" + string.Join(", ", axes) + "]";

    /// <summary>Gives <paramref name="g"/> the dtype of <paramref name="x"/> (null for a discrete x: no gradient).</summary>
    public static Variable? Typed(Variable g, Variable x) =>
        x.DType.IsDiscrete() ? null : g.DType == x.DType ? g : T.Cast(g, x.DType);

    /// <summary>
    /// Sums a gradient of rank ≥ x's rank back to x's shape: over the leading axes x lacks and over the axes along
    /// which x (static length 1) was broadcast.
    /// </summary>
    public static Variable SumTo(Variable g, Variable x)
    {
        int lead = g.Ndim - x.Ndim;
        var summed = Enumerable.Range(0, g.Ndim)
            .Where(a => a < lead || (x.Type.Shape[a - lead] == 1 && g.Type.Shape[a] != 1))
            .ToArray();
        if (summed.Length == 0)
        {
            return g;
        }
        var reduced = T.Sum(g, summed);
        int kept = 0;
        var order = Enumerable.Range(lead, x.Ndim).Select(a => summed.Contains(a) ? -1 : kept++).ToArray();
        return T.DimShuffle(reduced, order);
    }
}
