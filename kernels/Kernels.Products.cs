using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>
/// Tensor products: numpy's <c>matmul</c>, <c>tensordot</c> and Aesara's <c>batched_dot</c>. libtorch aborts the
/// process on a shape mismatch in these, so every rank, length and dtype is checked here first.
/// </summary>
public static partial class Kernels
{
    /// <summary>
    /// numpy's <c>matmul</c>: a 1-d operand is a row (left) or a column (right) that is dropped again; leading axes
    /// are batch axes that broadcast where one of the lengths is 1.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        if (a.dim() < 1 || b.dim() < 1)
        {
            throw new ArgumentException(
                $"matmul: expected operands of rank >= 1; got shapes {Show(a.Lengths())} and {Show(b.Lengths())}");
        }
        if (a.dtype != b.dtype)
        {
            throw new ArgumentException($"matmul: expected operands of one dtype; got {a.dtype} and {b.dtype}");
        }
        long inner = a.Lengths()[^1];
        long other = b.dim() == 1 ? b.Lengths()[0] : b.Lengths()[^2];
        if (inner != other)
        {
            throw new ArgumentException(
                $"matmul: shapes {Show(a.Lengths())} and {Show(b.Lengths())} not aligned: last dim of a ({inner}) != " +
                $"{(b.dim() == 1 ? "length" : "second-to-last dim")} of b ({other})");
        }
        var batchA = a.Lengths().Take(Math.Max(0, a.Lengths().Length - 2)).ToArray();
        var batchB = b.Lengths().Take(Math.Max(0, b.Lengths().Length - 2)).ToArray();
        for (int i = 1; i <= Math.Min(batchA.Length, batchB.Length); i++)
        {
            long x = batchA[^i], y = batchB[^i];
            if (x != y && x != 1 && y != 1)
            {
                throw new ArgumentException(
                    $"matmul: batch shapes of {Show(a.Lengths())} and {Show(b.Lengths())} do not broadcast ({x} != {y})");
            }
        }
        return a.matmul(b);
    }

    /// <summary>
    /// <c>op(a)·op(b) [+ c]</c> (BLAS's gemm, libtorch's <c>addmm</c>): op reads a matrix transposed when its flag is set;
    /// c, when given, broadcasts to the product's shape (a vector adds to every row). A transposed operand reaches BLAS
    /// as a flag, not a copy.
    /// </summary>
    public static Tensor Gemm(Tensor a, Tensor b, Tensor? c, bool transA, bool transB)
    {
        if (a.dim() != 2 || b.dim() != 2)
        {
            throw new ArgumentException($"gemm: expected matrices; got shapes {Show(a.Lengths())} and {Show(b.Lengths())}");
        }
        if (a.dtype != b.dtype || c is not null && c.dtype != a.dtype)
        {
            throw new ArgumentException($"gemm: expected operands of one dtype; got {a.dtype}, {b.dtype}{(c is null ? "" : $", {c.dtype}")}");
        }
        long m = a.size(transA ? 1 : 0), k = a.size(transA ? 0 : 1);
        long l = b.size(transB ? 1 : 0), n = b.size(transB ? 0 : 1);
        if (k != l)
        {
            throw new ArgumentException(
                $"gemm: shapes {Show(a.Lengths())}{(transA ? "ᵀ" : "")} and {Show(b.Lengths())}{(transB ? "ᵀ" : "")} not aligned: {k} != {l}");
        }
        if (c is not null)
        {
            long rank = c.dim();
            bool fits = rank switch
            {
                1 => c.size(0) == n || c.size(0) == 1,
                2 => (c.size(0) == m || c.size(0) == 1) && (c.size(1) == n || c.size(1) == 1),
                _ => false,
            };
            if (!fits)
            {
                throw new ArgumentException($"gemm: c of shape {Show(c.Lengths())} does not broadcast to ({m}, {n})");
            }
        }
        using var x = transA ? a.t() : null;
        using var y = transB ? b.t() : null;
        return c is null ? (x ?? a).mm(y ?? b) : c.addmm(x ?? a, y ?? b, 1, 1);
    }

    /// <summary>
    /// numpy's <c>tensordot</c>: sums the products over axes <paramref name="axesA"/> of a paired with
    /// <paramref name="axesB"/> of b; the result has a's other axes, then b's, in order.
    /// </summary>
    public static Tensor TensorDot(Tensor a, Tensor b, IReadOnlyList<int> axesA, IReadOnlyList<int> axesB)
    {
        if (axesA.Count != axesB.Count)
        {
            throw new ArgumentException(
                $"tensordot: expected as many axes of a as of b; got [{string.Join(", ", axesA)}] and [{string.Join(", ", axesB)}]");
        }
        if (a.dtype != b.dtype)
        {
            throw new ArgumentException($"tensordot: expected operands of one dtype; got {a.dtype} and {b.dtype}");
        }
        CheckDistinct("tensordot", "a", a, axesA);
        CheckDistinct("tensordot", "b", b, axesB);
        for (int i = 0; i < axesA.Count; i++)
        {
            if (a.Lengths()[axesA[i]] != b.Lengths()[axesB[i]])
            {
                throw new ArgumentException(
                    $"tensordot: shape-mismatch for sum: axis {axesA[i]} of a {Show(a.Lengths())} has length " +
                    $"{a.Lengths()[axesA[i]]}, axis {axesB[i]} of b {Show(b.Lengths())} has length {b.Lengths()[axesB[i]]}");
            }
        }
        return torch.tensordot(a, b, axesA.Select(x => (long)x).ToArray(), axesB.Select(x => (long)x).ToArray());
    }

    /// <summary>
    /// Aesara's <c>BatchedDot</c>: for each index of the shared first axis, <c>dot</c> of the slices, which are
    /// vectors (rank 2) or matrices (rank 3).
    /// </summary>
    public static Tensor BatchedDot(Tensor a, Tensor b)
    {
        if (a.dim() is < 2 or > 3 || b.dim() is < 2 or > 3)
        {
            throw new ArgumentException(
                $"batched_dot: expected operands of rank 2 or 3; got shapes {Show(a.Lengths())} and {Show(b.Lengths())}");
        }
        if (a.dtype != b.dtype)
        {
            throw new ArgumentException($"batched_dot: expected operands of one dtype; got {a.dtype} and {b.dtype}");
        }
        if (a.Lengths()[0] != b.Lengths()[0])
        {
            throw new ArgumentException(
                $"batched_dot: batch lengths differ: {a.Lengths()[0]} for a {Show(a.Lengths())} and {b.Lengths()[0]} for b {Show(b.Lengths())}");
        }
        if (a.Lengths()[^1] != b.Lengths()[1])
        {
            throw new ArgumentException(
                $"batched_dot: shapes {Show(a.Lengths())} and {Show(b.Lengths())} not aligned: last dim of a ({a.Lengths()[^1]}) " +
                $"!= axis 1 of b ({b.Lengths()[1]})");
        }
        using var a3 = a.dim() == 3 ? a.alias() : a.unsqueeze(1);
        using var b3 = b.dim() == 3 ? b.alias() : b.unsqueeze(2);
        using var c = a3.bmm(b3);
        var shape = new List<long> { a.Lengths()[0] };
        if (a.dim() == 3)
        {
            shape.Add(a.Lengths()[1]);
        }
        if (b.dim() == 3)
        {
            shape.Add(b.Lengths()[2]);
        }
        return c.reshape(shape.ToArray());
    }

    private static void CheckDistinct(string what, string name, Tensor t, IReadOnlyList<int> axes)
    {
        foreach (int axis in axes)
        {
            if (axis < 0 || axis >= t.dim())
            {
                throw new ArgumentException(
                    $"{what}: axis {axis} of {name} is out of range for shape {Show(t.Lengths())}");
            }
        }
        if (axes.Distinct().Count() != axes.Count)
        {
            throw new ArgumentException($"{what}: repeated axis of {name} in [{string.Join(", ", axes)}]");
        }
    }
}
