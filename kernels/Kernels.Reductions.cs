using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>
/// Reductions beyond sum and max: product, arg-maximum, logical all/any, and the cumulative sum and product. Axes
/// are checked here, before any native call; reductions over several axes reduce one axis at a time or move the
/// reduced axes to the end and flatten them.
/// </summary>
public static partial class Kernels
{
    /// <summary>Product over <paramref name="axes"/> (all axes when null), in <paramref name="dtype"/>; 1 over empty axes.</summary>
    public static Tensor Prod(Tensor x, long[]? axes, DType dtype)
    {
        var dims = CheckAxes("prod", x, axes);
        using var cast = Cast(x, dtype);
        if (axes is null)
        {
            return cast.prod(dtype.ToTorch());
        }
        return ReduceEach(cast, dims, (t, a) => t.prod(a, keepdim: false, type: dtype.ToTorch()));
    }

    /// <summary>
    /// Position of the maximum over <paramref name="axes"/> (all axes when null) as int64, counted in the row-major
    /// flattening of the reduced axes (numpy's and Aesara's convention); the first position wins ties.
    /// </summary>
    public static Tensor Argmax(Tensor x, long[]? axes)
    {
        var dims = CheckAxes("argmax", x, axes);
        foreach (long a in dims)
        {
            if (x.Lengths()[a] == 0)
            {
                throw new ArgumentException(
                    $"argmax: attempt to get argmax of an empty sequence (shape {Show(x.Lengths())}, axis {a})", nameof(x));
            }
        }
        if (dims.Length == 0)
        {
            return torch.zeros(x.Lengths(), ScalarType.Int64, device: x.device);
        }
        // libtorch has no argmax for booleans: compare them as bytes.
        using var comparable = x.dtype == ScalarType.Bool ? x.to_type(ScalarType.Byte) : x.alias();
        using var flat = MoveToEndAndFlatten(comparable, dims);
        return flat.argmax(-1, keepdim: false);
    }

    /// <summary>True where every element over <paramref name="axes"/> is non-zero (all axes when null).</summary>
    public static Tensor All(Tensor x, long[]? axes) => Logical("all", x, axes, (t, a) => t.all(a, keepdim: false));

    /// <summary>True where some element over <paramref name="axes"/> is non-zero (all axes when null).</summary>
    public static Tensor Any(Tensor x, long[]? axes) => Logical("any", x, axes, (t, a) => t.any(a, keepdim: false));

    /// <summary>
    /// Cumulative sum (<paramref name="product"/> false) or product along <paramref name="axis"/>, or along the
    /// row-major flattening when it is null, in <paramref name="dtype"/>. Booleans accumulate as int64 and convert
    /// back (a cumulative or / and), as numpy does when it writes into a boolean output.
    /// </summary>
    public static Tensor Cumulative(Tensor x, int? axis, bool product, DType dtype)
    {
        string what = product ? "cumprod" : "cumsum";
        if (axis is int a && (a < 0 || a >= x.dim()))
        {
            throw new ArgumentException($"{what}: axis {a} is out of range for a tensor of shape {Show(x.Lengths())}",
                nameof(axis));
        }
        var compute = dtype == DType.Bool ? ScalarType.Int64 : dtype.ToTorch();
        using var source = axis is null ? x.reshape(-1) : x.alias();
        long dim = axis ?? 0;
        using var result = product ? source.cumprod(dim, compute) : source.cumsum(dim, compute);
        return result.to_type(dtype.ToTorch(), copy: true);
    }

    private static long[] CheckAxes(string what, Tensor x, long[]? axes)
    {
        var dims = axes ?? Enumerable.Range(0, (int)x.dim()).Select(a => (long)a).ToArray();
        foreach (long axis in dims)
        {
            if (axis < 0 || axis >= x.dim())
            {
                throw new ArgumentException(
                    $"{what}: axis {axis} is out of range for a tensor of shape {Show(x.Lengths())}", nameof(axes));
            }
        }
        if (dims.Distinct().Count() != dims.Length)
        {
            throw new ArgumentException($"{what}: repeated axis in [{string.Join(", ", dims)}]", nameof(axes));
        }
        return dims;
    }

    /// <summary>Reduces the axes one by one, the highest first so that the lower numbers stay valid.</summary>
    private static Tensor ReduceEach(Tensor x, long[] dims, Func<Tensor, long, Tensor> reduce)
    {
        var result = x.clone();
        foreach (long axis in dims.OrderDescending())
        {
            var next = reduce(result, axis);
            result.Dispose();
            result = next;
        }
        return result;
    }

    /// <summary>The kept axes in order, then the reduced axes joined into one last axis.</summary>
    private static Tensor MoveToEndAndFlatten(Tensor x, long[] dims)
    {
        var kept = Enumerable.Range(0, (int)x.dim()).Select(a => (long)a).Where(a => !dims.Contains(a)).ToArray();
        var sorted = dims.Order().ToArray();
        using var moved = x.permute(kept.Concat(sorted).ToArray());
        var shape = kept.Select(a => x.Lengths()[a]).Append(sorted.Aggregate(1L, (n, a) => n * x.Lengths()[a])).ToArray();
        return moved.reshape(shape);
    }

    private static Tensor Logical(string what, Tensor x, long[]? axes, Func<Tensor, long, Tensor> reduce)
    {
        var dims = CheckAxes(what, x, axes);
        using var truth = x.dtype == ScalarType.Bool ? x.alias() : x.ne(0);
        return ReduceEach(truth, dims, reduce);
    }
}
