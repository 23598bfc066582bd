using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>MaxAndArgmax</c>: two outputs, the maximum over <see cref="Axes"/> (all axes when null; dtype kept)
/// and its position as int64, counted in the row-major flattening of the reduced axes.
/// </summary>
/// <remarks>
/// Only the maximum carries a gradient: the pullback sends its output gradient to every position equal to the
/// maximum (Aesara's rule; tied positions each receive it), and the argmax output is disconnected. The pushforward
/// of the maximum is the tangent at its position, the mean over tied positions.
/// </remarks>
/// <param name="axis">The reduced axes (non-negative, distinct), or null for all.</param>
public sealed class MaxAndArgmax(IReadOnlyList<int>? axis) : Op
{
    /// <summary>Reduced axes, sorted, or null for all.</summary>
    public IReadOnlyList<int>? Axes { get; } = axis?.Order().ToArray();

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("axis", Axes)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        ReduceAxes.CheckOrdered(this, x, Axes, "a maximum");
        var shape = ReduceAxes.Kept(x, Axes);
        return new Apply(this, [x], [new TensorType(x.DType, shape), new TensorType(DType.Int64, shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var axes = Axes?.Select(a => (long)a).ToArray();
        var max = Kernels.Kernels.Max(inputs[0], axes);
        try
        {
            return [max, Kernels.Kernels.Argmax(inputs[0], axes)];
        }
        catch
        {
            max.Dispose();
            throw;
        }
    }

    /// <summary>The input is connected to the maximum only; the argmax output is disconnected.</summary>
    public override bool[][] ConnectionPattern(Apply node) => [[true, false]];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) =>
        [Max.Pullback(node.Inputs[0], node.Outputs[0], outputGradients[0], Axes)];

    /// <summary>The same axes, shifted past the batch axis; both outputs carry the batch axis.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var x = inputs[0].Value;
        var outputs = new MaxAndArgmax(BatchSupport.Shift(Axes, x.Ndim)).MakeNode(x).Outputs;
        return [(outputs[0], true), (outputs[1], true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [Max.Pushforward(node.Inputs[0], node.Outputs[0], inputTangents[0], Axes), null];

    /// <summary>The maximum of the whole tensor over no axes is the input itself; the argmax is always fresh.</summary>
    public override bool OutputMayAlias(Apply node, int output) => output == 0;

    /// <inheritdoc/>
    public override string ToString() => $"MaxAndArgmax{{axis={ReduceAxes.Show(Axes)}}}";
}
