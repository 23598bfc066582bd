using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Shape_i</c>: the run-time length of axis <see cref="I"/> as an int64 scalar. Disconnected for gradients.
/// </summary>
public sealed class ShapeI(int i) : Op
{
    /// <summary>The axis.</summary>
    public int I { get; } = i;

    /// <inheritdoc/>
    public override string ClassName => "Shape_i";

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("i", I)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        if (I < 0 || I >= inputs[0].Ndim)
        {
            throw new ArgumentException($"{this}: axis {I} is out of range for {inputs[0].Type}");
        }
        return new Apply(this, [inputs[0]], [new TensorType(DType.Int64, [])]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) => [Kernels.Kernels.ShapeAt(inputs[0], I)];

    /// <summary>A shape does not depend differentiably on the values: the input is disconnected (as in Aesara).</summary>
    public override bool[][] ConnectionPattern(Apply node) => [[false]];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [null];

    /// <summary>The length of the same axis, past the batch axis: the same for every member, so unbatched.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(new ShapeI(I + 1).Call(inputs[0].Value), false)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [null];

    /// <inheritdoc/>
    public override string ToString() => $"Shape_i{{{I}}}";
}
