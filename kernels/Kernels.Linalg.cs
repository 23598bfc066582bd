using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>
/// Linear algebra through <c>torch.linalg</c>. Ranks, squareness, matching lengths and dtypes are checked before any
/// native call, and the factorizations use the <c>_ex</c> variants so that a singular or non-positive-definite matrix
/// becomes an <see cref="ArgumentException"/> naming the operation, never a native error.
/// </summary>
public static partial class Kernels
{
    /// <summary>The inverse of a square float32/float64 matrix.</summary>
    /// <exception cref="ArgumentException">Not a square float matrix, or singular.</exception>
    public static Tensor MatrixInverse(Tensor x)
    {
        CheckSquare("matrix_inverse", x, "x");
        // TorchSharp 0.107's linalg.inv_ex computes a Cholesky factor instead of the inverse: solve X Y = I instead.
        using var scope = NewDisposeScope();
        var identity = torch.eye(x.Lengths()[0], x.Lengths()[0], x.dtype, x.device);
        var (inverse, info) = linalg.solve_ex(x, identity, left: true, check_errors: false);
        if (Failed(info) is long k)
        {
            throw new ArgumentException(
                $"matrix_inverse: the {Show(x.Lengths())} matrix is singular (pivot U[{k - 1}, {k - 1}] of its LU " +
                "factorization is exactly zero); it has no inverse");
        }
        return inverse.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The determinant of a square float32/float64 matrix (0 for a singular one).</summary>
    public static Tensor Det(Tensor x)
    {
        CheckSquare("det", x, "x");
        return linalg.det(x);
    }

    /// <summary>
    /// Solves <c>a x = b</c> for a square <paramref name="a"/> and a vector or matrix <paramref name="b"/> (scipy's
    /// <c>solve</c>). <paramref name="assumeA"/> is 'gen' (the whole of a is read), 'sym' or 'her' (only the triangle
    /// <paramref name="lower"/> names is read and mirrored), or 'pos' (that triangle, solved through a Cholesky
    /// factorization; a matrix that is not positive definite is rejected). <paramref name="checkFinite"/> rejects
    /// infinities and NaNs first, as scipy does.
    /// </summary>
    /// <exception cref="ArgumentException">Bad ranks, shapes or dtypes; a singular or non-positive-definite a.</exception>
    public static Tensor Solve(Tensor a, Tensor b, string assumeA, bool lower, bool checkFinite = true)
    {
        CheckSquare("solve", a, "a");
        if (b.dim() is < 1 or > 2)
        {
            throw new ArgumentException($"solve: expected b of rank 1 or 2; got shape {Show(b.Lengths())}", nameof(b));
        }
        if (b.Lengths()[0] != a.Lengths()[0])
        {
            throw new ArgumentException(
                $"solve: a is {Show(a.Lengths())} but b has {b.Lengths()[0]} rows (shape {Show(b.Lengths())}); expected {a.Lengths()[0]}",
                nameof(b));
        }
        if (a.dtype != b.dtype)
        {
            throw new ArgumentException($"solve: expected a and b of one dtype; got {a.dtype} and {b.dtype}");
        }
        if (checkFinite)
        {
            CheckFinite("solve", a);
            CheckFinite("solve", b);
        }
        using var scope = NewDisposeScope();
        var rhs = b.dim() == 1 ? b.unsqueeze(1) : b;
        Tensor x;
        switch (assumeA)
        {
            case "gen":
            {
                var (solution, info) = linalg.solve_ex(a, rhs, left: true, check_errors: false);
                if (Failed(info) is long k)
                {
                    throw new ArgumentException(
                        $"solve: the {Show(a.Lengths())} matrix a is singular (pivot U[{k - 1}, {k - 1}] of its LU " +
                        "factorization is exactly zero)", nameof(a));
                }
                x = solution;
                break;
            }
            case "sym" or "her":
            {
                var (solution, info) = linalg.solve_ex(Symmetrize(a, lower), rhs, left: true, check_errors: false);
                if (Failed(info) is long k)
                {
                    throw new ArgumentException(
                        $"solve: the symmetric {Show(a.Lengths())} matrix a is singular (pivot {k - 1} is exactly zero)",
                        nameof(a));
                }
                x = solution;
                break;
            }
            case "pos":
            {
                var factor = CholeskyLower("solve", Symmetrize(a, lower));
                x = torch.cholesky_solve(rhs, factor, upper: false);
                break;
            }
            default:
                throw new ArgumentException($"solve: assume_a must be 'gen', 'sym', 'her' or 'pos'; got '{assumeA}'",
                    nameof(assumeA));
        }
        var result = b.dim() == 1 ? x.squeeze(1) : x;
        return result.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The Cholesky factor of a symmetric positive-definite matrix: lower L with L Lᵀ = x, read from the lower
    /// triangle (<paramref name="lower"/>), or upper U with Uᵀ U = x, read from the upper triangle (scipy's
    /// convention). With <paramref name="nanOnError"/> a matrix that is not positive definite gives NaNs instead of
    /// an exception (Aesara's <c>on_error='nan'</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Not a square float matrix, or not positive definite.</exception>
    public static Tensor Cholesky(Tensor x, bool lower, bool nanOnError = false)
    {
        CheckSquare("cholesky", x, "x");
        using var scope = NewDisposeScope();
        // The upper factor of x is the transposed lower factor of xᵀ, whose lower triangle is x's upper one.
        var source = lower ? x : x.transpose(0, 1);
        Tensor factor;
        try
        {
            factor = CholeskyLower("cholesky", source);
        }
        catch (ArgumentException) when (nanOnError)
        {
            return torch.full(x.Lengths(), double.NaN, x.dtype, device: x.device).MoveToOuterDisposeScope();
        }
        var result = lower ? factor : factor.transpose(0, 1);
        return result.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Eigenvalues (ascending) and orthonormal eigenvectors (columns) of a symmetric matrix, read from the triangle
    /// <paramref name="uplo"/> names ('L' or 'U').
    /// </summary>
    public static (Tensor W, Tensor V) Eigh(Tensor x, string uplo)
    {
        CheckSquare("eigh", x, "x");
        if (uplo is not ("L" or "U"))
        {
            throw new ArgumentException($"eigh: UPLO must be 'L' or 'U'; got '{uplo}'", nameof(uplo));
        }
        CheckFinite("eigh", x);
        return linalg.eigh(x, uplo[0]);
    }

    /// <summary>
    /// A <paramref name="n"/>×<paramref name="m"/> matrix of <paramref name="dtype"/> with ones at and below diagonal
    /// <paramref name="k"/> and zeros elsewhere (numpy's <c>tri</c>), on <paramref name="device"/> (the CPU when null).
    /// </summary>
    public static Tensor Tri(long n, long m, long k, DType dtype, Device? device = null)
    {
        if (n < 0 || m < 0)
        {
            throw new ArgumentException($"tri: expected non-negative lengths; got N={n}, M={m}");
        }
        using var ones = torch.ones(n, m, dtype.ToTorch(), device: device ?? torch.CPU);
        return ones.tril(k);
    }

    /// <summary>A copy of diagonal <paramref name="offset"/> of the plane (<paramref name="axis1"/>, <paramref name="axis2"/>).</summary>
    public static Tensor ExtractDiag(Tensor x, long offset, long axis1, long axis2)
    {
        CheckPlane("extract_diag", x, axis1, axis2);
        using var view = x.diagonal(offset, axis1, axis2);
        return view.clone();
    }

    /// <summary>
    /// A copy of <paramref name="x"/> whose diagonal <paramref name="offset"/> in the plane (<paramref name="axis1"/>,
    /// <paramref name="axis2"/>) is replaced by <paramref name="src"/> (torch's <c>diagonal_scatter</c>).
    /// </summary>
    public static Tensor DiagonalScatter(Tensor x, Tensor src, long offset, long axis1, long axis2)
    {
        CheckPlane("diagonal_scatter", x, axis1, axis2);
        using var view = x.diagonal(offset, axis1, axis2);
        if (!view.Lengths().SequenceEqual(src.Lengths()))
        {
            throw new ArgumentException(
                $"diagonal_scatter: diagonal {offset} of a {Show(x.Lengths())} tensor has shape {Show(view.Lengths())}; the " +
                $"values have shape {Show(src.Lengths())}", nameof(src));
        }
        if (x.dtype != src.dtype)
        {
            throw new ArgumentException($"diagonal_scatter: expected one dtype; got {x.dtype} and {src.dtype}");
        }
        return x.diagonal_scatter(src, offset, axis1, axis2);
    }

    private static Tensor CholeskyLower(string what, Tensor x)
    {
        CheckFinite(what, x);
        var (factor, info) = linalg.cholesky_ex(x, check_errors: false);
        using (info)
        {
            if (Failed(info) is long k)
            {
                factor.Dispose();
                throw new ArgumentException(
                    $"{what}: the {Show(x.Lengths())} matrix is not positive definite (its leading minor of order {k} is " +
                    "not positive)");
            }
        }
        return factor;
    }

    /// <summary>The symmetric matrix whose <paramref name="lower"/> (else upper) triangle is that of a.</summary>
    private static Tensor Symmetrize(Tensor a, bool lower)
    {
        using var scope = NewDisposeScope();
        var triangle = lower ? a.tril(0) : a.triu(0);
        var strict = lower ? a.tril(-1) : a.triu(1);
        return triangle.add(strict.transpose(0, 1)).MoveToOuterDisposeScope();
    }

    /// <summary>The LAPACK info as a number when it reports a failure (non-zero), else null.</summary>
    private static long? Failed(Tensor info)
    {
        long k = info.to_type(ScalarType.Int64).item<long>();
        return k == 0 ? null : k;
    }

    private static void CheckSquare(string what, Tensor x, string name)
    {
        if (x.dim() != 2 || x.Lengths()[0] != x.Lengths()[1])
        {
            throw new ArgumentException($"{what}: expected a square matrix {name}; got shape {Show(x.Lengths())}", name);
        }
        if (x.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"{what}: expected a float32 or float64 matrix {name}; got {x.dtype}", name);
        }
    }

    private static void CheckFinite(string what, Tensor x)
    {
        using var finite = x.isfinite();
        using var all = finite.all();
        if (!all.item<bool>())
        {
            throw new ArgumentException($"{what}: the {Show(x.Lengths())} array must not contain infinities or NaNs");
        }
    }

    private static void CheckPlane(string what, Tensor x, long axis1, long axis2)
    {
        if (axis1 < 0 || axis2 < 0 || axis1 >= x.dim() || axis2 >= x.dim() || axis1 == axis2)
        {
            throw new ArgumentException(
                $"{what}: axes ({axis1}, {axis2}) must be two distinct axes of a tensor of shape {Show(x.Lengths())}");
        }
    }
}
