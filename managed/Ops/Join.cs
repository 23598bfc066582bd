using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Join</c>: concatenates any number of tensors of one rank along <see cref="Axis"/> (numpy's
/// <c>concatenate</c>); the result has the promoted dtype of the inputs. Linear: the pullback splits the output
/// gradient at the inputs' run-time lengths (<see cref="Split"/>), the pushforward joins the tangents (zeros for
/// inputs without one).
/// </summary>
/// <param name="axis">The axis to join along (negative counts from the end).</param>
public sealed class Join(int axis) : Op
{
    /// <summary>The axis to join along (negative counts from the end).</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("axis", Axis)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        Guard.NoNulls(inputs, $"{this}");
        if (inputs.Length == 0)
        {
            throw new ArgumentException($"{this}: expected at least one tensor");
        }
        int ndim = inputs[0].Ndim;
        int axis = Normalized(ndim);
        var shape = inputs[0].Type.Shape.ToArray();
        long? total = 0;
        var dtype = inputs[0].DType;
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i].Type;
            if (t.Ndim != ndim)
            {
                throw new ArgumentException(
                    $"{this}: all inputs must have rank {ndim} (that of input 0, {inputs[0].Type}); input {i} is {t}");
            }
            dtype = DTypes.Promote(dtype, t.DType);
            total += t.Shape[axis];
            for (int a = 0; a < ndim; a++)
            {
                if (a == axis)
                {
                    continue;
                }
                if (shape[a] is long n && t.Shape[a] is long m && n != m)
                {
                    throw new ArgumentException(
                        $"{this}: all the input dimensions except for the concatenation axis must match; input {i} " +
                        $"is {t} but an earlier input has length {n} on axis {a}");
                }
                shape[a] ??= t.Shape[a];
            }
        }
        shape[axis] = total;
        return new Apply(this, inputs, [new TensorType(dtype, shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.Join(inputs, Normalized(node.Inputs[0].Ndim), node.Outputs[0].DType)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        int axis = Normalized(node.Inputs[0].Ndim);
        if (node.Inputs.All(x => x.DType.IsDiscrete()))
        {
            return new Variable?[node.Inputs.Count];
        }
        var lengths = T.MakeVector(node.Inputs.Select(x => StructureSupport.Length(x, axis)).ToArray());
        var pieces = new Split(node.Inputs.Count, axis).MakeNode(outputGradients[0], lengths).Outputs;
        return node.Inputs.Select((x, i) => x.DType.IsDiscrete() ? null : T.Cast(pieces[i], x.DType)).ToArray();
    }

    /// <summary>Joins along the axis after the batch axis; unbatched inputs are broadcast to the batch first.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var n = BatchSupport.Length(inputs);
        var parts = inputs.Select(i => BatchSupport.Materialize(i, n)).ToArray();
        return [(new Join(Normalized(node.Inputs[0].Ndim) + 1).Call(parts), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var dtype = node.Outputs[0].DType;
        if (inputTangents.All(t => t is null) || dtype.IsDiscrete())
        {
            return [null];
        }
        var parts = node.Inputs.Select((x, i) => T.Cast(inputTangents[i] ?? T.ZerosLike(x, dtype), dtype)).ToArray();
        return [Call(parts)];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"Join{{axis={Axis}}}";

    private int Normalized(int ndim)
    {
        int axis = Axis < 0 ? Axis + ndim : Axis;
        if (axis < 0 || axis >= ndim)
        {
            throw new ArgumentException($"{this}: axis {Axis} is out of range for tensors of rank {ndim}");
        }
        return axis;
    }
}
