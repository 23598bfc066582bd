using Gradient.Graph;
using Gradient.Ops;
using static Gradient.Rewrites.RewriteHelpers;

namespace Gradient.Rewrites;

/// <summary>
/// <c>reshape(x, shape)</c> → <c>x</c> when the shape is x's own, axis by axis (Aesara's <c>local_useless_reshape</c>):
/// each entry a constant equal to x's static length, or read from the same axis as x's length (see
/// <see cref="ShapeFolding.SameLength"/>). Vectorized gradients reshape their seeds to the shape they already have.
/// </summary>
public sealed class UselessReshape : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_useless_reshape";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (node.Op is not Reshape reshape || node.Inputs[0] is not { } x || x.Ndim != reshape.Ndim
            || node.Inputs[1].Owner is not { Op: MakeVector } lengths)
        {
            return null;
        }
        for (int axis = 0; axis < x.Ndim; axis++)
        {
            if (!ShapeFolding.SameLength(x, axis, lengths.Inputs[axis]))
            {
                return null;
            }
        }
        return One(Fit(x, node.Outputs[0]));
    }
}

/// <summary>
/// <c>(eye(n) * v) @ a → v[:, None] * a</c> and <c>a @ (eye(n) * v) → a * v[None, :]</c>, for v a row or a column of
/// length n (or 1): a product with a diagonal matrix scales rows or columns, in n·m multiplications instead of a matrix
/// product's n·n·m. A vectorized Jacobian of an element-wise function of a linear map pulls the identity's rows back
/// through the element-wise derivative (<c>eye(n) * f'(Ax)</c>), then through the product with A.
/// </summary>
/// <remarks>
/// The eye must be square (its two sizes the same variable or equal constants) with k = 0, and v's length must be
/// shown equal to n (see <see cref="ShapeFolding.SameLength"/>) or be statically 1: where the lengths differ at run
/// time, <c>eye(n) * v</c> raises (only static 1s broadcast), and the rewrite must not turn that error into a result.
/// </remarks>
public sealed class DiagonalProduct : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_diagonal_dot";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (node.Op is not (MatMul or Dot) || node.Inputs[0].Ndim != 2 || node.Inputs[1].Ndim != 2)
        {
            return null;
        }
        // In the product's dtype, as the product computes (the eye may be wider than v and a).
        var dtype = node.Outputs[0].DType;
        if (Diagonal(node.Inputs[0]) is { } left)
        {
            return One(Fit(T.Mul(As(AsColumn(left), dtype), As(node.Inputs[1], dtype)), node.Outputs[0]));
        }
        if (Diagonal(node.Inputs[1]) is { } right)
        {
            return One(Fit(T.Mul(As(node.Inputs[0], dtype), As(AsRow(right), dtype)), node.Outputs[0]));
        }
        return null;
    }

    /// <summary>The row or column v of a product <c>eye(n) * v</c> that is diag(v), else null.</summary>
    private static Variable? Diagonal(Variable m)
    {
        if (ElemwiseOwner(m, "mul") is not { Inputs.Count: 2 } mul)
        {
            return null;
        }
        for (int side = 0; side < 2; side++)
        {
            var (eye, v) = (mul.Inputs[side], mul.Inputs[1 - side]);
            if (eye.Owner is not { Op: Eye } e || !IsFilledWith(e.Inputs[2], 0) || !Square(e) || v.Ndim != 2)
            {
                continue;
            }
            // A row (1 × n) or a column (n × 1) whose length is the eye's, or a 1 × 1 scalar.
            int along = v.Type.Shape[0] == 1 ? 1 : v.Type.Shape[1] == 1 ? 0 : -1;
            if (along >= 0 && (v.Type.Shape[along] == 1 || ShapeFolding.SameLength(v, along, e.Inputs[0])))
            {
                return v;
            }
        }
        return null;
    }

    private static bool Square(Apply eye) =>
        ReferenceEquals(eye.Inputs[0], eye.Inputs[1])
        || (eye.Inputs[0] is Constant && eye.Outputs[0].Type.Shape[0] is long n && IsFilledWith(eye.Inputs[1], n));

    private static Variable AsColumn(Variable v) => v.Type.Shape[0] == 1 ? T.DimShuffle(v, [1, 0]) : v;

    private static Variable AsRow(Variable v) => v.Type.Shape[1] == 1 && v.Type.Shape[0] != 1 ? T.DimShuffle(v, [1, 0]) : v;
}
