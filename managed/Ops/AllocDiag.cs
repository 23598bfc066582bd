using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops.Linalg;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>AllocDiag</c>: a tensor one rank higher than x whose planes (<see cref="Axis1"/>, <see cref="Axis2"/>)
/// are zero except diagonal <see cref="Offset"/>, which holds x's last axis (numpy's <c>diag</c> of a vector). Linear:
/// the pullback takes that diagonal of the output gradient (<see cref="ExtractDiag"/>), the pushforward allocates the
/// tangent's diagonal.
/// </summary>
/// <param name="offset">The diagonal: 0 main, positive above, negative below.</param>
/// <param name="axis1">First axis of the plane in the result.</param>
/// <param name="axis2">Second axis of the plane in the result.</param>
public sealed class AllocDiag(long offset = 0, int axis1 = 0, int axis2 = 1) : Op
{
    /// <summary>The diagonal: 0 main, positive above, negative below.</summary>
    public long Offset { get; } = offset;

    /// <summary>First axis of the plane in the result.</summary>
    public int Axis1 { get; } = axis1;

    /// <summary>Second axis of the plane in the result.</summary>
    public int Axis2 { get; } = axis2;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props =>
        [new("offset", Offset), new("axis1", Axis1), new("axis2", Axis2)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        int rank = x.Ndim + 1;
        if (x.Ndim < 1 || Axis1 < 0 || Axis2 < 0 || Axis1 >= rank || Axis2 >= rank || Axis1 == Axis2)
        {
            throw new ArgumentException(
                $"{this}: expected a tensor of rank >= 1 and two distinct axes of the result (rank {rank}); got {x.Type}");
        }
        long? side = x.Type.Shape[^1] + Math.Abs(Offset);
        var rest = new Queue<long?>(x.Type.Shape.Take(x.Ndim - 1));
        var shape = Enumerable.Range(0, rank).Select(a => a == Axis1 || a == Axis2 ? side : rest.Dequeue()).ToArray();
        return new Apply(this, [x], [new TensorType(x.DType, shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.AllocDiag(inputs[0], Offset, Axis1, Axis2)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        return x.DType.IsDiscrete()
            ? [null]
            : [T.Cast(new ExtractDiag(Offset, Axis1, Axis2).Call(outputGradients[0]), x.DType)];
    }

    /// <summary>The plane's axes shifted past the batch axis.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(new AllocDiag(Offset, Axis1 + 1, Axis2 + 1).Call(inputs[0].Value), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dx ? Call(dx) : null];

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"AllocDiag{{offset={Offset}, axis1={Axis1}, axis2={Axis2}}}";
}
