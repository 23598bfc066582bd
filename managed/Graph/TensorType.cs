using Gradient.Kernels;

namespace Gradient.Graph;

/// <summary>
/// The type of a tensor variable: element type and static shape, with null for a length known only at run time.
/// A static length of 1 makes the axis broadcastable, as in Aesara.
/// </summary>
public sealed class TensorType : IEquatable<TensorType>
{
    /// <summary>Creates a type.</summary>
    public TensorType(DType dtype, IReadOnlyList<long?> shape)
    {
        Guard.Defined(dtype, "TensorType");
        Guard.NotNull(shape, "TensorType");
        DType = dtype;
        Shape = Checked(shape.Count == 0 ? [] : shape.ToArray());
    }

    private TensorType(DType dtype, long?[] shape, bool adopt)
    {
        Guard.Defined(dtype, "TensorType");
        DType = dtype;
        Shape = Checked(shape.Length == 0 ? [] : adopt ? shape : shape.ToArray());
    }

    /// <summary>A type that keeps <paramref name="shape"/>, an array made for it that nothing else changes (no copy).</summary>
    /// <remarks>
    /// Types are immutable and compared by value, so the commonest ones (rank 0, and rank 1 of unknown length or of
    /// length 1) are one instance per dtype: gradients make a type per node by the hundred thousand.
    /// </remarks>
    internal static TensorType Adopt(DType dtype, long?[] shape)
    {
        uint d = (uint)dtype;
        if (d < InternedDTypes && shape.Length <= 1)
        {
            int which = shape.Length == 0 ? 0 : shape[0] is null ? 1 : shape[0] == 1 ? 2 : -1;
            if (which >= 0)
            {
                ref var slot = ref s_interned[d * 3 + which];
                return Volatile.Read(ref slot) ?? Interlocked.CompareExchange(ref slot, new(dtype, shape, adopt: true), null)
                    ?? slot;
            }
        }
        return new(dtype, shape, adopt: true);
    }

    private const int InternedDTypes = 32;
    private static readonly TensorType?[] s_interned = new TensorType?[InternedDTypes * 3];

    private static long?[] Checked(long?[] shape)
    {
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw new ArgumentException($"shape: expected lengths >= 0 or null; got {Show(shape)}", nameof(shape));
            }
        }
        return shape;
    }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>Static shape; null where unknown.</summary>
    public IReadOnlyList<long?> Shape { get; }

    /// <summary>Number of dimensions.</summary>
    public int Ndim => Shape.Count;

    /// <summary>Aesara's broadcastable pattern: true where the static length is 1.</summary>
    public bool[] Broadcastable => Shape.Select(n => n == 1).ToArray();

    /// <summary>Whether <paramref name="other"/> has the same broadcastable pattern (compared without building it).</summary>
    public bool SameBroadcastable(TensorType other)
    {
        if (other.Ndim != Ndim)
        {
            return false;
        }
        for (int i = 0; i < Ndim; i++)
        {
            if ((Shape[i] == 1) != (other.Shape[i] == 1))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The same shape with another element type.</summary>
    public TensorType WithDType(DType dtype) => new(dtype, Shape);

    /// <summary>Checks a run-time shape against the static one.</summary>
    /// <returns>null when it fits, otherwise a sentence saying why not.</returns>
    public string? Mismatch(IReadOnlyList<long> shape)
    {
        if (shape.Count != Ndim)
        {
            return $"expected rank {Ndim} {this}; got rank {shape.Count} with shape {Kernels.Kernels.Show(shape)}";
        }
        for (int i = 0; i < Ndim; i++)
        {
            if (Shape[i] is long n && n != shape[i])
            {
                return $"expected shape {Show(Shape)}; got {Kernels.Kernels.Show(shape)} (axis {i})";
            }
        }
        return null;
    }

    /// <summary>Aesara's spelling, e.g. <c>TensorType(float64, (None, 3))</c>.</summary>
    public override string ToString() => $"TensorType({DType.Name()}, {Show(Shape)})";

    /// <summary>Formats a static shape as Aesara prints it.</summary>
    public static string Show(IReadOnlyList<long?> shape)
    {
        var parts = shape.Select(n => n?.ToString() ?? "None").ToArray();
        return parts.Length == 1 ? $"({parts[0]},)" : "(" + string.Join(", ", parts) + ")";
    }

    /// <inheritdoc/>
    public bool Equals(TensorType? other) =>
        other is not null && other.DType == DType && other.Shape.SequenceEqual(Shape);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorType);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(DType, Ndim);
}
