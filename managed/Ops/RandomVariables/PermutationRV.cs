using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops.RandomVariables;

/// <summary>
/// Aesara's <c>PermutationRV</c> (numpy's <c>permutation</c>): for an integer scalar x a shuffled 0 … x-1 (int64),
/// otherwise x shuffled along its first axis. Input: x.
/// </summary>
/// <param name="state">The generator state this variable draws from.</param>
/// <param name="dtype">The dtype of the result: x's, or int64 for an integer scalar x.</param>
public sealed class PermutationRV(RandomState state, DType dtype) : RandomVariable(state, "permutation", dtype)
{
    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        if (x.Ndim == 0 && (!x.DType.IsDiscrete() || x.DType == DType.Bool))
        {
            throw new ArgumentException($"{this}: a scalar x must be an integer (the length); got {x.Type}");
        }
        var expected = x.Ndim == 0 ? DType.Int64 : x.DType;
        if (expected != DType)
        {
            throw new ArgumentException($"{this}: a permutation of {x.Type} has dtype {expected.Name()}; the op says {DType.Name()}");
        }
        var shape = x.Ndim == 0
            ? [x is Constant c && c.ScalarValue is double n ? (long)n : null]
            : x.Type.Shape;
        return new Apply(this, inputs, [new TensorType(DType, shape)]);
    }

    /// <inheritdoc/>
    protected override torch.Tensor Draw(torch.Generator generator, Apply node, torch.Tensor[] inputs) =>
        Kernels.Kernels.Permutation(generator, inputs[0]);
}
