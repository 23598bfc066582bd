using Gradient.Graph;
using TorchSharp;

namespace Gradient.Ops.Linalg;

/// <summary>
/// Aesara's <c>MatrixInverse</c>: Y = X⁻¹ of a square float matrix. dY = -Y dX Y, so the pullback is
/// X̄ = -Yᵀ Ȳ Yᵀ and the pushforward -Y Ẋ Y. A singular matrix is an <see cref="ArgumentException"/>.
/// </summary>
public sealed class MatrixInverse : Op
{
    /// <summary>The op (it has no parameters).</summary>
    public static readonly MatrixInverse Instance = new();

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        var n = LinalgChecks.SquareMatrix(this, x, "x");
        return new Apply(this, [x], [new TensorType(x.DType, [n, n])]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.MatrixInverse(inputs[0])];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var yt = T.Transpose(node.Outputs[0]);
        return [-T.Dot(T.Dot(yt, outputGradients[0]), yt)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        if (inputTangents[0] is not { } dx)
        {
            return [null];
        }
        var y = node.Outputs[0];
        return [-T.Dot(T.Dot(y, dx), y)];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => "MatrixInverse";
}
