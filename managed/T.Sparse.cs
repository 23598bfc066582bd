using Gradient.Graph;
using Gradient.Ops.Sparse;

namespace Gradient;

/// <summary>
/// Sparse matrices (Aesara's <c>aesara.sparse</c>). A sparse variable is an ordinary matrix-typed variable whose
/// run-time value is a libtorch COO tensor (a dense value there stands for the matrix of its nonzeros). Its gradient
/// and tangent are dense matrices; structured ops make them zero outside the stored pattern.
/// </summary>
public static partial class T
{
    /// <summary>The sparse matrix ("csr" or "csc" label; COO storage) of the nonzeros of <paramref name="x"/>.</summary>
    public static Variable SparseFromDense(Variable x, string format = "csr") => new SparseFromDense(format).Call(x);

    /// <summary>The dense matrix of a sparse one.</summary>
    public static Variable DenseFromSparse(Variable x) => Ops.Sparse.DenseFromSparse.Instance.Call(x);

    /// <summary>Sparse a (transposed when asked) times dense b.</summary>
    public static Variable StructuredDot(Variable a, Variable b, bool transposeSparse = false) =>
        new StructuredDot(transposeSparse).Call(a, b);

    /// <summary>Sparse + sparse (sparse).</summary>
    public static Variable AddSS(Variable a, Variable b) => new SparseAdd(false).Call(a, b);

    /// <summary>Sparse + dense (dense).</summary>
    public static Variable AddSD(Variable a, Variable b) => new SparseAdd(true).Call(a, b);

    /// <summary>Structured sparse × dense: s's stored entries times d's (sparse).</summary>
    public static Variable MulSD(Variable s, Variable d) => Ops.Sparse.MulSD.Instance.Call(s, d);

    /// <summary>The element-wise product of two sparse matrices (Aesara's <c>mul_s_s</c>), sparse.</summary>
    public static Variable MulSS(Variable a, Variable b) => Ops.Sparse.MulSS.Instance.Call(a, b);

    /// <summary>Sum of a sparse matrix over all entries (axis null) or axis 0 or 1.</summary>
    public static Variable SpSum(Variable x, int? axis = null, bool sparseGrad = false) =>
        new SpSum(axis, sparseGrad).Call(x);

    /// <summary>Dense <paramref name="g"/> zeroed outside the pattern of sparse <paramref name="s"/>.</summary>
    public static Variable SparsePatternMask(Variable g, Variable s) => Ops.Sparse.SparsePatternMask.Instance.Call(g, s);
}
