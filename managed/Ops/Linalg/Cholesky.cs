using Gradient.Graph;
using TorchSharp;

namespace Gradient.Ops.Linalg;

/// <summary>
/// Aesara's <c>Cholesky</c>: the lower factor L of a symmetric positive-definite matrix (L Lᵀ = X, read from X's lower
/// triangle), or with <see cref="Lower"/> false the upper factor U = Lᵀ (read from the upper triangle, as scipy does).
/// A matrix that is not positive definite raises an <see cref="ArgumentException"/>, or with
/// <see cref="OnError"/> 'nan' gives a matrix of NaNs.
/// </summary>
/// <remarks>
/// With Φ(M) = the lower triangle of M with its diagonal halved and B the symmetric matrix that was read:
/// pushforward dL = L Φ(L⁻¹ dB L⁻ᵀ); pullback (Murray 2016) S = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹, B̄ = (S + Sᵀ)/2, folded onto the
/// triangle that was read (Aesara's <c>tril(S + Sᵀ) - diag(S)</c>). The derivatives assume a positive-definite input.
/// </remarks>
/// <param name="lower">Return the lower factor (else the upper one).</param>
/// <param name="destructive">Aesara's prop; always false here (the input is never overwritten).</param>
/// <param name="onError">'raise' or 'nan'.</param>
public sealed class Cholesky(bool lower = true, bool destructive = false, string onError = "raise") : Op
{
    /// <summary>Whether the lower factor is returned.</summary>
    public bool Lower { get; } = lower;

    /// <summary>Aesara's prop (informational).</summary>
    public bool Destructive { get; } = destructive;

    /// <summary>'raise' or 'nan'.</summary>
    public string OnError { get; } = onError is "raise" or "nan"
        ? onError
        : throw new ArgumentException($"Cholesky: on_error must be 'raise' or 'nan'; got '{onError}'", nameof(onError));

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props =>
        [new("lower", Lower), new("destructive", Destructive), new("on_error", OnError)];

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
        [Kernels.Kernels.Cholesky(inputs[0], Lower, OnError == "nan")];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (l, gl) = Lower
            ? (node.Outputs[0], outputGradients[0])
            : (T.Transpose(node.Outputs[0]), T.Transpose(outputGradients[0]));
        var inverse = MatrixInverse.Instance.Call(l);
        var s = T.Dot(T.Dot(T.Transpose(inverse), Phi(T.Dot(T.Transpose(l), gl))), inverse);
        return [T.FoldToTriangle((s + T.Transpose(s)) * 0.5, Lower)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        if (inputTangents[0] is not { } dx)
        {
            return [null];
        }
        var l = Lower ? node.Outputs[0] : T.Transpose(node.Outputs[0]);
        var inverse = MatrixInverse.Instance.Call(l);
        var dB = T.SymmetrizeFrom(dx, Lower);
        var dl = T.Dot(l, Phi(T.Dot(T.Dot(inverse, dB), T.Transpose(inverse))));
        return [Lower ? dl : T.Transpose(dl)];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"Cholesky{{lower={Lower}, on_error='{OnError}'}}";

    /// <summary>The lower triangle with the diagonal halved.</summary>
    private static Variable Phi(Variable m) => T.Tril(m) - m * T.EyeLike(m) * 0.5;
}
