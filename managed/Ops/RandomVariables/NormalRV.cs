using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops.RandomVariables;

/// <summary>
/// Aesara's <c>NormalRV</c>: samples loc + scale · ε with ε standard normal. Inputs: size (int64 vector, empty for the broadcast shape of the
/// parameters), loc, scale.
/// </summary>
/// <param name="state">The generator state this variable draws from.</param>
/// <param name="dtype">The float dtype of the samples.</param>
public sealed class NormalRV(RandomState state, DType dtype) : RandomVariable(state, "normal", dtype)
{
    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 3);
        if (!DType.IsFloat())
        {
            throw new ArgumentException($"{this}: expected a float dtype; got {DType.Name()}");
        }
        Numeric(inputs[1], "loc");
        Numeric(inputs[2], "scale");
        var shape = StaticShape(inputs[0], inputs[1].Type.Shape, inputs[2].Type.Shape);
        return new Apply(this, inputs, [new TensorType(DType, shape)]);
    }

    /// <inheritdoc/>
    protected override torch.Tensor Draw(torch.Generator generator, Apply node, torch.Tensor[] inputs)
    {
        var shape = SampleShape("normal", inputs[0], inputs[1].Lengths(), inputs[2].Lengths());
        return Kernels.Kernels.Normal(generator, inputs[1], inputs[2], shape, DType);
    }
}
