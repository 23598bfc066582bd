using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Unbroadcast</c> (formerly <c>Rebroadcast</c>): x unchanged, but the static length of each axis in
/// <see cref="Axes"/> is forgotten, so those axes no longer broadcast. The pullback restores the static length 1 of
/// x's broadcastable axes with <see cref="SpecifyShape"/>; the pushforward unbroadcasts the tangent.
/// </summary>
public sealed class Unbroadcast(IReadOnlyList<int> axes) : Op
{
    /// <summary>The axes whose static length is dropped.</summary>
    public IReadOnlyList<int> Axes { get; } = axes.Distinct().OrderBy(a => a).ToArray();

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("axes", Axes)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        if (Axes.Any(a => a < 0 || a >= x.Ndim))
        {
            throw new ArgumentException($"{this}: expected axes in [0, {x.Ndim}) for {x.Type}; got [{string.Join(", ", Axes)}]");
        }
        var shape = x.Type.Shape.Select((n, a) => Axes.Contains(a) && n == 1 ? null : n).ToArray();
        return new Apply(this, [x], [new TensorType(x.DType, shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) => [inputs[0].alias()];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        if (x.DType.IsDiscrete())
        {
            return [null];
        }
        var g = T.Cast(outputGradients[0], x.DType);
        return [x.Type.Shape.Any(n => n == 1) ? T.SpecifyShape(g, x.Type.Shape.Select(n => n == 1 ? n : null).ToArray()) : g];
    }

    /// <summary>The same axes, shifted past the batch axis.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(new Unbroadcast(Axes.Select(a => a + 1).ToArray()).Call(inputs[0].Value), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dx ? Call(dx) : null];

    /// <inheritdoc/>
    public override string ToString() => $"Unbroadcast{{{string.Join(",", Axes)}}}";
}
