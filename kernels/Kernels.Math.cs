using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>
/// Element-wise mathematical functions: powers and logarithms of other bases, trigonometric and hyperbolic functions
/// and their inverses, the error and gamma families, rounding, predicates, maximum/minimum, clip and switch.
/// </summary>
/// <remarks>
/// The one-input kernels compute float16 (and bfloat16) values in float32 and round the result back, as libtorch's
/// CPU kernels for several of these functions (lgamma, digamma, polygamma, erfinv) have no half-precision form. The
/// several-input kernels check that the shapes broadcast before any native call.
/// </remarks>
public static partial class Kernels
{
    private const double Ln2 = 0.69314718055994530942;

    /// <summary>2^x</summary>
    public static Tensor Exp2(Tensor x) => InFloat32(x, t => t.exp2());

    /// <summary>exp(x) - 1, accurate for small x.</summary>
    public static Tensor Expm1(Tensor x) => InFloat32(x, t => t.expm1());

    /// <summary>Base-2 logarithm.</summary>
    public static Tensor Log2(Tensor x) => InFloat32(x, t => t.log2());

    /// <summary>Base-10 logarithm.</summary>
    public static Tensor Log10(Tensor x) => InFloat32(x, t => t.log10());

    /// <summary>Square root (NaN for negative x).</summary>
    public static Tensor Sqrt(Tensor x) => InFloat32(x, t => t.sqrt());

    /// <summary>1 / x</summary>
    public static Tensor Reciprocal(Tensor x) => InFloat32(x, t => t.reciprocal());

    /// <summary>Sine.</summary>
    public static Tensor Sin(Tensor x) => InFloat32(x, t => t.sin());

    /// <summary>Cosine.</summary>
    public static Tensor Cos(Tensor x) => InFloat32(x, t => t.cos());

    /// <summary>Tangent.</summary>
    public static Tensor Tan(Tensor x) => InFloat32(x, t => t.tan());

    /// <summary>Inverse sine, in [-π/2, π/2].</summary>
    public static Tensor Arcsin(Tensor x) => InFloat32(x, t => t.asin());

    /// <summary>Inverse cosine, in [0, π].</summary>
    public static Tensor Arccos(Tensor x) => InFloat32(x, t => t.acos());

    /// <summary>Inverse tangent, in (-π/2, π/2).</summary>
    public static Tensor Arctan(Tensor x) => InFloat32(x, t => t.atan());

    /// <summary>Hyperbolic sine.</summary>
    public static Tensor Sinh(Tensor x) => InFloat32(x, t => t.sinh());

    /// <summary>Hyperbolic cosine.</summary>
    public static Tensor Cosh(Tensor x) => InFloat32(x, t => t.cosh());

    /// <summary>Inverse hyperbolic sine.</summary>
    public static Tensor Arcsinh(Tensor x) => InFloat32(x, t => t.asinh());

    /// <summary>Inverse hyperbolic cosine (NaN below 1).</summary>
    public static Tensor Arccosh(Tensor x) => InFloat32(x, t => t.acosh());

    /// <summary>Inverse hyperbolic tangent (NaN outside [-1, 1]).</summary>
    public static Tensor Arctanh(Tensor x) => InFloat32(x, t => t.atanh());

    /// <summary>Degrees to radians.</summary>
    public static Tensor Deg2Rad(Tensor x) => InFloat32(x, t => t.deg2rad());

    /// <summary>Radians to degrees.</summary>
    public static Tensor Rad2Deg(Tensor x) => InFloat32(x, t => t.rad2deg());

    /// <summary>The error function.</summary>
    public static Tensor Erf(Tensor x) => InFloat32(x, t => t.erf());

    /// <summary>The complementary error function 1 - erf(x), accurate where erf(x) is near 1.</summary>
    public static Tensor Erfc(Tensor x) => InFloat32(x, t => t.erfc());

    /// <summary>
    /// The scaled complementary error function exp(x²) erfc(x), finite for large x: computed in float64 as
    /// exp(x²)·erfc(x) below x = 25 and by its asymptotic series (1/(x√π))·(1 - 1/(2x²) + 3/(4x⁴) - 15/(8x⁶) +
    /// 105/(16x⁸)) above, where erfc underflows. (TorchSharp 0.107's <c>special.erfcx</c> returns erfc.)
    /// </summary>
    public static Tensor Erfcx(Tensor x) => InFloat64(x, t =>
    {
        using var square = t.square();
        using var scale = square.exp();
        using var tail = t.erfc();
        using var direct = scale.mul(tail);
        using var inverse = square.reciprocal();
        using var series = inverse.mul(105.0 / 16).sub_(15.0 / 8).mul_(inverse).add_(3.0 / 4).mul_(inverse).sub_(0.5)
            .mul_(inverse).add_(1);
        using var lead = t.mul(Math.Sqrt(Math.PI)).reciprocal_();
        using var asymptotic = lead.mul(series);
        using var large = t.gt(25);
        return where(large, asymptotic, direct);
    });

    /// <summary>The inverse error function on [-1, 1].</summary>
    public static Tensor Erfinv(Tensor x) => InFloat32(x, t => t.erfinv());

    /// <summary>The inverse complementary error function on [0, 2]: erfcinv(x) = erfinv(1 - x).</summary>
    public static Tensor Erfcinv(Tensor x) => InFloat32(x, t =>
    {
        using var oneMinus = t.neg().add_(1);
        return oneMinus.erfinv();
    });

    /// <summary>
    /// The gamma function Γ(x), as sign(Γ(x))·exp(lgamma(x)): Γ is negative on (-1, 0), (-3, -2), …, that is where
    /// floor(x) is odd; at the poles (0, -1, -2, …) the result is infinite.
    /// </summary>
    public static Tensor Gamma(Tensor x) => InFloat32(x, t =>
    {
        using var lgamma = t.lgamma();
        using var magnitude = lgamma.exp();
        using var floor = t.floor();
        using var half = floor.remainder(2);
        using var odd = half.eq(1);
        using var negative = t.lt(0);
        using var flip = negative.logical_and(odd);
        using var negated = magnitude.neg();
        return where(flip, negated, magnitude);
    });

    /// <summary>log|Γ(x)|</summary>
    public static Tensor Gammaln(Tensor x) => InFloat32(x, t => t.lgamma());

    /// <summary>The digamma function ψ(x) = d/dx log Γ(x).</summary>
    public static Tensor Psi(Tensor x) => InFloat32(x, t => t.digamma());

    /// <summary>The polygamma function ψ⁽ⁿ⁾(x), the n-th derivative of ψ (n = 1 is the trigamma function).</summary>
    /// <exception cref="ArgumentException"><paramref name="n"/> is negative.</exception>
    public static Tensor Polygamma(long n, Tensor x)
    {
        if (n < 0)
        {
            throw new ArgumentException($"polygamma: expected an order n >= 0; got {n}", nameof(n));
        }
        return n == 1 ? Trigamma(x) : InFloat32(x, t => t.polygamma(n));
    }

    /// <summary>
    /// The trigamma function ψ⁽¹⁾(x), computed in float64 to full precision (libtorch's is good to about 1e-9 only):
    /// reflection ψ⁽¹⁾(x) = π²/sin²(πx) - ψ⁽¹⁾(1 - x) below 1/2, then ten steps of ψ⁽¹⁾(x) = ψ⁽¹⁾(x + 1) + 1/x², then
    /// the asymptotic series at z = x + 10: 1/z + 1/(2z²) + Σ B₂ₖ/z²ᵏ⁺¹, through B₁₂.
    /// </summary>
    public static Tensor Trigamma(Tensor x) => InFloat64(x, t =>
    {
        using var reflect = t.lt(0.5);
        using var oneMinus = t.neg().add_(1);
        using var arg = where(reflect, oneMinus, t);
        using var sum = zeros_like(arg);
        for (int k = 0; k < 10; k++)
        {
            using var shifted = arg.add(k);
            using var square = shifted.square();
            sum.add_(square.reciprocal_());
        }
        using var z = arg.add(10);
        using var w = z.square().reciprocal_();
        // 1/z + 1/(2z²) + (1/6 - w/30 + w²/42 - w³/30 + 5w⁴/66 - 691w⁵/2730)/z³, with w = 1/z².
        using var poly = w.mul(-691.0 / 2730).add_(5.0 / 66).mul_(w).sub_(1.0 / 30).mul_(w).add_(1.0 / 42).mul_(w)
            .sub_(1.0 / 30).mul_(w).add_(1.0 / 6);
        using var inv = z.reciprocal();
        using var half = w.mul(0.5);
        using var series = poly.mul(w).mul_(inv).add_(half).add_(inv);
        sum.add_(series);
        using var angle = t.mul(Math.PI);
        using var sine = angle.sin();
        using var reflected = sine.square().reciprocal_().mul_(Math.PI * Math.PI).sub_(sum);
        return where(reflect, reflected, sum);
    });

    /// <summary>log(1 - exp(x)) for x ≤ 0, accurate at both ends (log1p(-exp(x)) below -ln 2, log(-expm1(x)) above).</summary>
    public static Tensor Log1mexp(Tensor x) => InFloat32(x, t =>
    {
        using var exp = t.exp();
        using var negExp = exp.neg();
        using var far = negExp.log1p();
        using var expm1 = t.expm1();
        using var negExpm1 = expm1.neg();
        using var near = negExpm1.log();
        using var isFar = t.lt(-Ln2);
        return where(isFar, far, near);
    });

    /// <summary>The largest integer not above x (in x's float dtype).</summary>
    public static Tensor Floor(Tensor x) => Discrete(x) ? x.clone() : InFloat32(x, t => t.floor());

    /// <summary>The smallest integer not below x.</summary>
    public static Tensor Ceil(Tensor x) => Discrete(x) ? x.clone() : InFloat32(x, t => t.ceil());

    /// <summary>x rounded toward zero.</summary>
    public static Tensor Trunc(Tensor x) => Discrete(x) ? x.clone() : InFloat32(x, t => t.trunc());

    /// <summary>x rounded to the nearest integer, halves to the even one (numpy's <c>round</c>).</summary>
    public static Tensor RoundHalfToEven(Tensor x) => Discrete(x) ? x.clone() : InFloat32(x, t => t.round());

    /// <summary>
    /// x rounded to the nearest integer, halves away from zero (C's <c>round</c>): trunc(x), plus sign(x) where the
    /// dropped fraction (computed exactly as x - trunc(x)) is at least one half.
    /// </summary>
    public static Tensor RoundHalfAwayFromZero(Tensor x) => Discrete(x) ? x.clone() : InFloat32(x, t =>
    {
        using var whole = t.trunc();
        using var fraction = t.sub(whole);
        using var size = fraction.abs();
        using var up = size.ge(0.5);
        using var sign = t.sign();
        using var away = whole.add(sign);
        return where(up, away, whole);
    });

    /// <summary>True where x is NaN (never for integers and booleans).</summary>
    public static Tensor IsNan(Tensor x) => x.isnan();

    /// <summary>True where x is +∞ or -∞ (never for integers and booleans).</summary>
    public static Tensor IsInf(Tensor x) => x.isinf();

    /// <summary>The larger of a and b element by element; NaN where either is NaN (numpy's <c>maximum</c>).</summary>
    public static Tensor Maximum(Tensor a, Tensor b)
    {
        CheckBroadcast("maximum", a, b);
        return a.maximum(b);
    }

    /// <summary>The smaller of a and b element by element; NaN where either is NaN (numpy's <c>minimum</c>).</summary>
    public static Tensor Minimum(Tensor a, Tensor b)
    {
        CheckBroadcast("minimum", a, b);
        return a.minimum(b);
    }

    /// <summary>The angle of the point (b, a): arctan(a / b) in the right quadrant, in [-π, π].</summary>
    public static Tensor Arctan2(Tensor a, Tensor b)
    {
        CheckBroadcast("arctan2", a, b);
        if (a.dtype is ScalarType.Float16 or ScalarType.BFloat16)
        {
            using var a32 = a.to_type(ScalarType.Float32);
            using var b32 = b.to_type(ScalarType.Float32);
            using var r = a32.atan2(b32);
            return r.to_type(a.dtype);
        }
        return a.atan2(b);
    }

    /// <summary>
    /// Aesara's <c>clip</c>: <c>x &lt; lo ? lo : x &gt; hi ? hi : x</c>, element by element. Unlike libtorch's clamp,
    /// lo wins when lo &gt; hi and x &lt; lo, as in Aesara; NaN in x stays NaN.
    /// </summary>
    public static Tensor Clip(Tensor x, Tensor lo, Tensor hi)
    {
        CheckBroadcast("clip", x, lo, hi);
        using var below = x.lt(lo);
        using var above = x.gt(hi);
        using var upper = where(above, hi, x);
        return where(below, lo, upper);
    }

    /// <summary>
    /// Aesara's <c>switch</c> (numpy's <c>where</c>): <paramref name="ift"/> where <paramref name="condition"/> is
    /// non-zero (NaN counts as true, as in C), else <paramref name="iff"/>.
    /// </summary>
    public static Tensor Switch(Tensor condition, Tensor ift, Tensor iff)
    {
        CheckBroadcast("switch", condition, ift, iff);
        if (condition.dtype == ScalarType.Bool)
        {
            return where(condition, ift, iff);
        }
        using var truth = condition.ne(0);
        return where(truth, ift, iff);
    }

    /// <summary>
    /// Throws unless the shapes of <paramref name="operands"/> broadcast together under numpy's rule (trailing axes
    /// aligned, each length equal or 1).
    /// </summary>
    /// <exception cref="ArgumentException">Two lengths on one axis differ and neither is 1.</exception>
    public static void CheckBroadcast(string op, params Tensor[] operands) => BroadcastShape(op, operands);

    /// <summary>numpy's broadcast shape of <paramref name="operands"/>.</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public static long[] BroadcastShape(string op, params Tensor[] operands)
    {
        int ndim = operands.Max(t => (int)t.dim());
        var shape = new long[ndim];
        for (int axis = 1; axis <= ndim; axis++)
        {
            long length = 1;
            foreach (var t in operands)
            {
                if (t.dim() < axis)
                {
                    continue;
                }
                long n = t.Lengths()[^axis];
                if (n == length || n == 1)
                {
                    continue;
                }
                if (length != 1)
                {
                    throw new ArgumentException(
                        $"{op}: operand shapes {string.Join(" and ", operands.Select(o => Show(o.Lengths())))} do not " +
                        $"broadcast: axis {ndim - axis} has lengths {length} and {n}");
                }
                length = n;
            }
            shape[^axis] = length;
        }
        return shape;
    }

    private static bool Discrete(Tensor x) => !x.is_floating_point() && !x.is_complex();

    private static Tensor InFloat64(Tensor x, Func<Tensor, Tensor> kernel)
    {
        if (x.dtype == ScalarType.Float64)
        {
            return kernel(x);
        }
        using var wide = x.to_type(ScalarType.Float64);
        using var result = kernel(wide);
        return result.to_type(x.dtype);
    }

    private static Tensor InFloat32(Tensor x, Func<Tensor, Tensor> kernel)
    {
        if (x.dtype is not (ScalarType.Float16 or ScalarType.BFloat16))
        {
            return kernel(x);
        }
        using var wide = x.to_type(ScalarType.Float32);
        using var result = kernel(wide);
        return result.to_type(x.dtype);
    }
}
