using Gradient.Graph;

namespace Gradient.Interop;

/// <summary>Linear algebra for <c>sharpgrad.tensor.nlinalg</c> and <c>sharpgrad.tensor.slinalg</c>.</summary>
public static partial class PyApi
{
    /// <summary>The inverse of a square matrix.</summary>
    public static Variable MatrixInverse(Variable x) => T.MatrixInverse(x);

    /// <summary>The determinant of a square matrix.</summary>
    public static Variable Det(Variable x) => T.Det(x);

    /// <summary>Solves a x = b ('gen', 'sym', 'her' or 'pos').</summary>
    public static Variable Solve(Variable a, Variable b, string assumeA, bool lower, bool checkFinite) =>
        T.Solve(a, b, assumeA, lower, checkFinite);

    /// <summary>The Cholesky factor ('raise' or 'nan' on a matrix that is not positive definite).</summary>
    public static Variable Cholesky(Variable x, bool lower, string onError) => T.Cholesky(x, lower, onError);

    /// <summary>Eigenvalues and eigenvectors of a symmetric matrix, as [w, v].</summary>
    public static Variable[] Eigh(Variable x, string uplo)
    {
        var (w, v) = T.Eigh(x, uplo);
        return [w, v];
    }

    /// <summary>A diagonal of a matrix (or of a plane of a tensor).</summary>
    public static Variable ExtractDiag(Variable x, long offset, int axis1, int axis2) =>
        T.ExtractDiag(x, offset, axis1, axis2);

    /// <summary>The sum of the diagonal.</summary>
    public static Variable Trace(Variable x) => T.Trace(x);

    /// <summary>
    /// Aesara 2.9's <c>norm(x, ord)</c>: <paramref name="ord"/> is null, "fro", "inf" or "-inf", or else
    /// <paramref name="number"/> is the order.
    /// </summary>
    public static Variable Norm(Variable x, string? ord, double number) => T.Norm(x, ord ?? (object?)(double.IsNaN(number) ? null : number));
}
