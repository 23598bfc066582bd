using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Shape</c>: the run-time shape of its input as an int64 vector of static length <c>ndim</c>. It does not
/// depend differentiably on the values, so its gradient is disconnected (the pullback returns null).
/// </summary>
public sealed class Shape : Op
{
    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        return new Apply(this, [inputs[0]], [new TensorType(DType.Int64, [inputs[0].Ndim])]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) => [Kernels.Kernels.ShapeOf(inputs[0])];

    /// <summary>A shape does not depend differentiably on the values: the input is disconnected (as in Aesara).</summary>
    public override bool[][] ConnectionPattern(Apply node) => [[false]];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [null];

    /// <summary>The lengths past the batch axis: the same for every member, so unbatched.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var x = inputs[0].Value;
        return [(x.Ndim == 1
            ? T.Subtensor(T.Shape(x), [IndexEntry.Slice(1, null)])
            : T.MakeVector(Enumerable.Range(1, x.Ndim - 1).Select(a => T.ShapeI(x, a)).ToArray()), false)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [null];

    /// <inheritdoc/>
    public override string ToString() => "Shape";
}
