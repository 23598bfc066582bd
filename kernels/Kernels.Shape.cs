using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>Shape, reshaping, basic indexing and max reductions, each checked before the native call.</summary>
public static partial class Kernels
{
    /// <summary>The shape of <paramref name="x"/> as an int64 vector, on x's device.</summary>
    public static Tensor ShapeOf(Tensor x) => torch.tensor(x.Lengths(), ScalarType.Int64, device: x.device);

    /// <summary>The length of axis <paramref name="axis"/> as an int64 scalar, on x's device.</summary>
    public static Tensor ShapeAt(Tensor x, int axis)
    {
        if (axis < 0 || axis >= x.dim())
        {
            throw new ArgumentException($"Shape_i: axis {axis} is out of range for a tensor of shape {Show(x.Lengths())}");
        }
        return torch.tensor(x.Lengths()[axis], ScalarType.Int64, device: x.device);
    }

    /// <summary>
    /// Stacks 0-d integer tensors into an int64 vector (Aesara's <c>MakeVector</c>) on <paramref name="device"/>
    /// (the items' device when null; the CPU when there are none).
    /// </summary>
    public static Tensor MakeVector(Tensor[] items, Device? device = null)
    {
        var values = new long[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i].dim() != 0)
            {
                throw new ArgumentException($"MakeVector: item {i} expected a 0-d tensor; got shape {Show(items[i].Lengths())}");
            }
            using var asLong = items[i].to_type(ScalarType.Int64);
            values[i] = asLong.item<long>();
        }
        return torch.tensor(values, ScalarType.Int64, device: device ?? (items.Length > 0 ? items[0].device : torch.CPU));
    }

    /// <summary>
    /// numpy's <c>reshape</c>: one length may be -1 (inferred). The new shape must hold exactly the same number of
    /// elements.
    /// </summary>
    public static Tensor Reshape(Tensor x, long[] shape)
    {
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1 && unknown < 0)
            {
                unknown = i;
            }
            else if (shape[i] < 0)
            {
                throw new ArgumentException(
                    $"reshape: expected lengths >= 0 and at most one -1; got {Show(shape)}");
            }
            else
            {
                known *= shape[i];
            }
        }
        long size = x.NumberOfElements;
        if (unknown >= 0 ? known == 0 || size % known != 0 : known != size)
        {
            throw new ArgumentException($"reshape: cannot reshape array of size {size} into shape {Show(shape)}");
        }
        var target = shape.ToArray();
        if (unknown >= 0)
        {
            target[unknown] = size / known;
        }
        return x.reshape(target);
    }

    /// <summary>Keeps the first <paramref name="ndim"/> - 1 axes and joins the rest into one (Aesara's <c>flatten</c>).</summary>
    public static Tensor Flatten(Tensor x, int ndim)
    {
        if (ndim < 1 || (ndim > 1 && ndim > x.dim()))
        {
            throw new ArgumentException($"flatten: ndim must be in [1, {Math.Max(1, x.dim())}]; got {ndim}");
        }
        var shape = x.Lengths().Take(ndim - 1).Append(x.Lengths().Skip(ndim - 1).Aggregate(1L, (a, b) => a * b)).ToArray();
        return x.reshape(shape);
    }

    /// <summary>The maximum over <paramref name="axes"/> (all axes when null); reduced axes must not be empty.</summary>
    public static Tensor Max(Tensor x, long[]? axes)
    {
        var reduced = axes ?? Enumerable.Range(0, (int)x.dim()).Select(a => (long)a).ToArray();
        foreach (long axis in reduced)
        {
            if (axis < 0 || axis >= x.dim())
            {
                throw new ArgumentException($"max: axis {axis} is out of range for a tensor of rank {x.dim()}", nameof(axes));
            }
            if (x.Lengths()[axis] == 0)
            {
                throw new ArgumentException(
                    $"max: zero-size array to reduction operation maximum which has no identity (shape {Show(x.Lengths())}, axis {axis})");
            }
        }
        if (reduced.Length == 0)
        {
            return x.alias();
        }
        return axes is null ? x.max() : x.amax(reduced, keepdim: false);
    }

    /// <summary><c>x[entries]</c> for a basic index (integers and slices, steps of either sign); a view when possible.</summary>
    public static Tensor Subtensor(Tensor x, IReadOnlyList<IndexEntry> entries)
    {
        var view = IndexView(x, entries, out var flips);
        if (flips.Count == 0)
        {
            return view;
        }
        var flipped = view.flip(flips.ToArray());
        view.Dispose();
        return flipped;
    }

    /// <summary>
    /// A copy of <paramref name="x"/> whose <c>x[entries]</c> is set to (or incremented by) <paramref name="y"/>,
    /// broadcast numpy-style to the indexed shape (Aesara's <c>set_subtensor</c> / <c>inc_subtensor</c>).
    /// </summary>
    public static Tensor IncSubtensor(Tensor x, Tensor y, IReadOnlyList<IndexEntry> entries, bool set)
    {
        var result = x.clone();
        using var view = IndexView(result, entries, out var flips);
        var target = view.Lengths();
        bool fits = y.dim() <= target.Length;
        for (int i = 1; fits && i <= y.dim(); i++)
        {
            long have = y.Lengths()[^i], want = target[^i];
            fits = have == want || have == 1;
        }
        if (!fits)
        {
            result.Dispose();
            throw new ArgumentException(
                $"{(set ? "set_subtensor" : "inc_subtensor")}: value of shape {Show(y.Lengths())} does not broadcast to the " +
                $"indexed shape {Show(target)}");
        }
        using var typed = y.to_type(x.dtype);
        using var spread = typed.expand(target);
        using var ordered = flips.Count == 0 ? spread.alias() : spread.flip(flips.ToArray());
        if (set)
        {
            view.copy_(ordered);
        }
        else
        {
            view.add_(ordered);
        }
        return result;
    }

    /// <summary>
    /// The view of <paramref name="x"/> an index selects, with every negative-step slice taken in increasing order;
    /// <paramref name="flips"/> lists the view axes to reverse to get numpy's order.
    /// </summary>
    private static Tensor IndexView(Tensor x, IReadOnlyList<IndexEntry> entries, out List<long> flips)
    {
        if (entries.Count > x.dim())
        {
            throw new IndexOutOfRangeException(
                $"too many indices for array: array is {x.dim()}-dimensional, but {entries.Count} were indexed");
        }
        flips = [];
        var view = x.alias();
        long d = 0;
        for (int axis = 0; axis < entries.Count; axis++)
        {
            var (first, count, step) = entries[axis].Resolve(view.Lengths()[d], axis);
            Tensor next;
            if (!entries[axis].IsSlice)
            {
                next = view.select(d, first);
            }
            else
            {
                if (count == 0)
                {
                    next = view.slice(d, 0, 0, 1);
                }
                else if (step > 0)
                {
                    next = view.slice(d, first, first + (count - 1) * step + 1, step);
                }
                else
                {
                    long last = first + (count - 1) * step;
                    next = view.slice(d, last, first + 1, -step);
                    flips.Add(d);
                }
                d++;
            }
            view.Dispose();
            view = next;
        }
        return view;
    }
}
