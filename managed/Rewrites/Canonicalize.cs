using Gradient.Graph;
using Gradient.Ops;
using static Gradient.Rewrites.RewriteHelpers;

namespace Gradient.Rewrites;

/// <summary>
/// Removes element-wise operations that leave their operand unchanged: <c>x*1</c>, <c>1*x</c>, <c>x+0</c>,
/// <c>0+x</c>, <c>x-0</c>, <c>x/1</c>, <c>x**1</c>, <c>--x</c>, and <c>second(a, b)</c> (Aesara's <c>fill</c>)
/// where b already has the result's static shape. The neutral constant may be of any shape (a scalar broadcast by
/// <see cref="DimShuffle"/>, or a tensor of ones); the operand replaces the result only when that keeps its static
/// shape, and is cast when only the dtype differs (<c>int_x * 1.0</c> becomes <c>cast(int_x, float64)</c>).
/// </summary>
/// <remarks>
/// Like Aesara, <c>second(a, b) → b</c> trusts the static types: a run-time length mismatch between a and b that the
/// original node would have reported is no longer checked.
/// </remarks>
public sealed class RemoveNeutralElemwise : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_useless_elemwise";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (node.Op is not Elemwise e)
        {
            return null;
        }
        var x = node.Inputs;
        var y = node.Outputs[0];
        Variable? keep = e.Scalar.Name switch
        {
            "add" when IsFilledWith(x[0], 0) => x[1],
            "add" when IsFilledWith(x[1], 0) => x[0],
            "sub" when IsFilledWith(x[1], 0) => x[0],
            "mul" when IsFilledWith(x[0], 1) => x[1],
            "mul" when IsFilledWith(x[1], 1) => x[0],
            "true_div" when IsFilledWith(x[1], 1) => x[0],
            "pow" when IsFilledWith(x[1], 1) => x[0],
            "neg" when ElemwiseOwner(x[0], "neg") is { } inner => inner.Inputs[0],
            "second" => x[1],
            _ => null,
        };
        return keep is null ? null : One(Fit(keep, y));
    }
}

/// <summary>
/// <see cref="DimShuffle"/> canonical forms: a shuffle of a shuffle becomes one shuffle, and a shuffle that keeps
/// every axis in place disappears (Aesara's <c>local_dimshuffle_lift</c> / <c>local_useless_dimshuffle</c>).
/// </summary>
public sealed class MergeDimShuffles : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_dimshuffle_merge";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (node.Op is not DimShuffle outer)
        {
            return null;
        }
        var x = node.Inputs[0];
        var order = outer.Order;
        if (x.Owner is { Op: DimShuffle inner } innerNode)
        {
            // Output axis i takes inner axis order[i], which took source axis inner.Order[order[i]].
            order = Compose(order, inner.Order);
            x = innerNode.Inputs[0];
        }
        else if (!DimShuffle.IsIdentity(order, x.Ndim))
        {
            return null;
        }
        return One(Fit(T.DimShuffle(x, order), node.Outputs[0]));
    }

    // Its own method: a lambda capturing the inner op made Transform allocate a closure for every node.
    private static int[] Compose(IReadOnlyList<int> outer, IReadOnlyList<int> inner)
    {
        var order = new int[outer.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = outer[i] < 0 ? -1 : inner[outer[i]];
        }
        return order;
    }
}

/// <summary>
/// An element-wise node reading <c>second(a, b)</c> (Aesara's <c>fill</c>, as gradients build to spread a value
/// over a shape) reads b instead when the other operands already give the result its type (Aesara's
/// <c>local_fill_sink</c> / <c>local_fill_cut</c>): <c>second(x, 1) * y → 1 * y → y</c>.
/// </summary>
public sealed class SinkFill : ILocalRewrite
{
    /// <inheritdoc/>
    public string Name => "local_fill_sink";

    /// <inheritdoc/>
    public Variable?[]? Transform(Apply node)
    {
        if (node.Op is not Elemwise e || e.Scalar.Name == "second")
        {
            return null;
        }
        for (int i = 0; i < node.Inputs.Count; i++)
        {
            if (ElemwiseOwner(node.Inputs[i], "second") is not { } fill)
            {
                continue;
            }
            var inputs = node.Inputs.ToArray();
            inputs[i] = fill.Inputs[1];
            Variable rebuilt;
            try
            {
                rebuilt = e.Call(inputs);
            }
            catch (ArgumentException)
            {
                continue;
            }
            if (rebuilt.Type.Equals(node.Outputs[0].Type))
            {
                return [rebuilt];
            }
        }
        return null;
    }
}
