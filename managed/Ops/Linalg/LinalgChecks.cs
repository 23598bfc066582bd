using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient.Ops.Linalg;

/// <summary>Static checks shared by the linear-algebra ops: what LAPACK accepts, said before any node exists.</summary>
internal static class LinalgChecks
{
    /// <summary>
    /// Checks that <paramref name="x"/> is a float32/float64 matrix whose static lengths, where known, are equal;
    /// returns the static length of a side (null when unknown).
    /// </summary>
    public static long? SquareMatrix(Op op, Variable x, string name)
    {
        if (x.Ndim != 2)
        {
            throw new ArgumentException($"{op}: expected {name} to be a matrix; got {x.Type}", name);
        }
        FloatDType(op, x, name);
        var (r, c) = (x.Type.Shape[0], x.Type.Shape[1]);
        if (r is long n && c is long m && n != m)
        {
            throw new ArgumentException($"{op}: expected a square matrix {name}; got static shape ({n}, {m})", name);
        }
        return r ?? c;
    }

    /// <summary>Checks that <paramref name="x"/> is float32 or float64 (LAPACK's real types).</summary>
    public static void FloatDType(Op op, Variable x, string name)
    {
        if (x.DType is not (DType.Float32 or DType.Float64))
        {
            throw new ArgumentException(
                $"{op}: expected {name} of dtype float32 or float64; got {x.Type} (convert integers first; float16 " +
                "and complex matrices are not supported)", name);
        }
    }

    /// <summary>The sum of two tangents where either may be absent (zero).</summary>
    public static Variable? AddTangents(Variable? a, Variable? b) => a is null ? b : b is null ? a : a + b;
}
