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
    private readonly int[] _order = order.ToArray();

    /// <summary>Output axis → input axis, or -1 for a new axis.</summary>
    public IReadOnlyList<int> Order => _order;

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        // Plain loops: every operation with a bare number pads it with a DimShuffle (by the hundred thousand in the
        // gradients of large graphs).
        var shape = new long?[_order.Length];
        Span<bool> taken = x.Ndim <= 64 ? stackalloc bool[x.Ndim] : new bool[x.Ndim];
        for (int i = 0; i < _order.Length; i++)
        {
            int axis = _order[i];
            if (axis < -1 || axis >= x.Ndim || axis >= 0 && taken[axis])
            {
                throw new ArgumentException(
                    $"{this}: expected each axis of a rank-{x.Ndim} input at most once, or 'x'; got [{string.Join(", ", Order)}]");
            }
            if (axis >= 0)
            {
                taken[axis] = true;
            }
            shape[i] = axis < 0 ? 1 : x.Type.Shape[axis];
        }
        for (int axis = 0; axis < x.Ndim; axis++)
        {
            if (!taken[axis] && x.Type.Shape[axis] != 1)
            {
                throw new ArgumentException(
                    $"{this}: cannot drop axis {axis} of {x.Type}: only broadcastable axes can be dropped");
            }
        }
        return Apply.Adopt(this, [x], TensorType.Adopt(x.DType, shape));
    }

    /// <summary>Whether <paramref name="order"/> keeps the <paramref name="ndim"/> axes of its input as they are.</summary>
    internal static bool IsIdentity(IReadOnlyList<int> order, int ndim)
    {
        if (order.Count != ndim)
        {
            return false;
        }
        for (int i = 0; i < ndim; i++)
        {
            if (order[i] != i)
            {
                return false;
            }
        }
        return true;
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
    // What the props compare, without building them (the merge and the compile clone compare pads by the thousand).
    public override bool Equals(object? obj) => obj is DimShuffle other && _order.AsSpan().SequenceEqual(other._order);

    /// <inheritdoc/>
    public override int GetHashCode() => base.GetHashCode();

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
