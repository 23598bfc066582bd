using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops.RandomVariables;

/// <summary>
/// Aesara's <c>UniformRV</c>: samples uniform in [low, high). Inputs: size (int64 vector, empty for the broadcast shape of the
/// parameters), low, high.
/// </summary>
/// <param name="state">The generator state this variable draws from.</param>
/// <param name="dtype">The float dtype of the samples.</param>
public sealed class UniformRV(RandomState state, DType dtype) : RandomVariable(state, "uniform", dtype)
{
    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 3);
        if (!DType.IsFloat())
        {
            throw new ArgumentException($"{this}: expected a float dtype; got {DType.Name()}");
        }
        Numeric(inputs[1], "low");
        Numeric(inputs[2], "high");
        var shape = StaticShape(inputs[0], inputs[1].Type.Shape, inputs[2].Type.Shape);
        return new Apply(this, inputs, [new TensorType(DType, shape)]);
    }

    /// <inheritdoc/>
    protected override torch.Tensor Draw(torch.Generator generator, Apply node, torch.Tensor[] inputs)
    {
        var shape = SampleShape("uniform", inputs[0], inputs[1].Lengths(), inputs[2].Lengths());
        return Kernels.Kernels.Uniform(generator, inputs[1], inputs[2], shape, DType);
    }
}
