using Gradient.Kernels;
using Gradient.Graph;
using TorchSharp;

namespace Gradient.Ops.Sparse;

/// <summary>
/// Aesara's <c>StructuredDot</c>: sparse A times dense b (matrix or vector), a dense result; with
/// <paramref name="transposeSparse"/> Aᵀ b (the pullback of the plain product). The gradient with respect to b is
/// Aᵀ ḡ; with respect to A it is ḡ bᵀ restricted to A's pattern (structured: only stored entries are variables),
/// and the pushforward is A ḃ + mask(Ȧ) b.
/// </summary>
public sealed class StructuredDot(bool transposeSparse = false) : Op
{
    /// <summary>Whether the sparse operand is transposed.</summary>
    public bool TransposeSparse { get; } = transposeSparse;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("transpose_sparse", TransposeSparse)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var a = SparseChecks.Matrix(this, inputs[0], "the sparse operand");
        var b = inputs[1];
        if (b.Ndim is < 1 or > 2)
        {
            throw new ArgumentException($"{this}: expected a dense operand of rank 1 or 2; got {b.Type}");
        }
        var (rows, inner) = TransposeSparse ? (a.Type.Shape[1], a.Type.Shape[0]) : (a.Type.Shape[0], a.Type.Shape[1]);
        if (inner is long k && b.Type.Shape[0] is long l && k != l)
        {
            throw new ArgumentException(
                $"{this}: shapes {TensorType.Show(a.Type.Shape)} and {TensorType.Show(b.Type.Shape)} not aligned: {k} != {l}");
        }
        var dtype = Elemwise.PromoteInputs([a, b]);
        return new Apply(this, [a, b], [new TensorType(dtype, [rows, .. b.Type.Shape.Skip(1)])]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var dtype = node.Outputs[0].DType;
        using var a = Kernels.Kernels.Cast(inputs[0], dtype);
        using var b = Kernels.Kernels.Cast(inputs[1], dtype);
        return [Kernels.Kernels.SparseDot(a, b, TransposeSparse)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var gz = outputGradients[0];
        // z = A b: Ā = ḡ bᵀ; z = Aᵀ b: Ā = b ḡᵀ — both on A's pattern only.
        var outer = TransposeSparse ? Outer(b, gz) : Outer(gz, b);
        var ga = T.SparsePatternMask(outer, a);
        var gb = T.StructuredDot(a, gz, !TransposeSparse);
        return [SparseChecks.Typed(ga, a), SparseChecks.Typed(gb, b)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var (da, db) = (inputTangents[0], inputTangents[1]);
        Variable? left = null;
        if (da is not null)
        {
            var masked = T.SparsePatternMask(da, a);
            left = T.Dot(TransposeSparse ? T.Transpose(masked) : masked, b);
        }
        var right = db is null ? null : T.StructuredDot(a, db, TransposeSparse);
        return [SparseChecks.Sum(left, right)];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => TransposeSparse ? "StructuredDot{T}" : "StructuredDot";

    /// <summary>u vᵀ for vectors, U Vᵀ for matrices.</summary>
    private static Variable Outer(Variable u, Variable v) => u.Ndim == 1
        ? T.Dot(T.DimShuffle(u, [0, -1]), T.DimShuffle(v, [-1, 0]))
        : T.Dot(u, T.Transpose(v));
}
