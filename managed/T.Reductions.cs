using Gradient.Graph;
using Gradient.Kernels;

namespace Gradient;

public static partial class T
{
    /// <summary>Sum over <paramref name="axes"/> (negative count from the end), keeping them with length 1 on request.</summary>
    public static Variable Sum(Variable x, IReadOnlyList<int> axes, bool keepdims)
    {
        Guard.NotNull(x);
        Guard.NotNull(axes);
        var normal = NormalAxes(x, axes, "sum");
        return KeepDims(new Ops.Sum(normal).Call(x), x.Ndim, normal, keepdims);
    }

    /// <summary>
    /// The mean over all axes (<paramref name="axes"/> null) or over <paramref name="axes"/>, as Aesara computes it:
    /// the sum divided by the number of elements, cast to float32 when the sum is float16, float32 or complex64 and to
    /// float64 otherwise (so integer inputs give float64, float32 stays float32); float16 is summed in float32 and the
    /// mean cast back to float16.
    /// </summary>
    public static Variable Mean(Variable x, IReadOnlyList<int>? axes = null, bool keepdims = false)
    {
        Guard.NotNull(x);
        if (x.DType == DType.Float16)
        {
            // As Aesara: float16 overflows too easily, so the sum runs in float32 and the mean is cast back.
            return Cast(Mean(Cast(x, DType.Float32), axes, keepdims), DType.Float16);
        }
        var normal = axes is null ? Enumerable.Range(0, x.Ndim).ToArray() : NormalAxes(x, axes, "mean");
        var sum = KeepDims(new Ops.Sum(axes is null ? null : normal).Call(x), x.Ndim, normal, keepdims);
        var countType = sum.DType is DType.Float16 or DType.Float32 or DType.Complex64 ? DType.Float32 : DType.Float64;
        Variable? count = null;
        foreach (int a in normal)
        {
            var n = ShapeI(x, a);
            count = count is null ? n : count * n;
        }
        if (count is null)
        {
            return sum.DType.IsDiscrete() ? Cast(sum, countType) : sum;
        }
        return TrueDiv(sum, Cast(count, countType));
    }

    /// <summary>The mean over one axis.</summary>
    public static Variable Mean(Variable x, int axis, bool keepdims = false) => Mean(x, [axis], keepdims);

    /// <summary>The maximum over all axes (<paramref name="axes"/> null) or over <paramref name="axes"/>.</summary>
    public static Variable Max(Variable x, IReadOnlyList<int>? axes = null, bool keepdims = false)
    {
        Guard.NotNull(x);
        var normal = axes is null ? Enumerable.Range(0, x.Ndim).ToArray() : NormalAxes(x, axes, "max");
        return KeepDims(new Ops.Max(axes is null ? null : normal).Call(x), x.Ndim, normal, keepdims);
    }

    /// <summary>The maximum over one axis.</summary>
    public static Variable Max(Variable x, int axis, bool keepdims = false) => Max(x, [axis], keepdims);

    private static int[] NormalAxes(Variable x, IReadOnlyList<int> axes, string fn)
    {
        var normal = axes.Select(a => a < 0 ? a + x.Ndim : a).ToArray();
        if (normal.Any(a => a < 0 || a >= x.Ndim) || normal.Distinct().Count() != normal.Length)
        {
            throw new ArgumentException(
                $"{fn}: expected distinct axes in [{-x.Ndim}, {x.Ndim}) for {x.Type}; got [{string.Join(", ", axes)}]",
                nameof(axes));
        }
        return normal.Order().ToArray();
    }

    private static Variable KeepDims(Variable reduced, int ndim, int[] axes, bool keepdims)
    {
        if (!keepdims)
        {
            return reduced;
        }
        int kept = 0;
        return DimShuffle(reduced, Enumerable.Range(0, ndim).Select(a => axes.Contains(a) ? -1 : kept++).ToArray());
    }
}
