using Gradient.Graph;

namespace Gradient.Interop;

/// <summary>Tensor products for <c>sharpgrad.tensor</c>: matmul, outer, tensordot, batched_dot, dot of any rank.</summary>
public static partial class PyApi
{
    /// <summary>Applies a product by its Aesara name: matmul, outer, batched_dot or dot (Aesara's dense dot).</summary>
    public static Variable Product(string op, Variable a, Variable b) => op switch
    {
        "matmul" => T.MatMul(a, b),
        "outer" => T.Outer(a, b),
        "batched_dot" => T.BatchedDot(a, b),
        "dot" => T.DenseDot(a, b),
        _ => throw new ArgumentException($"product: expected matmul, outer, batched_dot or dot; got '{op}'", nameof(op)),
    };

    /// <summary>tensordot over the last <paramref name="axes"/> axes of a and the first of b.</summary>
    public static Variable TensorDot(Variable a, Variable b, int axes) => T.TensorDot(a, b, axes);

    /// <summary>tensordot over paired axes.</summary>
    public static Variable TensorDot(Variable a, Variable b, int[] axesA, int[] axesB) => T.TensorDot(a, b, axesA, axesB);
}
