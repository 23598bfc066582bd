using Gradient.Graph;

namespace Gradient.Interop;

/// <summary>Special functions for <c>sharpgrad.tensor.special</c> and <c>sharpgrad.tensor.math</c>.</summary>
public static partial class PyApi
{
    /// <summary>Applies softplus, sigmoid or log1p by its Aesara name.</summary>
    public static Variable SpecialUnary(string op, Variable x) => op switch
    {
        "softplus" => T.Softplus(x),
        "sigmoid" => T.Sigmoid(x),
        "log1p" => T.Log1p(x),
        _ => throw new ArgumentException($"special op: expected softplus, sigmoid or log1p; got '{op}'", nameof(op)),
    };

    /// <summary>Softmax along <paramref name="axis"/> (null: over all elements).</summary>
    public static Variable Softmax(Variable x, int? axis) => T.Softmax(x, axis);

    /// <summary>Log-softmax along <paramref name="axis"/> (null: over all elements).</summary>
    public static Variable LogSoftmax(Variable x, int? axis) => T.LogSoftmax(x, axis);

    /// <summary>log(Σ exp(x)) over <paramref name="axes"/> (null: all axes).</summary>
    public static Variable LogSumExp(Variable x, int[]? axes, bool keepdims) => T.LogSumExp(x, axes, keepdims);
}
