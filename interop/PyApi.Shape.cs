using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Interop;

/// <summary>Shapes, reshaping, indexing and axis shuffles for <c>sharpgrad.tensor</c>.</summary>
public static partial class PyApi
{
    /// <summary>The symbolic shape (int64 vector).</summary>
    public static Variable Shape(Variable x) => T.Shape(x);

    /// <summary>The symbolic length of one axis (int64 scalar).</summary>
    public static Variable ShapeI(Variable x, int axis) => T.ShapeI(x, axis);

    /// <summary>An int64 vector from integer scalars.</summary>
    public static Variable MakeVector(Variable[] items) => T.MakeVector(items);

    /// <summary>Reshape to a symbolic integer vector.</summary>
    public static Variable Reshape(Variable x, Variable shape) => T.Reshape(x, shape);

    /// <summary>Aesara's <c>flatten(x, ndim)</c>.</summary>
    public static Variable Flatten(Variable x, int ndim) => T.Flatten(x, ndim);

    /// <summary>DimShuffle; -1 in <paramref name="order"/> is Aesara's <c>'x'</c>.</summary>
    public static Variable DimShuffle(Variable x, int[] order) => T.DimShuffle(x, order);

    /// <summary>Basic indexing; entries in numpy notation (<c>"2"</c>, <c>"1:5:-1"</c>) or <c>"None"</c> for a new axis.</summary>
    public static Variable Index(Variable x, string[] entries) =>
        T.Index(x, entries.Select(e => e == "None" ? (IndexEntry?)null : IndexEntry.Parse(e)).ToArray());

    /// <summary>set_subtensor (<paramref name="set"/>) or inc_subtensor with integer and slice entries.</summary>
    public static Variable IncSubtensor(Variable x, string[] entries, Variable y, bool set)
    {
        var parsed = entries.Select(IndexEntry.Parse).ToArray();
        return set ? T.SetSubtensor(x, parsed, y) : T.IncSubtensor(x, parsed, y);
    }
}
