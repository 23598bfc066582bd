using Gradient.Graph;

namespace Gradient.Interop;

/// <summary>Sparse matrices for <c>sharpgrad.sparse</c>.</summary>
public static partial class PyApi
{
    /// <summary>The sparse matrix ("csr" or "csc"; COO storage) of the nonzeros of a dense one.</summary>
    public static Variable SparseFromDense(Variable x, string format) => T.SparseFromDense(x, format);

    /// <summary>The dense matrix of a sparse one.</summary>
    public static Variable DenseFromSparse(Variable x) => T.DenseFromSparse(x);

    /// <summary>Sparse · dense.</summary>
    public static Variable StructuredDot(Variable a, Variable b) => T.StructuredDot(a, b);

    /// <summary>Sparse + sparse (sparse).</summary>
    public static Variable AddSS(Variable a, Variable b) => T.AddSS(a, b);

    /// <summary>Sparse + dense (dense).</summary>
    public static Variable AddSD(Variable a, Variable b) => T.AddSD(a, b);

    /// <summary>Structured sparse × dense (sparse).</summary>
    public static Variable MulSD(Variable s, Variable d) => T.MulSD(s, d);

    /// <summary>Sparse ∘ sparse.</summary>
    public static Variable MulSS(Variable a, Variable b) => T.MulSS(a, b);

    /// <summary>Sum of a sparse matrix over all entries (axis -1 here: None) or axis 0 or 1.</summary>
    public static Variable SpSum(Variable x, int axis, bool sparseGrad) =>
        T.SpSum(x, axis < 0 ? null : axis, sparseGrad);
}
