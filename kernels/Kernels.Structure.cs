using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>
/// Building and restructuring tensors: shape assertions, broadcasting allocation, eye, join/split, arange,
/// diagonals, repeat and row permutations. Every shape, length and index is checked before the native call.
/// </summary>
public static partial class Kernels
{
    /// <summary>The value of a 0-d integer (or bool) tensor; <paramref name="op"/> and <paramref name="what"/> name it in errors.</summary>
    public static long ScalarLong(Tensor t, string op, string what)
    {
        var dtype = DTypes.FromTorch(t.dtype);
        if (t.dim() != 0 || !dtype.IsDiscrete())
        {
            throw new ArgumentException(
                $"{op}: {what} expected an integer scalar; got {dtype.Name()} of shape {Show(t.Lengths())}");
        }
        using var asLong = t.to_type(ScalarType.Int64);
        return asLong.item<long>();
    }

    /// <summary>The value of a 0-d tensor as a double.</summary>
    public static double ScalarDouble(Tensor t, string op, string what)
    {
        if (t.dim() != 0)
        {
            throw new ArgumentException($"{op}: {what} expected a scalar; got shape {Show(t.Lengths())}");
        }
        using var asDouble = t.to_type(ScalarType.Float64);
        return asDouble.item<double>();
    }

    /// <summary>Aesara's <c>SpecifyShape</c>: x itself (an alias) when its shape matches; null entries are not checked.</summary>
    public static Tensor SpecifyShape(Tensor x, IReadOnlyList<long?> shape)
    {
        bool fits = x.dim() == shape.Count;
        for (int i = 0; fits && i < shape.Count; i++)
        {
            fits = shape[i] is not long n || n == x.Lengths()[i];
        }
        if (!fits)
        {
            var want = "(" + string.Join(", ", shape.Select(n => n?.ToString() ?? "None")) + (shape.Count == 1 ? ",)" : ")");
            throw new ArgumentException($"SpecifyShape: expected shape {want}; got {Show(x.Lengths())}");
        }
        return x.alias();
    }

    /// <summary>
    /// Aesara's <c>Alloc</c>: <paramref name="value"/> broadcast (numpy's rules, aligned on the right) to
    /// <paramref name="shape"/>, as a new contiguous tensor.
    /// </summary>
    public static Tensor Alloc(Tensor value, IReadOnlyList<long> shape)
    {
        if (shape.Any(n => n < 0))
        {
            throw new ArgumentException($"Alloc: expected lengths >= 0; got {Show(shape)}");
        }
        if (value.dim() > shape.Count)
        {
            throw new ArgumentException(
                $"Alloc: the value of shape {Show(value.Lengths())} has more axes than the shape {Show(shape)}");
        }
        for (int i = 1; i <= value.dim(); i++)
        {
            if (value.Lengths()[^i] != 1 && value.Lengths()[^i] != shape[^i])
            {
                throw new ArgumentException(
                    $"Alloc: the value of shape {Show(value.Lengths())} does not broadcast to {Show(shape)}");
            }
        }
        using var spread = value.expand(shape.ToArray());
        return spread.contiguous().clone();
    }

    /// <summary>
    /// Aesara's <c>Eye</c>: an n×m matrix with ones on diagonal <paramref name="k"/> (above the main one when positive),
    /// on <paramref name="device"/> (the CPU when null).
    /// </summary>
    public static Tensor Eye(long n, long m, long k, DType dtype, Device? device = null)
    {
        CheckLengths("Eye", n, m);
        var result = torch.zeros(n, m, dtype: dtype.ToTorch(), device: device ?? torch.CPU);
        if (k < m && -k < n)
        {
            using var diagonal = result.diagonal(k, 0, 1);
            diagonal.fill_(1);
        }
        return result;
    }

    /// <summary>
    /// Aesara's <c>Join</c>: the tensors (of one rank, equal lengths off <paramref name="axis"/>) converted to
    /// <paramref name="dtype"/> and concatenated along <paramref name="axis"/>.
    /// </summary>
    public static Tensor Join(IReadOnlyList<Tensor> xs, int axis, DType dtype)
    {
        if (xs.Count == 0)
        {
            throw new ArgumentException("Join: expected at least one tensor");
        }
        var first = xs[0];
        if (axis < 0 || axis >= first.dim())
        {
            throw new ArgumentException($"Join: axis {axis} is out of range for tensors of rank {first.dim()}");
        }
        for (int i = 1; i < xs.Count; i++)
        {
            bool same = xs[i].dim() == first.dim();
            for (int a = 0; same && a < first.dim(); a++)
            {
                same = a == axis || xs[i].Lengths()[a] == first.Lengths()[a];
            }
            if (!same)
            {
                throw new ArgumentException(
                    $"Join: all the input array dimensions except for the concatenation axis {axis} must match " +
                    $"exactly; input 0 has shape {Show(first.Lengths())} and input {i} has shape {Show(xs[i].Lengths())}");
            }
        }
        using var scope = torch.NewDisposeScope();
        var typed = xs.Select(x => x.to_type(dtype.ToTorch())).ToArray();
        // libtorch's cat of a single tensor returns that tensor itself: Join promises new memory, so copy it.
        var joined = torch.cat(typed, axis);
        return (xs.Count == 1 ? joined.clone() : joined).MoveToOuterDisposeScope();
    }

    /// <summary>Aesara's <c>Split</c>: consecutive pieces of the given lengths along <paramref name="axis"/> (views).</summary>
    public static Tensor[] Split(Tensor x, int axis, IReadOnlyList<long> lengths)
    {
        if (axis < 0 || axis >= x.dim())
        {
            throw new ArgumentException($"Split: axis {axis} is out of range for a tensor of shape {Show(x.Lengths())}");
        }
        if (lengths.Any(n => n < 0) || lengths.Sum() != x.Lengths()[axis])
        {
            throw new ArgumentException(
                $"Split: the split lengths {Show(lengths)} must be >= 0 and add up to the length {x.Lengths()[axis]} of " +
                $"axis {axis} (shape {Show(x.Lengths())})");
        }
        var pieces = new Tensor[lengths.Count];
        long start = 0;
        for (int i = 0; i < pieces.Length; i++)
        {
            pieces[i] = x.narrow(axis, start, lengths[i]);
            start += lengths[i];
        }
        return pieces;
    }

    /// <summary>The number of elements of numpy's <c>arange(start, stop, step)</c>.</summary>
    public static long ARangeLength(double start, double stop, double step)
    {
        if (step == 0 || !double.IsFinite(start) || !double.IsFinite(stop) || !double.IsFinite(step))
        {
            throw new ArgumentException(
                $"ARange: expected finite bounds and a non-zero step; got start={start}, stop={stop}, step={step}");
        }
        return Math.Max(0L, (long)Math.Ceiling((stop - start) / step));
    }

    /// <summary>
    /// numpy's <c>arange</c>: <c>start + i * step</c> for i below the length, in <paramref name="dtype"/>, on the device of
    /// <paramref name="start"/>.
    /// </summary>
    public static Tensor ARange(Tensor start, Tensor stop, Tensor step, DType dtype)
    {
        double a = ScalarDouble(start, "ARange", "start"), b = ScalarDouble(stop, "ARange", "stop"),
            s = ScalarDouble(step, "ARange", "step");
        long n = ARangeLength(a, b, s);
        if (dtype.IsDiscrete())
        {
            long a0 = ScalarLong(start, "ARange", "start"), s0 = ScalarLong(step, "ARange", "step");
            using var steps = torch.arange(n, dtype: ScalarType.Int64, device: start.device);
            using var scaled = steps.mul(s0);
            using var shifted = scaled.add(a0);
            return shifted.to_type(dtype.ToTorch());
        }
        using var i = torch.arange(n, dtype: ScalarType.Float64, device: start.device);
        using var scaledF = i.mul(s);
        using var values = scaledF.add(a);
        return values.to_type(dtype.ToTorch());
    }

    /// <summary>
    /// A tensor whose (<paramref name="axis1"/>, <paramref name="axis2"/>) planes are zero but for diagonal
    /// <paramref name="offset"/>, which holds the last axis of <paramref name="x"/> (numpy's <c>diag</c> of a vector).
    /// </summary>
    public static Tensor AllocDiag(Tensor x, long offset, int axis1, int axis2)
    {
        if (x.dim() < 1)
        {
            throw new ArgumentException($"AllocDiag: expected a tensor of rank >= 1; got shape {Show(x.Lengths())}");
        }
        CheckPlane("AllocDiag", x.dim() + 1, axis1, axis2, x.Lengths());
        return x.diag_embed(offset, axis1, axis2);
    }

    /// <summary>
    /// numpy's <c>repeat</c> along <paramref name="axis"/>: each element repeated <paramref name="repeats"/> times
    /// (a non-negative integer scalar, or a vector with one count per element of that axis).
    /// </summary>
    public static Tensor Repeat(Tensor x, Tensor repeats, int axis)
    {
        if (axis < 0 || axis >= x.dim())
        {
            throw new ArgumentException($"Repeat: axis {axis} is out of range for a tensor of shape {Show(x.Lengths())}");
        }
        var dtype = DTypes.FromTorch(repeats.dtype);
        if (!dtype.IsDiscrete() || dtype == DType.Bool || repeats.dim() > 1)
        {
            throw new ArgumentException(
                $"Repeat: repeats expected an integer scalar or vector; got {dtype.Name()} of shape {Show(repeats.Lengths())}");
        }
        using var counts = repeats.to_type(ScalarType.Int64);
        if (counts.dim() == 1 && counts.Lengths()[0] != x.Lengths()[axis])
        {
            throw new ArgumentException(
                $"Repeat: repeats has {counts.Lengths()[0]} counts but axis {axis} of shape {Show(x.Lengths())} has " +
                $"{x.Lengths()[axis]} elements");
        }
        if (counts.NumberOfElements > 0)
        {
            using var low = counts.min();
            if (low.item<long>() < 0)
            {
                throw new ArgumentException("Repeat: repeats may not contain negative values");
            }
        }
        if (counts.dim() == 0)
        {
            return x.repeat_interleave(counts.item<long>(), axis, null);
        }
        return x.repeat_interleave(counts, axis, null);
    }

    /// <summary>
    /// Aesara's <c>PermuteRowElements</c>: along the last axis, <c>out[..., i] = x[..., y[..., i]]</c>, or with
    /// <paramref name="inverse"/> <c>out[..., y[..., i]] = x[..., i]</c>; x and y have one rank and broadcast on
    /// the other axes, and every row of y is a permutation of 0..n-1.
    /// </summary>
    public static Tensor PermuteRowElements(Tensor x, Tensor y, bool inverse)
    {
        var ydtype = DTypes.FromTorch(y.dtype);
        if (!ydtype.IsDiscrete() || ydtype == DType.Bool || x.dim() != y.dim() || x.dim() < 1)
        {
            throw new ArgumentException(
                $"PermuteRowElements: expected x and an integer permutation y of one rank >= 1; got x of shape " +
                $"{Show(x.Lengths())} and y {ydtype.Name()} of shape {Show(y.Lengths())}");
        }
        long n = x.Lengths()[^1];
        if (y.Lengths()[^1] != n)
        {
            throw new ArgumentException(
                $"PermuteRowElements: the permutation length {y.Lengths()[^1]} differs from the row length {n} of x " +
                $"(shapes {Show(x.Lengths())} and {Show(y.Lengths())})");
        }
        var outer = new long[x.dim()];
        for (int a = 0; a < x.dim() - 1; a++)
        {
            long p = x.Lengths()[a], q = y.Lengths()[a];
            if (p != q && p != 1 && q != 1)
            {
                throw new ArgumentException(
                    $"PermuteRowElements: shapes {Show(x.Lengths())} and {Show(y.Lengths())} do not broadcast on axis {a}");
            }
            outer[a] = p == 1 ? q : p;
        }
        outer[^1] = n;
        using var scope = torch.NewDisposeScope();
        var perm = y.to_type(ScalarType.Int64);
        if (perm.NumberOfElements > 0)
        {
            // Each row must hold every index 0..n-1 once: sorted, it is 0..n-1.
            var (sorted, _) = perm.sort(-1, false, false);
            var expected = torch.arange(n, dtype: ScalarType.Int64, device: perm.device).expand(perm.Lengths());
            if (!sorted.eq(expected).all().item<bool>())
            {
                throw new ArgumentException("PermuteRowElements: y is not a valid permutation of 0..n-1 in every row");
            }
        }
        var xs = x.expand(outer);
        var ys = perm.expand(outer);
        var result = inverse
            ? torch.zeros_like(xs).scatter_(-1, ys, xs.contiguous())
            : xs.gather(-1, ys);
        return result.contiguous().MoveToOuterDisposeScope();
    }

    private static void CheckLengths(string op, long n, long m)
    {
        if (n < 0 || m < 0)
        {
            throw new ArgumentException($"{op}: expected non-negative lengths; got n={n}, m={m}");
        }
    }

    private static void CheckPlane(string op, long rank, int axis1, int axis2, long[] shape)
    {
        if (rank < 2 || axis1 < 0 || axis2 < 0 || axis1 >= rank || axis2 >= rank || axis1 == axis2)
        {
            throw new ArgumentException(
                $"{op}: expected two distinct axes of a tensor of rank >= 2; got axis1={axis1}, axis2={axis2} for " +
                $"shape {Show(shape)}");
        }
    }
}
