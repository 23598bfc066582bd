using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops.Linalg;

/// <summary>
/// Aesara's <c>Tri</c>: an N×M matrix of <see cref="DType"/> with ones at and below diagonal k, zeros elsewhere (numpy's
/// <c>tri</c>); the three inputs are integer scalars. <c>tril(x, k)</c> is <c>x * tri(N, M, k)</c>. Nothing here is
/// differentiable: the gradients and tangents are null.
/// </summary>
/// <param name="dtype">The element type of the result (its prop is the numpy name).</param>
public sealed class Tri(DType dtype) : Op
{
    /// <summary>The element type of the result.</summary>
    public DType DType { get; } = dtype;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("dtype", DType.Name())];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 3);
        string[] names = ["N", "M", "k"];
        for (int i = 0; i < 3; i++)
        {
            if (inputs[i].Ndim != 0 || !inputs[i].DType.IsDiscrete() || inputs[i].DType == DType.Bool)
            {
                throw new ArgumentException($"{this}: expected {names[i]} to be an integer scalar; got {inputs[i].Type}");
            }
        }
        return new Apply(this, inputs, [new TensorType(DType, [Known(inputs[0]), Known(inputs[1])])]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.Tri(Long(inputs[0]), Long(inputs[1]), Long(inputs[2]), DType, inputs[0].device)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [null, null, null];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [null];

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"Tri{{dtype={DType.Name()}}}";

    private static long? Known(Variable v) => v is Constant c && c.ScalarValue is double d ? (long)d : null;

    private static long Long(torch.Tensor t)
    {
        using var asLong = t.to_type(torch.ScalarType.Int64);
        return asLong.item<long>();
    }
}
