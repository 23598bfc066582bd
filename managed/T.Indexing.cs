using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using TorchSharp;
using static Gradient.Ops.StructureSupport;

namespace Gradient;

public static partial class T
{
    /// <summary>
    /// numpy's indexing <c>x[index]</c>, basic or advanced. Each item of <paramref name="index"/> is one of: a string in
    /// numpy notation (<c>"1:3"</c>, <c>"-1"</c>, <c>"None"</c>, <c>"..."</c>, or several separated by commas); an
    /// <see cref="IndexEntry"/>; an integer; null (a new axis); an integer or boolean <see cref="Variable"/> (an index
    /// array or mask, symbolic or constant; a 0-d integer one acts as an integer); or a .NET array or
    /// <see cref="torch.Tensor"/> of integers or booleans (a constant index array or mask). Without arrays it is basic
    /// indexing (<see cref="Ops.Subtensor"/>); a single integer vector gives <see cref="AdvancedSubtensor1"/>; anything
    /// else <see cref="AdvancedSubtensor"/>, with numpy's placement of the array axes.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">Too many indices, or a constant index out of bounds.</exception>
    public static Variable Index(Variable x, params object?[] index)
    {
        Guard.NotNull(x);
        Guard.NotNull(index);
        var items = NormalizeIndex(x, index);
        if (!items.Any(i => i is Variable))
        {
            return Index(x, items.Select(i => i as IndexEntry?).ToArray());
        }
        var (source, entries, arrays) = PrepareAdvanced(x, items);
        if (entries.Count == 1 && entries[0] is null && arrays[0] is { Ndim: 1 } v && v.DType != DType.Bool)
        {
            return new AdvancedSubtensor1().Call(source, v);
        }
        return new AdvancedSubtensor(IdxList(entries)).Call([source, .. arrays]);
    }

    /// <summary><c>x[indices]</c> along axis 0 for an integer vector (Aesara's <c>advanced_subtensor1</c>).</summary>
    public static Variable AdvancedSubtensor1(Variable x, Variable indices) => new AdvancedSubtensor1().Call(x, indices);

    /// <summary>A copy of x with rows <paramref name="indices"/> incremented by y; repeated indices accumulate (Aesara's <c>advanced_inc_subtensor1</c>).</summary>
    public static Variable AdvancedIncSubtensor1(Variable x, Variable y, Variable indices) =>
        new AdvancedIncSubtensor1(false).Call(x, y, indices);

    /// <summary>A copy of x with rows <paramref name="indices"/> replaced by y (Aesara's <c>advanced_set_subtensor1</c>).</summary>
    public static Variable AdvancedSetSubtensor1(Variable x, Variable y, Variable indices) =>
        new AdvancedIncSubtensor1(true).Call(x, y, indices);

    /// <summary>
    /// A copy of x with <c>x[index]</c> (any index <see cref="Index(Variable, object?[])"/> accepts) incremented by y;
    /// repeated positions accumulate, as <c>np.add.at</c>.
    /// </summary>
    public static Variable AdvancedIncSubtensor(Variable x, IReadOnlyList<object?> index, Variable y)
    {
        Guard.NotNull(index);
        return IncIndexed(Index(x, index.ToArray()), y);
    }

    /// <summary>A copy of x with <c>x[index]</c> replaced by y (the last write wins where positions repeat).</summary>
    public static Variable AdvancedSetSubtensor(Variable x, IReadOnlyList<object?> index, Variable y)
    {
        Guard.NotNull(index);
        return SetIndexed(Index(x, index.ToArray()), y);
    }

    /// <summary>
    /// Aesara's <c>set_subtensor(x[index], y)</c>: <paramref name="indexed"/> must be the result of indexing a
    /// tensor (basic or advanced); returns a copy of that tensor with the indexed part replaced by y.
    /// </summary>
    public static Variable SetIndexed(Variable indexed, Variable y) => WriteIndexed(indexed, y, set: true);

    /// <summary>Aesara's <c>inc_subtensor(x[index], y)</c>: a copy of the indexed tensor with y added to the indexed part.</summary>
    public static Variable IncIndexed(Variable indexed, Variable y) => WriteIndexed(indexed, y, set: false);

    /// <summary>
    /// numpy's <c>take(a, indices, axis)</c> (Aesara's <c>take</c>): elements of the flattened a (axis null) or
    /// slices along <paramref name="axis"/> at integer indices of any rank. <paramref name="mode"/> is <c>"raise"</c>
    /// (indices outside [-n, n) fail), <c>"wrap"</c> (indices taken modulo n) or <c>"clip"</c> (clamped to [0, n-1]).
    /// </summary>
    public static Variable Take(Variable a, Variable indices, int? axis = null, string mode = "raise")
    {
        Guard.NotNull(a);
        Guard.NotNull(indices);
        if (!indices.DType.IsDiscrete() || indices.DType == DType.Bool)
        {
            throw new ArgumentException($"take: indices must be integers; got {indices.Type}", nameof(indices));
        }
        if (axis is null)
        {
            return Take(Flatten(a), indices, 0, mode);
        }
        int k = axis.Value < 0 ? axis.Value + a.Ndim : axis.Value;
        if (k < 0 || k >= a.Ndim)
        {
            throw new ArgumentException($"take: axis {axis} is out of range for {a.Type}", nameof(axis));
        }
        var n = Length(a, k);
        indices = mode switch
        {
            "raise" => indices,
            "wrap" => Mod(Cast(indices, DType.Int64), n + Cast(Eq(n, Long(0)), DType.Int64)),
            "clip" => Clip(Cast(indices, DType.Int64), Long(0), n - Long(1)),
            _ => throw new ArgumentException($"take: mode must be 'raise', 'wrap' or 'clip'; got '{mode}'", nameof(mode)),
        };
        if (k == 0 && indices.Ndim == 1)
        {
            return new AdvancedSubtensor1().Call(a, indices);
        }
        return new AdvancedSubtensor(Enumerable.Repeat(":", k).Append(ArrayMarker).ToArray()).Call(a, indices);
    }

    /// <summary>
    /// Aesara's <c>permute_row_elements(x, y, inverse)</c>: the last axis of x permuted by the integer permutations y
    /// (<c>out[..., i] = x[..., y[..., i]]</c>, or the inverse permutation); lower-rank operands get leading axes of
    /// length 1, which broadcast.
    /// </summary>
    public static Variable PermuteRowElements(Variable x, Variable y, bool inverse = false)
    {
        Guard.NotNull(x);
        Guard.NotNull(y);
        int rank = Math.Max(x.Ndim, y.Ndim);
        return new PermuteRowElements().Call(PadLeft(x, rank), PadLeft(y, rank), Long(inverse ? 1 : 0));
    }

    /// <summary>The inverse of the permutation vector <paramref name="perm"/> (Aesara's <c>inverse_permutation</c>).</summary>
    public static Variable InversePermutation(Variable perm)
    {
        Guard.NotNull(perm);
        return PermuteRowElements(ARange(Long(0), Length(perm, perm.Ndim - 1), Long(1), perm.DType), perm, inverse: true);
    }

    private static Variable WriteIndexed(Variable indexed, Variable y, bool set)
    {
        Guard.NotNull(indexed);
        Guard.NotNull(y);
        var fn = set ? "set_subtensor" : "inc_subtensor";
        return indexed.Owner switch
        {
            { Op: Ops.Subtensor s } o => new Ops.IncSubtensor(s.IdxList, set).Call(o.Inputs[0], y),
            { Op: Ops.AdvancedSubtensor1 } o => new Ops.AdvancedIncSubtensor1(set).Call(o.Inputs[0], y, o.Inputs[1]),
            { Op: Ops.AdvancedSubtensor a } o => new Ops.AdvancedIncSubtensor(a.IdxList, set).Call([o.Inputs[0], y, .. o.Inputs.Skip(1)]),
            _ => throw new ArgumentException(
                $"{fn}: expected the result of indexing a tensor, x[index]; got {indexed} (made by " +
                $"{indexed.Owner?.Op.ToString() ?? "no op"})", nameof(indexed)),
        };
    }

    /// <summary>
    /// The index as a list of <see cref="IndexEntry"/> (integers and slices), null (new axes) and index arrays
    /// (<see cref="Variable"/>), with the ellipsis expanded.
    /// </summary>
    private static List<object?> NormalizeIndex(Variable x, object?[] index)
    {
        var items = new List<object?>();
        const string ellipsis = "...";
        foreach (var item in index)
        {
            switch (item)
            {
                case null:
                    items.Add(null);
                    break;
                case string text:
                    foreach (var part in text.Split(',').Select(p => p.Trim()))
                    {
                        if (part.Length == 0)
                        {
                            continue;
                        }
                        items.Add(part switch
                        {
                            "None" or "newaxis" or "np.newaxis" => null,
                            "..." or "Ellipsis" => ellipsis,
                            _ => IndexEntry.Parse(part),
                        });
                    }
                    break;
                case IndexEntry entry:
                    items.Add(entry);
                    break;
                case long or int or short or sbyte:
                    items.Add(new IndexEntry(Convert.ToInt64(item, System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                case Variable v:
                    if (!v.DType.IsDiscrete())
                    {
                        throw new IndexOutOfRangeException(
                            "only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or " +
                            $"boolean arrays are valid indices; got {v.Type}");
                    }
                    items.Add(v);
                    break;
                case torch.Tensor t:
                    items.Add(Constant(t));
                    break;
                case long[] or int[] or bool[] or long[,] or int[,] or bool[,]:
                    items.Add(ArrayConstant((Array)item));
                    break;
                default:
                    throw new ArgumentException(
                        $"index: unsupported index item of type {item.GetType().Name}; expected a string, integer, " +
                        "IndexEntry, null, Variable, integer/bool array or tensor", nameof(index));
            }
        }
        int ellipses = items.Count(i => i is string);
        if (ellipses > 1)
        {
            throw new IndexOutOfRangeException("an index can only have a single ellipsis ('...')");
        }
        if (ellipses == 1)
        {
            int used = items.Sum(i => i switch { IndexEntry => 1, Variable { DType: DType.Bool } m => m.Ndim, Variable => 1, _ => 0 });
            int at = items.FindIndex(i => i is string);
            items.RemoveAt(at);
            items.InsertRange(at, Enumerable.Repeat((object?)IndexEntry.All, Math.Max(0, x.Ndim - used)));
        }
        return items;
    }

    /// <summary>
    /// Turns a normalized index with arrays into (x with new axes inserted, slice-or-array entries, arrays): new axes
    /// become length-1 axes of x indexed by <c>:</c> (which numpy's placement rule treats the same), integers become 0-d index arrays, and trailing full slices are
    /// dropped.
    /// </summary>
    private static (Variable Source, List<IndexEntry?> Entries, List<Variable> Arrays) PrepareAdvanced(Variable x, List<object?> items)
    {
        var order = new List<int>();
        int axis = 0;
        var entries = new List<IndexEntry?>();
        var arrays = new List<Variable>();
        foreach (var item in items)
        {
            switch (item)
            {
                case null:
                    order.Add(-1);
                    entries.Add(IndexEntry.All);
                    break;
                case IndexEntry { IsSlice: true } slice:
                    order.Add(axis++);
                    entries.Add(slice);
                    break;
                case IndexEntry integer:
                    order.Add(axis++);
                    entries.Add(null);
                    arrays.Add(Long(integer.Index!.Value));
                    break;
                case Variable { DType: DType.Bool } mask:
                    for (int a = 0; a < mask.Ndim; a++)
                    {
                        order.Add(axis++);
                    }
                    entries.Add(null);
                    arrays.Add(mask);
                    break;
                case Variable array:
                    order.Add(axis++);
                    entries.Add(null);
                    arrays.Add(array);
                    break;
            }
        }
        if (axis > x.Ndim)
        {
            throw new IndexOutOfRangeException(
                $"too many indices for array: array is {x.Ndim}-dimensional, but {axis} were indexed");
        }
        order.AddRange(Enumerable.Range(axis, x.Ndim - axis));
        while (entries.Count > 0 && entries[^1] is { IsSlice: true } last && last == IndexEntry.All)
        {
            entries.RemoveAt(entries.Count - 1);
        }
        return (DimShuffle(x, order), entries, arrays);
    }

    private static string[] IdxList(List<IndexEntry?> entries) =>
        entries.Select(e => e is { } slice ? slice.ToString() : ArrayMarker).ToArray();

    private static Graph.Constant ArrayConstant(Array values)
    {
        using var t = values switch
        {
            long[] a => torch.tensor(a, torch.ScalarType.Int64),
            int[] a => torch.tensor(a.Select(v => (long)v).ToArray(), torch.ScalarType.Int64),
            bool[] a => torch.tensor(a),
            long[,] a => torch.tensor(a, torch.ScalarType.Int64),
            int[,] a => torch.tensor(a, torch.ScalarType.Int32).to_type(torch.ScalarType.Int64),
            bool[,] a => torch.tensor(a),
            _ => throw new ArgumentException($"index: unsupported array type {values.GetType().Name}"),
        };
        return Constant(t);
    }
}
