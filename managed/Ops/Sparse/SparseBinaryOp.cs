using Gradient.Graph;
using TorchSharp;

namespace Gradient.Ops.Sparse;

/// <summary>
/// An element-wise op on two matrices of one shape, at least the left one sparse (<see cref="SparseAdd"/>,
/// <see cref="MulSD"/>, <see cref="MulSS"/>): the typing and the casts before the kernel are
/// shared; each op gives its kernel and its derivative rules.
/// </summary>
public abstract class SparseBinaryOp : Op
{
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
        return [Compute(a, b)];
    }

    /// <summary>The kernel, on operands already cast to the output dtype.</summary>
    protected abstract torch.Tensor Compute(torch.Tensor a, torch.Tensor b);

    /// <inheritdoc/>
    public override bool OutputMayAlias(Apply node, int output) => false;

    /// <inheritdoc/>
    public override string ToString() => ClassName;
}
