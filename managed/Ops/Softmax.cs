using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Softmax</c>: y = exp(x) / Σ exp(x) along <see cref="Axis"/> (over all elements when null), computed
/// stably. With s = Σ g·y along the axis, the pullback is y (g - s) and the pushforward y (dx - Σ dx·y).
/// </summary>
/// <param name="axis">The normalised axis (non-negative), or null for all axes.</param>
public sealed class Softmax(int? axis) : Op
{
    /// <summary>The axis, or null for all axes.</summary>
    public int? Axis { get; } = axis;

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        CheckAxis(this, x, Axis);
        return new Apply(this, [x], [x.Type.WithDType(x.DType.UpgradeToFloat())]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        using var x = Kernels.Kernels.Cast(inputs[0], node.Outputs[0].DType);
        return [Kernels.Kernels.Softmax(x, Axis)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (x, y, g) = (node.Inputs[0], node.Outputs[0], outputGradients[0]);
        if (x.DType.IsDiscrete())
        {
            return [null];
        }
        return [y * (g - T.Sum(g * y, Axis, keepdims: true))];
    }

    /// <summary>
    /// The axis shifted past the batch axis; over all axes, each member is flattened, normalised and reshaped back.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var x = inputs[0].Value;
        if (Axis is int a)
        {
            return [(new Softmax(a + 1).Call(x), true)];
        }
        var rows = x.Ndim == 1 ? T.DimShuffle(x, [0, -1]) : T.Flatten(x, 2);
        return [(T.Reshape(new Softmax(1).Call(rows), T.Shape(x)), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var (x, y) = (node.Inputs[0], node.Outputs[0]);
        if (inputTangents[0] is not { } dx || x.DType.IsDiscrete())
        {
            return [null];
        }
        return [y * (dx - T.Sum(dx * y, Axis, keepdims: true))];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("axis", Axis)];

    /// <inheritdoc/>
    public override string ToString() => $"Softmax{{axis={Axis?.ToString() ?? "None"}}}";

    /// <summary>Checks that <paramref name="axis"/> is null or an axis of <paramref name="x"/>.</summary>
    internal static void CheckAxis(Op op, Variable x, int? axis)
    {
        if (x.DType.IsComplex())
        {
            throw new NotSupportedException($"{op}: complex inputs are not supported; got {x.Type}");
        }
        if (axis is int a && (a < 0 || a >= x.Ndim))
        {
            throw new ArgumentException(
                $"{op}: axis {a} is out of range for {x.Type}; expected 0 <= axis < {x.Ndim} or None", nameof(axis));
        }
    }
}
