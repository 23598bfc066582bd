using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// numpy's <c>matmul</c> on operands of rank ≥ 2: a matrix product over the last two axes, with the leading axes
/// as batch axes. Batch axes broadcast as elsewhere in the engine: where one operand's static length is 1, or where
/// it lacks the axis. (<see cref="T.MatMul"/> turns 1-d operands into a row or a column and drops it again.)
/// Bilinear: d(AB) = dA B + A dB; the pullback is g Bᵀ and Aᵀ g, summed over the batch axes each operand was
/// broadcast along.
/// </summary>
public sealed class MatMul : Op
{
    /// <summary>The op (it has no parameters).</summary>
    public static readonly MatMul Instance = new();

    /// <inheritdoc/>
    public override string ClassName => "MatMul";

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var (a, b) = (inputs[0], inputs[1]);
        if (a.Ndim < 2 || b.Ndim < 2)
        {
            throw new ArgumentException(
                $"matmul: the MatMul op expects operands of rank >= 2 (T.MatMul handles vectors); got {a.Type} and {b.Type}");
        }
        if (a.Type.Shape[^1] is long k && b.Type.Shape[^2] is long l && k != l)
        {
            throw new ArgumentException(
                $"matmul: shapes {TensorType.Show(a.Type.Shape)} and {TensorType.Show(b.Type.Shape)} not aligned: {k} != {l}");
        }
        int batch = Math.Max(a.Ndim, b.Ndim) - 2;
        var shape = new long?[batch + 2];
        for (int i = 0; i < batch; i++)
        {
            var n = BatchLength(a, i, batch);
            var m = BatchLength(b, i, batch);
            if (n is long x && m is long y && x != y && x != 1 && y != 1)
            {
                throw new ArgumentException(
                    $"matmul: batch shapes of {TensorType.Show(a.Type.Shape)} and {TensorType.Show(b.Type.Shape)} " +
                    $"do not broadcast on batch axis {i}: {x} != {y}");
            }
            shape[i] = n == 1 ? m : m == 1 ? n : n ?? m;
        }
        shape[batch] = a.Type.Shape[^2];
        shape[batch + 1] = b.Type.Shape[^1];
        var dtype = Elemwise.PromoteInputs([a, b]);
        return new Apply(this, [a, b], [new TensorType(dtype, shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        int batch = node.Outputs[0].Ndim - 2;
        for (int i = 0; i < batch; i++)
        {
            long? n = RuntimeBatch(inputs[0], a, i, batch), m = RuntimeBatch(inputs[1], b, i, batch);
            if (n is long x && m is long y && x != y)
            {
                throw new ArgumentException(
                    $"matmul: batch shapes of {Kernels.Kernels.Show(inputs[0].Lengths())} and " +
                    $"{Kernels.Kernels.Show(inputs[1].Lengths())} differ on batch axis {i} ({x} != {y}); only axes of " +
                    "static length 1 broadcast");
            }
        }
        var dtype = node.Outputs[0].DType;
        using var ta = Kernels.Kernels.Cast(inputs[0], dtype);
        using var tb = Kernels.Kernels.Cast(inputs[1], dtype);
        return [Kernels.Kernels.MatMul(ta, tb)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var g = outputGradients[0];
        var ga = a.DType.IsDiscrete() ? null : ReduceAxes.Typed(ReduceAxes.SumTo(Call(g, SwapLast(b)), a), a);
        var gb = b.DType.IsDiscrete() ? null : ReduceAxes.Typed(ReduceAxes.SumTo(Call(SwapLast(a), g), b), b);
        return [ga, gb];
    }

    /// <summary>
    /// Both operands get the same number of leading axes, the batch axis first (broadcastable where unbatched); matmul
    /// broadcasts over them.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        int rank = Math.Max(node.Inputs[0].Ndim, node.Inputs[1].Ndim);
        return [(Call(Lift(inputs[0]), Lift(inputs[1])), true)];

        Variable Lift((Variable Value, bool Batched) v) =>
            v.Batched ? BatchSupport.PadAfterBatch(v.Value, rank) : T.PadLeft(v.Value, rank + 1);
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        Bilinear.Pushforward(this, node, inputTangents);

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => "MatMul";

    /// <summary>Static length of batch axis <paramref name="i"/> (of <paramref name="batch"/>), 1 where v lacks it.</summary>
    private static long? BatchLength(Variable v, int i, int batch)
    {
        int lead = batch - (v.Ndim - 2);
        return i < lead ? 1 : v.Type.Shape[i - lead];
    }

    /// <summary>Run-time length of a batch axis that does not broadcast, or null where it does.</summary>
    private static long? RuntimeBatch(torch.Tensor t, Variable v, int i, int batch)
    {
        int lead = batch - (v.Ndim - 2);
        if (t.dim() != v.Ndim)
        {
            throw new ArgumentException($"matmul: expected rank {v.Ndim}; got shape {Kernels.Kernels.Show(t.Lengths())}");
        }
        return i < lead || v.Type.Shape[i - lead] == 1 ? null : t.Lengths()[i - lead];
    }

    private static Variable SwapLast(Variable v)
    {
        var order = Enumerable.Range(0, v.Ndim).ToArray();
        (order[^1], order[^2]) = (order[^2], order[^1]);
        return T.DimShuffle(v, order);
    }
}
