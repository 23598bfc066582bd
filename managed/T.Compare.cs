using Gradient.Graph;
using Gradient.Ops;

namespace Gradient;

public static partial class T
{
    private static readonly Elemwise s_lt = new(ScalarOps.Lt), s_gt = new(ScalarOps.Gt), s_le = new(ScalarOps.Le),
        s_ge = new(ScalarOps.Ge), s_eq = new(ScalarOps.Eq), s_neq = new(ScalarOps.Neq), s_intDiv = new(ScalarOps.IntDiv),
        s_mod = new(ScalarOps.Mod), s_abs = new(ScalarOps.Abs), s_sgn = new(ScalarOps.Sgn), s_and = new(ScalarOps.And),
        s_or = new(ScalarOps.Or), s_xor = new(ScalarOps.Xor), s_invert = new(ScalarOps.Invert);

    /// <summary>Element-wise <c>a &lt; b</c> (bool).</summary>
    public static Variable Lt(Variable a, Variable b) => s_lt.Call(a, b);

    /// <summary>Element-wise <c>a &gt; b</c> (bool).</summary>
    public static Variable Gt(Variable a, Variable b) => s_gt.Call(a, b);

    /// <summary>Element-wise <c>a &lt;= b</c> (bool).</summary>
    public static Variable Le(Variable a, Variable b) => s_le.Call(a, b);

    /// <summary>Element-wise <c>a &gt;= b</c> (bool).</summary>
    public static Variable Ge(Variable a, Variable b) => s_ge.Call(a, b);

    /// <summary>Element-wise <c>a == b</c> (bool); <c>==</c> on variables stays identity, as in Aesara.</summary>
    public static Variable Eq(Variable a, Variable b) => s_eq.Call(a, b);

    /// <summary>Element-wise <c>a != b</c> (bool).</summary>
    public static Variable Neq(Variable a, Variable b) => s_neq.Call(a, b);

    /// <summary>Element-wise floor division <c>a // b</c> in the promoted dtype (Aesara's <c>int_div</c>).</summary>
    public static Variable IntDiv(Variable a, Variable b) => s_intDiv.Call(a, b);

    /// <summary>Element-wise <c>a % b</c> with the sign of b, as numpy and Python.</summary>
    public static Variable Mod(Variable a, Variable b) => s_mod.Call(a, b);

    /// <summary>Element-wise absolute value.</summary>
    public static Variable Abs(Variable x) => s_abs.Call(x);

    /// <summary>Element-wise sign: -1, 0 or 1.</summary>
    public static Variable Sgn(Variable x) => s_sgn.Call(x);

    /// <summary>Element-wise bitwise and (logical for booleans).</summary>
    public static Variable And(Variable a, Variable b) => s_and.Call(a, b);

    /// <summary>Element-wise bitwise or (logical for booleans).</summary>
    public static Variable Or(Variable a, Variable b) => s_or.Call(a, b);

    /// <summary>Element-wise bitwise exclusive or (logical for booleans).</summary>
    public static Variable Xor(Variable a, Variable b) => s_xor.Call(a, b);

    /// <summary>Element-wise bitwise not (logical for booleans).</summary>
    public static Variable Invert(Variable x) => s_invert.Call(x);
}
