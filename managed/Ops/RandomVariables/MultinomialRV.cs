using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops.RandomVariables;

/// <summary>
/// Aesara's <c>MultinomialRV</c>: int64 counts over k categories from n draws, shaped size + (k,) (numpy's rule: the
/// last category takes whatever the others leave). Inputs: size (int64 vector, empty for pvals' batch shape), n (an
/// integer scalar), pvals (…, k).
/// </summary>
/// <param name="state">The generator state this variable draws from.</param>
public sealed class MultinomialRV(RandomState state) : RandomVariable(state, "multinomial", DType.Int64)
{
    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 3);
        var (n, pvals) = (inputs[1], inputs[2]);
        if (n.Ndim != 0 || !n.DType.IsDiscrete())
        {
            throw new ArgumentException($"{this}: n must be an integer scalar; got {n.Type}");
        }
        Numeric(pvals, "pvals");
        if (pvals.Ndim < 1)
        {
            throw new ArgumentException($"{this}: pvals must have a last axis of categories; got {pvals.Type}");
        }
        var batch = StaticShape(inputs[0], pvals.Type.Shape.Take(pvals.Ndim - 1).ToArray());
        return new Apply(this, inputs, [new TensorType(DType, [.. batch, pvals.Type.Shape[^1]])]);
    }

    /// <inheritdoc/>
    protected override torch.Tensor Draw(torch.Generator generator, Apply node, torch.Tensor[] inputs)
    {
        var pvals = inputs[2];
        var batch = SampleShape("multinomial", inputs[0], pvals.Lengths().Take(pvals.Lengths().Length - 1).ToArray());
        using var n = inputs[1].to_type(torch.ScalarType.Int64);
        return Kernels.Kernels.Multinomial(generator, n.item<long>(), pvals, batch);
    }
}
