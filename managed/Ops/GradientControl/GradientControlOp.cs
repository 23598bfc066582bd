using Gradient.Graph;
using Gradient.Rewrites;
using TorchSharp;

namespace Gradient.Ops.GradientControl;

/// <summary>
/// An op that is the identity in the forward pass and changes only how derivatives flow through it (Aesara's
/// <c>ViewOp</c> subclasses in <c>aesara.gradient</c>). Compiled graphs drop it (<see cref="IRemovableOp"/>).
/// </summary>
public abstract class GradientControlOp : Op, IRemovableOp
{
    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        return new Apply(this, inputs, [inputs[0].Type]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) => [inputs[0].alias()];

    /// <summary>The same control applies to every member of a batch.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(Call(inputs[0].Value), true)];

    /// <summary>The zero gradient or tangent shaped like <paramref name="like"/>, in a float dtype.</summary>
    protected static Variable Zeros(Variable like) => T.ZerosLike(like);
}
