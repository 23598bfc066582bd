using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Repeat</c>: inputs <c>(x, repeats)</c>; numpy's <c>repeat</c> along <see cref="Axis"/>, repeats being a
/// non-negative integer scalar or a vector with one count per element of that axis. Linear: the pullback adds each
/// repeated block of the output gradient back onto its source element (an inc-subtensor at
/// <c>repeat(arange(n), repeats)</c>, which also covers vector repeats, where Aesara has no gradient); the pushforward
/// repeats the tangent.
/// </summary>
/// <param name="axis">The axis to repeat along (negative counts from the end).</param>
public sealed class Repeat(int axis) : Op
{
    /// <summary>The axis to repeat along (negative counts from the end).</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("axis", Axis)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var (x, repeats) = (inputs[0], inputs[1]);
        int axis = Normalized(x.Ndim);
        if (repeats.Ndim > 1 || !repeats.DType.IsDiscrete() || repeats.DType == DType.Bool)
        {
            throw new ArgumentException($"{this}: repeats expected an integer scalar or vector; got {repeats.Type}");
        }
        var shape = x.Type.Shape.ToArray();
        long? length = null;
        if (repeats.Ndim == 0 && StructureSupport.StaticInt(repeats) is long r)
        {
            length = r < 0 ? throw new ArgumentException($"{this}: repeats may not be negative; got {r}") : shape[axis] * r;
        }
        else if (repeats is Constant c && c.Ndim == 1)
        {
            var counts = Reshape.StaticValues(c)!;
            if (shape[axis] is long n && n != counts.Length)
            {
                throw new ArgumentException(
                    $"{this}: repeats has {counts.Length} counts but axis {axis} of {x.Type} has {n} elements");
            }
            length = counts.Any(v => v < 0)
                ? throw new ArgumentException($"{this}: repeats may not contain negative values")
                : counts.Sum();
        }
        shape[axis] = length;
        return new Apply(this, [x, repeats], [new TensorType(x.DType, shape)]);
    }

    /// <inheritdoc/>
    /// <remarks>As in Aesara, the counts are shapes.</remarks>
    public override bool[][] ConnectionPattern(Apply node) => [[true], [false]];

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.Repeat(inputs[0], inputs[1], Normalized(node.Inputs[0].Ndim))];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (x, repeats) = (node.Inputs[0], node.Inputs[1]);
        if (x.DType.IsDiscrete())
        {
            return [null, null];
        }
        int axis = Normalized(x.Ndim);
        var positions = T.ARange(StructureSupport.Long(0), StructureSupport.Length(x, axis), StructureSupport.Long(1), DType.Int64);
        var sources = new Repeat(0).Call(positions, repeats);
        var g = T.Cast(outputGradients[0], x.DType);
        var index = Enumerable.Repeat<object?>(":", axis).Append(sources).ToArray();
        return [T.AdvancedIncSubtensor(T.ZerosLike(x), index, g), null];
    }

    /// <summary>
    /// Repeats along the axis after the batch axis; counts that differ across the batch have no rule.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        inputs[1].Batched
            ? null
            : [(new Repeat(Normalized(node.Inputs[0].Ndim) + 1).Call(inputs[0].Value, inputs[1].Value), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dx ? Call(dx, node.Inputs[1]) : null];

    /// <inheritdoc/>
    public override string ToString() => $"Repeat{{axis={Axis}}}";

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
