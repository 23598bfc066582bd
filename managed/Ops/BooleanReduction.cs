using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// A logical reduction over <see cref="Axes"/> (all axes when null) with a bool output: <see cref="All"/> and
/// <see cref="Any"/>. A logical function of its input: as in Aesara it stays connected with a zero gradient (the
/// engine gives float zeros through boolean outputs), and its tangent is zero.
/// </summary>
/// <param name="axis">The reduced axes (non-negative, distinct), or null for all.</param>
public abstract class BooleanReduction(IReadOnlyList<int>? axis) : Op
{
    /// <summary>Reduced axes, sorted, or null for all.</summary>
    public IReadOnlyList<int>? Axes { get; } = axis?.Order().ToArray();

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("axis", Axes)];

    /// <summary>The kernel: the reduction over the given axes (all when null).</summary>
    protected abstract torch.Tensor Reduce(torch.Tensor x, long[]? axes);

    /// <summary>The same reduction over other axes.</summary>
    protected abstract BooleanReduction WithAxes(IReadOnlyList<int>? axes);

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        ReduceAxes.Check(this, x, Axes);
        return new Apply(this, [x], [new TensorType(DType.Bool, ReduceAxes.Kept(x, Axes))]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Reduce(inputs[0], Axes?.Select(a => (long)a).ToArray())];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [null];

    /// <summary>The same axes, shifted past the batch axis.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(WithAxes(BatchSupport.Shift(Axes, inputs[0].Value.Ndim)).Call(inputs[0].Value), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [null];

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => Axes is null ? ClassName : $"{ClassName}{{axis={ReduceAxes.Show(Axes)}}}";
}
