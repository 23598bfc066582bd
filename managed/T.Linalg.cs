using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops.Linalg;

namespace Gradient;

/// <summary>
/// Linear algebra (Aesara's <c>aesara.tensor.nlinalg</c> and <c>aesara.tensor.slinalg</c>): inverse, determinant,
/// solve, Cholesky, symmetric eigendecomposition, trace and norms. Integer matrices are converted to float64 first,
/// as numpy.linalg does; float32 stays float32.
/// </summary>
public static partial class T
{
    /// <summary>The inverse of a square matrix (Aesara's <c>matrix_inverse</c>).</summary>
    public static Variable MatrixInverse(Variable x) => Ops.Linalg.MatrixInverse.Instance.Call(LinalgFloat(x));

    /// <summary>The determinant of a square matrix (Aesara's <c>det</c>).</summary>
    public static Variable Det(Variable x) => Ops.Linalg.Det.Instance.Call(LinalgFloat(x));

    /// <summary>
    /// Solves <c>a x = b</c> for a square <paramref name="a"/> and a vector or matrix <paramref name="b"/> (Aesara's
    /// <c>slinalg.solve</c>). <paramref name="assumeA"/>: 'gen' (general), 'sym' or 'her' (symmetric: only the triangle
    /// <paramref name="lower"/> names is read), 'pos' (symmetric positive definite, the same triangle).
    /// </summary>
    public static Variable Solve(Variable a, Variable b, string assumeA = "gen", bool lower = false,
        bool checkFinite = true)
    {
        var (fa, fb) = (LinalgFloat(a), LinalgFloat(b));
        var dtype = DTypes.Promote(fa.DType, fb.DType);
        return new Solve(assumeA, lower, checkFinite).Call(Cast(fa, dtype), Cast(fb, dtype));
    }

    /// <summary>
    /// The Cholesky factor of a symmetric positive-definite matrix (Aesara's <c>slinalg.cholesky</c>): lower L with
    /// L Lᵀ = x (read from x's lower triangle), or with <paramref name="lower"/> false upper U with Uᵀ U = x (read from
    /// the upper triangle). <paramref name="onError"/> 'raise' or 'nan'.
    /// </summary>
    public static Variable Cholesky(Variable x, bool lower = true, string onError = "raise") =>
        new Cholesky(lower, false, onError).Call(LinalgFloat(x));

    /// <summary>
    /// Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix, read from the triangle
    /// <paramref name="uplo"/> names (Aesara's <c>eigh</c>).
    /// </summary>
    public static (Variable W, Variable V) Eigh(Variable x, string uplo = "L")
    {
        var outputs = new Eigh(uplo).MakeNode(LinalgFloat(x)).Outputs;
        return (outputs[0], outputs[1]);
    }

    /// <summary>Diagonal <paramref name="offset"/> of a matrix (Aesara's <c>extract_diag</c>/<c>diagonal</c>).</summary>
    public static Variable ExtractDiag(Variable x, long offset = 0, int axis1 = 0, int axis2 = 1) =>
        new ExtractDiag(offset, axis1 < 0 ? axis1 + x.Ndim : axis1, axis2 < 0 ? axis2 + x.Ndim : axis2).Call(x);

    /// <summary>The sum of the diagonal of a matrix (Aesara's <c>trace</c>: <c>extract_diag(x).sum()</c>).</summary>
    public static Variable Trace(Variable x)
    {
        Guard.NotNull(x);
        if (x.Ndim != 2)
        {
            throw new ArgumentException($"trace: expected a matrix; got {x.Type}", nameof(x));
        }
        return Sum(ExtractDiag(x));
    }

    /// <summary>
    /// Aesara 2.9's <c>nlinalg.norm(x, ord)</c>, built from element-wise ops and reductions. Vectors: ord null or 2
    /// (Euclidean), "inf" / "-inf" (largest / smallest magnitude), or any other number p (Σ|x|^p)^(1/p). Matrices:
    /// null or "fro" (Frobenius), "inf" / "-inf" (largest / smallest row sum of magnitudes), 1 / -1 (largest /
    /// smallest column sum).
    /// </summary>
    /// <param name="x">A vector or a matrix.</param>
    /// <param name="ord">null, "fro", "inf", "-inf", or a number given as a double.</param>
    public static Variable Norm(Variable x, object? ord = null)
    {
        Guard.NotNull(x);
        string? word = ord switch
        {
            null => null,
            string s => s,
            double d when double.IsPositiveInfinity(d) => "inf",
            double d when double.IsNegativeInfinity(d) => "-inf",
            _ => "",
        };
        double? p = ord is double v && double.IsFinite(v) ? v : ord is int i ? i : ord is long l ? l : null;
        switch (x.Ndim)
        {
            case 1:
                return word switch
                {
                    null => Pow(Sum(Sqr(x)), Constant(0.5)),
                    "inf" => Max(Abs(x)),
                    "-inf" => -Max(-Abs(x)),
                    _ when p is 0 => throw new NotSupportedException("norm: ord=0 (the count of non-zeros) is not supported"),
                    _ when p is double q => Pow(Sum(Pow(Abs(x), Constant(q))), Constant(1.0 / q)),
                    _ => throw new ArgumentException($"norm: invalid norm order {ord} for vectors", nameof(ord)),
                };
            case 2:
                return word switch
                {
                    null or "fro" => Pow(Sum(Sqr(x)), Constant(0.5)),
                    "inf" => Max(Sum(Abs(x), 1)),
                    "-inf" => -Max(-Sum(Abs(x), 1)),
                    _ when p is 1 => Max(Sum(Abs(x), 0)),
                    _ when p is -1 => -Max(-Sum(Abs(x), 0)),
                    _ => throw new ArgumentException($"norm: invalid norm order {ord} for matrices", nameof(ord)),
                };
            case 0:
                throw new ArgumentException("norm: 'axis' entry is out of bounds (x is a scalar)", nameof(x));
            default:
                throw new NotSupportedException($"norm: tensors of rank > 2 are not supported; got {x.Type}");
        }
    }

    /// <summary>An n×m 0/1 matrix of x's dtype, ones at and below diagonal <paramref name="k"/> (numpy's <c>tri</c>).</summary>
    internal static Variable TriLike(Variable x, long k) =>
        new Tri(x.DType).Call(ShapeI(x, 0), ShapeI(x, 1), Constant(k));

    /// <summary>numpy's <c>tril(x, k)</c> of a matrix.</summary>
    internal static Variable Tril(Variable x, long k = 0) => x * TriLike(x, k);

    /// <summary>numpy's <c>triu(x, k)</c> of a matrix.</summary>
    internal static Variable Triu(Variable x, long k = 0) => x - Tril(x, k - 1);

    /// <summary>The identity pattern shaped like the matrix <paramref name="x"/>, in x's dtype.</summary>
    internal static Variable EyeLike(Variable x) => TriLike(x, 0) - TriLike(x, -1);

    /// <summary>The symmetric matrix whose lower (else upper) triangle is that of <paramref name="x"/>.</summary>
    internal static Variable SymmetrizeFrom(Variable x, bool lower) => lower
        ? Tril(x) + Transpose(Tril(x, -1))
        : Triu(x) + Transpose(Triu(x, 1));

    /// <summary>
    /// The adjoint of <see cref="SymmetrizeFrom"/>: a gradient with respect to the symmetric matrix becomes one with
    /// respect to the triangle that was read (the other triangle gets zeros).
    /// </summary>
    internal static Variable FoldToTriangle(Variable g, bool lower) => lower
        ? Tril(g) + Tril(Transpose(g), -1)
        : Triu(g) + Triu(Transpose(g), 1);

    private static Variable LinalgFloat(Variable x)
    {
        Guard.NotNull(x);
        return x.DType.IsDiscrete() ? Cast(x, DType.Float64) : x;
    }
}
