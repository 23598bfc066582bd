using Gradient.Kernels;
using Gradient.Graph;
using TorchSharp;

namespace Gradient.Ops.Sparse;

/// <summary>
/// Aesara's <c>AddSS</c> (sparse + sparse → sparse, the union of the patterns) and <c>AddSD</c> (sparse + dense →
/// dense). Linear: both gradients are ḡ, the tangent is ȧ + ḃ.
/// </summary>
public sealed class SparseAdd(bool denseRight) : SparseBinaryOp
{
    /// <summary>Whether the right operand is dense (AddSD) rather than sparse (AddSS).</summary>
    public bool DenseRight { get; } = denseRight;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("dense_right", DenseRight)];

    /// <inheritdoc/>
    public override string ClassName => DenseRight ? "AddSD" : "AddSS";

    /// <inheritdoc/>
    protected override torch.Tensor Compute(torch.Tensor a, torch.Tensor b) =>
        Kernels.Kernels.SparseAdd(a, b, DenseRight);

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) =>
        [outputGradients[0], outputGradients[0]];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [SparseChecks.Sum(inputTangents[0], inputTangents[1])];
}

/// <summary>
/// Aesara's <c>MulSD</c>: the structured product of sparse s and dense d, s's stored entries times the matching
/// entries of d, in s's pattern (a sparse result). s̄ = mask(ḡ d), d̄ = mask(ḡ) s; tangent mask(ṡ d) + s ḋ.
/// </summary>
public sealed class MulSD : SparseBinaryOp
{
    /// <summary>The op (it has no parameters).</summary>
    public static readonly MulSD Instance = new();

    /// <inheritdoc/>
    protected override torch.Tensor Compute(torch.Tensor a, torch.Tensor b) => Kernels.Kernels.SparseMulDense(a, b);

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (s, d) = (node.Inputs[0], node.Inputs[1]);
        var gz = outputGradients[0];
        var gs = T.SparsePatternMask(gz * d, s);
        var gd = T.SparsePatternMask(gz, s) * T.DenseFromSparse(s);
        return [SparseChecks.Typed(gs, s), SparseChecks.Typed(gd, d)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var (s, d) = (node.Inputs[0], node.Inputs[1]);
        var left = inputTangents[0] is { } ds ? T.SparsePatternMask(ds * d, s) : null;
        var right = inputTangents[1] is { } dd ? T.SparsePatternMask(dd, s) * T.DenseFromSparse(s) : null;
        return [SparseChecks.Sum(left, right)];
    }
}

/// <summary>
/// Aesara's <c>SpSum</c>: the sum of a sparse matrix over all entries or one axis, dense. The sum is linear in every
/// entry, so the gradient is ḡ broadcast back to the matrix; with <paramref name="sparseGrad"/> (Aesara's
/// <c>sparse_grad</c>) it is restricted to the stored entries, and the tangent likewise.
/// </summary>
public sealed class SpSum(int? axis, bool sparseGrad) : Op
{
    /// <summary>The summed axis (0 or 1), or null for all.</summary>
    public int? Axis { get; } = axis is null or 0 or 1
        ? axis : throw new ArgumentException($"sp_sum: expected axis None, 0 or 1; got {axis}", nameof(axis));

    /// <summary>Whether the gradient is structured (stored entries only).</summary>
    public bool SparseGrad { get; } = sparseGrad;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props =>
        [new("axis", Axis), new("sparse_grad", SparseGrad)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = SparseChecks.Matrix(this, inputs[0], "x");
        long?[] shape = Axis switch { null => [], 0 => [x.Type.Shape[1]], _ => [x.Type.Shape[0]] };
        return new Apply(this, [x], [new TensorType(x.DType, shape)]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.SparseSum(inputs[0], Axis, node.Outputs[0].DType)];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var x = node.Inputs[0];
        var gz = outputGradients[0];
        var row = Axis switch { null => gz, 0 => T.DimShuffle(gz, [-1, 0]), _ => T.DimShuffle(gz, [0, -1]) };
        var g = T.ZerosLike(T.DenseFromSparse(x), gz.DType) + row;
        return [SparseGrad ? T.SparsePatternMask(g, x) : g];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        if (inputTangents[0] is not { } dx)
        {
            return [null];
        }
        var x = node.Inputs[0];
        return [T.Sum(SparseGrad ? T.SparsePatternMask(dx, x) : dx, Axis)];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => $"SpSum{{axis={Axis?.ToString() ?? "None"}, sparse_grad={SparseGrad}}}";
}
