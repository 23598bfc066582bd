using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Max</c>: the maximum over <see cref="Axes"/> (all axes when null); the dtype is kept.
/// </summary>
/// <remarks>
/// Pullback: the output gradient is shared evenly by the positions equal to the maximum, <c>gx = (x == max) * gz /
/// count(x == max)</c>. Pushforward: the tangent at the position of the maximum; with ties, the mean of the tangents
/// at the tied positions. Without ties both are the exact derivative; with ties they are adjoint to each other
/// (⟨u, Rop(v)⟩ = ⟨Lop(u), v⟩) and exact when the tied values are copies of one value (a broadcast, a repeat), where
/// max is differentiable. Aesara gives every tied position the full gradient, which counts such a value once per
/// copy; this engine does not follow it there.
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
        ReduceAxes.CheckOrdered(this, x, Axes, "a maximum");
        return new Apply(this, [x], [new TensorType(x.DType, ReduceAxes.Kept(x, Axes))]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.Max(inputs[0], Axes?.Select(a => (long)a).ToArray())];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) =>
        [Pullback(node.Inputs[0], node.Outputs[0], outputGradients[0], Axes)];

    /// <summary>The same axes, shifted past the batch axis.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(new Max(BatchSupport.Shift(Axes, inputs[0].Value.Ndim)).Call(inputs[0].Value), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [Pushforward(node.Inputs[0], node.Outputs[0], inputTangents[0], Axes)];

    /// <inheritdoc/>
    public override string ToString() => Axes is null ? "Max" : $"Max{{axis=[{string.Join(", ", Axes)}]}}";

    /// <summary>
    /// The gradient of x under max = max(x) over <paramref name="axes"/>: gz shared evenly by the maximal positions.
    /// </summary>
    internal static Variable? Pullback(Variable x, Variable max, Variable gz, IReadOnlyList<int>? axes)
    {
        if (x.DType.IsDiscrete())
        {
            return null;
        }
        var mask = Mask(x, max, axes);
        var share = gz / new Sum(axes).Call(mask);
        return ReduceAxes.Typed(mask * ReduceAxes.Spread(share, x.Ndim, axes), x);
    }

    /// <summary>The tangent of max(x) along dx: the mean of dx over the maximal positions.</summary>
    internal static Variable? Pushforward(Variable x, Variable max, Variable? dx, IReadOnlyList<int>? axes)
    {
        if (dx is null || x.DType.IsDiscrete())
        {
            return null;
        }
        var mask = Mask(x, max, axes);
        var reduce = new Sum(axes);
        var dy = reduce.Call(mask * dx) / reduce.Call(mask);
        return dy.DType == x.DType ? dy : T.Cast(dy, x.DType);
    }

    /// <summary>1 where x equals its maximum, else 0, in x's dtype.</summary>
    private static Variable Mask(Variable x, Variable max, IReadOnlyList<int>? axes) =>
        T.Cast(T.Eq(x, ReduceAxes.Spread(max, x.Ndim, axes)), x.DType);
}
