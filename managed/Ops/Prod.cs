using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Prod</c>: the product over <see cref="Axes"/> (all axes when null). Integers and booleans multiply
/// to int64, floats keep their dtype; an empty axis gives 1.
/// </summary>
/// <remarks>
/// The derivative of the product with respect to one factor is the product of the others. It is computed without
/// dividing by the product, following Aesara's <c>ProdWithoutZeros</c> logic per reduced slice: with no zero factor
/// it is <c>p / x</c> where <c>p</c> is the product of the non-zero factors; with exactly one zero it is <c>p</c> at
/// the zero and 0 elsewhere; with two or more zeros it is 0 everywhere. The pullback multiplies it by the spread
/// output gradient, the pushforward sums it against the tangent. First derivatives are exact with zeros; second
/// derivatives are exact where the slice holds no zero (at a zero the masks are treated as constants).
/// </remarks>
/// <param name="axis">The reduced axes (non-negative, distinct), or null for all.</param>
public sealed class Prod(IReadOnlyList<int>? axis) : Op
{
    /// <summary>Reduced axes, sorted, or null for all.</summary>
    public IReadOnlyList<int>? Axes { get; } = axis?.Order().ToArray();

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("axis", Axes)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = inputs[0];
        ReduceAxes.Check(this, x, Axes);
        var dtype = x.DType.IsDiscrete() ? DType.Int64 : x.DType;
        return new Apply(this, [x], [new TensorType(dtype, ReduceAxes.Kept(x, Axes))]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.Prod(inputs[0], Axes?.Select(a => (long)a).ToArray(), node.Outputs[0].DType)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        if (x.DType.IsDiscrete())
        {
            return [null];
        }
        if (x.DType.IsComplex())
        {
            throw new NotSupportedException($"{this}: gradients of complex values are not supported");
        }
        var g = ReduceAxes.Spread(outputGradients[0], x.Ndim, Axes) * ProductOfOthers(x);
        return [ReduceAxes.Typed(g, x)];
    }

    /// <summary>The same axes, shifted past the batch axis.</summary>
    public override (Variable Value, bool Batched)[]? Batch(Apply node, (Variable Value, bool Batched)[] inputs) =>
        [(new Prod(BatchSupport.Shift(Axes, inputs[0].Value.Ndim)).Call(inputs[0].Value), true)];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var x = node.Inputs[0];
        if (inputTangents[0] is not { } dx || x.DType.IsDiscrete())
        {
            return [null];
        }
        var dy = new Sum(Axes).Call(dx * ProductOfOthers(x));
        return [dy.DType == x.DType ? dy : T.Cast(dy, x.DType)];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => Axes is null ? "Prod" : $"Prod{{axis={ReduceAxes.Show(Axes)}}}";

    /// <summary>
    /// For each element, the product of the other factors of its slice, shaped like x, without a division by the
    /// product (see the remarks).
    /// </summary>
    private Variable ProductOfOthers(Variable x)
    {
        var isZero = T.Cast(T.Eq(x, T.ZerosLike(x)), x.DType);
        var zeros = ReduceAxes.Spread(new Sum(Axes).Call(isZero), x.Ndim, Axes);
        var nonZero = x + isZero; // zeros replaced by 1
        var withoutZeros = ReduceAxes.Spread(Call(nonZero), x.Ndim, Axes);
        var none = T.Cast(T.Eq(zeros, T.ZerosLike(zeros)), x.DType);
        var one = T.Cast(T.Eq(zeros, T.OnesLike(zeros)), x.DType);
        return none * (withoutZeros / nonZero) + one * isZero * withoutZeros;
    }
}
