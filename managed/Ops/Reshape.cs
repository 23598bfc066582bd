using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Reshape</c>: inputs <c>(x, shape)</c>, where <c>shape</c> is an integer vector of length
/// <see cref="Ndim"/> that may hold one -1 (inferred). Linear in x: the pullback reshapes the output gradient back to
/// <c>x.shape</c>, the pushforward reshapes the tangent; the shape input gets no gradient.
/// </summary>
public sealed class Reshape(int ndim) : Op
{
    /// <summary>The rank of the result.</summary>
    public int Ndim { get; } = ndim >= 0 ? ndim : throw new ArgumentException($"Reshape: ndim must be >= 0; got {ndim}");

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("ndim", Ndim)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var (x, shape) = (inputs[0], inputs[1]);
        if (shape.Ndim != 1 || !shape.DType.IsDiscrete() || shape.DType == DType.Bool
            || (shape.Type.Shape[0] is long n && n != Ndim))
        {
            throw new ArgumentException($"{this}: expected an integer vector of length {Ndim} as shape; got {shape.Type}");
        }
        var known = StaticValues(shape) ?? new long?[Ndim];
        if (known.Count(v => v == -1) > 1 || known.Any(v => v < -1))
        {
            throw new ArgumentException($"{this}: expected lengths >= 0 and at most one -1; got {Show(known)}");
        }
        var outShape = known.Select(v => v == -1 ? null : v).ToArray();
        long? size = x.Type.Shape.Aggregate((long?)1, (a, b) => a * b);
        if (size is long total && known.All(v => v is not null))
        {
            long product = known.Where(v => v != -1).Aggregate(1L, (a, b) => a * b!.Value);
            int unknown = Array.IndexOf(known.ToArray(), -1);
            if (unknown >= 0 ? product == 0 || total % product != 0 : product != total)
            {
                throw new ArgumentException(
                    $"{this}: cannot reshape {x.Type} (size {total}) into shape {Show(known)}");
            }
            if (unknown >= 0)
            {
                outShape[unknown] = total / product;
            }
        }
        return new Apply(this, [x, shape], [new TensorType(x.DType, outShape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var shape = inputs[1];
        if (shape.dim() != 1 || shape.Lengths()[0] != Ndim)
        {
            throw new ArgumentException($"{this}: expected a shape of length {Ndim}; got {Kernels.Kernels.Show(shape.Lengths())}");
        }
        var values = Kernels.Kernels.HostLongs(shape);
        var result = Kernels.Kernels.Reshape(inputs[0], values);
        if (node.Outputs[0].Type.Mismatch(result.Lengths()) is { } why)
        {
            result.Dispose();
            throw new ArgumentException($"{this}: result does not fit its static type: {why}");
        }
        return [result];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        return [x.DType.IsDiscrete() ? null : T.Reshape(outputGradients[0], T.Shape(x)), null];
    }

    /// <summary>
    /// The batch length prepended to the target shape; a target that differs across the batch has no rule.
    /// </summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs)
    {
        var ((x, _), (shape, shapeBatched)) = (inputs[0], inputs[1]);
        return shapeBatched
            ? null
            : [(new Reshape(Ndim + 1).Call(x, BatchSupport.PrependLength(T.ShapeI(x, 0), shape, Ndim)), true)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dx ? T.Reshape(dx, node.Inputs[1]) : null];

    /// <inheritdoc/>
    public override string ToString() => $"Reshape{{{Ndim}}}";

    /// <summary>
    /// What is known before running about the values of an integer vector: a constant's values, the static shape
    /// behind <c>Shape(x)</c>, or entry by entry for a <c>MakeVector</c> of constants and <c>Shape_i</c>. Null when
    /// nothing is known.
    /// </summary>
    internal static long?[]? StaticValues(Variable v)
    {
        switch (v)
        {
            case Constant c when c.Ndim == 1:
                return Kernels.Kernels.HostLongs(c.Value).Select(n => (long?)n).ToArray();
            case { Owner: { Op: Shape } owner }:
                return owner.Inputs[0].Type.Shape.ToArray();
            case { Owner: { Op: MakeVector } owner }:
                return owner.Inputs.Select(StaticScalar).ToArray();
            default:
                return null;
        }
    }

    private static long? StaticScalar(Variable v) => v switch
    {
        Constant c => (long?)c.ScalarValue,
        { Owner: { Op: ShapeI op } owner } => owner.Inputs[0].Type.Shape[op.I],
        _ => null,
    };

    private static string Show(IReadOnlyList<long?> values) => TensorType.Show(values);
}
