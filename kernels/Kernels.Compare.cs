using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>Comparisons, integer division, modulo, absolute value, sign and bitwise operations.</summary>
public static partial class Kernels
{
    /// <summary>a &lt; b</summary>
    public static Tensor Less(Tensor a, Tensor b) => a.lt(b);

    /// <summary>a &gt; b</summary>
    public static Tensor Greater(Tensor a, Tensor b) => a.gt(b);

    /// <summary>a &lt;= b</summary>
    public static Tensor LessEqual(Tensor a, Tensor b) => a.le(b);

    /// <summary>a &gt;= b</summary>
    public static Tensor GreaterEqual(Tensor a, Tensor b) => a.ge(b);

    /// <summary>a == b</summary>
    public static Tensor Equal(Tensor a, Tensor b) => a.eq(b);

    /// <summary>a != b</summary>
    public static Tensor NotEqual(Tensor a, Tensor b) => a.ne(b);

    /// <summary>Floor division (Python's and numpy's <c>//</c>); integer division by zero is an error.</summary>
    /// <exception cref="DivideByZeroException">An integer divisor is zero.</exception>
    public static Tensor FloorDiv(Tensor a, Tensor b)
    {
        CheckIntegerDivisor(b, "integer division");
        return a.div(b, RoundingMode.floor);
    }

    /// <summary>Modulo with the sign of the divisor (Python's and numpy's <c>%</c>); integer modulo by zero is an error.</summary>
    /// <exception cref="DivideByZeroException">An integer divisor is zero.</exception>
    public static Tensor Mod(Tensor a, Tensor b)
    {
        CheckIntegerDivisor(b, "integer modulo");
        return a.remainder(b);
    }

    /// <summary>|x| (booleans are returned as they are).</summary>
    public static Tensor Abs(Tensor x) => x.dtype == ScalarType.Bool ? x.alias() : x.abs();

    /// <summary>The sign of x: -1, 0 or 1 (booleans are returned as they are).</summary>
    public static Tensor Sign(Tensor x) => x.dtype == ScalarType.Bool ? x.alias() : x.sign();

    /// <summary>Bitwise (logical, for booleans) and.</summary>
    public static Tensor BitAnd(Tensor a, Tensor b) => a.bitwise_and(b);

    /// <summary>Bitwise (logical, for booleans) or.</summary>
    public static Tensor BitOr(Tensor a, Tensor b) => a.bitwise_or(b);

    /// <summary>Bitwise (logical, for booleans) exclusive or.</summary>
    public static Tensor BitXor(Tensor a, Tensor b) => a.bitwise_xor(b);

    /// <summary>Bitwise (logical, for booleans) not.</summary>
    public static Tensor BitNot(Tensor x) => x.bitwise_not();

    private static void CheckIntegerDivisor(Tensor b, string what)
    {
        if (!b.is_floating_point() && !b.is_complex() && b.dtype != ScalarType.Bool)
        {
            using var zero = b.eq(0);
            using var any = zero.any();
            if (any.item<bool>())
            {
                throw new DivideByZeroException($"{what} by zero");
            }
        }
    }
}
