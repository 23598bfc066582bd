using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>
/// Sparse matrices. TorchSharp 0.107 exposes only libtorch's COO layout (no CSR/CSC constructors or accessors), so
/// every sparse value is a coalesced COO matrix; a dense value given where a sparse one is expected stands for the
/// sparse matrix of its nonzero entries. libtorch aborts the process on some bad sparse shapes, so every shape is
/// checked here first.
/// </summary>
public static partial class Kernels
{
    /// <summary>The COO matrix of the nonzero entries of <paramref name="x"/> (a new handle on it when already sparse).</summary>
    public static Tensor ToSparse(Tensor x, string op)
    {
        SparseMatrixCheck(x, op);
        return x.is_sparse ? x.alias() : x.to_sparse();
    }

    /// <summary>The dense matrix of a sparse (or dense) one.</summary>
    public static Tensor ToDense(Tensor x) => x.is_sparse ? x.to_dense() : x.clone();

    /// <summary>The sparse·dense product (matrix or vector right operand); the sparse operand transposed first when asked.</summary>
    public static Tensor SparseDot(Tensor a, Tensor b, bool transposeA)
    {
        SparseMatrixCheck(a, "structured_dot");
        if (b.dim() is < 1 or > 2)
        {
            throw new ArgumentException($"structured_dot: expected a dense operand of rank 1 or 2; got rank {b.dim()}");
        }
        long inner = transposeA ? a.Lengths()[0] : a.Lengths()[1];
        if (b.Lengths()[0] != inner)
        {
            throw new ArgumentException(
                $"structured_dot: shapes {Show(a.Lengths())}{(transposeA ? "ᵀ" : "")} and {Show(b.Lengths())} not aligned: {inner} != {b.Lengths()[0]}");
        }
        using var s = ToSparse(a, "structured_dot");
        using var st = transposeA ? s.t() : s.alias();
        if (b.dim() == 2)
        {
            return st.matmul(b);
        }
        using var column = b.unsqueeze(1);
        using var product = st.matmul(column);
        return product.squeeze(1);
    }

    /// <summary>Sparse + sparse (sparse, the union of the patterns) or sparse + dense (dense).</summary>
    public static Tensor SparseAdd(Tensor a, Tensor b, bool denseRight)
    {
        SparseMatrixCheck(a, "add");
        SparseMatrixCheck(b, "add");
        SameShape(a, b, "add");
        using var sa = ToSparse(a, "add");
        if (denseRight)
        {
            using var db = b.is_sparse ? b.to_dense() : b.alias();
            return db.add(sa);
        }
        using var sb = ToSparse(b, "add");
        return sa.add(sb);
    }

    /// <summary>The structured product: the stored entries of <paramref name="s"/> times the matching entries of the dense <paramref name="d"/>, in s's pattern.</summary>
    public static Tensor SparseMulDense(Tensor s, Tensor d)
    {
        SparseMatrixCheck(s, "mul");
        SparseMatrixCheck(d, "mul");
        SameShape(s, d, "mul");
        using var ss = ToSparse(s, "mul");
        using var dd = d.is_sparse ? d.to_dense() : d.alias();
        return ss.mul(dd);
    }

    /// <summary>The element-wise product of two sparse matrices: stored where both store an entry.</summary>
    public static Tensor SparseMulSparse(Tensor a, Tensor b)
    {
        SparseMatrixCheck(a, "mul");
        SparseMatrixCheck(b, "mul");
        SameShape(a, b, "mul");
        using var sa = ToSparse(a, "mul");
        using var sb = ToSparse(b, "mul");
        return sa.mul(sb);
    }

    /// <summary>The sum of a sparse matrix over all entries (axis null) or over axis 0 or 1, as a dense tensor.</summary>
    public static Tensor SparseSum(Tensor x, int? axis, DType dtype)
    {
        SparseMatrixCheck(x, "sp_sum");
        if (axis is < 0 or > 1)
        {
            throw new ArgumentException($"sp_sum: expected axis null, 0 or 1; got {axis}");
        }
        using var s = ToSparse(x, "sp_sum");
        using var values = s.SparseValues;
        if (axis is null)
        {
            return values.sum(dtype.ToTorch());
        }
        // Scatter the stored values into their row (axis 1) or column (axis 0): a dense result, no dense matrix.
        using var indices = s.SparseIndices;
        using var keep = indices[axis == 0 ? 1 : 0];
        using var into = zeros(s.Lengths()[axis == 0 ? 1 : 0], dtype.ToTorch(), device: x.device);
        using var cast = values.to_type(dtype.ToTorch());
        return into.index_add(0, keep, cast, 1);
    }

    /// <summary>
    /// The dense <paramref name="g"/> with every entry outside the pattern of <paramref name="s"/> set to zero (the
    /// pattern of a dense s is its nonzeros): the structured gradient of a sparse operand.
    /// </summary>
    public static Tensor SparsePatternMask(Tensor g, Tensor s)
    {
        SparseMatrixCheck(s, "sparse pattern");
        SameShape(g, s, "sparse pattern");
        using var sparse = ToSparse(s, "sparse pattern");
        using var values = sparse.SparseValues;
        using var ones = ones_like(values, g.dtype);
        using var indices = sparse.SparseIndices;
        using var pattern = sparse_coo_tensor(indices, ones, sparse.Lengths(), device: g.device);
        using var mask = pattern.to_dense();
        using var dg = g.is_sparse ? g.to_dense() : g.alias();
        return dg.mul(mask);
    }

    private static void SparseMatrixCheck(Tensor x, string op)
    {
        if (x.dim() != 2)
        {
            throw new ArgumentException($"{op}: expected a sparse matrix (rank 2); got rank {x.dim()} with shape {Show(x.Lengths())}");
        }
    }

    private static void SameShape(Tensor a, Tensor b, string op)
    {
        if (!a.Lengths().SequenceEqual(b.Lengths()))
        {
            throw new ArgumentException($"{op}: shapes {Show(a.Lengths())} and {Show(b.Lengths())} differ");
        }
    }
}
