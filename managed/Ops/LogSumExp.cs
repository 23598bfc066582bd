using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// log Σ exp(x) over <see cref="Axes"/> (all axes when null), computed stably; the stabilising rewrite puts it in
/// place of log(sum(exp(x))). With y broadcast back over the reduced axes, the pullback is g·exp(x - y) (g spread
/// likewise) and the pushforward Σ dx·exp(x - y).
/// </summary>
/// <param name="axis">The reduced axes (non-negative, distinct), or null for all.</param>
/// <param name="keepdims">Keep the reduced axes with length 1.</param>
public sealed class LogSumExp(IReadOnlyList<int>? axis, bool keepdims) : Op
{
    /// <summary>Reduced axes, sorted, or null for all.</summary>
    public IReadOnlyList<int>? Axes { get; } = axis?.Order().ToArray();

    /// <summary>Whether the reduced axes stay, with length 1.</summary>
    public bool KeepDims { get; } = keepdims;

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
        var shape = Enumerable.Range(0, x.Ndim)
            .Where(a => KeepDims || !Reduces(a))
            .Select(a => Reduces(a) ? 1 : x.Type.Shape[a])
            .ToArray();
        return new Apply(this, [x], [new TensorType(x.DType.UpgradeToFloat(), shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        using var x = Kernels.Kernels.Cast(inputs[0], node.Outputs[0].DType);
        return [Kernels.Kernels.LogSumExp(x, Axes, KeepDims)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (x, y) = (node.Inputs[0], node.Outputs[0]);
        if (x.DType.IsDiscrete())
        {
            return [null];
        }
        return [Spread(outputGradients[0], x) * T.Exp(x - Spread(y, x))];
    }

    /// <summary>The same axes, shifted past the batch axis.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(new LogSumExp(BatchSupport.Shift(Axes, inputs[0].Value.Ndim), KeepDims).Call(inputs[0].Value), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var (x, y) = (node.Inputs[0], node.Outputs[0]);
        if (inputTangents[0] is not { } dx || x.DType.IsDiscrete())
        {
            return [null];
        }
        var weighted = dx * T.Exp(x - Spread(y, x));
        var summed = Axes is null ? T.Sum(weighted) : T.Sum(weighted, Axes);
        return [KeepDims ? Spread(summed, x) : summed];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("axis", Axes), new("keepdims", KeepDims)];

    /// <inheritdoc/>
    public override string ToString() =>
        $"LogSumExp{{axis={(Axes is null ? "None" : "[" + string.Join(", ", Axes) + "]")}, keepdims={KeepDims}}}";

    private bool Reduces(int axis) => Axes is null || Axes.Contains(axis);

    /// <summary>
    /// A reduced value (of this op's output rank) with the reduced axes of <paramref name="x"/> restored as
    /// broadcastable axes, so it combines element-wise with x.
    /// </summary>
    private Variable Spread(Variable reduced, Variable x)
    {
        if (reduced.Ndim == x.Ndim)
        {
            return reduced;
        }
        int kept = 0;
        return T.DimShuffle(reduced, Enumerable.Range(0, x.Ndim).Select(a => Reduces(a) ? -1 : kept++).ToArray());
    }
}
