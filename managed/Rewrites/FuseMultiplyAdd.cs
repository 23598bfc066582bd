using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;

namespace Gradient.Rewrites;

/// <summary>
/// <c>a + b * c → addcmul(a, b, c)</c> and <c>a - b * c → subcmul(a, b, c)</c>: a product read only by a sum or a
/// difference is computed in the same kernel (Aesara fuses element-wise chains into one loop; libtorch offers this
/// fused form). One kernel and one buffer fewer per pair; gradients are full of them, e.g. tanh's
/// <c>g * (1 - y * y)</c> becomes <c>g * subcmul(1, y, y)</c>.
/// </summary>
/// <remarks>
/// Runs after the other rewrites (it hides products from the algebraic ones), on float nodes whose product is computed
/// in the output's dtype (the other term may be converted, e.g. a constant 1 typed float32 by autocasting), and only
/// where the product has no other reader, so that nothing is computed twice.
/// </remarks>
public sealed class FuseMultiplyAdd : IGraphRewrite
{
    /// <inheritdoc/>
    public string Name => "local_fuse_multiply_add";

    /// <inheritdoc/>
    public bool Apply(FunctionGraph graph)
    {
        var clients = graph.Clients();
        bool changed = false;
        foreach (var node in graph.Toposort())
        {
            var name = (node.Op as Elemwise)?.Scalar.Name;
            if (name is not ("add" or "sub") || !node.Outputs[0].DType.IsFloat())
            {
                continue;
            }
            bool add = name == "add";
            // a - b·c fuses only with the product second; a sum either way (the second first, as written a + b·c).
            foreach (int k in add ? new[] { 1, 0 } : [1])
            {
                if (FusedWith(node, k, add, clients) is { } fused)
                {
                    graph.Replace(node.Outputs[0], fused, clients);
                    changed = true;
                    break;
                }
            }
        }
        return changed;
    }

    private static Variable? FusedWith(Apply node, int k, bool add,
        Dictionary<Variable, List<(Apply? Node, int Index)>> clients)
    {
        var product = node.Inputs[k];
        if (product.Owner is not { Op: Elemwise { Scalar.Name: "mul" } } mul
            || product.DType != node.Outputs[0].DType
            || !clients.TryGetValue(product, out var readers) || readers.Count != 1 || !ReferenceEquals(readers[0].Node, node))
        {
            return null;
        }
        var other = node.Inputs[1 - k];
        var fused = add ? T.AddCMul(other, mul.Inputs[0], mul.Inputs[1]) : T.SubCMul(other, mul.Inputs[0], mul.Inputs[1]);
        return fused.Type.Equals(node.Outputs[0].Type) ? fused : null;
    }
}
