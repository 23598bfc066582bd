using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Max</c>: the maximum over <see cref="Axes"/> (all axes when null); the dtype is kept.
/// </summary>
/// <remarks>
/// Pullback (Aesara's rule): the output gradient goes to every position equal to the maximum, <c>gx = (x == max) *
/// gz</c>; with ties each tied position receives the full gradient. Pushforward: the tangent at the position of the
/// maximum; with ties, the mean of the tangents at the tied positions (without ties both are the exact derivative).
/// </remarks>
public sealed class Max(IReadOnlyList<int>? axes) : Op
{
    /// <summary>Reduced axes, sorted, or null for all.</summary>
    public IReadOnlyList<int>? Axes { get; } = axes?.Order().ToArray();

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("axis", Axes)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        if (x.DType.IsComplex())
        {
            throw new NotSupportedException($"{this}: complex inputs have no order; got {x.Type}");
        }
        if (Axes is not null && (Axes.Any(a => a < 0 || a >= x.Ndim) || Axes.Distinct().Count() != Axes.Count))
        {
            throw new ArgumentException(
                $"{this}: expected distinct axes in [0, {x.Ndim}) for {x.Type}; got [{string.Join(", ", Axes)}]");
        }
        foreach (int a in Enumerable.Range(0, x.Ndim).Where(Reduces))
        {
            if (x.Type.Shape[a] == 0)
            {
                throw new ArgumentException($"{this}: axis {a} of {x.Type} is empty; a maximum needs at least one value");
            }
        }
        var shape = Enumerable.Range(0, x.Ndim).Where(a => !Reduces(a)).Select(a => x.Type.Shape[a]).ToArray();
        return new Apply(this, [x], [new TensorType(x.DType, shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.Max(inputs[0], Axes?.Select(a => (long)a).ToArray())];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        if (x.DType.IsDiscrete())
        {
            return [null];
        }
        var order = KeepDims(x.Ndim);
        var g = Mask(x, node.Outputs[0], order) * T.DimShuffle(outputGradients[0], order);
        return [g.DType == x.DType ? g : T.Cast(g, x.DType)];
    }

    /// <summary>The same axes, shifted past the batch axis.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(new Max(BatchSupport.Shift(Axes, inputs[0].Value.Ndim)).Call(inputs[0].Value), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var x = node.Inputs[0];
        if (inputTangents[0] is not { } dx || x.DType.IsDiscrete())
        {
            return [null];
        }
        var mask = Mask(x, node.Outputs[0], KeepDims(x.Ndim));
        var reduce = new Sum(Axes);
        var dy = reduce.Call(mask * dx) / reduce.Call(mask);
        return [dy.DType == x.DType ? dy : T.Cast(dy, x.DType)];
    }

    /// <inheritdoc/>
    public override string ToString() => Axes is null ? "Max" : $"Max{{axis=[{string.Join(", ", Axes)}]}}";

    private bool Reduces(int axis) => Axes is null || Axes.Contains(axis);

    /// <summary>The DimShuffle order that puts the reduced axes back with length 1.</summary>
    private int[] KeepDims(int ndim)
    {
        int kept = 0;
        return Enumerable.Range(0, ndim).Select(a => Reduces(a) ? -1 : kept++).ToArray();
    }

    /// <summary>1 where x equals its maximum, else 0, in x's dtype.</summary>
    private static Variable Mask(Variable x, Variable max, int[] order) =>
        T.Cast(T.Eq(x, T.DimShuffle(max, order)), x.DType);
}
