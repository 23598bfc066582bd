using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops.RandomVariables;

/// <summary>
/// Aesara's <c>BinomialRV</c>: int64 counts of successes in n trials of probability p. Inputs: size (int64 vector,
/// empty for the broadcast shape of the parameters), n, p.
/// </summary>
/// <param name="state">The generator state this variable draws from.</param>
public sealed class BinomialRV(RandomState state) : RandomVariable(state, "binomial", DType.Int64)
{
    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 3);
        Numeric(inputs[1], "n");
        Numeric(inputs[2], "p");
        var shape = StaticShape(inputs[0], inputs[1].Type.Shape, inputs[2].Type.Shape);
        return new Apply(this, inputs, [new TensorType(DType, shape)]);
    }

    /// <inheritdoc/>
    protected override torch.Tensor Draw(torch.Generator generator, Apply node, torch.Tensor[] inputs)
    {
        var shape = SampleShape("binomial", inputs[0], inputs[1].Lengths(), inputs[2].Lengths());
        return Kernels.Kernels.Binomial(generator, inputs[1], inputs[2], shape);
    }
}
