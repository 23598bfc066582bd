using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;

namespace Gradient;

/// <summary>
/// Mathematical element-wise functions (Aesara's <c>aesara.tensor.math</c>): each broadcasts like numpy, gives
/// Aesara's output dtype (integers become floats for the transcendental functions), and has both derivative rules.
/// </summary>
public static partial class T
{
    private static readonly Elemwise s_exp2 = new(ScalarOps.Exp2), s_expm1 = new(ScalarOps.Expm1),
        s_log2 = new(ScalarOps.Log2), s_log10 = new(ScalarOps.Log10), s_sqrt = new(ScalarOps.Sqrt),
        s_reciprocal = new(ScalarOps.Reciprocal), s_sin = new(ScalarOps.Sin), s_cos = new(ScalarOps.Cos),
        s_tan = new(ScalarOps.Tan), s_arcsin = new(ScalarOps.Arcsin), s_arccos = new(ScalarOps.Arccos),
        s_arctan = new(ScalarOps.Arctan), s_sinh = new(ScalarOps.Sinh), s_cosh = new(ScalarOps.Cosh),
        s_arcsinh = new(ScalarOps.Arcsinh), s_arccosh = new(ScalarOps.Arccosh), s_arctanh = new(ScalarOps.Arctanh),
        s_deg2rad = new(ScalarOps.Deg2Rad), s_rad2deg = new(ScalarOps.Rad2Deg), s_erf = new(ScalarOps.Erf),
        s_erfc = new(ScalarOps.Erfc), s_erfcx = new(ScalarOps.Erfcx), s_erfinv = new(ScalarOps.Erfinv),
        s_erfcinv = new(ScalarOps.Erfcinv), s_gamma = new(ScalarOps.Gamma), s_gammaln = new(ScalarOps.Gammaln),
        s_psi = new(ScalarOps.Psi), s_triGamma = new(ScalarOps.TriGamma), s_log1mexp = new(ScalarOps.Log1mexp),
        s_floor = new(ScalarOps.Floor), s_ceil = new(ScalarOps.Ceil), s_trunc = new(ScalarOps.Trunc),
        s_roundHalfToEven = new(ScalarOps.RoundHalfToEven), s_roundHalfAwayFromZero = new(ScalarOps.RoundHalfAwayFromZero),
        s_isnan = new(ScalarOps.IsNan), s_isinf = new(ScalarOps.IsInf), s_maximum = new(ScalarOps.Maximum),
        s_minimum = new(ScalarOps.Minimum), s_arctan2 = new(ScalarOps.Arctan2), s_clip = new(ScalarOps.Clip),
        s_switch = new(ScalarOps.Switch), s_addcmul = new(ScalarOps.AddCMul), s_subcmul = new(ScalarOps.SubCMul);

    /// <summary>Element-wise 2^x.</summary>
    public static Variable Exp2(Variable x) => s_exp2.Call(x);

    /// <summary>Element-wise exp(x) - 1, accurate for small x.</summary>
    public static Variable Expm1(Variable x) => s_expm1.Call(x);

    /// <summary>Element-wise base-2 logarithm.</summary>
    public static Variable Log2(Variable x) => s_log2.Call(x);

    /// <summary>Element-wise base-10 logarithm.</summary>
    public static Variable Log10(Variable x) => s_log10.Call(x);

    /// <summary>Element-wise square root.</summary>
    public static Variable Sqrt(Variable x) => s_sqrt.Call(x);

    /// <summary>Element-wise 1 / x, as a float (Aesara's <c>reciprocal</c>).</summary>
    public static Variable Reciprocal(Variable x) => s_reciprocal.Call(x);

    /// <summary>Element-wise sine.</summary>
    public static Variable Sin(Variable x) => s_sin.Call(x);

    /// <summary>Element-wise cosine.</summary>
    public static Variable Cos(Variable x) => s_cos.Call(x);

    /// <summary>Element-wise tangent.</summary>
    public static Variable Tan(Variable x) => s_tan.Call(x);

    /// <summary>Element-wise inverse sine.</summary>
    public static Variable Arcsin(Variable x) => s_arcsin.Call(x);

    /// <summary>Element-wise inverse cosine.</summary>
    public static Variable Arccos(Variable x) => s_arccos.Call(x);

    /// <summary>Element-wise inverse tangent.</summary>
    public static Variable Arctan(Variable x) => s_arctan.Call(x);

    /// <summary>Element-wise hyperbolic sine.</summary>
    public static Variable Sinh(Variable x) => s_sinh.Call(x);

    /// <summary>Element-wise hyperbolic cosine.</summary>
    public static Variable Cosh(Variable x) => s_cosh.Call(x);

    /// <summary>Element-wise inverse hyperbolic sine.</summary>
    public static Variable Arcsinh(Variable x) => s_arcsinh.Call(x);

    /// <summary>Element-wise inverse hyperbolic cosine.</summary>
    public static Variable Arccosh(Variable x) => s_arccosh.Call(x);

    /// <summary>Element-wise inverse hyperbolic tangent.</summary>
    public static Variable Arctanh(Variable x) => s_arctanh.Call(x);

    /// <summary>Degrees to radians.</summary>
    public static Variable Deg2Rad(Variable x) => s_deg2rad.Call(x);

    /// <summary>Radians to degrees.</summary>
    public static Variable Rad2Deg(Variable x) => s_rad2deg.Call(x);

    /// <summary>Element-wise error function.</summary>
    public static Variable Erf(Variable x) => s_erf.Call(x);

    /// <summary>Element-wise complementary error function 1 - erf(x).</summary>
    public static Variable Erfc(Variable x) => s_erfc.Call(x);

    /// <summary>Element-wise scaled complementary error function exp(x²) erfc(x).</summary>
    public static Variable Erfcx(Variable x) => s_erfcx.Call(x);

    /// <summary>Element-wise inverse error function.</summary>
    public static Variable Erfinv(Variable x) => s_erfinv.Call(x);

    /// <summary>Element-wise inverse complementary error function.</summary>
    public static Variable Erfcinv(Variable x) => s_erfcinv.Call(x);

    /// <summary>Element-wise gamma function Γ(x).</summary>
    public static Variable Gamma(Variable x) => s_gamma.Call(x);

    /// <summary>Element-wise log|Γ(x)|.</summary>
    public static Variable Gammaln(Variable x) => s_gammaln.Call(x);

    /// <summary>Element-wise digamma function ψ(x) = d log Γ(x) / dx (Aesara's <c>psi</c>).</summary>
    public static Variable Psi(Variable x) => s_psi.Call(x);

    /// <summary>Element-wise trigamma function ψ⁽¹⁾(x) (Aesara's <c>tri_gamma</c>).</summary>
    public static Variable TriGamma(Variable x) => s_triGamma.Call(x);

    /// <summary>Element-wise polygamma function ψ⁽ⁿ⁾(x) (n ≥ 0; n = 0 is ψ, n = 1 the trigamma function).</summary>
    public static Variable Polygamma(int n, Variable x) => n switch
    {
        0 => Psi(x),
        1 => TriGamma(x),
        _ => new Elemwise(ScalarOps.Polygamma(n)).Call(x),
    };

    /// <summary>Element-wise log(1 - exp(x)) for x &lt; 0, computed stably.</summary>
    public static Variable Log1mexp(Variable x) => s_log1mexp.Call(x);

    /// <summary>Element-wise floor, as a float.</summary>
    public static Variable Floor(Variable x) => s_floor.Call(x);

    /// <summary>Element-wise ceiling, as a float.</summary>
    public static Variable Ceil(Variable x) => s_ceil.Call(x);

    /// <summary>Element-wise rounding toward zero, as a float.</summary>
    public static Variable Trunc(Variable x) => s_trunc.Call(x);

    /// <summary>Element-wise rounding, halves to even (numpy's rule); float inputs only.</summary>
    public static Variable RoundHalfToEven(Variable x) => s_roundHalfToEven.Call(x);

    /// <summary>Element-wise rounding, halves away from zero (C's rule); float inputs only.</summary>
    public static Variable RoundHalfAwayFromZero(Variable x) => s_roundHalfAwayFromZero.Call(x);

    /// <summary>
    /// Aesara's <c>round(a, mode)</c>: <c>half_to_even</c> (the default, as numpy) or <c>half_away_from_zero</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown mode.</exception>
    public static Variable Round(Variable x, string mode = "half_to_even") => mode switch
    {
        "half_to_even" => RoundHalfToEven(x),
        "half_away_from_zero" => RoundHalfAwayFromZero(x),
        _ => throw new ArgumentException(
            $"round: mode must be 'half_to_even' or 'half_away_from_zero'; got '{mode}'", nameof(mode)),
    };

    /// <summary>Element-wise NaN test (bool).</summary>
    public static Variable IsNan(Variable x) => s_isnan.Call(x);

    /// <summary>Element-wise infinity test (bool).</summary>
    public static Variable IsInf(Variable x) => s_isinf.Call(x);

    /// <summary>Element-wise maximum (NaN if either is NaN); at ties the gradient goes to <paramref name="a"/>.</summary>
    public static Variable Maximum(Variable a, Variable b) => s_maximum.Call(a, b);

    /// <summary>Element-wise minimum (NaN if either is NaN); at ties the gradient goes to <paramref name="a"/>.</summary>
    public static Variable Minimum(Variable a, Variable b) => s_minimum.Call(a, b);

    /// <summary>Element-wise arctan(a / b) in the quadrant of the point (b, a).</summary>
    public static Variable Arctan2(Variable a, Variable b) => s_arctan2.Call(a, b);

    /// <summary>
    /// Aesara's <c>clip(x, min, max)</c>: <c>x &lt; min ? min : x &gt; max ? max : x</c>; on the bounds the gradient
    /// goes to x.
    /// </summary>
    public static Variable Clip(Variable x, Variable min, Variable max) => s_clip.Call(x, min, max);

    /// <summary>
    /// Aesara's <c>switch(cond, ift, iff)</c>: <paramref name="ift"/> where <paramref name="cond"/> is non-zero, else
    /// <paramref name="iff"/>; the output dtype is the promotion of ift and iff. A condition that is neither bool nor
    /// of that dtype is first compared with zero, so that it neither changes the dtype nor gets truncated.
    /// </summary>
    public static Variable Switch(Variable cond, Variable ift, Variable iff)
    {
        Guard.NotNull(cond);
        Guard.NotNull(ift);
        Guard.NotNull(iff);
        if (cond.DType != DType.Bool && cond.DType != DTypes.Promote(ift.DType, iff.DType))
        {
            cond = Neq(cond, Constant(0L));
        }
        return s_switch.Call(cond, ift, iff);
    }

    /// <summary>numpy's name for <see cref="Switch"/>.</summary>
    public static Variable Where(Variable cond, Variable ift, Variable iff) => Switch(cond, ift, iff);

    /// <summary>Aesara's <c>fill(model, value)</c>: <paramref name="value"/> broadcast to the shape of <paramref name="model"/>.</summary>
    public static Variable Fill(Variable model, Variable value) => Second(model, value);

    /// <summary><paramref name="a"/> + <paramref name="b"/>·<paramref name="c"/> in one kernel (the fused form of <c>a + b * c</c>).</summary>
    public static Variable AddCMul(Variable a, Variable b, Variable c) => s_addcmul.Call(a, b, c);

    /// <summary><paramref name="a"/> - <paramref name="b"/>·<paramref name="c"/> in one kernel (the fused form of <c>a - b * c</c>).</summary>
    public static Variable SubCMul(Variable a, Variable b, Variable c) => s_subcmul.Call(a, b, c);
}
