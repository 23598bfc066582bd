using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;

namespace Gradient.Interop;

/// <summary>The element-wise functions of <c>sharpgrad.tensor.math</c>, applied by their Aesara names.</summary>
public static partial class PyApi
{
    /// <summary>
    /// Applies the element-wise rule named <paramref name="op"/> (a name of <see cref="ScalarOps.ByName"/>, e.g.
    /// <c>sqrt</c>, <c>arctan2</c>, <c>clip</c>) to <paramref name="inputs"/>. <c>switch</c> goes through
    /// <see cref="T.Switch"/>, which settles the condition's dtype first.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, or the wrong number of inputs for it.</exception>
    public static Variable Elementwise(string op, Variable[] inputs)
    {
        if (inputs is null)
        {
            throw new ArgumentNullException(nameof(inputs), $"{op}: inputs is null; expected a list of Variable");
        }
        var rule = ScalarOps.ByName(op);
        if (inputs.Length != rule.Arity)
        {
            throw new ArgumentException($"{op}: expected {rule.Arity} input(s); got {inputs.Length}", nameof(inputs));
        }
        return op == "switch" ? T.Switch(inputs[0], inputs[1], inputs[2]) : new Elemwise(rule).Call(inputs);
    }

    /// <summary>Aesara's <c>second(a, b)</c> (<c>fill</c>): b broadcast to the shape of a.</summary>
    public static Variable Second(Variable a, Variable b) => T.Second(a, b);

    /// <summary>Aesara's <c>round(a, mode)</c> (<c>half_to_even</c> or <c>half_away_from_zero</c>).</summary>
    public static Variable Round(Variable x, string mode) => T.Round(x, mode);

    /// <summary>
    /// Zeros (<paramref name="zeros"/>) or ones shaped like <paramref name="x"/>, of <paramref name="dtype"/> or, when
    /// it is null, of x's own dtype (Aesara's <c>zeros_like</c>/<c>ones_like</c>).
    /// </summary>
    public static Variable LikeOfDType(Variable x, bool zeros, string? dtype)
    {
        var type = dtype is null ? x.DType : DTypes.Parse(dtype);
        return zeros ? T.ZerosLike(x, type) : T.OnesLike(x, type);
    }
}
