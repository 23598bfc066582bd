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
    /// Batched a·b as a broadcast product summed over the contracted axis: each operand is laid out as
    /// [batch, rows, contracted, columns] with missing axes broadcastable, multiplied, summed over the contracted axis,
    /// and the missing axes dropped.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var ((a, aBatched), (b, bBatched)) = (inputs[0], inputs[1]);
        int aRank = a.Ndim - (aBatched ? 1 : 0), bRank = b.Ndim - (bBatched ? 1 : 0);
        int ab = aBatched ? 1 : 0, bb = bBatched ? 1 : 0;
        // a: [batch?, m?, k] → [B, M, K, x]; b: [batch?, k, n?] → [B, x, K, N].
        var aLayout = new[] { aBatched ? 0 : -1, aRank == 2 ? ab : -1, ab + aRank - 1, -1 };
        var bLayout = new[] { bBatched ? 0 : -1, -1, bb, bRank == 2 ? bb + 1 : -1 };
        var product = T.DimShuffle(a, aLayout) * T.DimShuffle(b, bLayout);
        var summed = T.Sum(product, [2]);                      // [B, M, N]
        int[] keep = [0, .. aRank == 2 ? new[] { 1 } : [], .. bRank == 2 ? new[] { 2 } : []];
        return [(T.DimShuffle(summed, keep), true)];
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
