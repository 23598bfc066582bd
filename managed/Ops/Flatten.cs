using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>flatten(x, ndim)</c>: keeps the first <see cref="Ndim"/> - 1 axes and joins the others into one.
/// Linear: the pullback reshapes the output gradient back to <c>x.shape</c>.
/// </summary>
public sealed class Flatten(int ndim) : Op
{
    /// <summary>The rank of the result (at least 1).</summary>
    public int Ndim { get; } = ndim >= 1 ? ndim : throw new ArgumentException($"Flatten: ndim must be >= 1; got {ndim}");

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("ndim", Ndim)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        if (Ndim > 1 && Ndim > x.Ndim)
        {
            throw new ArgumentException($"{this}: ndim {Ndim} exceeds the rank of {x.Type}");
        }
        var rest = x.Type.Shape.Skip(Ndim - 1).Aggregate((long?)1, (a, b) => a * b);
        var shape = x.Type.Shape.Take(Ndim - 1).Append(rest).ToArray();
        return new Apply(this, [x], [new TensorType(x.DType, shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.Flatten(inputs[0], Ndim)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        return [x.DType.IsDiscrete() ? null : T.Reshape(outputGradients[0], T.Shape(x))];
    }

    /// <summary>Keeps the batch axis too.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(new Flatten(Ndim + 1).Call(inputs[0].Value), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dx ? Call(dx) : null];

    /// <inheritdoc/>
    public override string ToString() => $"Flatten{{{Ndim}}}";
}
