using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;

namespace Gradient.Rewrites;

/// <summary>
/// <c>dot(x, y) + c → gemm(x, y, c)</c>, reading transposed operands in place: <c>dot(aᵀ, b)</c> becomes
/// <c>Gemm{TN}(a, b)</c> (Aesara's <c>Dot22</c>/<c>Gemm</c> rewrites). A dense layer <c>x·W + b</c> is then one
/// kernel, and the gradients <c>xᵀ·g</c> and <c>g·Wᵀ</c> need no transpose nodes.
/// </summary>
/// <remarks>
/// Matrices of one float dtype only. The bias is a vector made a row (<c>DimShuffle{x,0}</c>) or a matrix, added to a
/// product that nothing else reads; a transpose read elsewhere stays for its other readers.
/// </remarks>
public sealed class FuseGemm : IGraphRewrite
{
    /// <inheritdoc/>
    public string Name => "local_dot_to_gemm";

    /// <inheritdoc/>
    public bool Apply(FunctionGraph graph)
    {
        var order = graph.Nodes;
        bool any = false;
        for (int i = 0; i < order.Count && !any; i++)
        {
            any = IsCandidate(order[i]);
        }
        if (!any)
        {
            // Most graphs have no product of matrices: no client index for them.
            return false;
        }
        var clients = graph.Clients();
        bool changed = false;
        foreach (var node in order)
        {
            if (!IsCandidate(node))
            {
                continue;
            }
            var (a, transA) = Untransposed(node.Inputs[0]);
            var (b, transB) = Untransposed(node.Inputs[1]);
            var op = new Gemm(transA, transB);
            var product = node.Outputs[0];
            // The sum must have the product's type: addmm broadcasts c to the product, never the product to c (a
            // product of static shape (1, 1) plus a row of 2 is a (1, 2) sum that gemm cannot make).
            if (BiasedSum(product, clients) is var (sum, c) && sum.Type.Equals(product.Type)
                && op.Call(a, b, c) is var biased && biased.Type.Equals(sum.Type))
            {
                graph.Replace(sum, biased, clients);
                changed = true;
            }
            else if ((transA || transB) && op.Call(a, b) is var plain && plain.Type.Equals(product.Type))
            {
                graph.Replace(product, plain, clients);
                changed = true;
            }
        }
        return changed;
    }

    // A plain loop: a lambda reading node would allocate its closure on every call, Dot or not.
    private static bool IsCandidate(Apply node)
    {
        if (node.Op is not Dot || !node.Outputs[0].DType.IsFloat())
        {
            return false;
        }
        for (int i = 0; i < node.Inputs.Count; i++)
        {
            if (node.Inputs[i].Ndim != 2 || node.Inputs[i].DType != node.Outputs[0].DType)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>x itself and true when it is <c>DimShuffle{1,0}</c> of x, else the variable and false.</summary>
    private static (Variable, bool) Untransposed(Variable v) =>
        // Order [1, 0] also drops broadcastable axes of a larger input ((3, 3, 1) → (3, 3)): only a matrix's counts.
        v.Owner is { Op: DimShuffle { Order: [1, 0] } } t && t.Inputs[0].Ndim == 2 ? (t.Inputs[0], true) : (v, false);

    /// <summary>The sum <c>product + c</c> that is the product's only reader, and c as gemm takes it, or null.</summary>
    private static (Variable Sum, Variable C)? BiasedSum(Variable product,
        Dictionary<Variable, List<(Apply? Node, int Index)>> clients)
    {
        if (!clients.TryGetValue(product, out var readers) || readers.Count != 1
            || readers[0].Node is not { Op: Elemwise { Scalar.Name: "add" } } add)
        {
            return null;
        }
        var c = add.Inputs[1 - readers[0].Index];
        if (c.DType != product.DType || ReferenceEquals(c, product))
        {
            return null;
        }
        // A vector made a row is passed as the vector itself: libtorch adds it to every row.
        if (c.Owner is { Op: DimShuffle { Order: [-1, 0] } } row && row.Inputs[0].Ndim == 1)
        {
            c = row.Inputs[0];
        }
        return c.Ndim is 1 or 2 ? (add.Outputs[0], c) : null;
    }
}
