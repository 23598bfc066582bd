using Gradient.Graph;
using Gradient.Ops;

namespace Gradient.Rewrites;

/// <summary>Small pattern-matching helpers shared by the rewrites.</summary>
public static class RewriteHelpers
{
    /// <summary>The scalar rule of an <see cref="Elemwise"/> node named <paramref name="name"/>, or false.</summary>
    public static bool IsElemwise(Apply? node, string name) => node?.Op is Elemwise e && e.Scalar.Name == name;

    /// <summary>The owner of <paramref name="v"/> if it is an <see cref="Elemwise"/> named <paramref name="name"/>.</summary>
    public static Apply? ElemwiseOwner(Variable v, string name) => IsElemwise(v.Owner, name) ? v.Owner : null;

    /// <summary>
    /// True when <paramref name="v"/> is a constant, possibly behind <see cref="DimShuffle"/>s (which only add or move
    /// axes of length 1), whose elements all equal <paramref name="value"/>.
    /// </summary>
    public static bool IsFilledWith(Variable v, double value)
    {
        while (v.Owner is { Op: DimShuffle } owner)
        {
            v = owner.Inputs[0];
        }
        return v is Constant c && ConstantFacts.Of(c).Uniform == value;
    }

    /// <summary>
    /// <paramref name="candidate"/> as a replacement of <paramref name="old"/>: itself when the types are equal, a
    /// cast when only the dtype differs, null when the static shapes differ (a replacement must keep the type, so
    /// that e.g. <c>x * ones((3, 4))</c> with x of unknown shape is left alone).
    /// </summary>
    public static Variable? Fit(Variable candidate, Variable old)
    {
        if (candidate.Type.Equals(old.Type))
        {
            return candidate;
        }
        if (!candidate.Type.Shape.SequenceEqual(old.Type.Shape))
        {
            return null;
        }
        var cast = T.Cast(candidate, old.DType);
        return cast.Type.Equals(old.Type) ? cast : null;
    }

    /// <summary><paramref name="x"/> converted to <paramref name="dtype"/> when it differs.</summary>
    public static Variable As(Variable x, Kernels.DType dtype) => x.DType == dtype ? x : T.Cast(x, dtype);

    /// <summary>A replacement array for a one-output node, or null when <paramref name="replacement"/> is null.</summary>
    public static Variable?[]? One(Variable? replacement) => replacement is null ? null : [replacement];
}
