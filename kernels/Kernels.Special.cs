using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>
/// Special functions: the numerically stable forms that the stabilising rewrites put in place of naive
/// compositions (softplus for log(1+exp(x)), log-softmax for log(softmax(x)), logsumexp for log(sum(exp(x)))).
/// </summary>
public static partial class Kernels
{
    /// <summary>log(1 + x), accurate for small x.</summary>
    public static Tensor Log1p(Tensor x) => x.log1p();

    /// <summary>The logistic function 1 / (1 + exp(-x)).</summary>
    public static Tensor Sigmoid(Tensor x) => x.sigmoid();

    /// <summary>
    /// softplus(x) = log(1 + exp(x)), computed as max(x, 0) + log1p(exp(-|x|)): no overflow for large x, no loss of
    /// the small result for very negative x, and (unlike libtorch's thresholded softplus) exact to rounding everywhere.
    /// </summary>
    public static Tensor Softplus(Tensor x)
    {
        using var positive = x.clamp_min(0);
        using var magnitude = x.abs();
        using var negated = magnitude.neg();
        using var small = negated.exp();
        using var tail = small.log1p();
        return positive.add(tail);
    }

    /// <summary>Softmax along <paramref name="axis"/>, or over all elements when it is null.</summary>
    public static Tensor Softmax(Tensor x, int? axis) => AlongAxis("softmax", x, axis, (t, a) => t.softmax(a));

    /// <summary>Log-softmax along <paramref name="axis"/>, or over all elements when it is null.</summary>
    public static Tensor LogSoftmax(Tensor x, int? axis) => AlongAxis("log_softmax", x, axis, (t, a) => t.log_softmax(a));

    /// <summary>
    /// log(Σ exp(x)) over <paramref name="axes"/> (all axes when null), keeping the reduced axes with length 1 when
    /// <paramref name="keepdims"/>. Stable: libtorch subtracts the maximum first.
    /// </summary>
    public static Tensor LogSumExp(Tensor x, IReadOnlyList<int>? axes, bool keepdims)
    {
        var dims = axes is null ? Enumerable.Range(0, (int)x.dim()).ToArray() : axes.ToArray();
        foreach (int axis in dims)
        {
            if (axis < 0 || axis >= x.dim())
            {
                throw new ArgumentException(
                    $"logsumexp: axis {axis} is out of range for a tensor of shape {Show(x.Lengths())}", nameof(axes));
            }
        }
        if (dims.Length == 0)
        {
            // Nothing reduced: log(exp(x)) = x.
            return x.clone();
        }
        // log Σ_ij exp(x_ij) = log Σ_i exp(log Σ_j exp(x_ij)): reduce one axis at a time, the highest first so that
        // the lower axis numbers stay valid when the reduced axes are dropped.
        var result = x.alias();
        foreach (int axis in dims.Distinct().OrderDescending())
        {
            var next = result.logsumexp(axis, keepdims);
            result.Dispose();
            result = next;
        }
        return result;
    }

    private static Tensor AlongAxis(string what, Tensor x, int? axis, Func<Tensor, long, Tensor> kernel)
    {
        if (axis is int a)
        {
            if (a < 0 || a >= x.dim())
            {
                throw new ArgumentException($"{what}: axis {a} is out of range for a tensor of shape {Show(x.Lengths())}",
                    nameof(axis));
            }
            return kernel(x, a);
        }
        // Over all elements: flatten, normalise, restore the shape.
        using var flat = x.reshape(-1);
        using var result = kernel(flat, 0);
        return result.reshape(x.Lengths());
    }
}
