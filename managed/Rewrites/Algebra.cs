using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using static Gradient.Rewrites.RewriteHelpers;

namespace Gradient.Rewrites;

/// <summary>
/// <c>x * y / x → y</c>: a product that multiplies and divides by the same variable loses both (the cancelling part
/// of Aesara's <c>local_mul_canonizer</c>). Gradients are full of such pairs — the pullback of <c>log(s)</c> divides
/// by s and the pullback of <c>s = sigmoid(z)</c> multiplies by it again — and where s underflows to 0 the uncancelled
/// form computes 0/0.
/// </summary>
/// <remarks>
/// The product is read through the <c>mul</c>, <c>true_div</c>, <c>reciprocal</c> and <c>neg</c> nodes above the
/// node (see <see cref="Product"/>) and rebuilt only when a pair cancels; otherwise the node is left as it was (unlike
/// Aesara's canonizer, which also reorders factors and merges constants). Like Aesara, it trusts <c>x / x = 1</c>
/// where x is 0 or infinite.
/// </remarks>
public sealed class CancelCommonFactors : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_mul_canonizer";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        // Only a product with divisors can cancel.
        if (!IsProductNode(node) || Product.Of(node.Outputs[0], static (_, den) => den.Count > 0) is not { } product)
        {
            return null;
        }
        var removed = product.Cancel();
        return removed.Count == 0 ? null : One(product.BuildFor(node.Outputs[0], [.. removed, .. node.Inputs]));
    }

    /// <summary>True for the element-wise nodes a <see cref="Product"/> is read through.</summary>
    internal static bool IsProductNode(Apply node) => node.Op is Elemwise { Scalar.Name: "mul" or "true_div" or "reciprocal" or "neg" };
}

/// <summary>
/// <c>(a / x + b) * x → a + b * x</c>: a factor of a product moves into a sum it multiplies when it cancels there with
/// a factor of at least one term (Aesara's <c>local_greedy_distributor</c>). This is what makes the gradient of a
/// binary cross-entropy finite: <c>(y / s - (1 - y) / (1 - s)) · s · (1 - s)</c> becomes <c>y (1 - s) - (1 - y) s</c>.
/// </summary>
/// <remarks>
/// Aesara distributes only when the count of multiplications and divisions goes down; here a factor is distributed
/// whenever it cancels in some term, even if that costs a multiplication in the others, because a cancellation
/// removes a possible 0/0 or ∞/∞.
/// </remarks>
public sealed class DistributeToCancel : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_greedy_distributor";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (node.Op is not Elemwise { Scalar.Name: "mul" or "true_div" }
            || Product.Of(node.Outputs[0], static (num, _) => num.Exists(IsSum)) is not { } product)
        {
            return null;
        }
        for (int s = 0; s < product.Num.Count; s++)
        {
            // Without divisors in the product or in the sum's terms no factor can cancel: skip building the terms.
            if ((product.Den.Count == 0 && !SignedSum.AnyTermHasDivisor(product.Num[s]))
                || SignedSum.Of(product.Num[s]) is not { } sum)
            {
                continue;
            }
            var sumVariable = product.Num[s];
            bool moved = false;
            // A multiplied factor cancels a divisor of a term, a divisor cancels a multiplied factor.
            for (int side = 0; side < 2; side++)
            {
                bool isDen = side == 1;
                var factors = isDen ? product.Den : product.Num;
                for (int i = factors.Count - 1; i >= 0; i--)
                {
                    var f = factors[i];
                    if (ReferenceEquals(f, sumVariable) || !CancelsInSomeTerm(sum, f, isDen))
                    {
                        continue;
                    }
                    foreach (var term in sum.Terms)
                    {
                        (isDen ? term.Den : term.Num).Add(f);
                    }
                    factors.RemoveAt(i);
                    moved = true;
                }
            }
            if (!moved)
            {
                continue;
            }
            int at = Product.IndexOf(product.Num, sumVariable);
            product.Num[at] = sum.Build();
            return One(product.BuildFor(node.Outputs[0], node.Inputs));
        }
        return null;
    }

    /// <summary>Whether <see cref="SignedSum.Of"/> reads <paramref name="v"/> as a sum (only a factor that is one can take others).</summary>
    private static bool IsSum(Variable v) => v.DType.IsFloat() && v.Owner is { Op: Elemwise { Scalar.Name: "add" or "sub" } };

    /// <summary>Whether a multiplied <paramref name="f"/> is a divisor of some term, or a divisor a multiplied factor.</summary>
    private static bool CancelsInSomeTerm(SignedSum sum, Variable f, bool isDen)
    {
        foreach (var t in sum.Terms)
        {
            if (Product.IndexOf(isDen ? t.Num : t.Den, f) >= 0)
            {
                return true;
            }
        }
        return false;
    }
}
