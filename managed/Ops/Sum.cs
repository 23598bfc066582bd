using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Sum over <see cref="Axes"/> (all axes when null). Integers and booleans sum to int64, floats keep their dtype.
/// Linear: the pushforward sums the tangent, the pullback spreads the output gradient back over the summed axes.
/// </summary>
public sealed class Sum(IReadOnlyList<int>? axes) : Op
{
    /// <summary>Summed axes, sorted, or null for all.</summary>
    public IReadOnlyList<int>? Axes { get; } = axes?.Order().ToArray();

    // The axes as the kernel takes them, made once rather than at every call.
    private readonly long[]? _axes = axes?.Order().Select(a => (long)a).ToArray();

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        if (Axes is not null && (Axes.Any(a => a < 0 || a >= x.Ndim) || Axes.Distinct().Count() != Axes.Count))
        {
            throw new ArgumentException(
                $"{this}: expected distinct axes in [0, {x.Ndim}) for {x.Type}; got [{string.Join(", ", Axes)}]");
        }
        var shape = Enumerable.Range(0, x.Ndim).Where(a => !Reduces(a)).Select(a => x.Type.Shape[a]).ToArray();
        var dtype = x.DType.IsDiscrete() ? DType.Int64 : x.DType;
        return Apply.Adopt(this, [x], TensorType.Adopt(dtype, shape));
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.Sum(inputs[0], _axes, node.Outputs[0].DType)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        if (x.DType.IsDiscrete())
        {
            return [null];
        }
        int kept = 0;
        var order = Enumerable.Range(0, x.Ndim).Select(a => Reduces(a) ? -1 : kept++).ToArray();
        var g = T.Second(x, T.DimShuffle(outputGradients[0], order));
        return [g.DType == x.DType ? g : T.Cast(g, x.DType)];
    }

    /// <summary>Sums the same axes, shifted past the batch axis.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var x = inputs[0].Value;
        var axes = Axes is null ? Enumerable.Range(1, x.Ndim - 1).ToArray() : Axes.Select(a => a + 1).ToArray();
        return [(new Sum(axes).Call(x), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is null ? null : Call(inputTangents[0]!)];

    /// <summary>Summing over no axis returns the input itself (converted only when the dtype changes).</summary>
    public override bool OutputMayAlias(Apply node, int output) => Axes is { Count: 0 };

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("axis", Axes)];

    /// <inheritdoc/>
    public override string ToString() => Axes is null ? "Sum" : $"Sum{{axis=[{string.Join(", ", Axes)}]}}";

    private bool Reduces(int axis) => Axes is null || Axes.Contains(axis);
}
