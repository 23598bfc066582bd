using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// numpy's <c>dot</c> for ranks 1 and 2: inner product, matrix·vector, vector·matrix, matrix·matrix.
/// Bilinear: d(a·b) = da·b + a·db; the pullback multiplies the output gradient by the other operand, transposed.
/// </summary>
public sealed class Dot : Op
{
    /// <summary>The op (it has no parameters).</summary>
    public static readonly Dot Instance = new();

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var (a, b) = (inputs[0], inputs[1]);
        if (a.Ndim is < 1 or > 2 || b.Ndim is < 1 or > 2)
        {
            throw new ArgumentException($"dot: expected operands of rank 1 or 2; got {a.Type} and {b.Type}");
        }
        if (a.Type.Shape[^1] is long k && b.Type.Shape[0] is long l && k != l)
        {
            throw new ArgumentException(
                $"dot: shapes {TensorType.Show(a.Type.Shape)} and {TensorType.Show(b.Type.Shape)} not aligned: {k} != {l}");
        }
        var shape = a.Type.Shape.Take(a.Ndim - 1).Concat(b.Type.Shape.Skip(1)).ToArray();
        var dtype = Elemwise.PromoteInputs([a, b]);
        return new Apply(this, [a, b], [new TensorType(dtype, shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var dtype = node.Outputs[0].DType;
        // The usual case, both operands already in the output dtype, makes no conversion handles at all.
        if (node.Inputs[0].DType == dtype && node.Inputs[1].DType == dtype)
        {
            return [Kernels.Kernels.Dot(inputs[0], inputs[1])];
        }
        using var a = Kernels.Kernels.Cast(inputs[0], dtype);
        using var b = Kernels.Kernels.Cast(inputs[1], dtype);
        return [Kernels.Kernels.Dot(a, b)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var gz = outputGradients[0];
        Variable ga, gb;
        switch (a.Ndim, b.Ndim)
        {
            case (1, 1): // z = Σ a_i b_i
                (ga, gb) = (gz * b, gz * a);
                break;
            case (2, 1): // z = A b
                (ga, gb) = (T.Dot(Column(gz), Row(b)), T.Dot(gz, a));
                break;
            case (1, 2): // z = a B
                (ga, gb) = (T.Dot(b, gz), T.Dot(Column(a), Row(gz)));
                break;
            default:     // Z = A B
                (ga, gb) = (T.Dot(gz, T.Transpose(b)), T.Dot(T.Transpose(a), gz));
                break;
        }
        return [Typed(ga, a), Typed(gb, b)];
    }

    /// <summary>
    /// Batched a·b through numpy's matmul, which broadcasts leading axes: a batched operand keeps its batch axis in
    /// front, an unbatched one is broadcast; vector operands get a temporary axis where matmul needs one.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var ((a, aBatched), (b, bBatched)) = (inputs[0], inputs[1]);
        int aRank = a.Ndim - (aBatched ? 1 : 0), bRank = b.Ndim - (bBatched ? 1 : 0);
        Variable result = (aBatched, bBatched, aRank, bRank) switch
        {
            // Only a is batched: (B, [m,] k) @ (k[, n]) is already matmul's meaning.
            (true, false, _, _) => T.MatMul(a, b),
            // Only b is batched, as a stack of vectors (B, k): a·b_i = b_i·aᵀ.
            (false, true, 1, 1) => T.MatMul(b, a),
            (false, true, 2, 1) => T.MatMul(b, T.Transpose(a)),
            // Only b is batched, as a stack of matrices (B, k, n): a broadcasts over the batch.
            (false, true, _, 2) => T.MatMul(a, b),
            // Both batched.
            (true, true, 1, 1) => T.Sum(a * b, [1]),
            (true, true, 2, 1) => T.DimShuffle(T.MatMul(a, T.DimShuffle(b, [0, 1, -1])), [0, 1]),
            (true, true, 1, 2) => T.DimShuffle(T.MatMul(T.DimShuffle(a, [0, -1, 1]), b), [0, 2]),
            _ => T.MatMul(a, b),
        };
        return [(result, true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var (da, db) = (inputTangents[0], inputTangents[1]);
        var left = da is null ? null : T.Dot(da, b);
        var right = db is null ? null : T.Dot(a, db);
        return [left is null ? right : right is null ? left : left + right];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => "Dot";

    private static Variable Column(Variable v) => T.DimShuffle(v, [0, -1]);

    private static Variable Row(Variable v) => T.DimShuffle(v, [-1, 0]);

    /// <summary>The gradient in x's dtype, or for an integer x in the gradient's float dtype (never an integer).</summary>
    private static Variable? Typed(Variable g, Variable x) =>
        x.DType.IsDiscrete() || g.DType == x.DType ? g : T.Cast(g, x.DType);
}
