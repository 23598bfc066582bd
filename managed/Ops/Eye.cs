using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;
using static Gradient.Ops.StructureSupport;

namespace Gradient.Ops;

/// <summary>
/// Aesara's <c>Eye</c>: inputs <c>(n, m, k)</c>, integer scalars; an n×m matrix of <see cref="DType"/> with ones on
/// diagonal k (above the main diagonal when positive) and zeros elsewhere. Nothing here is differentiable.
/// </summary>
/// <param name="dtype">The numpy name of the element type of the result.</param>
public sealed class Eye(string dtype) : Op
{
    /// <summary>Creates the op for results of <paramref name="dtype"/>.</summary>
    public Eye(DType dtype)
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
        string[] names = ["n", "m", "k"];
        for (int i = 0; i < 3; i++)
        {
            RequireIntScalar(this, inputs[i], names[i]);
        }
        var (n, m) = (StaticInt(inputs[0]), StaticInt(inputs[1]));
        if (n < 0 || m < 0)
        {
            throw new ArgumentException($"{this}: expected non-negative n and m; got n={n}, m={m}");
        }
        return new Apply(this, inputs, [new TensorType(DType, [n, m])]);
    }

    /// <inheritdoc/>
    /// <remarks>As in Aesara, n, m and k are shapes.</remarks>
    public override bool[][] ConnectionPattern(Apply node) => [[false], [false], [false]];

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.Eye(Kernels.Kernels.ScalarLong(inputs[0], "Eye", "n"),
            Kernels.Kernels.ScalarLong(inputs[1], "Eye", "m"), Kernels.Kernels.ScalarLong(inputs[2], "Eye", "k"), DType, inputs[0].device)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [null, null, null];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [null];

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"Eye{{dtype={DType.Name()}}}";
}
