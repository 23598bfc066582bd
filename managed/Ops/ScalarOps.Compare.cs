using Gradient.Graph;
using Gradient.Kernels;
using static Gradient.Ops.ScalarOp;

namespace Gradient.Ops;

/// <summary>
/// Comparisons, integer division, modulo, absolute value, sign and bitwise operations. Comparisons give booleans and
/// compute in the promoted input dtype; none of the discrete-valued rules passes a gradient (their pullbacks return
/// null: the output is piecewise constant, so no path to a float input exists through them).
/// </summary>
public static partial class ScalarOps
{
    /// <summary>a &lt; b (bool)</summary>
    public static readonly ScalarOp Lt = Comparison("lt", ordered: true, t => Kernels.Kernels.Less(t[0], t[1]));

    /// <summary>a &gt; b (bool)</summary>
    public static readonly ScalarOp Gt = Comparison("gt", ordered: true, t => Kernels.Kernels.Greater(t[0], t[1]));

    /// <summary>a &lt;= b (bool)</summary>
    public static readonly ScalarOp Le = Comparison("le", ordered: true, t => Kernels.Kernels.LessEqual(t[0], t[1]));

    /// <summary>a &gt;= b (bool)</summary>
    public static readonly ScalarOp Ge = Comparison("ge", ordered: true, t => Kernels.Kernels.GreaterEqual(t[0], t[1]));

    /// <summary>a == b (bool)</summary>
    public static readonly ScalarOp Eq = Comparison("eq", t => Kernels.Kernels.Equal(t[0], t[1]));

    /// <summary>a != b (bool)</summary>
    public static readonly ScalarOp Neq = Comparison("neq", t => Kernels.Kernels.NotEqual(t[0], t[1]));

    /// <summary>a // b, floored (Aesara's <c>int_div</c>, <c>upcast_out</c>): piecewise constant, no gradient.</summary>
    public static readonly ScalarOp IntDiv = new("int_div", 2, NoComplex("int_div"),
        t => Kernels.Kernels.FloorDiv(t[0], t[1]),
        (x, y, gy) => [null, null],
        (x, y, dx) => null);

    /// <summary>a % b with the divisor's sign — d(a mod b) = da - (a // b) db</summary>
    public static readonly ScalarOp Mod = new("mod", 2, NoComplex("mod"), t => Kernels.Kernels.Mod(t[0], t[1]),
        (x, y, gy) => [gy, -(T.IntDiv(x[0], x[1]) * gy)],
        (x, y, dx) => Sum(dx[0], Term(dx[1], d => -(T.IntDiv(x[0], x[1]) * d))));

    /// <summary>|x| — d|x| = sgn(x) dx (0 at 0)</summary>
    public static readonly ScalarOp Abs = new("abs", 1, NoComplex("abs"), t => Kernels.Kernels.Abs(t[0]),
        (x, y, gy) => [gy * T.Sgn(x[0])],
        (x, y, dx) => dx[0]! * T.Sgn(x[0]));

    /// <summary>sgn(x) ∈ {-1, 0, 1}: piecewise constant, no gradient.</summary>
    public static readonly ScalarOp Sgn = new("sgn", 1, NoComplex("sgn"), t => Kernels.Kernels.Sign(t[0]),
        (x, y, gy) => [null],
        (x, y, dx) => null);

    /// <summary>a &amp; b on integers or booleans.</summary>
    public static readonly ScalarOp And = Bitwise("and_", 2, t => Kernels.Kernels.BitAnd(t[0], t[1]));

    /// <summary>a | b on integers or booleans.</summary>
    public static readonly ScalarOp Or = Bitwise("or_", 2, t => Kernels.Kernels.BitOr(t[0], t[1]));

    /// <summary>a ^ b on integers or booleans.</summary>
    public static readonly ScalarOp Xor = Bitwise("xor", 2, t => Kernels.Kernels.BitXor(t[0], t[1]));

    /// <summary>~x on integers or booleans (logical not for booleans).</summary>
    public static readonly ScalarOp Invert = Bitwise("invert", 1, t => Kernels.Kernels.BitNot(t[0]));

    private static ScalarOp Comparison(string name, Func<TorchSharp.torch.Tensor[], TorchSharp.torch.Tensor> compute) =>
        Comparison(name, ordered: false, compute);

    /// <summary>A comparison; an <paramref name="ordered"/> one (&lt;, &gt;, ...) has no meaning for complex numbers.</summary>
    private static ScalarOp Comparison(string name, bool ordered,
        Func<TorchSharp.torch.Tensor[], TorchSharp.torch.Tensor> compute) =>
        new(name, 2, d => ordered && d.IsComplex()
                ? throw new NotSupportedException($"{name}: complex inputs are not ordered; got {d.Name()}")
                : DType.Bool,
            compute, (x, y, gy) => [null, null], (x, y, dx) => null)
        {
            ComputeDType = Same,
        };

    private static ScalarOp Bitwise(string name, int arity, Func<TorchSharp.torch.Tensor[], TorchSharp.torch.Tensor> compute) =>
        new(name, arity,
            d => d.IsDiscrete()
                ? d
                : throw new ArgumentException(
                    $"{name}: expected integer or boolean inputs (Aesara's bit ops); got {d.Name()}"),
            compute, (x, y, gy) => new Variable?[arity], (x, y, dx) => null);

    private static Func<DType, DType> NoComplex(string name) => d => d.IsComplex()
        ? throw new NotSupportedException($"{name}: complex inputs are not supported; got {d.Name()}")
        : d;
}
