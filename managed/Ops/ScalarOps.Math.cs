using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;
using static Gradient.Ops.ScalarOp;
using K = Gradient.Kernels.Kernels;

namespace Gradient.Ops;

/// <summary>
/// Mathematical element-wise functions: other bases of exp and log, roots, trigonometric and hyperbolic functions and
/// their inverses, the error and gamma families, rounding, NaN/inf tests, and the two-input maximum, minimum and
/// arctan2. A smooth one-input function declares its derivative f'(x) once (often from the output y = f(x)); the
/// pullback is gy·f'(x) and the pushforward dx·f'(x). Every derivative is itself built from differentiable ops, so
/// higher derivatives follow (ψ → ψ⁽¹⁾ → ψ⁽²⁾ …).
/// </summary>
public static partial class ScalarOps
{
    private const double Ln2 = 0.69314718055994530942, Ln10 = 2.30258509299404568402;
    private static readonly double s_twoOverSqrtPi = 2 / Math.Sqrt(Math.PI), s_sqrtPiOverTwo = Math.Sqrt(Math.PI) / 2;

    /// <summary>2^x — d 2^x = ln 2 · 2^x dx</summary>
    public static readonly ScalarOp Exp2 = Smooth("exp2", t => K.Exp2(t[0]), (x, y) => y * Const(Ln2, y));

    /// <summary>exp(x) - 1, accurate for small x — d expm1(x) = exp(x) dx = (y + 1) dx</summary>
    public static readonly ScalarOp Expm1 = Smooth("expm1", t => K.Expm1(t[0]), (x, y) => y + 1.0);

    /// <summary>log2(x) — d log2(x) = dx / (x ln 2)</summary>
    public static readonly ScalarOp Log2 = Smooth("log2", t => K.Log2(t[0]), (x, y) => Const(1 / Ln2, y) / x);

    /// <summary>log10(x) — d log10(x) = dx / (x ln 10)</summary>
    public static readonly ScalarOp Log10 = Smooth("log10", t => K.Log10(t[0]), (x, y) => Const(1 / Ln10, y) / x);

    /// <summary>√x — d √x = dx / (2 √x), from the output</summary>
    public static readonly ScalarOp Sqrt = Smooth("sqrt", t => K.Sqrt(t[0]), (x, y) => 0.5 / y);

    /// <summary>1 / x — d(1/x) = -dx / x² = -y² dx</summary>
    public static readonly ScalarOp Reciprocal = Smooth("reciprocal", t => K.Reciprocal(t[0]), (x, y) => -(y * y));

    /// <summary>sin(x) — d sin(x) = cos(x) dx</summary>
    public static readonly ScalarOp Sin = Smooth("sin", t => K.Sin(t[0]), (x, y) => T.Cos(x));

    /// <summary>cos(x) — d cos(x) = -sin(x) dx</summary>
    public static readonly ScalarOp Cos = Smooth("cos", t => K.Cos(t[0]), (x, y) => -T.Sin(x));

    /// <summary>tan(x) — d tan(x) = (1 + tan²(x)) dx = dx / cos²(x)</summary>
    public static readonly ScalarOp Tan = Smooth("tan", t => K.Tan(t[0]), (x, y) => 1.0 + y * y);

    /// <summary>arcsin(x) — d arcsin(x) = dx / √(1 - x²)</summary>
    public static readonly ScalarOp Arcsin = Smooth("arcsin", t => K.Arcsin(t[0]), (x, y) => 1.0 / T.Sqrt(1.0 - x * x));

    /// <summary>arccos(x) — d arccos(x) = -dx / √(1 - x²)</summary>
    public static readonly ScalarOp Arccos = Smooth("arccos", t => K.Arccos(t[0]), (x, y) => -1.0 / T.Sqrt(1.0 - x * x));

    /// <summary>arctan(x) — d arctan(x) = dx / (1 + x²)</summary>
    public static readonly ScalarOp Arctan = Smooth("arctan", t => K.Arctan(t[0]), (x, y) => 1.0 / (1.0 + x * x));

    /// <summary>sinh(x) — d sinh(x) = cosh(x) dx</summary>
    public static readonly ScalarOp Sinh = Smooth("sinh", t => K.Sinh(t[0]), (x, y) => T.Cosh(x));

    /// <summary>cosh(x) — d cosh(x) = sinh(x) dx</summary>
    public static readonly ScalarOp Cosh = Smooth("cosh", t => K.Cosh(t[0]), (x, y) => T.Sinh(x));

    /// <summary>arcsinh(x) — d arcsinh(x) = dx / √(x² + 1)</summary>
    public static readonly ScalarOp Arcsinh = Smooth("arcsinh", t => K.Arcsinh(t[0]), (x, y) => 1.0 / T.Sqrt(x * x + 1.0));

    /// <summary>arccosh(x), x ≥ 1 — d arccosh(x) = dx / √(x² - 1)</summary>
    public static readonly ScalarOp Arccosh = Smooth("arccosh", t => K.Arccosh(t[0]), (x, y) => 1.0 / T.Sqrt(x * x - 1.0));

    /// <summary>arctanh(x), |x| &lt; 1 — d arctanh(x) = dx / (1 - x²)</summary>
    public static readonly ScalarOp Arctanh = Smooth("arctanh", t => K.Arctanh(t[0]), (x, y) => 1.0 / (1.0 - x * x));

    /// <summary>x·π/180 — linear</summary>
    public static readonly ScalarOp Deg2Rad = Smooth("deg2rad", real: true, t => K.Deg2Rad(t[0]), (x, y) => Const(Math.PI / 180, y));

    /// <summary>x·180/π — linear</summary>
    public static readonly ScalarOp Rad2Deg = Smooth("rad2deg", real: true, t => K.Rad2Deg(t[0]), (x, y) => Const(180 / Math.PI, y));

    /// <summary>erf(x) — d erf(x) = (2/√π) exp(-x²) dx</summary>
    public static readonly ScalarOp Erf = Smooth("erf", real: true, t => K.Erf(t[0]),
        (x, y) => Const(s_twoOverSqrtPi, y) * T.Exp(-(x * x)));

    /// <summary>erfc(x) = 1 - erf(x) — d erfc(x) = -(2/√π) exp(-x²) dx</summary>
    public static readonly ScalarOp Erfc = Smooth("erfc", real: true, t => K.Erfc(t[0]),
        (x, y) => Const(-s_twoOverSqrtPi, y) * T.Exp(-(x * x)));

    /// <summary>erfcx(x) = exp(x²) erfc(x) — d erfcx(x) = (2x·erfcx(x) - 2/√π) dx</summary>
    public static readonly ScalarOp Erfcx = Smooth("erfcx", t => K.Erfcx(t[0]),
        (x, y) => 2.0 * x * y - Const(s_twoOverSqrtPi, y));

    /// <summary>erfinv(x), the inverse of erf on (-1, 1) — d erfinv(x) = (√π/2) exp(erfinv(x)²) dx</summary>
    public static readonly ScalarOp Erfinv = Smooth("erfinv", real: true, t => K.Erfinv(t[0]),
        (x, y) => Const(s_sqrtPiOverTwo, y) * T.Exp(y * y));

    /// <summary>erfcinv(x) = erfinv(1 - x) on (0, 2) — d erfcinv(x) = -(√π/2) exp(erfcinv(x)²) dx</summary>
    public static readonly ScalarOp Erfcinv = Smooth("erfcinv", real: true, t => K.Erfcinv(t[0]),
        (x, y) => Const(-s_sqrtPiOverTwo, y) * T.Exp(y * y));

    /// <summary>Γ(x) — dΓ(x) = Γ(x) ψ(x) dx</summary>
    public static readonly ScalarOp Gamma = Smooth("gamma", real: true, t => K.Gamma(t[0]), (x, y) => y * T.Psi(x));

    /// <summary>log|Γ(x)| — d gammaln(x) = ψ(x) dx</summary>
    public static readonly ScalarOp Gammaln = Smooth("gammaln", real: true, t => K.Gammaln(t[0]), (x, y) => T.Psi(x));

    /// <summary>The digamma function ψ(x) (Aesara's <c>psi</c>) — dψ(x) = ψ⁽¹⁾(x) dx (the trigamma function)</summary>
    public static readonly ScalarOp Psi = Smooth("psi", real: true, t => K.Psi(t[0]), (x, y) => T.TriGamma(x));

    /// <summary>The trigamma function ψ⁽¹⁾(x) (Aesara's <c>tri_gamma</c>) — dψ⁽¹⁾(x) = ψ⁽²⁾(x) dx</summary>
    public static readonly ScalarOp TriGamma = Smooth("tri_gamma", real: true, t => K.Polygamma(1, t[0]), (x, y) => T.Polygamma(2, x));

    /// <summary>log(1 - exp(x)) for x &lt; 0, computed stably — d log1mexp(x) = -dx / expm1(-x)</summary>
    public static readonly ScalarOp Log1mexp = Smooth("log1mexp", real: true, t => K.Log1mexp(t[0]), (x, y) => -1.0 / T.Expm1(-x));

    /// <summary>The largest integer not above x, as a float (zero derivative almost everywhere).</summary>
    public static readonly ScalarOp Floor = Flat("floor", Float, t => K.Floor(t[0]));

    /// <summary>The smallest integer not below x, as a float.</summary>
    public static readonly ScalarOp Ceil = Flat("ceil", Float, t => K.Ceil(t[0]));

    /// <summary>x rounded toward zero, as a float.</summary>
    public static readonly ScalarOp Trunc = Flat("trunc", Float, t => K.Trunc(t[0]));

    /// <summary>x rounded to the nearest integer, halves to even (numpy's <c>round</c>); float inputs only.</summary>
    public static readonly ScalarOp RoundHalfToEven = Flat("round_half_to_even", FloatOnly("round_half_to_even"),
        t => K.RoundHalfToEven(t[0]));

    /// <summary>x rounded to the nearest integer, halves away from zero (C's <c>round</c>); float inputs only.</summary>
    public static readonly ScalarOp RoundHalfAwayFromZero = Flat("round_half_away_from_zero",
        FloatOnly("round_half_away_from_zero"), t => K.RoundHalfAwayFromZero(t[0]));

    /// <summary>True where x is NaN (bool; no gradient).</summary>
    public static readonly ScalarOp IsNan = Predicate("isnan", t => K.IsNan(t[0]));

    /// <summary>True where x is infinite (bool; no gradient).</summary>
    public static readonly ScalarOp IsInf = Predicate("isinf", t => K.IsInf(t[0]));

    /// <summary>
    /// The larger of a and b (NaN if either is). The gradient goes to a where the output equals a — ties included —
    /// and to b elsewhere, exactly as Aesara's <c>ScalarMaximum</c>: at a tie a gets all of it and b none.
    /// </summary>
    public static readonly ScalarOp Maximum = Selecting("maximum", t => K.Maximum(t[0], t[1]));

    /// <summary>The smaller of a and b; the gradient is routed as for <see cref="Maximum"/> (ties to a).</summary>
    public static readonly ScalarOp Minimum = Selecting("minimum", t => K.Minimum(t[0], t[1]));

    /// <summary>
    /// arctan2(a, b), the angle of the point (b, a) — d arctan2(a, b) = (b da - a db) / (a² + b²)
    /// </summary>
    public static readonly ScalarOp Arctan2 = new("arctan2", 2, RealFloat("arctan2"), t => K.Arctan2(t[0], t[1]),
        (x, y, gy) =>
        {
            var r2 = x[0] * x[0] + x[1] * x[1];
            return [gy * x[1] / r2, -(gy * x[0]) / r2];
        },
        (x, y, dx) =>
        {
            var r2 = x[0] * x[0] + x[1] * x[1];
            return Sum(Term(dx[0], d => d * x[1] / r2), Term(dx[1], d => -(d * x[0]) / r2));
        });

    /// <summary>
    /// The polygamma function ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function, named <c>polygamma{n}</c>. Aesara
    /// stops at <c>tri_gamma</c> (whose gradient it does not implement); here ψ⁽ⁿ⁾ differentiates to ψ⁽ⁿ⁺¹⁾, so
    /// derivatives of ψ of any order exist.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="n"/> is negative.</exception>
    public static ScalarOp Polygamma(int n) => n < 0
        ? throw new ArgumentException($"polygamma: expected an order n >= 0; got {n}", nameof(n))
        : Smooth($"polygamma{{{n}}}", real: true, t => K.Polygamma(n, t[0]), (x, y) => T.Polygamma(n + 1, x));

    /// <summary>A one-input function with derivative <paramref name="derivative"/>(x, y), output of Aesara's
    /// <c>upgrade_to_float</c> dtype.</summary>
    private static ScalarOp Smooth(string name, Func<torch.Tensor[], torch.Tensor> compute,
        Func<Variable, Variable, Variable> derivative) => Smooth(name, real: false, compute, derivative);

    /// <summary>As <see cref="Smooth(string, Func{torch.Tensor[], torch.Tensor}, Func{Variable, Variable, Variable})"/>;
    /// with <paramref name="real"/> the function is defined for real inputs only (libtorch has no complex kernel).</summary>
    private static ScalarOp Smooth(string name, bool real, Func<torch.Tensor[], torch.Tensor> compute,
        Func<Variable, Variable, Variable> derivative) =>
        new(name, 1, real ? RealFloat(name) : Float, compute,
            (x, y, gy) => [gy * derivative(x[0], y)],
            (x, y, dx) => dx[0]! * derivative(x[0], y));

    /// <summary>
    /// A piecewise-constant one-input function (rounding). As in Aesara its gradient is zero, not disconnected:
    /// <c>grad(floor(x).sum(), x)</c> is zeros.
    /// </summary>
    private static ScalarOp Flat(string name, Func<DType, DType> dtype, Func<torch.Tensor[], torch.Tensor> compute) =>
        new(name, 1, d => d.IsComplex()
                ? throw new NotSupportedException($"{name}: complex inputs are not supported; got {d.Name()}")
                : dtype(d),
            compute,
            (x, y, gy) => [T.ZerosLike(gy)],
            (x, y, dx) => T.ZerosLike(y));

    /// <summary>A bool-valued test of one input, computed in the input's dtype (no gradient).</summary>
    private static ScalarOp Predicate(string name, Func<torch.Tensor[], torch.Tensor> compute) =>
        new(name, 1, _ => DType.Bool, compute, (x, y, gy) => [null], (x, y, dx) => null) { ComputeDType = Same };

    /// <summary>
    /// A two-input function whose output is one of its inputs (maximum, minimum): the output gradient goes to a
    /// where y == a, else to b; the tangent is da where y == a, else db.
    /// </summary>
    private static ScalarOp Selecting(string name, Func<torch.Tensor[], torch.Tensor> compute) =>
        new(name, 2, NoComplex(name), compute,
            (x, y, gy) =>
            {
                var first = T.Eq(y, x[0]);
                return [T.Switch(first, gy, Zero(gy)), T.Switch(first, Zero(gy), gy)];
            },
            (x, y, dx) => T.Switch(T.Eq(y, x[0]), dx[0] ?? Zero(y), dx[1] ?? Zero(y)));

    /// <summary>Aesara's <c>upgrade_to_float</c> for functions defined on real numbers only: complex inputs are refused.</summary>
    private static Func<DType, DType> RealFloat(string name) => d => d.IsComplex()
        ? throw new NotSupportedException($"{name}: complex inputs are not supported; got {d.Name()}")
        : Float(d);

    /// <summary>Aesara's <c>same_out_float_only</c>: the input dtype, which must be a float.</summary>
    private static Func<DType, DType> FloatOnly(string name) => d => d.IsFloat()
        ? d
        : throw new ArgumentException($"{name}: expected a float input (Aesara's same_out_float_only); got {d.Name()}");

    /// <summary>A 0-d constant <paramref name="value"/> of <paramref name="like"/>'s float dtype, so that rules keep
    /// float32 (and float16) graphs in their own precision.</summary>
    private static Variable Const(double value, Variable like)
    {
        var dtype = like.DType.IsFloat() ? like.DType : like.DType.UpgradeToFloat();
        using var t = K.Scalar(value, dtype);
        return T.Constant(t);
    }

    /// <summary>A 0-d zero of <paramref name="like"/>'s dtype.</summary>
    private static Variable Zero(Variable like)
    {
        using var t = K.Scalar(0, like.DType);
        return T.Constant(t);
    }
}
