using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;
using static Gradient.Ops.StructureSupport;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>AdvancedIncSubtensor1</c>: inputs <c>(x, y, indices)</c>; a copy of x whose rows at the integer vector
/// indices are incremented by y (repeated indices accumulate, as <c>np.add.at</c>) or, with
/// <see cref="SetInsteadOfInc"/>, replaced by y (the last write wins). y broadcasts to <c>x[indices]</c> where its
/// static length is 1. Linear in (x, y): x gets the output gradient (zero at the written rows when setting), y gets
/// <c>g[indices]</c> summed over its broadcast axes, where a row that a later repeated index overwrites gets nothing.
/// </summary>
/// <param name="setInsteadOfInc">True: replace the rows; false: add to them.</param>
public sealed class AdvancedIncSubtensor1(bool setInsteadOfInc) : Op
{
    /// <summary>True: replace the rows; false: add to them.</summary>
    public bool SetInsteadOfInc { get; } = setInsteadOfInc;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("set_instead_of_inc", SetInsteadOfInc)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 3);
        var (x, y, indices) = (inputs[0], inputs[1], inputs[2]);
        if (x.Ndim < 1)
        {
            throw new IndexOutOfRangeException($"{this}: cannot index a 0-d tensor {x.Type}");
        }
        if (indices.Ndim != 1 || !indices.DType.IsDiscrete() || indices.DType == DType.Bool)
        {
            throw new ArgumentException($"{this}: expected an integer vector of indices; got {indices.Type}");
        }
        CheckValue(this, x, y, AdvancedShape(this, x.Type, [null], [indices]));
        return new Apply(this, [x, y, indices], [x.Type]);
    }

    /// <inheritdoc/>
    /// <remarks>As in Aesara, indices are disconnected.</remarks>
    public override bool[][] ConnectionPattern(Apply node) => [[true], [true], [false]];

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.AdvancedIncSubtensor1(inputs[0], inputs[1], inputs[2], SetInsteadOfInc,
            node.Inputs[1].Type.Broadcastable)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (x, y, indices) = (node.Inputs[0], node.Inputs[1], node.Inputs[2]);
        var gz = outputGradients[0];
        Variable? gx = x.DType.IsDiscrete() ? null
            : SetInsteadOfInc ? new AdvancedIncSubtensor1(true).Call(gz, T.Cast(T.Constant(0L), gz.DType), indices)
            : gz;
        Variable? gy = null;
        if (!y.DType.IsDiscrete())
        {
            var part = new AdvancedSubtensor1().Call(gz, indices);
            if (SetInsteadOfInc)
            {
                part = part * WinnerMask(x, part, v => new AdvancedSubtensor1().Call(v, indices),
                    (into, values) => new AdvancedIncSubtensor1(true).Call(into, values, indices), part.DType);
            }
            gy = ReduceTo(part, y.Type, y.DType);
        }
        return [gx, gy, null];
    }

    /// <summary>
    /// Writes the rows after the batch axis (x broadcast to the batch if needed); batched indices have no rule.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        if (inputs[2].Batched)
        {
            return null;
        }
        var x = BatchSupport.Materialize(inputs[0], BatchSupport.Length(inputs));
        var y = BatchSupport.ValueFor(inputs[1], node.Inputs[0].Ndim, 0);
        return [(new AdvancedIncSubtensor([":", ArrayMarker], SetInsteadOfInc).Call(x, y, inputs[2].Value), true)];
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
        var result = Call(T.Cast(dx ?? T.ZerosLike(x), x.DType), T.Cast(dy ?? T.ZerosLike(y, x.DType), x.DType), node.Inputs[2]);
        return [result];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => SetInsteadOfInc ? "AdvancedSetSubtensor1" : "AdvancedIncSubtensor1";
}
