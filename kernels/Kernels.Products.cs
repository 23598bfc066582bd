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
                $"matmul: expected operands of rank >= 1; got shapes {Show(a.shape)} and {Show(b.shape)}");
        }
        if (a.dtype != b.dtype)
        {
            throw new ArgumentException($"matmul: expected operands of one dtype; got {a.dtype} and {b.dtype}");
        }
        long inner = a.shape[^1];
        long other = b.dim() == 1 ? b.shape[0] : b.shape[^2];
        if (inner != other)
        {
            throw new ArgumentException(
                $"matmul: shapes {Show(a.shape)} and {Show(b.shape)} not aligned: last dim of a ({inner}) != " +
                $"{(b.dim() == 1 ? "length" : "second-to-last dim")} of b ({other})");
        }
        var batchA = a.shape.Take(Math.Max(0, a.shape.Length - 2)).ToArray();
        var batchB = b.shape.Take(Math.Max(0, b.shape.Length - 2)).ToArray();
        for (int i = 1; i <= Math.Min(batchA.Length, batchB.Length); i++)
        {
            long x = batchA[^i], y = batchB[^i];
            if (x != y && x != 1 && y != 1)
            {
                throw new ArgumentException(
                    $"matmul: batch shapes of {Show(a.shape)} and {Show(b.shape)} do not broadcast ({x} != {y})");
            }
        }
        return a.matmul(b);
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
            if (a.shape[axesA[i]] != b.shape[axesB[i]])
            {
                throw new ArgumentException(
                    $"tensordot: shape-mismatch for sum: axis {axesA[i]} of a {Show(a.shape)} has length " +
                    $"{a.shape[axesA[i]]}, axis {axesB[i]} of b {Show(b.shape)} has length {b.shape[axesB[i]]}");
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
                $"batched_dot: expected operands of rank 2 or 3; got shapes {Show(a.shape)} and {Show(b.shape)}");
        }
        if (a.dtype != b.dtype)
        {
            throw new ArgumentException($"batched_dot: expected operands of one dtype; got {a.dtype} and {b.dtype}");
        }
        if (a.shape[0] != b.shape[0])
        {
            throw new ArgumentException(
                $"batched_dot: batch lengths differ: {a.shape[0]} for a {Show(a.shape)} and {b.shape[0]} for b {Show(b.shape)}");
        }
        if (a.shape[^1] != b.shape[1])
        {
            throw new ArgumentException(
                $"batched_dot: shapes {Show(a.shape)} and {Show(b.shape)} not aligned: last dim of a ({a.shape[^1]}) " +
                $"!= axis 1 of b ({b.shape[1]})");
        }
        using var a3 = a.dim() == 3 ? a.alias() : a.unsqueeze(1);
        using var b3 = b.dim() == 3 ? b.alias() : b.unsqueeze(2);
        using var c = a3.bmm(b3);
        var shape = new List<long> { a.shape[0] };
        if (a.dim() == 3)
        {
            shape.Add(a.shape[1]);
        }
        if (b.dim() == 3)
        {
            shape.Add(b.shape[2]);
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
                    $"{what}: axis {axis} of {name} is out of range for shape {Show(t.shape)}");
            }
        }
        if (axes.Distinct().Count() != axes.Count)
        {
            throw new ArgumentException($"{what}: repeated axis of {name} in [{string.Join(", ", axes)}]");
        }
    }
}
