using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops.RandomVariables;

/// <summary>
/// Aesara's <c>ChoiceRV</c> (numpy's <c>choice</c>): picks from a (a vector, or for an integer scalar a the numbers
/// 0 … a-1), with or without <see cref="Replace"/>ment, uniformly or with probabilities p. Inputs: size (int64
/// vector, empty for one pick as a 0-d result), a, and optionally p.
/// </summary>
/// <param name="state">The generator state this variable draws from.</param>
/// <param name="dtype">The dtype of the result: a's, or int64 for an integer scalar a.</param>
/// <param name="replace">Whether an element may be picked more than once.</param>
public sealed class ChoiceRV(RandomState state, DType dtype, bool replace) : RandomVariable(state, "choice", dtype)
{
    /// <summary>Whether an element may be picked more than once.</summary>
    public bool Replace { get; } = replace;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [.. base.Props, new("replace", Replace)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        if (inputs.Length is not (2 or 3))
        {
            throw new ArgumentException($"{this}: expected inputs (size, a) or (size, a, p); got {inputs.Length}");
        }
        ExpectInputs(inputs, inputs.Length);
        var a = inputs[1];
        if (a.Ndim > 1 || (a.Ndim == 0 && (!a.DType.IsDiscrete() || a.DType == DType.Bool)))
        {
            throw new ArgumentException($"{this}: a must be an integer scalar or a vector; got {a.Type}");
        }
        var expected = a.Ndim == 0 ? DType.Int64 : a.DType;
        if (expected != DType)
        {
            throw new ArgumentException($"{this}: the samples of {a.Type} have dtype {expected.Name()}; the op says {DType.Name()}");
        }
        if (inputs.Length == 3 && (inputs[2].Ndim != 1 || !inputs[2].DType.IsFloat()))
        {
            throw new ArgumentException($"{this}: p must be a float vector; got {inputs[2].Type}");
        }
        var shape = StaticShape(inputs[0]);
        return new Apply(this, inputs, [new TensorType(DType, shape)]);
    }

    /// <inheritdoc/>
    protected override torch.Tensor Draw(torch.Generator generator, Apply node, torch.Tensor[] inputs)
    {
        var shape = SampleShape("choice", inputs[0]);
        return Kernels.Kernels.Choice(generator, inputs[1], inputs.Length == 3 ? inputs[2] : null, shape, Replace);
    }
}
