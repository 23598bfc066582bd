using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>What the structure and indexing ops share: static integers, input checks and gradient reductions.</summary>
internal static class StructureSupport
{
    /// <summary>The value of an integer scalar known before running (a constant, or a known static length), else null.</summary>
    public static long? StaticInt(Variable v) => v switch
    {
        Constant { Ndim: 0 } c when c.ScalarValue is double d => (long)d,
        { Owner: { Op: ShapeI op } owner } => owner.Inputs[0].Type.Shape[op.I],
        _ => null,
    };

    /// <summary>Checks that <paramref name="v"/> is a 0-d integer (bool allowed when <paramref name="allowBool"/>).</summary>
    public static void RequireIntScalar(Op op, Variable v, string what, bool allowBool = false)
    {
        if (v.Ndim != 0 || !v.DType.IsDiscrete() || (v.DType == DType.Bool && !allowBool))
        {
            throw new ArgumentException($"{op}: {what} expected an integer scalar; got {v.Type}");
        }
    }

    /// <summary>
    /// Sums <paramref name="g"/> back to the shape of <paramref name="target"/>: over its extra leading axes and over
    /// the axes where the target's static length is 1 and g's is not (the axes that broadcast), then converts it to
    /// <paramref name="dtype"/>.
    /// </summary>
    public static Variable ReduceTo(Variable g, TensorType target, DType dtype)
    {
        int extra = g.Ndim - target.Ndim;
        var axes = Enumerable.Range(0, g.Ndim)
            .Where(a => a < extra || (target.Shape[a - extra] == 1 && g.Type.Shape[a] != 1)).ToArray();
        if (axes.Length > 0)
        {
            g = T.Sum(g, axes);
            int kept = 0;
            var order = Enumerable.Range(0, target.Ndim).Select(a => axes.Contains(a + extra) ? -1 : kept++).ToArray();
            g = T.DimShuffle(g, order);
        }
        return T.Cast(g, dtype);
    }

    /// <summary>A 0-d int64 constant.</summary>
    public static Constant Long(long value)
    {
        using var t = torch.tensor(value, torch.ScalarType.Int64); // host: a graph constant (functions move it)
        return new Constant(t);
    }

    /// <summary>An int64 vector constant.</summary>
    public static Constant Longs(IReadOnlyList<long> values)
    {
        using var t = torch.tensor(values.ToArray(), torch.ScalarType.Int64); // host: a graph constant (functions move it)
        return new Constant(t);
    }

    /// <summary>The run-time length of axis <paramref name="axis"/> of x, a constant when statically known.</summary>
    public static Variable Length(Variable x, int axis) =>
        x.Type.Shape[axis] is long n ? Long(n) : T.ShapeI(x, axis);

    /// <summary>The number of elements of x as an int64 scalar.</summary>
    public static Variable Size(Variable x)
    {
        Variable total = Long(1);
        long known = 1;
        for (int a = 0; a < x.Ndim; a++)
        {
            if (x.Type.Shape[a] is long n)
            {
                known *= n;
            }
            else
            {
                total = T.Mul(total, T.ShapeI(x, a));
            }
        }
        return known == 1 ? total : T.Mul(total, Long(known));
    }

    /// <summary>
    /// For a set-instead-of-inc write <c>x[index] = y</c> where positions may repeat, a mask shaped like the indexed
    /// part that is 1 where that element of the indexed part is the write that wins (the last one, as in numpy), 0 where
    /// a later write overwrites it; <paramref name="read"/> indexes a tensor like x, <paramref name="write"/> sets
    /// values into one.
    /// </summary>
    public static Variable WinnerMask(Variable x, Variable part, Func<Variable, Variable> read,
        Func<Variable, Variable, Variable> write, DType dtype)
    {
        var order = T.Reshape(T.ARange(Long(0), Size(part), Long(1), DType.Int64), T.Shape(part));
        var shape = Enumerable.Range(0, x.Ndim).Select(a => Length(x, a)).ToArray();
        var owners = write(T.Alloc(Long(-1), shape), order);
        return T.Cast(T.Eq(read(owners), order), dtype);
    }

    /// <summary>How an <c>idx_list</c> of the advanced indexing ops marks the place of the next index array.</summary>
    public const string ArrayMarker = "*";

    /// <summary>
    /// Parses an advanced <c>idx_list</c>: slices in numpy notation, and <see cref="ArrayMarker"/> (null in the result)
    /// where the next index array goes. Integers are written as 0-d index arrays, as numpy treats them there.
    /// </summary>
    public static IndexEntry?[] ParseAdvanced(Op op, IReadOnlyList<string> idxList) => idxList.Select(text =>
    {
        if (text == ArrayMarker)
        {
            return (IndexEntry?)null;
        }
        var entry = IndexEntry.Parse(text);
        return entry.IsSlice
            ? entry
            : throw new ArgumentException($"{op}: idx_list entries are slices or '{ArrayMarker}'; got '{text}'");
    }).ToArray();

    /// <summary>
    /// Checks the index arrays of an advanced index (integer or bool, one per null entry, constant integer ones within
    /// known lengths) and returns the static shape of <c>x[index]</c> (numpy's placement of the broadcast array axes).
    /// </summary>
    public static long?[] AdvancedShape(Op op, TensorType x, IReadOnlyList<IndexEntry?> entries, IReadOnlyList<Variable> arrays)
    {
        if (entries.Count(e => e is null) != arrays.Count)
        {
            throw new ArgumentException(
                $"{op}: the index has {entries.Count(e => e is null)} array entries but {arrays.Count} arrays were given");
        }
        var before = new List<long?>();
        var after = new List<long?>();
        var arrayShapes = new List<IReadOnlyList<long?>>();
        int axis = 0, next = 0, firstArray = -1, lastArray = -1;
        for (int i = 0; i < entries.Count; i++)
        {
            if (entries[i] is { } slice)
            {
                Require(1);
                (firstArray < 0 ? before : after).Add(slice.StaticLength(x.Shape[axis]));
                axis++;
                continue;
            }
            var array = arrays[next++];
            if (!array.DType.IsDiscrete())
            {
                throw new ArgumentException($"{op}: index arrays must be integers or booleans; got {array.Type}");
            }
            if (firstArray >= 0 && lastArray != i - 1)
            {
                lastArray = int.MaxValue; // not adjacent: the array axes go first
            }
            else
            {
                lastArray = i;
            }
            if (firstArray < 0)
            {
                firstArray = i;
            }
            if (array.DType == DType.Bool)
            {
                if (array.Ndim == 0)
                {
                    throw new IndexOutOfRangeException($"{op}: a 0-d boolean index is not supported");
                }
                Require(array.Ndim);
                for (int a = 0; a < array.Ndim; a++)
                {
                    if (array.Type.Shape[a] is long m && x.Shape[axis + a] is long n && m != n)
                    {
                        throw new IndexOutOfRangeException(
                            $"{op}: boolean index did not match indexed array along axis {axis + a}; size of axis is " +
                            $"{n} but size of corresponding boolean axis is {m}");
                    }
                }
                long? count = null;
                if (array is Constant mask)
                {
                    using var found = mask.Value.nonzero();
                    count = found.Lengths()[0];
                }
                arrayShapes.Add([count]);
                axis += array.Ndim;
                continue;
            }
            Require(1);
            if (array is Constant c && c.Value.NumberOfElements > 0 && x.Shape[axis] is long length)
            {
                using var asLong = c.Value.to_type(torch.ScalarType.Int64);
                long low = asLong.min().item<long>(), high = asLong.max().item<long>();
                if (low < -length || high >= length)
                {
                    throw new IndexOutOfRangeException(
                        $"{op}: index {(low < -length ? low : high)} is out of bounds for axis {axis} with size {length}");
                }
            }
            arrayShapes.Add(array.Type.Shape);
            axis++;
        }
        var broadcast = BroadcastShapes(op, arrayShapes);
        var rest = x.Shape.Skip(axis);
        return lastArray == int.MaxValue
            ? [.. broadcast, .. before, .. after, .. rest]
            : [.. before, .. broadcast, .. after, .. rest];

        void Require(int count)
        {
            if (axis + count > x.Ndim)
            {
                throw new IndexOutOfRangeException(
                    $"{op}: too many indices for array: array is {x.Ndim}-dimensional, but at least {axis + count} " +
                    "were indexed");
            }
        }
    }

    /// <summary>numpy broadcasting of static shapes (null: unknown); <see cref="IndexOutOfRangeException"/> on a conflict.</summary>
    private static long?[] BroadcastShapes(Op op, List<IReadOnlyList<long?>> shapes)
    {
        int rank = shapes.Count == 0 ? 0 : shapes.Max(s => s.Count);
        var result = new long?[rank];
        for (int i = 1; i <= rank; i++)
        {
            var lengths = shapes.Where(s => s.Count >= i).Select(s => s[^i]).ToList();
            var known = lengths.Where(n => n is long m && m != 1).Distinct().ToList();
            if (known.Count > 1)
            {
                throw new IndexOutOfRangeException(
                    $"{op}: shape mismatch: indexing arrays could not be broadcast together with shapes " +
                    string.Join(" ", shapes.Select(TensorType.Show)));
            }
            result[^i] = known.Count == 1 ? known[0] : lengths.All(n => n == 1) ? 1 : null;
        }
        return result;
    }

    /// <summary>
    /// Checks that <paramref name="y"/> can be written into the indexed part of static shape <paramref name="target"/>
    /// of a tensor of <paramref name="x"/>'s type (broadcasting where y's static length is 1, no lossy cast).
    /// </summary>
    public static void CheckValue(Op op, Variable x, Variable y, IReadOnlyList<long?> target)
    {
        if (y.Ndim > target.Count)
        {
            throw new ArgumentException($"{op}: value {y.Type} has more axes than the indexed part {TensorType.Show(target)}");
        }
        for (int i = 1; i <= y.Ndim; i++)
        {
            if (y.Type.Shape[^i] is long have && have != 1 && target[^i] is long want && have != want)
            {
                throw new ArgumentException(
                    $"{op}: value {y.Type} does not broadcast to the indexed shape {TensorType.Show(target)}");
            }
        }
        if (!DTypes.CanCastSafely(y.DType, x.DType))
        {
            throw new ArgumentException($"{op}: cannot store {y.DType.Name()} values in {x.Type} without loss");
        }
    }
}
