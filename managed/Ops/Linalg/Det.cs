using Gradient.Graph;
using TorchSharp;

namespace Gradient.Ops.Linalg;

/// <summary>
/// Aesara's <c>Det</c>: the determinant of a square float matrix, a scalar of its dtype. Jacobi's formula
/// d det X = det X · tr(X⁻¹ dX): the pullback is ḡ det X · X⁻ᵀ and the pushforward det X · Σ X⁻ᵀ ⊙ Ẋ. The value is
/// defined (0) for a singular matrix; its derivatives need X⁻¹ and raise there.
/// </summary>
public sealed class Det : Op
{
    /// <summary>The op (it has no parameters).</summary>
    public static readonly Det Instance = new();

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        LinalgChecks.SquareMatrix(this, x, "x");
        return new Apply(this, [x], [new TensorType(x.DType, [])]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) => [Kernels.Kernels.Det(inputs[0])];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        return [outputGradients[0] * node.Outputs[0] * T.Transpose(MatrixInverse.Instance.Call(x))];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        if (inputTangents[0] is not { } dx)
        {
            return [null];
        }
        var x = node.Inputs[0];
        return [node.Outputs[0] * T.Sum(T.Transpose(MatrixInverse.Instance.Call(x)) * dx)];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => "Det";
}
