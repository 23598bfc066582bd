using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops.Linalg;

/// <summary>
/// Aesara's <c>ExtractDiag</c>: diagonal <see cref="Offset"/> of the plane (<see cref="Axis1"/>, <see cref="Axis2"/>)
/// as a new last axis (numpy's <c>diagonal</c>), always a copy (<see cref="View"/> is kept for Aesara's props).
/// Linear: the pullback writes the output gradient on that diagonal of zeros (<see cref="DiagonalScatter"/>), the
/// pushforward takes the diagonal of the tangent.
/// </summary>
/// <param name="offset">The diagonal: 0 main, positive above, negative below.</param>
/// <param name="axis1">First axis of the plane.</param>
/// <param name="axis2">Second axis of the plane.</param>
/// <param name="view">Aesara's flag; ignored (the result is always fresh memory).</param>
public sealed class ExtractDiag(long offset = 0, int axis1 = 0, int axis2 = 1, bool view = false) : Op
{
    /// <summary>The diagonal: 0 main, positive above, negative below.</summary>
    public long Offset { get; } = offset;

    /// <summary>First axis of the plane.</summary>
    public int Axis1 { get; } = axis1;

    /// <summary>Second axis of the plane.</summary>
    public int Axis2 { get; } = axis2;

    /// <summary>Aesara's view flag (informational).</summary>
    public bool View { get; } = view;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props =>
        [new("offset", Offset), new("axis1", Axis1), new("axis2", Axis2), new("view", View)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        if (x.Ndim < 2 || Axis1 < 0 || Axis2 < 0 || Axis1 >= x.Ndim || Axis2 >= x.Ndim || Axis1 == Axis2)
        {
            throw new ArgumentException(
                $"{this}: expected two distinct axes of a tensor of rank >= 2; got axes ({Axis1}, {Axis2}) for {x.Type}");
        }
        var shape = Enumerable.Range(0, x.Ndim).Where(a => a != Axis1 && a != Axis2).Select(a => x.Type.Shape[a])
            .Append(DiagLength(x.Type.Shape[Axis1], x.Type.Shape[Axis2], Offset)).ToArray();
        return new Apply(this, [x], [new TensorType(x.DType, shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.ExtractDiag(inputs[0], Offset, Axis1, Axis2)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        if (x.DType.IsDiscrete())
        {
            return [null];
        }
        var g = T.Cast(outputGradients[0], x.DType);
        return [new DiagonalScatter(Offset, Axis1, Axis2).Call(T.ZerosLike(x), g)];
    }

    /// <summary>The plane's axes shifted past the batch axis.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(new ExtractDiag(Offset, Axis1 + 1, Axis2 + 1, View).Call(inputs[0].Value), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dx ? Call(dx) : null];

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"ExtractDiag{{offset={Offset}, axis1={Axis1}, axis2={Axis2}, view={View}}}";

    /// <summary>The length of diagonal <paramref name="offset"/> of an n×m plane (null when unknown).</summary>
    internal static long? DiagLength(long? n, long? m, long offset) => (n, m) switch
    {
        (long a, long b) => Math.Max(0, offset >= 0 ? Math.Min(a, b - offset) : Math.Min(a + offset, b)),
        _ => null,
    };
}
