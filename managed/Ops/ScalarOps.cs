using Gradient.Graph;
using Gradient.Kernels;
using static Gradient.Ops.ScalarOp;
using K = Gradient.Kernels.Kernels;

namespace Gradient.Ops;

/// <summary>
/// The element-wise rule table: one entry per function, its value and both derivatives side by side. In the rules,
/// <c>x</c> are the inputs, <c>y</c> the output, <c>gy</c> the output gradient and <c>dx</c> the input tangents
/// (null meaning zero).
/// </summary>
public static partial class ScalarOps
{
    /// <summary>a + b</summary>
    public static readonly ScalarOp Add = new("add", 2, Same, t => Kernels.Kernels.Add(t[0], t[1]),
        (x, y, gy) => [gy, gy],
        (x, y, dx) => Sum(dx[0], dx[1]))
    {
        InPlace = (t, i) => K.AddInPlace(t[i], t[1 - i]), InPlaceInputs = [0, 1],
    };

    /// <summary>a - b</summary>
    public static readonly ScalarOp Sub = new("sub", 2, NoBool("sub"), t => Kernels.Kernels.Sub(t[0], t[1]),
        (x, y, gy) => [gy, -gy],
        (x, y, dx) => Sum(dx[0], Term(dx[1], d => -d)))
    {
        InPlace = (t, _) => K.SubInPlace(t[0], t[1]), InPlaceInputs = [0],
    };

    /// <summary>a * b</summary>
    public static readonly ScalarOp Mul = new("mul", 2, Same, t => Kernels.Kernels.Mul(t[0], t[1]),
        (x, y, gy) => [gy * x[1], gy * x[0]],
        (x, y, dx) => Sum(Term(dx[0], d => d * x[1]), Term(dx[1], d => x[0] * d)))
    {
        InPlace = (t, i) => K.MulInPlace(t[i], t[1 - i]), InPlaceInputs = [0, 1],
    };

    /// <summary>a / b — d(a/b) = da/b - (a/b) db/b</summary>
    public static readonly ScalarOp TrueDiv = new("true_div", 2, FloatXIfDiscrete, t => Kernels.Kernels.Div(t[0], t[1]),
        (x, y, gy) => [gy / x[1], -(gy * y) / x[1]],
        (x, y, dx) => Sum(Term(dx[0], d => d / x[1]), Term(dx[1], d => -(d * y) / x[1])))
    {
        InPlace = (t, _) => K.DivInPlace(t[0], t[1]), InPlaceInputs = [0],
    };

    /// <summary>a ** b — d(a^b) = b a^(b-1) da + log(a) a^b db</summary>
    public static readonly ScalarOp Pow = new("pow", 2, Min8, t => Kernels.Kernels.Pow(t[0], t[1]),
        (x, y, gy) => [gy * (x[1] * T.Pow(x[0], x[1] - 1.0)), gy * (T.Log(x[0]) * y)],
        (x, y, dx) => Sum(Term(dx[0], d => d * (x[1] * T.Pow(x[0], x[1] - 1.0))),
                          Term(dx[1], d => d * (T.Log(x[0]) * y))))
    {
        InPlace = (t, _) => K.PowInPlace(t[0], t[1]), InPlaceInputs = [0],
    };

    /// <summary>-x</summary>
    public static readonly ScalarOp Neg = new("neg", 1, NoBool("neg"), t => Kernels.Kernels.Neg(t[0]),
        (x, y, gy) => [-gy],
        (x, y, dx) => -dx[0]!)
    {
        InPlace = (t, _) => K.NegInPlace(t[0]), InPlaceInputs = [0],
    };

    /// <summary>exp(x) — reuses the output: d exp(x) = exp(x) dx</summary>
    public static readonly ScalarOp Exp = new("exp", 1, Float, t => Kernels.Kernels.Exp(t[0]),
        (x, y, gy) => [gy * y],
        (x, y, dx) => dx[0]! * y)
    {
        InPlace = (t, _) => K.ExpInPlace(t[0]), InPlaceInputs = [0],
    };

    /// <summary>log(x) — d log(x) = dx / x</summary>
    public static readonly ScalarOp Log = new("log", 1, Float, t => Kernels.Kernels.Log(t[0]),
        (x, y, gy) => [gy / x[0]],
        (x, y, dx) => dx[0]! / x[0])
    {
        InPlace = (t, _) => K.LogInPlace(t[0]), InPlaceInputs = [0],
    };

    /// <summary>tanh(x) — d tanh(x) = (1 - tanh(x)^2) dx</summary>
    public static readonly ScalarOp Tanh = new("tanh", 1, Float, t => Kernels.Kernels.Tanh(t[0]),
        (x, y, gy) => [gy * (1.0 - y * y)],
        (x, y, dx) => dx[0]! * (1.0 - y * y))
    {
        InPlace = (t, _) => K.TanhInPlace(t[0]), InPlaceInputs = [0],
    };

    /// <summary>x * x — d x^2 = 2 x dx</summary>
    public static readonly ScalarOp Sqr = new("sqr", 1, Same, t => Kernels.Kernels.Square(t[0]),
        (x, y, gy) => [gy * (x[0] * 2.0)],
        (x, y, dx) => dx[0]! * (x[0] * 2.0))
    {
        InPlace = (t, _) => K.SquareInPlace(t[0]), InPlaceInputs = [0],
    };

    /// <summary>second(a, b): b broadcast to the shape of a (Aesara's <c>fill</c>); a contributes only its shape.</summary>
    public static readonly ScalarOp Second = new("second", 2, Same, t => Kernels.Kernels.Fill(t[0], t[1]),
        (x, y, gy) => [null, gy],
        (x, y, dx) => dx[1],
        TypeFrom: 1);

    /// <summary>Conversion to <paramref name="dtype"/>; its derivative converts back.</summary>
    public static ScalarOp Cast(DType dtype) => s_casts.GetOrAdd(dtype, static d => MakeCast(d));

    // One rule per dtype (gradients cast by the thousand; the rule is immutable).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<DType, ScalarOp> s_casts = new();

    private static ScalarOp MakeCast(DType dtype) => new($"cast{{{dtype.Name()}}}", 1, _ => dtype,
        t => Kernels.Kernels.Cast(t[0], dtype),
        // To an integer input the float gradient flows as it is (Aesara's Cast.grad).
        (x, y, gy) => [x[0].DType.IsDiscrete() ? gy : T.Cast(gy, x[0].DType)],
        (x, y, dx) => dtype.IsDiscrete() ? null : T.Cast(dx[0]!, dtype));

    private static Variable? Term(Variable? d, Func<Variable, Variable> rule) => d is null ? null : rule(d);

    private static Variable? Sum(Variable? a, Variable? b) => a is null ? b : b is null ? a : a + b;
}
