using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;
using static Gradient.Ops.StructureSupport;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>ARange</c>: inputs <c>(start, stop, step)</c>, real scalars; numpy's <c>arange</c>, the vector
/// <c>start + i * step</c> for <c>0 ≤ i &lt; ceil((stop - start) / step)</c>, of <see cref="DType"/>. stop only sets the
/// length, so it is disconnected; an integer result gives zero gradients to start and step (as Aesara), a float one
/// gives <c>sum(g)</c> and <c>sum(g * i)</c>; the pushforward is <c>dstart + i * dstep</c>.
/// </summary>
/// <param name="dtype">The numpy name of the element type of the result.</param>
public sealed class ARange(string dtype) : Op
{
    /// <summary>Creates the op for results of <paramref name="dtype"/>.</summary>
    public ARange(DType dtype)
        : this(dtype.Name())
    {
    }

    /// <summary>The element type of the result.</summary>
    public DType DType { get; } = DTypes.Parse(dtype);

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("dtype", DType.Name())];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 3);
        string[] names = ["start", "stop", "step"];
        for (int i = 0; i < 3; i++)
        {
            if (inputs[i].Ndim != 0 || inputs[i].DType.IsComplex())
            {
                throw new ArgumentException($"{this}: {names[i]} expected a real scalar; got {inputs[i].Type}");
            }
        }
        long? length = null;
        if (inputs.All(v => v is Constant))
        {
            var values = inputs.Select(v => ((Constant)v).ScalarValue!.Value).ToArray();
            length = Kernels.Kernels.ARangeLength(values[0], values[1], values[2]);
        }
        return new Apply(this, inputs, [new TensorType(DType, [length])]);
    }

    /// <inheritdoc/>
    /// <remarks>As in Aesara, stop only sets the length.</remarks>
    public override bool[][] ConnectionPattern(Apply node) => [[true], [false], [true]];

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.ARange(inputs[0], inputs[1], inputs[2], DType)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (start, step) = (node.Inputs[0], node.Inputs[2]);
        var gz = outputGradients[0];
        if (DType.IsDiscrete())
        {
            return [T.ZerosLike(start), null, T.ZerosLike(step)];
        }
        var steps = T.Cast(Positions(node.Outputs[0]), gz.DType);
        return [Grad(T.Sum(gz), start), null, Grad(T.Sum(gz * steps), step)];

        static Variable Grad(Variable g, Variable x) => T.Cast(g, x.DType.IsDiscrete() ? Config.FloatX : x.DType);
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var (dstart, dstep) = (inputTangents[0], inputTangents[2]);
        if (DType.IsDiscrete() || (dstart is null && dstep is null))
        {
            return [null];
        }
        var output = node.Outputs[0];
        Variable result = T.ZerosLike(output);
        if (dstart is not null)
        {
            result = result + dstart;
        }
        if (dstep is not null)
        {
            result = result + T.Cast(Positions(output), DType) * dstep;
        }
        return [T.Cast(result, DType)];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"ARange{{dtype={DType.Name()}}}";

    /// <summary>0, 1, ..., len(output) - 1 as int64.</summary>
    private static Variable Positions(Variable output) =>
        new ARange(DType.Int64).Call(Long(0), Length(output, 0), Long(1));
}
