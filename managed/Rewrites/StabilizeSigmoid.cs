using Gradient.Graph;
using Gradient.Ops;
using static Gradient.Rewrites.RewriteHelpers;

namespace Gradient.Rewrites;

/// <summary>
/// The sigmoid and softplus stabilisations of Aesara's <c>stabilize</c> phase: hand-written logistic functions become
/// <c>sigmoid</c>, logarithms of sigmoids become <c>softplus</c>, and the products of exponentials and sigmoids that
/// their gradients build become sigmoids, so that neither the values nor the gradients overflow.
/// </summary>
internal static class SigmoidPatterns
{
    /// <summary>x when <paramref name="v"/> is <c>1 + exp(x)</c> or <c>exp(x) + 1</c>, else null.</summary>
    public static Variable? OnePlusExpArgument(Variable v)
    {
        if (ElemwiseOwner(v, "add") is not { } add)
        {
            return null;
        }
        var other = IsFilledWith(add.Inputs[0], 1) ? add.Inputs[1] : IsFilledWith(add.Inputs[1], 1) ? add.Inputs[0] : null;
        return other is not null && ElemwiseOwner(other, "exp") is { } exp ? exp.Inputs[0] : null;
    }

    /// <summary>x when <paramref name="v"/> is <c>1 - sigmoid(x)</c>, else null.</summary>
    public static Variable? OneMinusSigmoidArgument(Variable v) =>
        ElemwiseOwner(v, "sub") is { } sub && IsFilledWith(sub.Inputs[0], 1)
        && ElemwiseOwner(sub.Inputs[1], "sigmoid") is { } sigmoid
            ? sigmoid.Inputs[0]
            : null;

    /// <summary><c>sigmoid(-x)</c>, reading <c>-(-y)</c> as <c>y</c>.</summary>
    public static Variable SigmoidOfNegation(Variable x) => T.Sigmoid(Product.Negate(x));

    /// <summary><c>-softplus(x)</c> as a replacement of <paramref name="old"/>.</summary>
    public static Variable?[]? MinusSoftplus(Variable x, Variable old) => One(Fit(T.Neg(T.Softplus(As(x, old.DType))), old));
}

/// <summary>
/// <c>exp(x) / (1 + exp(x)) → sigmoid(x)</c> and <c>c / (1 + exp(x)) → c · sigmoid(-x)</c>, with the numerator and the
/// denominator read as products (Aesara's <c>local_exp_over_1_plus_exp</c>). Recognises the tutorial's
/// <c>1 / (1 + exp(-z))</c> as <c>sigmoid(z)</c>, and turns the <c>g / (1 + exp(z))</c> that gradients of
/// <c>log(1 + exp(z))</c> and of <c>1 / (1 + exp(z))</c> build into products with sigmoids.
/// </summary>
public sealed class ExpOverOnePlusExp : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_exp_over_1_plus_exp";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (!IsElemwise(node, "true_div") || Product.Of(node.Outputs[0]) is not { } product)
        {
            return null;
        }
        var sigmoids = new List<Variable>();
        for (int i = product.Den.Count - 1; i >= 0; i--)
        {
            if (SigmoidPatterns.OnePlusExpArgument(product.Den[i]) is not { } x)
            {
                continue;
            }
            int e = product.Num.FindIndex(v => ElemwiseOwner(v, "exp") is { } exp && ReferenceEquals(exp.Inputs[0], x));
            if (e >= 0)
            {
                product.Num.RemoveAt(e);
                sigmoids.Add(T.Sigmoid(x));
            }
            else
            {
                sigmoids.Add(SigmoidPatterns.SigmoidOfNegation(x));
            }
            product.Den.RemoveAt(i);
        }
        if (sigmoids.Count == 0)
        {
            return null;
        }
        product.Num.InsertRange(0, sigmoids);
        return One(product.BuildFor(node.Outputs[0], node.Inputs));
    }
}

/// <summary><c>1 / (1 + exp(x)) → sigmoid(-x)</c> written with <c>reciprocal</c> (Aesara's <c>local_reciprocal_1_plus_exp</c>).</summary>
public sealed class ReciprocalOfOnePlusExp : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_reciprocal_1_plus_exp";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node) =>
        IsElemwise(node, "reciprocal") && SigmoidPatterns.OnePlusExpArgument(node.Inputs[0]) is { } x
            ? One(Fit(SigmoidPatterns.SigmoidOfNegation(x), node.Outputs[0]))
            : null;
}

/// <summary>
/// <c>exp(x) · sigmoid(-x) → sigmoid(x)</c> and <c>exp(-x) · sigmoid(x) → sigmoid(-x)</c> anywhere in a product, a
/// divisor <c>exp(x)</c> counting as a factor <c>exp(-x)</c> (Aesara's <c>local_sigm_times_exp</c>, which reads only
/// multiplications). The gradient of
/// <c>log(1 + exp(z))</c> is <c>exp(z) / (1 + exp(z))</c>, which becomes <c>exp(z) · sigmoid(-z)</c> and then
/// <c>sigmoid(z)</c>: 1 at z = 800, where the unrewritten form computes ∞/∞.
/// </summary>
public sealed class SigmoidTimesExp : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_sigm_times_exp";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        // Only a product with a sigmoid among its multiplied factors can change.
        if (node.Op is not Elemwise { Scalar.Name: "mul" or "true_div" }
            || Product.Of(node.Outputs[0], static (num, _) => num.Exists(v => ElemwiseOwner(v, "sigmoid") is not null))
                is not { } product)
        {
            return null;
        }
        bool changed = false;
        for (int s = 0; s < product.Num.Count; s++)
        {
            if (ElemwiseOwner(product.Num[s], "sigmoid") is not { } sigmoid)
            {
                continue;
            }
            var a = sigmoid.Inputs[0];
            // exp(-a) multiplied, or exp(a) divided by, turns sigmoid(a) into sigmoid(-a).
            int e = product.Num.FindIndex(v => ElemwiseOwner(v, "exp") is { } exp && Product.AreNegations(exp.Inputs[0], a));
            if (e >= 0)
            {
                product.Num[s] = SigmoidPatterns.SigmoidOfNegation(a);
                product.Num.RemoveAt(e);
                changed = true;
                s = -1;
                continue;
            }
            int d = product.Den.FindIndex(v => ElemwiseOwner(v, "exp") is { } exp && ReferenceEquals(exp.Inputs[0], a));
            if (d >= 0)
            {
                product.Num[s] = SigmoidPatterns.SigmoidOfNegation(a);
                product.Den.RemoveAt(d);
                changed = true;
                s = -1;
            }
        }
        return changed ? One(product.BuildFor(node.Outputs[0], node.Inputs)) : null;
    }
}

/// <summary>
/// <c>1 - sigmoid(x) → sigmoid(-x)</c> (Aesara's <c>local_1msigmoid</c>). Aesara leaves it out of its default
/// pipeline; here it is in, because the gradient of <c>sigmoid</c> multiplies by <c>1 - sigmoid(x)</c>, which is 0
/// in floating point from x ≈ 37 on (float64) where <c>sigmoid(-x)</c> is exact, and the gradients of
/// <c>log(1 - sigmoid(x))</c> divide by it: with it rewritten, the divisor and the factor are one variable and cancel.
/// </summary>
public sealed class OneMinusSigmoid : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_1msigmoid";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node) =>
        node.Op is Elemwise && SigmoidPatterns.OneMinusSigmoidArgument(node.Outputs[0]) is { } x
            ? One(Fit(SigmoidPatterns.SigmoidOfNegation(x), node.Outputs[0]))
            : null;
}

/// <summary><c>log(sigmoid(x)) → -softplus(-x)</c>: finite where sigmoid underflows to 0 (Aesara's <c>logsigm_to_softplus</c>).</summary>
public sealed class LogSigmoidToSoftplus : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "logsigm_to_softplus";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node) =>
        IsElemwise(node, "log") && ElemwiseOwner(node.Inputs[0], "sigmoid") is { } sigmoid
            ? SigmoidPatterns.MinusSoftplus(Product.Negate(sigmoid.Inputs[0]), node.Outputs[0])
            : null;
}

/// <summary>
/// <c>log(1 - sigmoid(x)) → -softplus(x)</c>: finite where sigmoid rounds to 1 (Aesara's <c>log1msigm_to_softplus</c>).
/// </summary>
public sealed class LogOneMinusSigmoidToSoftplus : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "log1msigm_to_softplus";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node) =>
        IsElemwise(node, "log") && SigmoidPatterns.OneMinusSigmoidArgument(node.Inputs[0]) is { } x
            ? SigmoidPatterns.MinusSoftplus(x, node.Outputs[0])
            : null;
}

/// <summary><c>log1p(-sigmoid(x)) → -softplus(x)</c> (Aesara's <c>log1p_neg_sigmoid</c>).</summary>
public sealed class Log1pNegSigmoidToSoftplus : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "log1p_neg_sigmoid";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node) =>
        IsElemwise(node, "log1p") && ElemwiseOwner(node.Inputs[0], "neg") is { } neg
        && ElemwiseOwner(neg.Inputs[0], "sigmoid") is { } sigmoid
            ? SigmoidPatterns.MinusSoftplus(sigmoid.Inputs[0], node.Outputs[0])
            : null;
}
