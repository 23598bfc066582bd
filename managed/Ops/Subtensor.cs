using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Subtensor</c> for basic indexing with constant entries: integers (negative ones count from the end)
/// and slices <c>start:stop:step</c> (steps of either sign), one per leading axis, written in numpy's notation in
/// <see cref="IdxList"/> (e.g. <c>["1", "::-1"]</c>). Linear: the pullback scatters the output gradient into zeros
/// shaped like x (<see cref="IncSubtensor"/>), the pushforward indexes the tangent.
/// </summary>
public sealed class Subtensor(IReadOnlyList<string> idxList) : Op
{
    /// <summary>The index entries in numpy notation.</summary>
    public IReadOnlyList<string> IdxList { get; } = idxList.Select(s => IndexEntry.Parse(s).ToString()).ToArray();

    /// <summary>The parsed entries.</summary>
    public IReadOnlyList<IndexEntry> Entries => IdxList.Select(IndexEntry.Parse).ToArray();

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("idx_list", IdxList)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        return new Apply(this, [x], [new TensorType(x.DType, OutputShape(this, Entries, x.Type))]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.Subtensor(inputs[0], Entries)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        return x.DType.IsDiscrete()
            ? [null]
            : [new IncSubtensor(IdxList, false).Call(T.ZerosLike(x), outputGradients[0])];
    }

    /// <summary>A full slice over the batch axis, then the same entries.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(new Subtensor([":", .. IdxList]).Call(inputs[0].Value), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dx ? Call(dx) : null];

    /// <inheritdoc/>
    public override string ToString() => $"Subtensor{{{string.Join(", ", IdxList)}}}";

    /// <summary>The static shape of <c>x[entries]</c>; integer entries are checked against known lengths.</summary>
    internal static long?[] OutputShape(Op op, IReadOnlyList<IndexEntry> entries, TensorType x)
    {
        if (entries.Count > x.Ndim)
        {
            throw new IndexOutOfRangeException(
                $"{op}: too many indices for {x}: it is {x.Ndim}-dimensional, but {entries.Count} were indexed");
        }
        var shape = new List<long?>();
        for (int axis = 0; axis < x.Ndim; axis++)
        {
            var length = x.Shape[axis];
            if (axis >= entries.Count)
            {
                shape.Add(length);
            }
            else if (entries[axis].IsSlice)
            {
                shape.Add(entries[axis].StaticLength(length));
            }
            else if (length is long n)
            {
                entries[axis].Resolve(n, axis); // throws for an index out of bounds
            }
        }
        return shape.ToArray();
    }
}
