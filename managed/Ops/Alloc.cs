using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;
using static Gradient.Ops.StructureSupport;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Alloc</c>: inputs <c>(value, s_0, ..., s_{n-1})</c>; a new tensor of shape <c>(s_0, ..., s_{n-1})</c>
/// (integer scalars, symbolic ones such as <c>x.shape[0]</c> included) filled with value broadcast numpy-style, aligned
/// on the right. As in <see cref="Elemwise"/>, only axes of value with static length 1 broadcast. Linear in value: the
/// pullback sums the output gradient over the broadcast axes, the pushforward allocates the tangent.
/// </summary>
public sealed class Alloc : Op
{
    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        Guard.NoNulls(inputs, $"{this}");
        if (inputs.Length < 1)
        {
            throw new ArgumentException($"{this}: expected a value and the lengths; got no inputs");
        }
        var value = inputs[0];
        int ndim = inputs.Length - 1;
        if (value.Ndim > ndim)
        {
            throw new ArgumentException(
                $"{this}: the value {value.Type} has more axes than the {ndim} length(s) given");
        }
        var shape = new long?[ndim];
        for (int a = 0; a < ndim; a++)
        {
            RequireIntScalar(this, inputs[a + 1], $"length {a}");
            shape[a] = StaticInt(inputs[a + 1]);
            if (shape[a] is < 0)
            {
                throw new ArgumentException($"{this}: expected lengths >= 0; got {shape[a]} on axis {a}");
            }
            int v = a - (ndim - value.Ndim);
            if (v >= 0 && value.Type.Shape[v] is long have && have != 1)
            {
                if (shape[a] is long want && want != have)
                {
                    throw new ArgumentException(
                        $"{this}: the value {value.Type} does not broadcast to length {want} on axis {a}");
                }
                shape[a] = have;
            }
        }
        return new Apply(this, inputs, [new TensorType(value.DType, shape)]);
    }

    /// <inheritdoc/>
    /// <remarks>As in Aesara, the lengths are shapes.</remarks>
    public override bool[][] ConnectionPattern(Apply node) => [[true], .. node.Inputs.Skip(1).Select(_ => new[] { false })];

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var value = inputs[0];
        var shape = inputs.Skip(1).Select((t, a) => Kernels.Kernels.ScalarLong(t, "Alloc", $"length {a}")).ToArray();
        var valueType = node.Inputs[0].Type;
        int offset = shape.Length - (int)value.dim();
        for (int v = 0; v < value.dim() && offset >= 0; v++)
        {
            if (value.Lengths()[v] != shape[v + offset] && valueType.Shape[v] != 1)
            {
                throw new ArgumentException(
                    $"Alloc: the value of shape {Kernels.Kernels.Show(value.Lengths())} does not match the shape " +
                    $"{Kernels.Kernels.Show(shape)} on axis {v + offset}; only axes of static length 1 broadcast");
            }
        }
        return [Kernels.Kernels.Alloc(value, shape)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var value = node.Inputs[0];
        var result = new Variable?[node.Inputs.Count];
        result[0] = value.DType.IsDiscrete() ? null : ReduceTo(outputGradients[0], value.Type, value.DType);
        return result;
    }

    /// <summary>
    /// The batched value, padded after its batch axis, allocated with the batch length first; batched lengths have no
    /// rule.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        if (inputs.Skip(1).Any(i => i.Batched))
        {
            return null;
        }
        var value = BatchSupport.PadAfterBatch(inputs[0].Value, node.Inputs.Count - 1);
        return [(Call([value, T.ShapeI(value, 0), .. inputs.Skip(1).Select(i => i.Value)]), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dv ? Call([dv, .. node.Inputs.Skip(1)]) : null];

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => "Alloc";
}
