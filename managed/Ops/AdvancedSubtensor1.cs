using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>AdvancedSubtensor1</c>: inputs <c>(x, indices)</c>, <c>x[indices]</c> along axis 0 for an integer
/// vector (negative entries count from the end; symbolic or constant). Linear: the pullback adds the output gradient
/// rows into zeros at the indices (<see cref="AdvancedIncSubtensor1"/>; repeated indices accumulate), the pushforward
/// indexes the tangent.
/// </summary>
public sealed class AdvancedSubtensor1 : Op
{
    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var (x, indices) = (inputs[0], inputs[1]);
        if (x.Ndim < 1)
        {
            throw new IndexOutOfRangeException($"{this}: cannot index a 0-d tensor {x.Type}");
        }
        if (indices.Ndim != 1 || !indices.DType.IsDiscrete() || indices.DType == DType.Bool)
        {
            throw new ArgumentException($"{this}: expected an integer vector of indices; got {indices.Type}");
        }
        var shape = StructureSupport.AdvancedShape(this, x.Type, [null], [indices]);
        return new Apply(this, [x, indices], [new TensorType(x.DType, shape)]);
    }

    /// <inheritdoc/>
    /// <remarks>As in Aesara, indices are disconnected.</remarks>
    public override bool[][] ConnectionPattern(Apply node) => [[true], [false]];

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.AdvancedSubtensor1(inputs[0], inputs[1])];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (x, indices) = (node.Inputs[0], node.Inputs[1]);
        return x.DType.IsDiscrete()
            ? [null, null]
            : [new AdvancedIncSubtensor1(false).Call(T.ZerosLike(x), T.Cast(outputGradients[0], x.DType), indices), null];
    }

    /// <summary>Indexes the axis after the batch axis; indices that differ across the batch have no rule.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        inputs[1].Batched
            ? null
            : [(new AdvancedSubtensor([":", StructureSupport.ArrayMarker]).Call(inputs[0].Value, inputs[1].Value),
                true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dx ? Call(dx, node.Inputs[1]) : null];

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => "AdvancedSubtensor1";
}
