using Gradient.Graph;

namespace Gradient.Interop;

/// <summary>Comparisons, integer division, modulo, abs and bitwise operations for <c>sharpgrad.tensor</c>.</summary>
public static partial class PyApi
{
    /// <summary>Applies a two-input comparison, division, modulo or bitwise function by its Aesara name.</summary>
    public static Variable Binary2(string op, Variable a, Variable b) => op switch
    {
        "lt" => T.Lt(a, b),
        "gt" => T.Gt(a, b),
        "le" => T.Le(a, b),
        "ge" => T.Ge(a, b),
        "eq" => T.Eq(a, b),
        "neq" => T.Neq(a, b),
        "int_div" => T.IntDiv(a, b),
        "mod" => T.Mod(a, b),
        "and_" => T.And(a, b),
        "or_" => T.Or(a, b),
        "xor" => T.Xor(a, b),
        _ => throw new ArgumentException(
            $"binary op: expected lt, gt, le, ge, eq, neq, int_div, mod, and_, or_ or xor; got '{op}'", nameof(op)),
    };

    /// <summary>Applies abs, sgn or invert by its Aesara name.</summary>
    public static Variable Unary2(string op, Variable x) => op switch
    {
        "abs" => T.Abs(x),
        "sgn" => T.Sgn(x),
        "invert" => T.Invert(x),
        _ => throw new ArgumentException($"unary op: expected abs, sgn or invert; got '{op}'", nameof(op)),
    };
}
