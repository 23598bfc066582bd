using Gradient.Graph;
using Gradient.Ops;
using static Gradient.Rewrites.RewriteHelpers;

namespace Gradient.Rewrites;

/// <summary>
/// <c>log(1 + x) → log1p(x)</c> (either operand order): exact for small x, and the first step of
/// <c>log(1 + exp(x)) → softplus(x)</c>.
/// </summary>
public sealed class LogOnePlusToLog1p : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_log1p";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (!IsElemwise(node, "log") || ElemwiseOwner(node.Inputs[0], "add") is not { } add)
        {
            return null;
        }
        var y = node.Outputs[0];
        var other = IsFilledWith(add.Inputs[0], 1) ? add.Inputs[1] : IsFilledWith(add.Inputs[1], 1) ? add.Inputs[0] : null;
        return other is null ? null : One(Fit(T.Log1p(As(other, y.DType)), y));
    }
}

/// <summary><c>log1p(exp(x)) → softplus(x)</c>, which does not overflow for large x.</summary>
public sealed class Log1pExpToSoftplus : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_log1p_exp_to_softplus";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (!IsElemwise(node, "log1p") || ElemwiseOwner(node.Inputs[0], "exp") is not { } exp)
        {
            return null;
        }
        var y = node.Outputs[0];
        return One(Fit(T.Softplus(As(exp.Inputs[0], y.DType)), y));
    }
}

/// <summary>
/// <c>1 - sigmoid(x) → sigmoid(-x)</c> (Aesara's <c>local_1msigmoid</c>): exact, and kept to full precision where
/// sigmoid(x) saturates (1 - sigmoid(26) is 3e-12 known to 1e-16; 1 - sigmoid(43) is 0). It also makes the gradient
/// of log(1 - sigmoid(x)), a quotient of two such differences, finite.
/// </summary>
public sealed class OneMinusSigmoid : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_1msigmoid";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (!IsElemwise(node, "sub") || !IsFilledWith(node.Inputs[0], 1)
            || ElemwiseOwner(node.Inputs[1], "sigmoid") is not { } sigmoid)
        {
            return null;
        }
        var y = node.Outputs[0];
        return One(Fit(T.Sigmoid(-As(sigmoid.Inputs[0], y.DType)), y));
    }
}

/// <summary>
/// <c>log(sigmoid(x)) → -softplus(-x)</c> (Aesara's <c>logsigm_to_softplus</c>; with <see cref="OneMinusSigmoid"/>
/// also <c>log1msigm_to_softplus</c>): finite where sigmoid underflows to 0.
/// </summary>
public sealed class LogSigmoidToSoftplus : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_log_sigmoid_to_softplus";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (!IsElemwise(node, "log") || ElemwiseOwner(node.Inputs[0], "sigmoid") is not { } sigmoid)
        {
            return null;
        }
        var y = node.Outputs[0];
        return One(Fit(-T.Softplus(-As(sigmoid.Inputs[0], y.DType)), y));
    }
}

/// <summary>
/// <c>exp(x) / sum(exp(x), axis, keepdims=True) → softmax(x, axis)</c> for one axis or all axes (Aesara's
/// <c>local_softmax_simplifier</c>), so that a hand-written softmax gets the stable kernel and, under a log, the
/// log-softmax rewrite.
/// </summary>
public sealed class RecognizeSoftmax : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_softmax_simplifier";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (!IsElemwise(node, "true_div") || ElemwiseOwner(node.Inputs[0], "exp") is not { } exp
            || node.Inputs[1].Owner is not { Op: DimShuffle keep } keepNode
            || keepNode.Inputs[0].Owner is not { Op: Sum sum } sumNode
            || !ReferenceEquals(sumNode.Inputs[0], exp.Outputs[0]))
        {
            return null;
        }
        var x = exp.Inputs[0];
        if (!LogSumExpOfSum.IsKeepDims(keep.Order, x.Ndim, sum.Axes))
        {
            return null;
        }
        int? axis = sum.Axes switch
        {
            null => null,
            { Count: 1 } axes => axes[0],
            var axes when axes.Count == x.Ndim => null,
            _ => -1,
        };
        return axis == -1 ? null : One(Fit(new Softmax(axis).Call(x), node.Outputs[0]));
    }
}

/// <summary><c>log(softmax(x)) → log_softmax(x)</c> (Aesara's <c>local_logsoftmax</c>): finite where softmax underflows to 0.</summary>
public sealed class LogSoftmaxOfSoftmax : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_logsoftmax";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node) =>
        IsElemwise(node, "log") && node.Inputs[0].Owner is { Op: Softmax softmax } inner
            ? One(Fit(new LogSoftmax(softmax.Axis).Call(inner.Inputs[0]), node.Outputs[0]))
            : null;
}

/// <summary>
/// <c>log(sum(exp(x), axes)) → logsumexp(x, axes)</c>, also with the reduced axes kept (<c>keepdims=True</c>, which
/// puts a <see cref="DimShuffle"/> between the sum and the log): no overflow for large x (Aesara's
/// <c>local_log_sum_exp</c>).
/// </summary>
public sealed class LogSumExpOfSum : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_log_sum_exp";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (!IsElemwise(node, "log"))
        {
            return null;
        }
        var summed = node.Inputs[0];
        DimShuffle? keep = null;
        if (summed.Owner is { Op: DimShuffle shuffle } shuffleNode)
        {
            keep = shuffle;
            summed = shuffleNode.Inputs[0];
        }
        if (summed.Owner is not { Op: Sum sum } sumNode || ElemwiseOwner(sumNode.Inputs[0], "exp") is not { } exp)
        {
            return null;
        }
        var x = exp.Inputs[0];
        if (keep is not null && !IsKeepDims(keep.Order, x.Ndim, sum.Axes))
        {
            return null;
        }
        return One(Fit(new LogSumExp(sum.Axes, keepdims: keep is not null).Call(x), node.Outputs[0]));
    }

    /// <summary>
    /// True when <paramref name="order"/> puts back, as length-1 axes, exactly the <paramref name="axes"/> (all when
    /// null) that a sum over a rank-<paramref name="ndim"/> tensor removed: what <c>keepdims=True</c> builds.
    /// </summary>
    internal static bool IsKeepDims(IReadOnlyList<int> order, int ndim, IReadOnlyList<int>? axes)
    {
        if (order.Count != ndim)
        {
            return false;
        }
        int kept = 0;
        for (int a = 0; a < ndim; a++)
        {
            bool reduced = axes is null || axes.Contains(a);
            if (order[a] != (reduced ? -1 : kept++))
            {
                return false;
            }
        }
        return true;
    }
}
