using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops.RandomVariables;

/// <summary>
/// Aesara's <c>RandomVariable</c>: an op that draws samples from the generator of its <see cref="State"/>. Each
/// node has its own state object (made by a random stream), so the op is not a pure function of its props and
/// inputs: <see cref="IsDeterministic"/> is false, which keeps the merge from making two draws one and constant
/// folding from freezing a draw at compile time, and graphs that hold it cannot be written as JSON.
/// </summary>
/// <remarks>
/// Derivatives: as in Aesara, whose <c>RandomVariable.grad</c> returns <c>grad_undefined</c> for every input, the
/// gradient through a sample is undefined: <see cref="Pullback(Apply, Variable[])"/> gives <see cref="NullGradient"/>s, which raise
/// <see cref="NullTypeGradException"/> (Python: <c>NullTypeGradError</c>) when asked for or used; a tangent through a
/// sample raises it directly. Paths that do not go through a sample's parameters (e.g.
/// <c>grad(sum(w * sample), w)</c>) are unaffected.
/// </remarks>
public abstract class RandomVariable : Op
{
    /// <summary>Creates the op for one random variable.</summary>
    protected RandomVariable(RandomState state, string name, DType dtype)
    {
        Guard.NotNull(state);
        State = state;
        Name = name;
        DType = dtype;
    }

    /// <summary>The generator state this variable draws from.</summary>
    public RandomState State { get; }

    /// <summary>The distribution's name, e.g. <c>normal</c>.</summary>
    public string Name { get; }

    /// <summary>The element type of the samples.</summary>
    public DType DType { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("name", Name), new("dtype", DType.Name())];

    /// <inheritdoc/>
    public override bool IsDeterministic => false;

    /// <summary>
    /// Draws on the CPU, where the generator lives, so that a seed gives the same numbers on every device: off the CPU
    /// the parameters are copied to the CPU and the sample back to the inputs' device.
    /// </summary>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var device = inputs.Length > 0 ? inputs[0].device : torch.CPU;
        if (device.type == DeviceType.CPU)
        {
            return [State.Draw(generator => Draw(generator, node, inputs))];
        }
        using var scope = torch.NewDisposeScope();
        var host = inputs.Select(t => t.cpu()).ToArray();
        var sample = State.Draw(generator => Draw(generator, node, host));
        return [sample.to(device).MoveToOuterDisposeScope()];
    }

    /// <summary>Draws the sample for <paramref name="node"/> from <paramref name="generator"/>.</summary>
    protected abstract torch.Tensor Draw(torch.Generator generator, Apply node, torch.Tensor[] inputs);

    /// <summary>Aesara's <c>grad_undefined</c> for every input: an undefined (NullType) gradient.</summary>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) =>
        node.Inputs.Select(x => (Variable?)new NullGradient(
            x.DType.IsDiscrete() ? x.Type.WithDType(Config.FloatX) : x.Type, Undefined(node))).ToArray();

    /// <summary>The tangent through a sample is undefined too: a non-zero input tangent raises.</summary>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        inputTangents.All(t => t is null) ? [null] : throw new NullTypeGradException(Undefined(node));

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"{ClassName}{{{Name}, {DType.Name()}}}";

    /// <summary>The sample shape: the values of a <c>size</c> tensor, or when it is empty the broadcast of <paramref name="shapes"/>.</summary>
    protected static long[] SampleShape(string what, torch.Tensor size, params long[][] shapes)
    {
        if (size.NumberOfElements > 0)
        {
            var values = Kernels.Kernels.HostLongs(size);
            if (values.Any(n => n < 0))
            {
                throw new ArgumentException($"{what}: size must be non-negative; got {Kernels.Kernels.Show(values)}");
            }
            return values;
        }
        return Kernels.Kernels.BroadcastShapes(what, shapes);
    }

    /// <summary>
    /// Checks a <c>size</c> input (an int64 vector of static length; empty for None) and gives the static sample
    /// shape: the size's values when it is a constant, unknown lengths otherwise, or for an empty size the static
    /// broadcast of <paramref name="parameters"/>.
    /// </summary>
    protected IReadOnlyList<long?> StaticShape(Variable size, params IReadOnlyList<long?>[] parameters)
    {
        if (size.Ndim != 1 || !size.DType.IsDiscrete() || size.DType == DType.Bool || size.Type.Shape[0] is not long n)
        {
            throw new ArgumentException($"{this}: size must be an integer vector of static length; got {size.Type}");
        }
        if (n > 0)
        {
            if (size is Constant c)
            {
                return Kernels.Kernels.HostLongs(c.Value).Select(v => (long?)v).ToArray();
            }
            return Enumerable.Repeat<long?>(null, (int)n).ToArray();
        }
        int rank = parameters.Length == 0 ? 0 : parameters.Max(p => p.Count);
        var shape = new long?[rank];
        for (int i = 0; i < rank; i++)
        {
            long? known = 1;
            foreach (var p in parameters)
            {
                int j = i - (rank - p.Count);
                if (j < 0 || p[j] == 1)
                {
                    continue;
                }
                known = p[j] is long len && known is long k && (k == 1 || k == len) ? len : null;
            }
            shape[i] = known;
        }
        return shape;
    }

    /// <summary>Checks that <paramref name="parameter"/> has a numeric dtype.</summary>
    protected void Numeric(Variable parameter, string name)
    {
        if (parameter.DType.IsComplex())
        {
            throw new ArgumentException($"{this}: {name} must be real; got {parameter.Type}");
        }
    }

    private string Undefined(Apply node) =>
        $"{this}: the gradient through a random sample is undefined (no gradient defined for random variables): " +
        $"{node} cannot be differentiated with respect to its inputs";
}
