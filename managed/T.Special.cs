using Gradient.Graph;
using Gradient.Ops;

namespace Gradient;

/// <summary>Special functions: softplus, sigmoid, log1p, softmax, log-softmax and logsumexp.</summary>
public static partial class T
{
    private static readonly Elemwise s_softplus = new(ScalarOps.Softplus), s_sigmoid = new(ScalarOps.Sigmoid),
        s_log1p = new(ScalarOps.Log1p);

    /// <summary>Element-wise softplus(x) = log(1 + exp(x)), without overflow (Aesara's <c>softplus</c>).</summary>
    public static Variable Softplus(Variable x) => s_softplus.Call(x);

    /// <summary>Element-wise logistic function 1 / (1 + exp(-x)) (Aesara's <c>sigmoid</c>).</summary>
    public static Variable Sigmoid(Variable x) => s_sigmoid.Call(x);

    /// <summary>Element-wise log(1 + x), accurate for small x.</summary>
    public static Variable Log1p(Variable x) => s_log1p.Call(x);

    /// <summary>
    /// Softmax along <paramref name="axis"/> (negative counts from the end; null normalises over all elements).
    /// </summary>
    public static Variable Softmax(Variable x, int? axis = -1) =>
        new Softmax(NormalizeAxis("softmax", x, axis)).Call(x);

    /// <summary>log(softmax(x)) along <paramref name="axis"/>, computed stably.</summary>
    public static Variable LogSoftmax(Variable x, int? axis = -1) =>
        new LogSoftmax(NormalizeAxis("log_softmax", x, axis)).Call(x);

    /// <summary>
    /// log(Σ exp(x)) over <paramref name="axes"/> (negative counts from the end; null reduces all axes), computed
    /// stably; <paramref name="keepdims"/> keeps the reduced axes with length 1.
    /// </summary>
    public static Variable LogSumExp(Variable x, IReadOnlyList<int>? axes = null, bool keepdims = false)
    {
        Guard.NotNull(x);
        var normalized = axes?.Select(a => NormalizeAxis("logsumexp", x, a)!.Value).ToArray();
        if (normalized is not null && normalized.Distinct().Count() != normalized.Length)
        {
            throw new ArgumentException($"logsumexp: repeated axis in [{string.Join(", ", axes!)}]", nameof(axes));
        }
        return new LogSumExp(normalized, keepdims).Call(x);
    }

    /// <summary>log(Σ exp(x)) over one <paramref name="axis"/>.</summary>
    public static Variable LogSumExp(Variable x, int axis, bool keepdims = false) => LogSumExp(x, [axis], keepdims);

    private static int? NormalizeAxis(string what, Variable x, int? axis)
    {
        Guard.NotNull(x);
        if (axis is not int a)
        {
            return null;
        }
        int n = a < 0 ? a + x.Ndim : a;
        if (n < 0 || n >= x.Ndim)
        {
            throw new ArgumentException($"{what}: axis {a} is out of range for {x.Type}", nameof(axis));
        }
        return n;
    }
}
