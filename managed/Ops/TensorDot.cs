using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// numpy's <c>tensordot</c>: sums the products over the axes <see cref="AxesA"/> of a paired with
/// <see cref="AxesB"/> of b; the result has a's other axes, then b's, in order.
/// </summary>
/// <remarks>
/// Bilinear. The pullback contracts the output gradient with the other operand over that operand's free axes and
/// permutes the result into the operand's axis order; the pushforward is <c>tensordot(da, b) + tensordot(a, db)</c>.
/// </remarks>
/// <param name="axesA">Contracted axes of a (non-negative, distinct).</param>
/// <param name="axesB">Contracted axes of b, paired with <paramref name="axesA"/>.</param>
public sealed class TensorDot(IReadOnlyList<int> axesA, IReadOnlyList<int> axesB) : Op
{
    /// <summary>Contracted axes of the first operand.</summary>
    public IReadOnlyList<int> AxesA { get; } = axesA.ToArray();

    /// <summary>Contracted axes of the second operand, paired with <see cref="AxesA"/>.</summary>
    public IReadOnlyList<int> AxesB { get; } = axesB.ToArray();

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("axes_a", AxesA), new("axes_b", AxesB)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var (a, b) = (inputs[0], inputs[1]);
        if (AxesA.Count != AxesB.Count)
        {
            throw new ArgumentException($"{this}: expected as many axes of a as of b");
        }
        CheckAxes(a, AxesA, "a");
        CheckAxes(b, AxesB, "b");
        for (int i = 0; i < AxesA.Count; i++)
        {
            if (a.Type.Shape[AxesA[i]] is long n && b.Type.Shape[AxesB[i]] is long m && n != m)
            {
                throw new ArgumentException(
                    $"tensordot: shape-mismatch for sum: axis {AxesA[i]} of {a.Type} has length {n}, axis {AxesB[i]} " +
                    $"of {b.Type} has length {m}");
            }
        }
        var shape = Free(a, AxesA).Select(i => a.Type.Shape[i]).Concat(Free(b, AxesB).Select(i => b.Type.Shape[i]));
        return new Apply(this, [a, b], [new TensorType(Elemwise.PromoteInputs([a, b]), shape.ToArray())]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var dtype = node.Outputs[0].DType;
        using var a = Kernels.Kernels.Cast(inputs[0], dtype);
        using var b = Kernels.Kernels.Cast(inputs[1], dtype);
        return [Kernels.Kernels.TensorDot(a, b, AxesA, AxesB)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var g = outputGradients[0];
        var freeA = Free(a, AxesA);
        var freeB = Free(b, AxesB);
        Variable? ga = null, gb = null;
        if (!a.DType.IsDiscrete())
        {
            // tensordot(g, b) over b's free axes: a's free axes in order, then b's contracted axes in increasing order.
            var raw = new TensorDot(Enumerable.Range(freeA.Length, freeB.Length).ToArray(), freeB).Call(g, b);
            var sortedB = AxesB.Order().ToList();
            var order = Enumerable.Range(0, a.Ndim).Select(k => Array.IndexOf(freeA, k) is var p && p >= 0
                ? p
                : freeA.Length + sortedB.IndexOf(AxesB[IndexOf(AxesA, k)])).ToArray();
            ga = ReduceAxes.Typed(T.DimShuffle(raw, order), a);
        }
        if (!b.DType.IsDiscrete())
        {
            // tensordot(a, g) over a's free axes: a's contracted axes in increasing order, then b's free axes.
            var raw = new TensorDot(freeA, Enumerable.Range(0, freeA.Length).ToArray()).Call(a, g);
            var sortedA = AxesA.Order().ToList();
            var order = Enumerable.Range(0, b.Ndim).Select(k => Array.IndexOf(freeB, k) is var p && p >= 0
                ? AxesA.Count + p
                : sortedA.IndexOf(AxesA[IndexOf(AxesB, k)])).ToArray();
            gb = ReduceAxes.Typed(T.DimShuffle(raw, order), b);
        }
        return [ga, gb];
    }

    /// <summary>
    /// One batched operand: its batch axis is a free axis (moved to the front); both: a broadcast product summed over
    /// the contracted axes.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var ((a, aBatched), (b, bBatched)) = (inputs[0], inputs[1]);
        var (shiftedA, shiftedB) = (AxesA.Select(i => i + 1).ToArray(), AxesB.Select(i => i + 1).ToArray());
        if (!bBatched)
        {
            return [(new TensorDot(shiftedA, AxesB).Call(a, b), true)];
        }
        if (!aBatched)
        {
            return [(BatchSupport.ToFront(new TensorDot(AxesA, shiftedB).Call(a, b), a.Ndim - AxesA.Count), true)];
        }
        var (freeA, freeB) = (Free(a, [0, .. shiftedA]), Free(b, [0, .. shiftedB]));
        // a: [batch, free a, contracted, 1 per free b]; b: [batch, 1 per free a, contracted, free b].
        var left = T.DimShuffle(a, [0, .. freeA, .. shiftedA, .. freeB.Select(_ => -1)]);
        var right = T.DimShuffle(b, [0, .. freeA.Select(_ => -1), .. shiftedB, .. freeB]);
        var product = left * right;
        return [(T.Sum(product, Enumerable.Range(1 + freeA.Length, AxesA.Count).ToArray()), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        Bilinear.Pushforward(this, node, inputTangents);

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() =>
        $"TensorDot{{axes=[[{string.Join(", ", AxesA)}], [{string.Join(", ", AxesB)}]]}}";

    private static int[] Free(Variable v, IReadOnlyList<int> axes) =>
        Enumerable.Range(0, v.Ndim).Where(i => !axes.Contains(i)).ToArray();

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

    private void CheckAxes(Variable v, IReadOnlyList<int> axes, string name)
    {
        if (axes.Any(i => i < 0 || i >= v.Ndim) || axes.Distinct().Count() != axes.Count)
        {
            throw new ArgumentException(
                $"{this}: expected distinct axes of {name} in [0, {v.Ndim}) for {v.Type}; got [{string.Join(", ", axes)}]");
        }
    }
}
