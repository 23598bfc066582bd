using Gradient.Graph;
using TorchSharp;

namespace Gradient.Ops.Sparse;

/// <summary>
/// Aesara's <c>MulSS</c>: the element-wise product of two sparse matrices, stored where both store an entry.
/// d(a∘b) = da∘b + a∘db, each tangent and gradient restricted to its own operand's stored entries (dense, as the
/// engine's sparse gradients are).
/// </summary>
public sealed class MulSS : SparseBinaryOp
{
    /// <summary>The op (it has no parameters).</summary>
    public static readonly MulSS Instance = new();

    /// <inheritdoc/>
    protected override torch.Tensor Compute(torch.Tensor a, torch.Tensor b) => Kernels.Kernels.SparseMulSparse(a, b);

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var gz = outputGradients[0];
        return [SparseChecks.Typed(T.SparsePatternMask(gz * T.DenseFromSparse(b), a), a),
                SparseChecks.Typed(T.SparsePatternMask(gz * T.DenseFromSparse(a), b), b)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var left = inputTangents[0] is { } da ? T.SparsePatternMask(da, a) * T.DenseFromSparse(b) : null;
        var right = inputTangents[1] is { } db ? T.DenseFromSparse(a) * T.SparsePatternMask(db, b) : null;
        return [SparseChecks.Sum(left, right)];
    }
}
