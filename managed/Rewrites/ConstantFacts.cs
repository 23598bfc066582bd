using System.Runtime.CompilerServices;
using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Rewrites;

/// <summary>
/// What the rewrites ask of a constant — a hash of its value, its bytes when small, the single value all its
/// elements share if any — computed once per constant (constants are immutable) and remembered for as long as the
/// constant lives, so that rewriting a graph with many constants does not call into libtorch for each question.
/// </summary>
internal sealed class ConstantFacts
{
    /// <summary>Constants up to this many bytes are hashed and compared by their bytes.</summary>
    private const int SmallBytes = 4096;

    private static readonly ConditionalWeakTable<Constant, ConstantFacts> s_facts = [];

    private ConstantFacts(int hash, byte[]? bytes, double? uniform)
    {
        Hash = hash;
        Bytes = bytes;
        Uniform = uniform;
    }

    /// <summary>A hash of dtype, weakness, shape and (for small constants) value.</summary>
    public int Hash { get; }

    /// <summary>The row-major bytes of a small constant; null for a large one.</summary>
    public byte[]? Bytes { get; }

    /// <summary>The value every element equals, as a double; null when they differ, for none, or for complex ones.</summary>
    public double? Uniform { get; }

    /// <summary>The facts of <paramref name="c"/>.</summary>
    public static ConstantFacts Of(Constant c) => s_facts.GetValue(c, Compute);

    private static ConstantFacts Compute(Constant c)
    {
        var value = c.Value;
        var hash = new HashCode();
        hash.Add(c.DType);
        hash.Add(c.IsWeak);
        foreach (var n in c.Type.Shape)
        {
            hash.Add(n);
        }
        long elements = value.NumberOfElements;
        if (elements * value.ElementSize > SmallBytes)
        {
            return new ConstantFacts(hash.ToHashCode(), null, NativeUniform(value, c.DType));
        }
        byte[] bytes;
        if (value.is_contiguous())
        {
            bytes = value.bytes.ToArray();
        }
        else
        {
            using var scope = torch.NewDisposeScope();
            bytes = value.contiguous().bytes.ToArray();
        }
        hash.AddBytes(bytes);
        return new ConstantFacts(hash.ToHashCode(), bytes, elements == 0 ? null : ManagedUniform(bytes, c.DType));
    }

    private static double? ManagedUniform(byte[] bytes, DType dtype)
    {
        int size = dtype.ItemSize();
        var first = bytes.AsSpan(0, size);
        for (int at = size; at < bytes.Length; at += size)
        {
            if (!bytes.AsSpan(at, size).SequenceEqual(first))
            {
                return null;
            }
        }
        return dtype switch
        {
            DType.Bool => first[0] != 0 ? 1 : 0,
            DType.Int8 => (sbyte)first[0],
            DType.UInt8 => first[0],
            DType.Int16 => BitConverter.ToInt16(first),
            DType.Int32 => BitConverter.ToInt32(first),
            DType.Int64 => BitConverter.ToInt64(first),
            DType.Float16 => (double)BitConverter.ToHalf(first),
            DType.Float32 => BitConverter.ToSingle(first),
            DType.Float64 => BitConverter.ToDouble(first),
            _ => null,
        };
    }

    private static double? NativeUniform(torch.Tensor value, DType dtype)
    {
        if (dtype.IsComplex() || value.NumberOfElements == 0)
        {
            return null;
        }
        using var scope = torch.NewDisposeScope();
        var flat = value.reshape(-1);
        var first = flat[0];
        if (flat.ne(first).count_nonzero().item<long>() != 0)
        {
            return null;
        }
        return first.to_type(torch.ScalarType.Float64).item<double>();
    }
}
