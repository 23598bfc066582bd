using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;

namespace Gradient;

public static partial class T
{
    /// <summary>The run-time shape of <paramref name="x"/> as an int64 vector (Aesara's <c>x.shape</c>); disconnected for gradients.</summary>
    public static Variable Shape(Variable x) => new Ops.Shape().Call(x);

    /// <summary>The run-time length of axis <paramref name="axis"/> (negative counts from the end) as an int64 scalar.</summary>
    public static Variable ShapeI(Variable x, int axis) => new ShapeI(axis < 0 ? axis + x.Ndim : axis).Call(x);

    /// <summary>An int64 vector of integer scalars (Aesara's <c>MakeVector</c>), e.g. for a reshape target.</summary>
    public static Variable MakeVector(params Variable[] items)
    {
        Guard.NoNulls(items);
        return new MakeVector("int64").Call(items);
    }

    /// <summary>Reshapes <paramref name="x"/> to <paramref name="shape"/> (one entry may be -1).</summary>
    public static Variable Reshape(Variable x, params long[] shape)
    {
        Guard.NotNull(x);
        Guard.NotNull(shape);
        using var t = TorchSharp.torch.tensor(shape, TorchSharp.torch.ScalarType.Int64);
        return Reshape(x, Constant(t));
    }

    /// <summary>Reshapes <paramref name="x"/> to the integer vector <paramref name="shape"/> (its length must be known).</summary>
    public static Variable Reshape(Variable x, Variable shape)
    {
        Guard.NotNull(shape);
        if (shape.Ndim != 1 || shape.Type.Shape[0] is not long n)
        {
            throw new ArgumentException($"reshape: the shape must be a vector of known length; got {shape.Type}", nameof(shape));
        }
        return new Reshape((int)n).Call(x, shape);
    }

    /// <summary>Keeps the first <paramref name="ndim"/> - 1 axes and joins the rest (Aesara's <c>flatten</c>).</summary>
    public static Variable Flatten(Variable x, int ndim = 1) => new Flatten(ndim).Call(x);

    /// <summary>
    /// Basic indexing in numpy's notation, e.g. <c>"1:3, ::-1"</c>, <c>"-1"</c>, <c>"None, 0"</c>: integers, slices and
    /// <c>None</c>/<c>newaxis</c> (a new axis of length 1), one entry per leading axis.
    /// </summary>
    public static Variable Index(Variable x, string index)
    {
        Guard.NotNull(x);
        Guard.NotNull(index);
        var parts = index.Split(',').Select(p => p.Trim()).ToList();
        if (parts.Count > 0 && parts[^1].Length == 0)
        {
            parts.RemoveAt(parts.Count - 1); // "1," as numpy allows
        }
        return Index(x, parts.Select(p => p is "None" or "newaxis" or "np.newaxis" ? (IndexEntry?)null : IndexEntry.Parse(p))
            .ToArray());
    }

    /// <summary>Basic indexing; a null entry inserts a new axis of length 1 (numpy's <c>newaxis</c>).</summary>
    public static Variable Index(Variable x, IReadOnlyList<IndexEntry?> entries)
    {
        Guard.NotNull(x);
        Guard.NotNull(entries);
        var real = entries.Where(e => e is not null).Select(e => e!.Value).ToList();
        var y = real.Count == 0 ? x : Subtensor(x, real);
        if (real.Count == entries.Count)
        {
            return y;
        }
        // Where each new axis lands in the result: after the axes produced so far by the entries before it.
        var order = new List<int>();
        int produced = 0;
        foreach (var e in entries)
        {
            if (e is null)
            {
                order.Add(-1);
            }
            else if (e.Value.IsSlice)
            {
                order.Add(produced++);
            }
        }
        order.AddRange(Enumerable.Range(produced, y.Ndim - produced));
        return DimShuffle(y, order);
    }

    /// <summary><c>x[entries]</c> for integer and slice entries; <c>Shape(v)[i]</c> becomes <c>Shape_i</c>.</summary>
    public static Variable Subtensor(Variable x, IReadOnlyList<IndexEntry> entries)
    {
        Guard.NotNull(x);
        Guard.NotNull(entries);
        if (x.Owner is { Op: Ops.Shape } owner && entries.Count == 1 && !entries[0].IsSlice)
        {
            var v = owner.Inputs[0];
            var (i, _, _) = entries[0].Resolve(v.Ndim, 0);
            return ShapeI(v, (int)i);
        }
        return new Subtensor(entries.Select(e => e.ToString()).ToArray()).Call(x);
    }

    /// <summary>x with <c>x[entries]</c> replaced by <paramref name="y"/> (Aesara's <c>set_subtensor</c>).</summary>
    public static Variable SetSubtensor(Variable x, IReadOnlyList<IndexEntry> entries, Variable y)
    {
        Guard.NotNull(entries);
        return new IncSubtensor(entries.Select(e => e.ToString()).ToArray(), true).Call(x, y);
    }

    /// <summary>x with <c>x[entries]</c> incremented by <paramref name="y"/> (Aesara's <c>inc_subtensor</c>).</summary>
    public static Variable IncSubtensor(Variable x, IReadOnlyList<IndexEntry> entries, Variable y)
    {
        Guard.NotNull(entries);
        return new IncSubtensor(entries.Select(e => e.ToString()).ToArray(), false).Call(x, y);
    }
}
