using Gradient.Graph;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>DimShuffle</c>: <see cref="Order"/> lists, for each output axis, the input axis it takes, or -1 (Aesara's
/// <c>'x'</c>) for a new broadcastable axis. Input axes left out must be broadcastable and are dropped. It is linear,
/// so the pushforward applies the same shuffle and the pullback the inverse one.
/// </summary>
public sealed class DimShuffle(IReadOnlyList<int> order) : Op
{
    /// <summary>Output axis → input axis, or -1 for a new axis.</summary>
    public IReadOnlyList<int> Order { get; } = order.ToArray();

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        var kept = Order.Where(i => i >= 0).ToArray();
        if (kept.Any(i => i >= x.Ndim) || kept.Distinct().Count() != kept.Length || Order.Any(i => i < -1))
        {
            throw new ArgumentException(
                $"{this}: expected each axis of a rank-{x.Ndim} input at most once, or 'x'; got [{string.Join(", ", Order)}]");
        }
        for (int axis = 0; axis < x.Ndim; axis++)
        {
            if (Array.IndexOf(kept, axis) < 0 && x.Type.Shape[axis] != 1)
            {
                throw new ArgumentException(
                    $"{this}: cannot drop axis {axis} of {x.Type}: only broadcastable axes can be dropped");
            }
        }
        var shape = Order.Select(i => i < 0 ? 1 : x.Type.Shape[i]).ToArray();
        return Apply.Adopt(this, [x], [TensorType.Adopt(x.DType, shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.DimShuffle(inputs[0], Order)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        var inverse = Enumerable.Range(0, x.Ndim).Select(a => IndexOf(Order, a)).ToArray();
        return [T.DimShuffle(outputGradients[0], inverse)];
    }

    /// <summary>The batch axis stays first; the others move as before.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(T.DimShuffle(inputs[0].Value, [0, .. Order.Select(o => o < 0 ? -1 : o + 1)]), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is null ? null : T.DimShuffle(inputTangents[0]!, Order)];

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("order", Order)];

    /// <inheritdoc/>
    public override string ToString() =>
        $"DimShuffle{{{string.Join(",", Order.Select(i => i < 0 ? "x" : i.ToString()))}}}";

    private static int IndexOf(IReadOnlyList<int> list, int value)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }
        return -1;
    }
}
