using Gradient.Graph;
using TorchSharp;

namespace Gradient.Ops.Linalg;

/// <summary>
/// Aesara's <c>Eigh</c>: eigenvalues w (ascending) and orthonormal eigenvectors V (columns) of a symmetric matrix,
/// read from the triangle <see cref="Uplo"/> names ('L' or 'U'); two outputs.
/// </summary>
/// <remarks>
/// With B the symmetric matrix that was read, P = Vᵀ dB V and F_ij = 1/(w_j - w_i) off the diagonal (0 on it):
/// dw = diag(P), dV = V (F ∘ P) (first-order perturbation theory). Pullback: G = V (diag(w̄) + F ∘ (Vᵀ V̄)) Vᵀ,
/// symmetrised and folded onto the triangle that was read. <b>Degenerate eigenvalues:</b> the eigenvalues stay
/// differentiable (a symmetric function of them, such as their sum, has a well-defined gradient), but eigenvectors
/// of a repeated eigenvalue are not unique and F has infinities there: any gradient or tangent that goes through
/// F is then inf/NaN. Even with V̄ = 0 the product 0·∞ gives NaN, so for a matrix with repeated eigenvalues use
/// only functions of w and differentiate before the eigh (or use a well-separated spectrum).
/// </remarks>
/// <param name="uplo">'L' (default) or 'U'.</param>
public sealed class Eigh(string uplo = "L") : Op
{
    /// <summary>'L' or 'U'.</summary>
    public string Uplo { get; } = uplo is "L" or "U"
        ? uplo
        : throw new ArgumentException($"Eigh: UPLO must be 'L' or 'U'; got '{uplo}'", nameof(uplo));

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("UPLO", Uplo)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        var n = LinalgChecks.SquareMatrix(this, x, "x");
        return new Apply(this, [x], [new TensorType(x.DType, [n]), new TensorType(x.DType, [n, n])]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var (w, v) = Kernels.Kernels.Eigh(inputs[0], Uplo);
        return [w, v];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (w, v) = (node.Outputs[0], node.Outputs[1]);
        var (gw, gv) = (outputGradients[0], outputGradients[1]);
        var inner = T.EyeLike(v) * T.DimShuffle(gw, [-1, 0]) + Gaps(w, v) * T.Dot(T.Transpose(v), gv);
        var g = T.Dot(T.Dot(v, inner), T.Transpose(v));
        return [T.FoldToTriangle((g + T.Transpose(g)) * 0.5, Uplo == "L")];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        if (inputTangents[0] is not { } dx)
        {
            return [null, null];
        }
        var (w, v) = (node.Outputs[0], node.Outputs[1]);
        var p = T.Dot(T.Dot(T.Transpose(v), T.SymmetrizeFrom(dx, Uplo == "L")), v);
        return [T.ExtractDiag(p), T.Dot(v, Gaps(w, v) * p)];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"Eigh{{UPLO='{Uplo}'}}";

    /// <summary>F_ij = 1/(w_j - w_i) off the diagonal, 0 on it.</summary>
    private static Variable Gaps(Variable w, Variable v)
    {
        var eye = T.EyeLike(v);
        var differences = T.DimShuffle(w, [-1, 0]) - T.DimShuffle(w, [0, -1]);
        return (1.0 - eye) / (differences + eye);
    }
}
