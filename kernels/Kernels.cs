using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>
/// Checked libtorch calls. Every check that protects the process (shape and rank agreement before a native call
/// that could abort) happens here, before the call, and fails with an <see cref="ArgumentException"/> naming the
/// operation, what it expected and what it got.
/// </summary>
public static partial class Kernels
{
    /// <summary>
    /// The lengths of <paramref name="t"/>'s axes. Used instead of TorchSharp's <c>shape</c>, which calls back into .NET
    /// to allocate its array and costs about twenty times as much; this sits on every call's hot path.
    /// </summary>
    public static long[] Lengths(this Tensor t)
    {
        var lengths = new long[t.dim()];
        for (int i = 0; i < lengths.Length; i++)
        {
            lengths[i] = t.size(i);
        }
        return lengths;
    }

    /// <summary>Element-wise sum.</summary>
    public static Tensor Add(Tensor a, Tensor b) => a.add(b);

    /// <summary>Element-wise difference.</summary>
    public static Tensor Sub(Tensor a, Tensor b) => a.sub(b);

    /// <summary>Element-wise product.</summary>
    public static Tensor Mul(Tensor a, Tensor b) => a.mul(b);

    /// <summary>Element-wise true division.</summary>
    public static Tensor Div(Tensor a, Tensor b) => a.div(b);

    /// <summary>Element-wise power.</summary>
    public static Tensor Pow(Tensor a, Tensor b) => a.pow(b);

    /// <summary>Element-wise negation.</summary>
    public static Tensor Neg(Tensor x) => x.neg();

    /// <summary>Element-wise natural exponential.</summary>
    public static Tensor Exp(Tensor x) => x.exp();

    /// <summary>Element-wise natural logarithm.</summary>
    public static Tensor Log(Tensor x) => x.log();

    /// <summary>Element-wise hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor x) => x.tanh();

    /// <summary>Element-wise square.</summary>
    public static Tensor Square(Tensor x) => x.square();

    /// <summary>Broadcasts <paramref name="value"/> to the shape of <paramref name="like"/> (Aesara's <c>second</c>).</summary>
    public static Tensor Fill(Tensor like, Tensor value) => value.expand(BroadcastShape("second", like, value));

    /// <summary>Converts <paramref name="x"/> to <paramref name="dtype"/>; returns a new handle even when no conversion is needed.</summary>
    public static Tensor Cast(Tensor x, DType dtype) =>
        x.dtype == dtype.ToTorch() ? x.alias() : x.to_type(dtype.ToTorch());

    /// <summary>Sum over <paramref name="axes"/> (all axes when null), in <paramref name="dtype"/>.</summary>
    public static Tensor Sum(Tensor x, long[]? axes, DType dtype)
    {
        if (axes is null)
        {
            return x.sum(dtype.ToTorch());
        }
        foreach (long axis in axes)
        {
            if (axis < 0 || axis >= x.dim())
            {
                throw new ArgumentException($"sum: axis {axis} is out of range for a tensor of rank {x.dim()}", nameof(axes));
            }
        }
        return axes.Length == 0 ? Cast(x, dtype) : x.sum(axes, keepdim: false, type: dtype.ToTorch());
    }

    /// <summary>
    /// numpy's <c>dot</c> for ranks 1 and 2 (inner product, matrix-vector, vector-matrix, matrix-matrix). Shapes are
    /// checked first: libtorch's matmul aborts the process on a mismatch.
    /// </summary>
    public static Tensor Dot(Tensor a, Tensor b)
    {
        long rankA = a.dim(), rankB = b.dim();
        if (rankA is < 1 or > 2 || rankB is < 1 or > 2)
        {
            throw new ArgumentException(
                $"dot: expected operands of rank 1 or 2; got shapes {Show(a.Lengths())} and {Show(b.Lengths())}");
        }
        long inner = a.size((int)rankA - 1);
        long other = b.size(0);
        if (inner != other)
        {
            throw new ArgumentException(
                $"dot: shapes {Show(a.Lengths())} and {Show(b.Lengths())} not aligned: " +
                $"last dim of a ({inner}) != first dim of b ({other})");
        }
        if (a.dtype != b.dtype)
        {
            throw new ArgumentException($"dot: expected operands of one dtype; got {a.dtype} and {b.dtype}");
        }
        // mm and mv skip matmul's dispatch on ranks; a transposed view goes to BLAS as a flag, not a copy.
        return (rankA, rankB) switch
        {
            (1, 1) => a.dot(b),
            (2, 2) => a.mm(b),
            (2, 1) => a.mv(b),
            _ => a.matmul(b),
        };
    }

    /// <summary>
    /// Aesara's <c>DimShuffle</c>: <paramref name="order"/> lists, for each output axis, the input axis it takes or
    /// -1 for a new axis of length 1; input axes not listed must have length 1 and are dropped.
    /// </summary>
    public static Tensor DimShuffle(Tensor x, IReadOnlyList<int> order)
    {
        int rank = (int)x.dim();
        // The two shapes every layer of a network runs: a matrix transposed, and a vector made a row. One view each.
        if (rank == 2 && order is [1, 0])
        {
            return x.t();
        }
        if (rank == 1 && order is [-1, 0])
        {
            return x.unsqueeze(0);
        }
        Span<bool> listed = stackalloc bool[rank];
        foreach (int axis in order)
        {
            if (axis >= rank)
            {
                throw new ArgumentException(
                    $"dimshuffle: order [{string.Join(", ", order)}] names axis {axis} of a tensor of rank {rank}");
            }
            if (axis >= 0)
            {
                listed[axis] = true;
            }
        }
        int remaining = 0;
        for (int axis = 0; axis < rank; axis++)
        {
            if (listed[axis])
            {
                remaining++;
            }
            else if (x.size(axis) != 1)
            {
                throw new ArgumentException(
                    $"dimshuffle: cannot drop axis {axis} of shape {Show(x.Lengths())}: its length is not 1");
            }
        }
        // Drop the unlisted length-1 axes, then permute what remains, then insert the new axes; every intermediate
        // view is disposed here, so only the result reaches the caller's scope.
        var kept = new long[remaining];
        var position = new int[rank]; // input axis -> its index among the kept axes
        for (int axis = 0, k = 0; axis < rank; axis++)
        {
            if (listed[axis])
            {
                position[axis] = k;
                kept[k++] = x.size(axis);
            }
        }
        var y = remaining == rank ? x.alias() : x.reshape(kept);
        var perm = new long[remaining];
        bool identity = true;
        for (int i = 0, k = 0; i < order.Count; i++)
        {
            if (order[i] >= 0)
            {
                perm[k] = position[order[i]];
                identity &= perm[k] == k;
                k++;
            }
        }
        if (!identity)
        {
            using var before = y;
            y = y.permute(perm);
        }
        for (int i = 0; i < order.Count; i++)
        {
            if (order[i] < 0)
            {
                using var before = y;
                y = y.unsqueeze(i);
            }
        }
        return y;
    }

    /// <summary>A 0-d tensor holding <paramref name="value"/>, on the CPU (a graph constant; functions move it).</summary>
    public static Tensor Scalar(double value, DType dtype) => dtype.IsFloat()
        ? torch.tensor(value, dtype.ToTorch()) // host: a graph constant
        : torch.tensor((long)value, dtype.ToTorch()); // host: a graph constant

    /// <summary>
    /// The values of an integer (or bool) tensor as int64, read on the host: a tensor on another device is copied to
    /// the CPU first (TorchSharp reads only CPU memory).
    /// </summary>
    public static long[] HostLongs(Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var values = t.to_type(ScalarType.Int64);
        if (values.device_type != DeviceType.CPU)
        {
            values = values.cpu();
        }
        return values.data<long>().ToArray();
    }

    /// <summary>
    /// Copies a C-contiguous block of memory into a new tensor on the CPU. Used by the Python bridge (numpy arrays
    /// arrive as a pointer, shape and dtype); compiled functions move their inputs to their device themselves.
    /// </summary>
    public static unsafe Tensor FromPointer(IntPtr data, long[] shape, DType dtype)
    {
        foreach (long n in shape)
        {
            if (n < 0)
            {
                throw new ArgumentException($"shape: expected non-negative lengths; got {Show(shape)}", nameof(shape));
            }
        }
        var t = torch.empty(shape, dtype.ToTorch()); // host: filled from host memory
        long bytes = t.NumberOfElements * dtype.ItemSize();
        if (bytes > 0)
        {
            new ReadOnlySpan<byte>((void*)data, checked((int)bytes)).CopyTo(t.bytes);
        }
        return t;
    }

    /// <summary>Copies <paramref name="t"/> (made contiguous on the CPU) to <paramref name="destination"/>.</summary>
    public static unsafe void CopyToPointer(Tensor t, IntPtr destination)
    {
        using var scope = torch.NewDisposeScope();
        // A sparse result is handed over densely (numpy has no sparse arrays; scipy is not a dependency).
        var c = (t.is_sparse ? t.to_dense() : t).cpu().contiguous();
        long bytes = c.NumberOfElements * DTypes.FromTorch(c.dtype).ItemSize();
        if (bytes > 0)
        {
            c.bytes.CopyTo(new Span<byte>((void*)destination, checked((int)bytes)));
        }
    }

    /// <summary>Formats a shape as numpy prints it: <c>(3, 4)</c>, <c>(3,)</c>, <c>()</c>.</summary>
    public static string Show(IReadOnlyList<long> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
}
