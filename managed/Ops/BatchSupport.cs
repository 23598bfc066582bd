using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Ops;

/// <summary>
/// What the batching rules (<see cref="Op.Batch"/>) share: the batch length, lifting and axis shuffles.
/// </summary>
internal static class BatchSupport
{
    /// <summary>The run-time batch length: the leading axis of the first batched input.</summary>
    public static Variable Length((Variable Value, bool Batched)[] inputs) => T.ShapeI(inputs.First(i => i.Batched).Value, 0);

    /// <summary>
    /// An input with the batch axis: a batched one as it is, an unbatched one broadcast to <paramref name="n"/> copies.
    /// </summary>
    public static Variable Materialize((Variable Value, bool Batched) input, Variable n) => input.Batched
        ? input.Value
        : T.Alloc(input.Value, [n, .. Enumerable.Range(0, input.Value.Ndim).Select(a => StructureSupport.Length(input.Value, a))]);

    /// <summary>
    /// A batched value of unbatched rank r padded to unbatched rank <paramref name="rank"/>: broadcastable axes go right
    /// after the batch axis (numpy's right alignment, batch kept first).
    /// </summary>
    public static Variable PadAfterBatch(Variable batched, int rank)
    {
        int r = batched.Ndim - 1;
        return r == rank ? batched : T.DimShuffle(batched, [0, .. Enumerable.Repeat(-1, rank - r), .. Enumerable.Range(1, r)]);
    }

    /// <summary>Moves axis <paramref name="axis"/> of <paramref name="v"/> to the front.</summary>
    public static Variable ToFront(Variable v, int axis) =>
        axis == 0 ? v : T.DimShuffle(v, [axis, .. Enumerable.Range(0, v.Ndim).Where(a => a != axis)]);

    /// <summary>
    /// Unbatched reduction axes (null: all) shifted past the batch axis of a batched input of rank <paramref
    /// name="ndim"/>.
    /// </summary>
    public static int[] Shift(IReadOnlyList<int>? axes, int ndim) =>
        axes is null ? Enumerable.Range(1, ndim - 1).ToArray() : axes.Select(a => a + 1).ToArray();

    /// <summary>
    /// A reshape target for a batched value: the batch length, then the unbatched target's entries (constants where known
    /// before running, so the result keeps its static shape).
    /// </summary>
    public static Variable PrependLength(Variable n, Variable shape, int length)
    {
        var known = Reshape.StaticValues(shape);
        var entries = Enumerable.Range(0, length).Select(i => known?[i] is long v
            ? StructureSupport.Long(v)
            : T.Subtensor(shape, [new IndexEntry(i)]));
        return T.MakeVector([n, .. entries]);
    }

    /// <summary>
    /// Where the batch axis lands in <c>x[:, index]</c> for an advanced index (<paramref name="idxList"/>, with the
    /// index arrays <paramref name="arrays"/>): right after the slice, unless the arrays are not adjacent, when numpy puts
    /// their broadcast axes first.
    /// </summary>
    public static int AdvancedBatchAxis(IReadOnlyList<string> idxList, IReadOnlyList<Variable> arrays)
    {
        var places = idxList.Select((e, i) => (e, i)).Where(p => p.e == StructureSupport.ArrayMarker).Select(p => p.i).ToArray();
        bool adjacent = places.Length == 0 || places[^1] - places[0] == places.Length - 1;
        return adjacent ? 0 : arrays.Max(a => a.DType == DType.Bool ? 1 : a.Ndim);
    }

    /// <summary>
    /// A value to write into the indexed part of a batched x, of unbatched rank <paramref name="rank"/>: padded to that
    /// rank with its batch axis (broadcastable when unbatched) moved to <paramref name="batchAxis"/>.
    /// </summary>
    public static Variable ValueFor((Variable Value, bool Batched) y, int rank, int batchAxis)
    {
        var v = y.Batched ? PadAfterBatch(y.Value, rank) : T.PadLeft(y.Value, rank + 1);
        return batchAxis == 0 ? v
            : T.DimShuffle(v, [.. Enumerable.Range(1, batchAxis), 0, .. Enumerable.Range(batchAxis + 1, rank - batchAxis)]);
    }
}
