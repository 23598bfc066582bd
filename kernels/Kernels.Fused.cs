using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>
/// Fused element-wise kernels: one pass over memory where the plain graph takes two (what the compiler's fusion
/// rewrites produce). Shapes broadcast as in the unfused kernels.
/// </summary>
public static partial class Kernels
{
    // The scale factors as native scalars, made once: converting a number at every call costs more than the kernel on
    // small tensors. Integral, so that integer tensors accept them too.
    private static readonly Scalar s_plusOne = 1L.ToScalar(), s_minusOne = (-1L).ToScalar();

    /// <summary>a + b·c (libtorch's <c>addcmul</c>).</summary>
    public static Tensor AddCMul(Tensor a, Tensor b, Tensor c) => a.addcmul(b, c, s_plusOne);

    /// <summary>a - b·c.</summary>
    public static Tensor SubCMul(Tensor a, Tensor b, Tensor c) => a.addcmul(b, c, s_minusOne);

    /// <summary>a ← a + b·c; a must have the broadcast shape of all three.</summary>
    public static Tensor AddCMulInPlace(Tensor a, Tensor b, Tensor c) => a.addcmul_(b, c, s_plusOne);

    /// <summary>a ← a - b·c; a must have the broadcast shape of all three.</summary>
    public static Tensor SubCMulInPlace(Tensor a, Tensor b, Tensor c) => a.addcmul_(b, c, s_minusOne);
}
