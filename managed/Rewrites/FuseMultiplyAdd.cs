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
    /// <remarks>
    /// One pass in topological order, without a client index: the pattern needs only how many times each product is
    /// read (counted once up front; fusing never adds a reader to a product), and the sums fused so far are rewired
    /// all at once at the end (a fused node reads the replacements of the sums it reads).
    /// </remarks>
    public bool Apply(FunctionGraph graph)
    {
        var order = graph.Nodes;
        // Tables sized up front (growing ones of a few hundred thousand entries leaves large-object garbage behind).
        var productReaders = new Dictionary<Variable, int>(order.Count / 4);
        foreach (var node in order)
        {
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                CountIfProduct(productReaders, node.Inputs[i]);
            }
        }
        for (int i = 0; i < graph.Outputs.Count; i++)
        {
            CountIfProduct(productReaders, graph.Outputs[i]);
        }
        var replaced = new Dictionary<Variable, Variable>(productReaders.Count);
        foreach (var node in order)
        {
            var name = (node.Op as Elemwise)?.Scalar.Name;
            if (name is not ("add" or "sub") || !node.Outputs[0].DType.IsFloat())
            {
                continue;
            }
            bool add = name == "add";
            // a - b·c fuses only with the product second; a sum either way (the second first, as written a + b·c).
            var fused = FusedWith(node, 1, add, productReaders, replaced)
                ?? (add ? FusedWith(node, 0, add, productReaders, replaced) : null);
            if (fused is not null)
            {
                replaced[node.Outputs[0]] = fused;
            }
        }
        graph.ReplaceAll(replaced);
        bool changed = replaced.Count > 0;
        // Large tables live on the large object heap: see EquilibriumRewrite.Run.Release.
        productReaders.Clear();
        replaced.Clear();
        return changed;
    }

    private static bool IsProduct(Variable v) => v.Owner is { Op: Elemwise { Scalar.Name: "mul" } };

    private static void CountIfProduct(Dictionary<Variable, int> readers, Variable v)
    {
        if (IsProduct(v))
        {
            readers[v] = readers.GetValueOrDefault(v) + 1;
        }
    }

    private static Variable? FusedWith(Apply node, int k, bool add, Dictionary<Variable, int> productReaders,
        Dictionary<Variable, Variable> replaced)
    {
        var product = node.Inputs[k];
        if (product.Owner is not { Op: Elemwise { Scalar.Name: "mul" } } mul
            || product.DType != node.Outputs[0].DType || productReaders.GetValueOrDefault(product) != 1)
        {
            return null;
        }
        Variable Now(Variable v) => replaced.TryGetValue(v, out var r) ? r : v;
        var other = Now(node.Inputs[1 - k]);
        var (b, c) = (Now(mul.Inputs[0]), Now(mul.Inputs[1]));
        var fused = add ? T.AddCMul(other, b, c) : T.SubCMul(other, b, c);
        return fused.Type.Equals(node.Outputs[0].Type) ? fused : null;
    }
}
