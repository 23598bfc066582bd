using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Rewrites;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>ScalarFromTensor</c> (the 0-d tensor as Aesara's scalar type). This engine has no separate scalar type, so it is the identity on 0-d tensors, kept
/// under Aesara's name so that graphs read the same; compiled graphs drop it (<see cref="IRemovableOp"/>). Both
/// derivatives pass straight through.
/// </summary>
public sealed class ScalarFromTensor : Op, IRemovableOp
{
    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        if (x.Ndim != 0)
        {
            throw new ArgumentException($"{this}: expected a 0-d tensor; got {x.Type}");
        }
        return new Apply(this, [x], [x.Type]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        if (inputs[0].dim() != 0)
        {
            throw new ArgumentException($"{this}: expected a 0-d tensor; got shape {Kernels.Kernels.Show(inputs[0].shape)}");
        }
        return [inputs[0].alias()];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) =>
        [node.Inputs[0].DType.IsDiscrete() ? null : T.Cast(outputGradients[0], node.Inputs[0].DType)];

    /// <summary>The identity on each member: the batched vector as it is.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(inputs[0].Value, true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dx ? Call(dx) : null];

    /// <inheritdoc/>
    public override string ToString() => "ScalarFromTensor";
}
