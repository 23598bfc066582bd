using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops.Linalg;

/// <summary>
/// A copy of x whose diagonal <see cref="Offset"/> in the plane (<see cref="Axis1"/>, <see cref="Axis2"/>) holds src
/// (torch's <c>diagonal_scatter</c>; the transpose of <see cref="ExtractDiag"/>, whose pullback it is). Linear in both
/// inputs: x̄ is ḡ with that diagonal zeroed, s̄rc the diagonal of ḡ; the tangent scatters ṡrc into ẋ.
/// </summary>
/// <param name="offset">The diagonal: 0 main, positive above, negative below.</param>
/// <param name="axis1">First axis of the plane.</param>
/// <param name="axis2">Second axis of the plane.</param>
public sealed class DiagonalScatter(long offset = 0, int axis1 = 0, int axis2 = 1) : Op
{
    /// <summary>The diagonal.</summary>
    public long Offset { get; } = offset;

    /// <summary>First axis of the plane.</summary>
    public int Axis1 { get; } = axis1;

    /// <summary>Second axis of the plane.</summary>
    public int Axis2 { get; } = axis2;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props =>
        [new("offset", Offset), new("axis1", Axis1), new("axis2", Axis2)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var (x, src) = (inputs[0], inputs[1]);
        var diag = Diagonal.MakeNode(x).Output;
        if (src.Ndim != diag.Ndim || src.DType != x.DType)
        {
            throw new ArgumentException($"{this}: expected values of type {diag.Type}; got {src.Type}", nameof(inputs));
        }
        return new Apply(this, [x, src], [x.Type]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.DiagonalScatter(inputs[0], inputs[1], Offset, Axis1, Axis2)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (x, src) = (node.Inputs[0], node.Inputs[1]);
        if (x.DType.IsDiscrete())
        {
            return [null, null];
        }
        var g = T.Cast(outputGradients[0], x.DType);
        return [Call(g, T.ZerosLike(src)), Diagonal.Call(g)];
    }

    /// <summary>The plane's axes shifted past the batch axis; an unbatched input is broadcast to the batch.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var n = BatchSupport.Length(inputs);
        return [(new DiagonalScatter(Offset, Axis1 + 1, Axis2 + 1)
            .Call(BatchSupport.Materialize(inputs[0], n), BatchSupport.Materialize(inputs[1], n)), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var (dx, dsrc) = (inputTangents[0], inputTangents[1]);
        if (dx is null && dsrc is null)
        {
            return [null];
        }
        return [Call(dx ?? T.ZerosLike(node.Inputs[0]), dsrc ?? T.ZerosLike(node.Inputs[1]))];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"DiagonalScatter{{offset={Offset}, axis1={Axis1}, axis2={Axis2}}}";

    private ExtractDiag Diagonal => new(Offset, Axis1, Axis2);
}
