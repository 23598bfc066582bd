using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>
/// numpy's advanced indexing: integer index arrays (negative entries count from the end), boolean masks, and their
/// mix with slices, read (<c>x[idx]</c>) and written (<c>x[idx] = y</c>, <c>x[idx] += y</c> with repeated indices
/// accumulating). Index bounds and broadcast shapes are checked before any native call.
/// </summary>
public static partial class Kernels
{
    /// <summary>
    /// <paramref name="indices"/> as int64 with negative entries wrapped; throws
    /// <see cref="IndexOutOfRangeException"/> (Python's IndexError) for an entry outside [-length, length).
    /// </summary>
    public static Tensor WrapIndices(string op, Tensor indices, long length, int axis)
    {
        var dtype = DTypes.FromTorch(indices.dtype);
        if (!dtype.IsDiscrete() || dtype == DType.Bool)
        {
            throw new ArgumentException($"{op}: index arrays must hold integers; got {dtype.Name()}");
        }
        using var scope = torch.NewDisposeScope();
        var idx = indices.to_type(ScalarType.Int64);
        if (idx.NumberOfElements > 0)
        {
            long low = idx.min().item<long>(), high = idx.max().item<long>();
            if (low < -length || high >= length)
            {
                long bad = low < -length ? low : high;
                throw new IndexOutOfRangeException(
                    $"{op}: index {bad} is out of bounds for axis {axis} with size {length}");
            }
            if (low < 0)
            {
                idx = torch.where(idx.lt(0), idx.add(length), idx);
            }
        }
        return idx.MoveToOuterDisposeScope();
    }

    /// <summary>Aesara's <c>AdvancedSubtensor1</c>: <c>x[indices]</c> along axis 0 for an integer vector.</summary>
    public static Tensor AdvancedSubtensor1(Tensor x, Tensor indices)
    {
        CheckVectorIndex("AdvancedSubtensor1", x, indices);
        using var idx = WrapIndices("AdvancedSubtensor1", indices, x.Lengths()[0], 0);
        return x.index_select(0, idx);
    }

    /// <summary>
    /// Aesara's <c>AdvancedIncSubtensor1</c>: a copy of x with <c>x[indices]</c> along axis 0 set to y, or
    /// incremented by y (repeated indices accumulate). <paramref name="broadcastable"/>, when given, says which axes of
    /// y may broadcast (the others must match exactly).
    /// </summary>
    public static Tensor AdvancedIncSubtensor1(Tensor x, Tensor y, Tensor indices, bool set, bool[]? broadcastable = null)
    {
        CheckVectorIndex("AdvancedIncSubtensor1", x, indices);
        return AdvancedIncSubtensor("AdvancedIncSubtensor1", x, y, [null], [indices], set, broadcastable);
    }

    /// <summary>
    /// numpy's <c>x[index]</c> for an index mixing slices (non-null <paramref name="entries"/>; integers act as 0-d
    /// arrays) with arrays (null entries, taken in order from <paramref name="arrays"/>): integer arrays, which
    /// broadcast together, and boolean masks, which stand for their <c>nonzero()</c>. The array axes take the place of
    /// the indexed axes when the arrays are adjacent, else they come first, as in numpy.
    /// </summary>
    public static Tensor AdvancedSubtensor(Tensor x, IReadOnlyList<IndexEntry?> entries, IReadOnlyList<Tensor> arrays) =>
        AdvancedSubtensor("AdvancedSubtensor", x, entries, arrays);

    /// <summary>
    /// numpy's <c>x[index] = y</c> (<paramref name="set"/>; with repeated positions the last write wins) or
    /// <c>np.add.at(x, index, y)</c> (repeated positions accumulate), on a copy of x; y broadcasts to the indexed shape.
    /// </summary>
    public static Tensor AdvancedIncSubtensor(Tensor x, Tensor y, IReadOnlyList<IndexEntry?> entries,
        IReadOnlyList<Tensor> arrays, bool set, bool[]? broadcastable = null) =>
        AdvancedIncSubtensor("AdvancedIncSubtensor", x, y, entries, arrays, set, broadcastable);

    private static Tensor AdvancedSubtensor(string op, Tensor x, IReadOnlyList<IndexEntry?> entries, IReadOnlyList<Tensor> arrays)
    {
        using var scope = torch.NewDisposeScope();
        var (sliced, index, selects) = PrepareIndex(op, x, entries, arrays);
        var result = sliced.index(index);
        // With only 0-d arrays torch selects, which gives a view; the op promises fresh memory.
        return (selects ? result.clone() : result).MoveToOuterDisposeScope();
    }

    private static Tensor AdvancedIncSubtensor(string op, Tensor x, Tensor y, IReadOnlyList<IndexEntry?> entries,
        IReadOnlyList<Tensor> arrays, bool set, bool[]? broadcastable)
    {
        using var scope = torch.NewDisposeScope();
        // Index the flat positions of x the same way: each selected element learns where it lives in x.
        var positions = torch.arange(x.NumberOfElements, dtype: ScalarType.Int64, device: x.device).reshape(x.Lengths());
        var (sliced, index, _) = PrepareIndex(op, positions, entries, arrays);
        var linear = sliced.index(index);
        var target = linear.Lengths();
        bool fits = y.dim() <= target.Length;
        for (int i = 1; fits && i <= y.dim(); i++)
        {
            long have = y.Lengths()[^i], want = target[^i];
            bool mayBroadcast = broadcastable is null || broadcastable[^i];
            fits = have == want || (have == 1 && mayBroadcast);
        }
        if (!fits)
        {
            throw new ArgumentException(
                $"{op}: value of shape {Show(y.Lengths())} does not broadcast to the indexed shape {Show(target)}" +
                (broadcastable is null ? "" : "; only axes of static length 1 broadcast"));
        }
        var values = y.to_type(x.dtype).expand(target).reshape(-1);
        var flatIndex = linear.reshape(-1);
        var result = x.contiguous().clone();
        var flat = result.view(-1);
        if (!set)
        {
            flat.index_add_(0, flatIndex, values, 1);
            return result.MoveToOuterDisposeScope();
        }
        // Where a position is written more than once, the last write wins, as in numpy.
        var where = HostLongs(flatIndex);
        var last = new Dictionary<long, int>();
        for (int j = 0; j < where.Length; j++)
        {
            last[where[j]] = j;
        }
        if (last.Count < where.Length)
        {
            var keep = torch.tensor(last.Values.OrderBy(j => j).Select(j => (long)j).ToArray(), ScalarType.Int64,
                device: flatIndex.device);
            flatIndex = flatIndex.index_select(0, keep);
            values = values.index_select(0, keep);
        }
        flat.index_copy_(0, flatIndex, values);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Checks an advanced index and splits it in two steps: the slices applied as a basic view (all axes kept) and
    /// the torch index (colons and int64 arrays, negative entries wrapped, masks expanded) applied to that view;
    /// <c>Selects</c> when every array is 0-d (torch then selects, giving a view).
    /// </summary>
    private static (Tensor Sliced, TensorIndex[] Index, bool Selects) PrepareIndex(string op, Tensor x,
        IReadOnlyList<IndexEntry?> entries, IReadOnlyList<Tensor> arrays)
    {
        var slices = new List<IndexEntry>();
        var index = new List<Tensor?>(); // null: a colon
        var arrayShapes = new List<long[]>();
        int next = 0, axis = 0;
        foreach (var entry in entries)
        {
            Tensor? array = null;
            if (entry is { IsSlice: true } slice)
            {
                RequireAxis(op, x, axis, 1, entries.Count);
                slices.Add(slice);
                index.Add(null);
                axis++;
                continue;
            }
            if (entry is { } integer)
            {
                array = torch.tensor(integer.Index!.Value, ScalarType.Int64, device: x.device);
            }
            else if (next < arrays.Count)
            {
                array = arrays[next++];
            }
            else
            {
                throw new ArgumentException($"{op}: the index has more array entries than the {arrays.Count} arrays given");
            }
            if (array.dtype == ScalarType.Bool)
            {
                int rank = (int)array.dim();
                if (rank == 0)
                {
                    throw new IndexOutOfRangeException($"{op}: a 0-d boolean index is not supported");
                }
                RequireAxis(op, x, axis, rank, entries.Count);
                for (int a = 0; a < rank; a++)
                {
                    if (array.Lengths()[a] != x.Lengths()[axis + a])
                    {
                        throw new IndexOutOfRangeException(
                            $"{op}: boolean index did not match indexed array along axis {axis + a}; size of axis is " +
                            $"{x.Lengths()[axis + a]} but size of corresponding boolean axis is {array.Lengths()[a]}");
                    }
                }
                var found = array.nonzero();
                for (int a = 0; a < rank; a++)
                {
                    var column = found.select(1, a);
                    slices.Add(IndexEntry.All);
                    index.Add(column);
                    arrayShapes.Add(column.Lengths());
                }
                axis += rank;
                continue;
            }
            RequireAxis(op, x, axis, 1, entries.Count);
            var wrapped = WrapIndices(op, array, x.Lengths()[axis], axis);
            slices.Add(IndexEntry.All);
            index.Add(wrapped);
            arrayShapes.Add(wrapped.Lengths());
            axis++;
        }
        if (next != arrays.Count)
        {
            throw new ArgumentException($"{op}: {arrays.Count} arrays given for an index with {next} array entries");
        }
        // Broadcast the arrays up front: torch reads a 0-d index tensor as an integer, which numpy's placement rule
        // does not when other arrays are present.
        var shape = BroadcastIndexShapes(op, arrayShapes);
        var torchIndex = index.Select(t => t is null ? TensorIndex.Colon : TensorIndex.Tensor(t.expand(shape))).ToArray();
        return (Subtensor(x, slices), torchIndex, shape.Length == 0);
    }

    /// <summary>The broadcast shape of the index arrays; <see cref="IndexOutOfRangeException"/> when they do not broadcast.</summary>
    private static long[] BroadcastIndexShapes(string op, List<long[]> shapes)
    {
        int rank = shapes.Count == 0 ? 0 : shapes.Max(s => s.Length);
        var result = Enumerable.Repeat(1L, rank).ToArray();
        foreach (var shape in shapes)
        {
            for (int i = 1; i <= shape.Length; i++)
            {
                long n = shape[^i];
                if (n != 1 && result[^i] != 1 && result[^i] != n)
                {
                    throw new IndexOutOfRangeException(
                        $"{op}: shape mismatch: indexing arrays could not be broadcast together with shapes " +
                        string.Join(" ", shapes.Select(s => Show(s))));
                }
                if (n != 1)
                {
                    result[^i] = n;
                }
            }
        }
        return result;
    }

    private static void RequireAxis(string op, Tensor x, int axis, int count, int entries)
    {
        if (axis + count > x.dim())
        {
            throw new IndexOutOfRangeException(
                $"{op}: too many indices for array: array is {x.dim()}-dimensional, but at least {axis + count} were " +
                $"indexed ({entries} index entries)");
        }
    }

    private static void CheckVectorIndex(string op, Tensor x, Tensor indices)
    {
        if (x.dim() < 1)
        {
            throw new IndexOutOfRangeException($"{op}: cannot index a 0-d tensor");
        }
        if (indices.dim() != 1)
        {
            throw new ArgumentException($"{op}: expected an integer vector of indices; got shape {Show(indices.Lengths())}");
        }
    }
}
