using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops.Sparse;

/// <summary>
/// Aesara's <c>MulSS</c>: the element-wise product of two sparse matrices, stored where both store an entry.
/// d(a∘b) = da∘b + a∘db, each tangent and gradient restricted to its own operand's stored entries (dense, as the
/// engine's sparse gradients are).
/// </summary>
public sealed class MulSS : Op
{
    /// <summary>The op (it has no parameters).</summary>
    public static readonly MulSS Instance = new();

    /// <inheritdoc/>
    public override Apply MakeNode(params Variable[] inputs)
    {
        ExpectInputs(inputs, 2);
        var a = SparseChecks.Matrix(this, inputs[0], "x");
        var b = SparseChecks.Matrix(this, inputs[1], "y");
        SparseChecks.SameShape(this, a, b);
        var dtype = Elemwise.PromoteInputs([a, b]);
        return new Apply(this, [a, b], [new TensorType(dtype, SparseChecks.JoinShapes(a, b))]);
    }

    /// <inheritdoc/>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var dtype = node.Outputs[0].DType;
        using var a = Kernels.Kernels.Cast(inputs[0], dtype);
        using var b = Kernels.Kernels.Cast(inputs[1], dtype);
        return [Kernels.Kernels.SparseMulSparse(a, b)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pullback(Apply node, Variable[] outputGradients)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var gz = outputGradients[0];
        return [Typed(T.SparsePatternMask(gz * T.DenseFromSparse(b), a), a),
                Typed(T.SparsePatternMask(gz * T.DenseFromSparse(a), b), b)];
    }

    /// <inheritdoc/>
    public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var left = inputTangents[0] is { } da ? T.SparsePatternMask(da, a) * T.DenseFromSparse(b) : null;
        var right = inputTangents[1] is { } db ? T.DenseFromSparse(a) * T.SparsePatternMask(db, b) : null;
        return [SparseChecks.Sum(left, right)];
    }

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <summary>False only so that constant folding never turns a sparse value into a <see cref="Constant"/>.</summary>
    public override bool IsDeterministic => false;

    /// <inheritdoc/>
    public override string ToString() => "MulSS";

    private static Variable Typed(Variable g, Variable x) =>
        x.DType.IsDiscrete() || g.DType == x.DType ? g : T.Cast(g, x.DType);
}
