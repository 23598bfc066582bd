using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;
using static Gradient.Ops.StructureSupport;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>AdvancedIncSubtensor</c>: inputs <c>(x, y, a_0, a_1, ...)</c>; a copy of x with the part selected by the
/// advanced index (<see cref="IdxList"/>, as in <see cref="AdvancedSubtensor"/>) incremented by y (repeated positions
/// accumulate, as <c>np.add.at</c>) or, with <see cref="SetInsteadOfInc"/>, replaced by y (the last write wins). y
/// broadcasts to the indexed part where its static length is 1. Linear in (x, y): x gets the output gradient (zero on
/// the written part when setting), y gets the indexed part of it summed over its broadcast axes, where an element a
/// later write overwrites gets nothing.
/// </summary>
/// <param name="idxList">The index entries: slices and <c>*</c> for arrays.</param>
/// <param name="setInsteadOfInc">True: replace the part; false: add to it.</param>
public sealed class AdvancedIncSubtensor(IReadOnlyList<string> idxList, bool setInsteadOfInc) : Op
{
    /// <summary>The index entries: slices in numpy notation and <c>*</c> for arrays.</summary>
    public IReadOnlyList<string> IdxList { get; } =
        idxList.Select(s => s == ArrayMarker ? s : IndexEntry.Parse(s).ToString()).ToArray();

    /// <summary>True: replace the part; false: add to it.</summary>
    public bool SetInsteadOfInc { get; } = setInsteadOfInc;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props =>
        [new("idx_list", IdxList), new("set_instead_of_inc", SetInsteadOfInc)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        Guard.NoNulls(inputs, $"{this}");
        if (inputs.Length < 2)
        {
            throw new ArgumentException($"{this}: expected x, y and the index arrays; got {inputs.Length} input(s)");
        }
        var (x, y) = (inputs[0], inputs[1]);
        CheckValue(this, x, y, AdvancedShape(this, x.Type, ParseAdvanced(this, IdxList), inputs[2..]));
        return new Apply(this, inputs, [x.Type]);
    }

    /// <inheritdoc/>
    /// <remarks>As in Aesara, index arrays are disconnected.</remarks>
    public override bool[][] ConnectionPattern(Apply node) => [[true], [true], .. node.Inputs.Skip(2).Select(_ => new[] { false })];

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.AdvancedIncSubtensor(inputs[0], inputs[1], ParseAdvanced(this, IdxList), inputs[2..],
            SetInsteadOfInc, node.Inputs[1].Type.Broadcastable)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (x, y) = (node.Inputs[0], node.Inputs[1]);
        var arrays = node.Inputs.Skip(2).ToArray();
        var gz = outputGradients[0];
        var result = new Variable?[node.Inputs.Count];
        if (!x.DType.IsDiscrete())
        {
            result[0] = SetInsteadOfInc
                ? new AdvancedIncSubtensor(IdxList, true).Call([gz, T.Cast(T.Constant(0L), gz.DType), .. arrays])
                : gz;
        }
        if (!y.DType.IsDiscrete())
        {
            var read = new AdvancedSubtensor(IdxList);
            var part = read.Call([gz, .. arrays]);
            if (SetInsteadOfInc)
            {
                var write = new AdvancedIncSubtensor(IdxList, true);
                part = part * WinnerMask(x, part, v => read.Call([v, .. arrays]),
                    (into, values) => write.Call([into, values, .. arrays]), part.DType);
            }
            result[1] = ReduceTo(part, y.Type, y.DType);
        }
        return result;
    }

    /// <summary>
    /// Writes under a full slice over the batch axis (x broadcast to the batch if needed, y laid out like the indexed
    /// part); batched index arrays have no rule.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        if (inputs.Skip(2).Any(i => i.Batched))
        {
            return null;
        }
        var arrays = inputs.Skip(2).Select(i => i.Value).ToArray();
        var x = BatchSupport.Materialize(inputs[0], BatchSupport.Length(inputs));
        int rank = AdvancedShape(this, node.Inputs[0].Type, ParseAdvanced(this, IdxList), arrays).Length;
        var y = BatchSupport.ValueFor(inputs[1], rank, BatchSupport.AdvancedBatchAxis(IdxList, arrays));
        return [(new AdvancedIncSubtensor([":", .. IdxList], SetInsteadOfInc).Call([x, y, .. arrays]), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var (dx, dy) = (inputTangents[0], inputTangents[1]);
        var (x, y) = (node.Inputs[0], node.Inputs[1]);
        if ((dx is null && dy is null) || x.DType.IsDiscrete())
        {
            return [null];
        }
        return [Call([T.Cast(dx ?? T.ZerosLike(x), x.DType), T.Cast(dy ?? T.ZerosLike(y, x.DType), x.DType),
            .. node.Inputs.Skip(2)])];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(SetInsteadOfInc ? "AdvancedSetSubtensor" : "AdvancedIncSubtensor")}{{{string.Join(", ", IdxList)}}}";
}
