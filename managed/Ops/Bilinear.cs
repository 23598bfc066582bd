using Gradient.Graph;

namespace Gradient.Ops;

/// <summary>The forward-mode rule of ops bilinear in their two inputs (matmul, tensordot, batched_dot).</summary>
internal static class Bilinear
{
    /// <summary>d(a∘b) = da∘b + a∘db, through <paramref name="op"/> itself, in the output's dtype.</summary>
    public static Variable?[] Pushforward(Op op, Apply node, Variable?[] inputTangents)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var left = inputTangents[0] is { } da ? op.Call(da, b) : null;
        var right = inputTangents[1] is { } db ? op.Call(a, db) : null;
        var dy = left is null ? right : right is null ? left : left + right;
        var y = node.Outputs[0];
        return [dy is null || dy.DType == y.DType ? dy : T.Cast(dy, y.DType)];
    }
}
