using Gradient.Kernels;
using Gradient.Graph;
using TorchSharp;

namespace Gradient.Ops.Sparse;

/// <summary>
/// Aesara's <c>SparseFromDense</c> (<c>csr_from_dense</c>, <c>csc_from_dense</c>): the sparse matrix of the nonzero
/// entries of a dense one. The value is a libtorch COO tensor whatever <paramref name="format"/> says (TorchSharp
/// 0.107 has no CSR/CSC layout); the format is kept as a label. The gradient and tangent of a sparse variable are
/// dense matrices in this engine, so both derivatives are the identity.
/// </summary>
public sealed class SparseFromDense(string format) : Op
{
    /// <summary>"csr" or "csc".</summary>
    public string Format { get; } = format is "csr" or "csc"
        ? format : throw new ArgumentException($"sparse format: expected 'csr' or 'csc'; got '{format}'", nameof(format));

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, object?>> Props => [new("format", Format)];

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = SparseChecks.Matrix(this, inputs[0], "x");
        return new Apply(this, [x], [x.Type]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.ToSparse(inputs[0], ToString())];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [outputGradients[0]];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [inputTangents[0]];

    /// <inheritdoc/>
    public override string ToString() => $"SparseFromDense{{{Format}}}";
}

/// <summary>Aesara's <c>DenseFromSparse</c>: the dense matrix of a sparse one. Both derivatives are the identity.</summary>
public sealed class DenseFromSparse : Op
{
    /// <summary>The op (it has no parameters).</summary>
    public static readonly DenseFromSparse Instance = new();

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 1);
        var x = SparseChecks.Matrix(this, inputs[0], "x");
        return new Apply(this, [x], [x.Type]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) => [Kernels.Kernels.ToDense(inputs[0])];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [outputGradients[0]];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [inputTangents[0]];

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => "DenseFromSparse";
}

/// <summary>
/// The structured restriction of a dense gradient: <c>g</c> with every entry outside the pattern of the sparse
/// matrix <c>s</c> set to zero (Aesara's structured gradients, e.g. <c>structured_dot_grad</c>). Linear in g; s only
/// supplies the pattern, so it is disconnected.
/// </summary>
public sealed class SparsePatternMask : Op
{
    /// <summary>The op (it has no parameters).</summary>
    public static readonly SparsePatternMask Instance = new();

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var g = SparseChecks.Matrix(this, inputs[0], "g");
        var s = SparseChecks.Matrix(this, inputs[1], "s");
        return new Apply(this, [g, s], [g.Type]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs) =>
        [Kernels.Kernels.SparsePatternMask(inputs[0], inputs[1])];

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients) =>
        [T.SparsePatternMask(outputGradients[0], node.Inputs[1]), null];

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) =>
        [inputTangents[0] is { } dg ? T.SparsePatternMask(dg, node.Inputs[1]) : null];

    /// <inheritdoc/>
    public override bool[][] ConnectionPattern(Apply node) => [[true], [false]];

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => "SparsePatternMask";
}

/// <summary>Shared argument checks of the sparse ops.</summary>
internal static class SparseChecks
{
    public static Variable Matrix(Op op, Variable x, string what) => x.Ndim == 2
        ? x : throw new ArgumentException($"{op}: expected {what} to be a matrix; got {x.Type}");

    public static void SameShape(Op op, Variable a, Variable b)
    {
        for (int i = 0; i < 2; i++)
        {
            if (a.Type.Shape[i] is long m && b.Type.Shape[i] is long n && m != n)
            {
                throw new ArgumentException($"{op}: shapes {TensorType.Show(a.Type.Shape)} and {TensorType.Show(b.Type.Shape)} differ");
            }
        }
    }

    public static long?[] JoinShapes(Variable a, Variable b) =>
        [a.Type.Shape[0] ?? b.Type.Shape[0], a.Type.Shape[1] ?? b.Type.Shape[1]];

    public static Variable? Sum(Variable? a, Variable? b) => a is null ? b : b is null ? a : a + b;

    /// <summary>A gradient in x's dtype (an integer x keeps the float gradient).</summary>
    public static Variable Typed(Variable g, Variable x) =>
        x.DType.IsDiscrete() || g.DType == x.DType ? g : T.Cast(g, x.DType);
}
