using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Split</c>: inputs <c>(x, splits)</c>, where splits is an integer vector of <see cref="LenSplits"/>
/// lengths adding up to x's length along <see cref="Axis"/>; outputs the consecutive pieces. Linear: the pullback joins
/// the output gradients (zeros where an output has none), the pushforward splits the tangent.
/// </summary>
/// <param name="lenSplits">The number of pieces.</param>
/// <param name="axis">The axis to split (negative counts from the end).</param>
public sealed class Split(int lenSplits, int axis) : Op
{
    /// <summary>The number of pieces.</summary>
    public int LenSplits { get; } = lenSplits is >= 1 and <= MaxPieces
        ? lenSplits
        : throw new ArgumentException($"Split: expected between 1 and {MaxPieces} pieces; got len_splits={lenSplits}");

    /// <summary>The most pieces a split makes (each is an output of the node).</summary>
    public const int MaxPieces = 1 << 16;

    /// <summary>The axis to split (negative counts from the end).</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("len_splits", LenSplits), new("axis", Axis)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var (x, splits) = (inputs[0], inputs[1]);
        int axis = Normalized(x.Ndim);
        if (splits.Ndim != 1 || !splits.DType.IsDiscrete() || splits.DType == DType.Bool
            || (splits.Type.Shape[0] is long n && n != LenSplits))
        {
            throw new ArgumentException($"{this}: expected an integer vector of {LenSplits} lengths; got {splits.Type}");
        }
        var known = Reshape.StaticValues(splits) ?? new long?[LenSplits];
        if (known.Any(v => v < 0))
        {
            throw new ArgumentException($"{this}: expected lengths >= 0; got {TensorType.Show(known)}");
        }
        if (known.All(v => v is not null) && x.Type.Shape[axis] is long length && known.Sum() != length)
        {
            throw new ArgumentException(
                $"{this}: the lengths {TensorType.Show(known)} do not add up to the length {length} of axis {axis} of {x.Type}");
        }
        var types = known.Select(v =>
        {
            var shape = x.Type.Shape.ToArray();
            shape[axis] = v;
            return new TensorType(x.DType, shape);
        }).ToArray();
        return new Apply(this, [x, splits], types);
    }

    /// <inheritdoc/>
    /// <remarks>As in Aesara, the split lengths are shapes.</remarks>
    public override bool[][] ConnectionPattern(Apply node) => [node.Outputs.Select(_ => true).ToArray(), node.Outputs.Select(_ => false).ToArray()];

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var splits = inputs[1];
        if (splits.dim() != 1 || splits.Lengths()[0] != LenSplits)
        {
            throw new ArgumentException(
                $"{this}: expected {LenSplits} lengths; got splits of shape {Kernels.Kernels.Show(splits.Lengths())}");
        }
        return Kernels.Kernels.Split(inputs[0], Normalized(node.Inputs[0].Ndim), Kernels.Kernels.HostLongs(splits));
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        if (x.DType.IsDiscrete())
        {
            return [null, null];
        }
        var parts = outputGradients.Select(g => T.Cast(g, x.DType)).ToArray();
        return [T.Cast(new Join(Normalized(x.Ndim)).Call(parts), x.DType), null];
    }

    /// <summary>
    /// Splits along the axis after the batch axis; lengths that differ across the batch have no rule.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        inputs[1].Batched
            ? null
            : new Split(LenSplits, Normalized(node.Inputs[0].Ndim) + 1)
                .MakeNode(inputs[0].Value, inputs[1].Value).Outputs
                .Select(o => (o, true)).ToArray();

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        inputTangents[0] is { } dx
            ? MakeNode(dx, node.Inputs[1]).Outputs.ToArray()
            : new Variable?[LenSplits];

    /// <inheritdoc/>
    public override string ToString() => $"Split{{{LenSplits}, axis={Axis}}}";

    private int Normalized(int ndim)
    {
        int axis = Axis < 0 ? Axis + ndim : Axis;
        if (axis < 0 || axis >= ndim)
        {
            throw new ArgumentException($"{this}: axis {Axis} is out of range for a tensor of rank {ndim}");
        }
        return axis;
    }
}
