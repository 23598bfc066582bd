using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;
using static Gradient.Ops.StructureSupport;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>SpecifyShape</c>: inputs <c>(x, s_0, ..., s_{n-1})</c>, one integer scalar per axis of x; the output is
/// x, whose static shape takes the lengths known before running, checked when the function runs. A negative length
/// (Aesara's <c>None</c>) leaves its axis unspecified. Identity for derivatives: the pullback passes the output gradient
/// and the pushforward specifies the tangent's shape the same way; the lengths get no gradient.
/// </summary>
public sealed class SpecifyShape : Op
{
    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        Guard.NoNulls(inputs, $"{this}");
        if (inputs.Length < 1)
        {
            throw new ArgumentException($"{this}: expected x and one length per axis; got no inputs");
        }
        var x = inputs[0];
        if (inputs.Length - 1 != x.Ndim)
        {
            throw new ArgumentException(
                $"{this}: expected {x.Ndim} length(s) for {x.Type}; got {inputs.Length - 1}");
        }
        var shape = new long?[x.Ndim];
        for (int a = 0; a < x.Ndim; a++)
        {
            RequireIntScalar(this, inputs[a + 1], $"length {a}");
            long? want = inputs[a + 1] is Constant ? StaticInt(inputs[a + 1]) : null;
            if (want is < 0)
            {
                want = null;
            }
            if (want is long n && x.Type.Shape[a] is long have && have != n)
            {
                throw new ArgumentException(
                    $"{this}: expected length {n} on axis {a}, but {x.Type} has static length {have} there");
            }
            shape[a] = want ?? x.Type.Shape[a];
        }
        return new Apply(this, inputs, [new TensorType(x.DType, shape)]);
    }

    /// <inheritdoc/>
    /// <remarks>As in Aesara, the lengths are shapes.</remarks>
    public override bool[][] ConnectionPattern(Apply node) => [[true], .. node.Inputs.Skip(1).Select(_ => new[] { false })];

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var shape = inputs.Skip(1).Select((t, a) =>
        {
            long n = Kernels.Kernels.ScalarLong(t, "SpecifyShape", $"length {a}");
            return n < 0 ? (long?)null : n;
        }).ToArray();
        return [Kernels.Kernels.SpecifyShape(inputs[0], shape)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        var result = new Variable?[node.Inputs.Count];
        result[0] = x.DType.IsDiscrete() ? null : T.Cast(outputGradients[0], x.DType);
        return result;
    }

    /// <summary>The batch axis is left unspecified (-1); batched lengths have no rule.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        inputs.Skip(1).Any(i => i.Batched)
            ? null
            : [(Call([inputs[0].Value, Long(-1), .. inputs.Skip(1).Select(i => i.Value)]), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dx ? Call([dx, .. node.Inputs.Skip(1)]) : null];

    /// <inheritdoc/>
    public override string ToString() => "SpecifyShape";
}
