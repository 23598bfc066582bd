using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Argmax</c>: the position of the maximum over <see cref="Axes"/> (all axes when null) as int64,
/// counted in the row-major flattening of the reduced axes; the first position wins ties. Piecewise constant: it
/// has no gradient (disconnected, as in Aesara) and a zero tangent.
/// </summary>
/// <param name="axis">The reduced axes (non-negative, distinct), or null for all.</param>
public sealed class Argmax(IReadOnlyList<int>? axis) : Op
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
        ReduceAxes.CheckOrdered(this, x, Axes, "an argmax");
        return new Apply(this, [x], [new TensorType(DType.Int64, ReduceAxes.Kept(x, Axes))]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.Argmax(inputs[0], Axes?.Select(a => (long)a).ToArray())];

    /// <summary>The position does not depend differentiably on the values: disconnected, as Aesara's argmax.</summary>
    public override bool[][] ConnectionPattern(Apply node) => [[false]];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [null];

    /// <summary>The same axes, shifted past the batch axis: a position per member of the batch.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(new Argmax(BatchSupport.Shift(Axes, inputs[0].Value.Ndim)).Call(inputs[0].Value), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [null];

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"Argmax{{axis={ReduceAxes.Show(Axes)}}}";
}
