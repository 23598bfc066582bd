using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Rewrites;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// The identity on 0-d tensors, kept under one of Aesara's names for its scalar/tensor conversions
/// (<see cref="ScalarFromTensor"/>, <see cref="TensorFromScalar"/>): this engine has no separate scalar type.
/// Compiled graphs drop it (<see cref="IRemovableOp"/>); both derivatives pass straight through.
/// </summary>
public abstract class ZeroDimIdentity : Op, IRemovableOp
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
            throw new ArgumentException($"{this}: expected a 0-d tensor; got shape {Kernels.Kernels.Show(inputs[0].Lengths())}");
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
    public override string ToString() => ClassName;
}
