using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;
using static Gradient.Ops.StructureSupport;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>AdvancedSubtensor</c>: numpy's advanced indexing <c>x[index]</c>, inputs <c>(x, a_0, a_1, ...)</c>.
/// <see cref="IdxList"/> lists the index entries: slices in numpy notation and <c>*</c> where the next index array goes.
/// Arrays are integer (any rank, broadcast together, negative entries count from the end; integers are 0-d arrays) or
/// boolean masks (standing for their <c>nonzero()</c>); the array axes replace the indexed ones when the arrays are
/// adjacent, else they come first. Linear: the pullback scatter-adds the output gradient into zeros
/// (<see cref="AdvancedIncSubtensor"/>), the pushforward (which Aesara lacks for mixed indices) indexes the tangent.
/// </summary>
/// <param name="idxList">The index entries: slices and <c>*</c> for arrays.</param>
public sealed class AdvancedSubtensor(IReadOnlyList<string> idxList) : Op
{
    /// <summary>The index entries: slices in numpy notation and <c>*</c> for arrays.</summary>
    public IReadOnlyList<string> IdxList { get; } =
        idxList.Select(s => s == ArrayMarker ? s : IndexEntry.Parse(s).ToString()).ToArray();

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("idx_list", IdxList)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        Guard.NoNulls(inputs, $"{this}");
        if (inputs.Length < 1)
        {
            throw new ArgumentException($"{this}: expected x and the index arrays; got no inputs");
        }
        var x = inputs[0];
        var shape = AdvancedShape(this, x.Type, ParseAdvanced(this, IdxList), inputs[1..]);
        return new Apply(this, inputs, [new TensorType(x.DType, shape)]);
    }

    /// <inheritdoc/>
    /// <remarks>As in Aesara, index arrays are disconnected.</remarks>
    public override bool[][] ConnectionPattern(Apply node) => [[true], .. node.Inputs.Skip(1).Select(_ => new[] { false })];

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.AdvancedSubtensor(inputs[0], ParseAdvanced(this, IdxList), inputs[1..])];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        var result = new Variable?[node.Inputs.Count];
        if (!x.DType.IsDiscrete())
        {
            result[0] = new AdvancedIncSubtensor(IdxList, false)
                .Call([T.ZerosLike(x), T.Cast(outputGradients[0], x.DType), .. node.Inputs.Skip(1)]);
        }
        return result;
    }

    /// <summary>
    /// A full slice over the batch axis, then the same index (the batch axis is moved back to the front where numpy
    /// puts non-adjacent array axes first); batched index arrays have no rule.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        if (inputs.Skip(1).Any(i => i.Batched))
        {
            return null;
        }
        var arrays = inputs.Skip(1).Select(i => i.Value).ToArray();
        var result = new AdvancedSubtensor([":", .. IdxList]).Call([inputs[0].Value, .. arrays]);
        return [(BatchSupport.ToFront(result, BatchSupport.AdvancedBatchAxis(IdxList, arrays)), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dx ? Call([dx, .. node.Inputs.Skip(1)]) : null];

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"AdvancedSubtensor{{{string.Join(", ", IdxList)}}}";
}
