using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>BatchedDot</c>: for each index of the shared first axis, <c>dot</c> of the slices of a and b, each a
/// vector (rank 2) or a matrix (rank 3). Bilinear: the pullback is the batched product of the output gradient with
/// the other operand transposed (vectors are first made rows or columns, then dropped again); the pushforward is
/// <c>batched_dot(da, b) + batched_dot(a, db)</c>.
/// </summary>
public sealed class BatchedDot : Op
{
    /// <summary>The op (it has no parameters).</summary>
    public static readonly BatchedDot Instance = new();

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var (a, b) = (inputs[0], inputs[1]);
        if (a.Ndim is < 2 or > 3 || b.Ndim is < 2 or > 3)
        {
            throw new ArgumentException($"batched_dot: expected operands of rank 2 or 3; got {a.Type} and {b.Type}");
        }
        if (a.Type.Shape[0] is long n && b.Type.Shape[0] is long m && n != m)
        {
            throw new ArgumentException($"batched_dot: batch lengths differ: {a.Type} and {b.Type}");
        }
        if (a.Type.Shape[^1] is long k && b.Type.Shape[1] is long l && k != l)
        {
            throw new ArgumentException(
                $"batched_dot: shapes {TensorType.Show(a.Type.Shape)} and {TensorType.Show(b.Type.Shape)} not aligned: {k} != {l}");
        }
        var shape = new List<long?> { a.Type.Shape[0] ?? b.Type.Shape[0] };
        if (a.Ndim == 3)
        {
            shape.Add(a.Type.Shape[1]);
        }
        if (b.Ndim == 3)
        {
            shape.Add(b.Type.Shape[2]);
        }
        return new Apply(this, [a, b], [new TensorType(Elemwise.PromoteInputs([a, b]), shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var dtype = node.Outputs[0].DType;
        using var a = Kernels.Kernels.Cast(inputs[0], dtype);
        using var b = Kernels.Kernels.Cast(inputs[1], dtype);
        return [Kernels.Kernels.BatchedDot(a, b)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var (a3, b3) = (Lift(a, [0, -1, 1]), Lift(b, [0, 1, -1]));
        var g = outputGradients[0];
        var g3 = (a.Ndim, b.Ndim) switch
        {
            (2, 2) => T.DimShuffle(g, [0, -1, -1]),
            (3, 2) => T.DimShuffle(g, [0, 1, -1]),
            (2, 3) => T.DimShuffle(g, [0, -1, 1]),
            _ => g,
        };
        Variable? ga = null, gb = null;
        if (!a.DType.IsDiscrete())
        {
            var raw = Call(g3, T.DimShuffle(b3, [0, 2, 1]));
            ga = ReduceAxes.Typed(a.Ndim == 3 ? raw : T.DimShuffle(raw, [0, 2]), a);
        }
        if (!b.DType.IsDiscrete())
        {
            var raw = Call(T.DimShuffle(a3, [0, 2, 1]), g3);
            gb = ReduceAxes.Typed(b.Ndim == 3 ? raw : T.DimShuffle(raw, [0, 1]), b);
        }
        return [ga, gb];
    }

    /// <summary>As a matmul over (batch, shared axis) with vectors made rows or columns, then dropped again.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var ((a, aBatched), (b, bBatched)) = (inputs[0], inputs[1]);
        var (aVector, bVector) = (a.Ndim - (aBatched ? 1 : 0) == 2, b.Ndim - (bBatched ? 1 : 0) == 2);
        var a4 = T.PadLeft(aVector ? T.DimShuffle(a, [.. Enumerable.Range(0, a.Ndim - 1), -1, a.Ndim - 1]) : a, 4);
        var b4 = T.PadLeft(bVector ? T.DimShuffle(b, [.. Enumerable.Range(0, b.Ndim), -1]) : b, 4);
        var product = MatMul.Instance.Call(a4, b4);
        int[] keep = [0, 1, .. aVector ? Array.Empty<int>() : [2], .. bVector ? Array.Empty<int>() : [3]];
        return [(T.DimShuffle(product, keep), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        Bilinear.Pushforward(this, node, inputTangents);

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => "BatchedDot";

    private static Variable Lift(Variable v, int[] order) => v.Ndim == 3 ? v : T.DimShuffle(v, order);
}
