using TorchSharp;

namespace Gradient.Kernels;

/// <summary>Element types, named as numpy and Aesara name them.</summary>
public enum DType
{
    /// <summary>Boolean.</summary>
    Bool,
    /// <summary>8-bit signed integer.</summary>
    Int8,
    /// <summary>16-bit signed integer.</summary>
    Int16,
    /// <summary>32-bit signed integer.</summary>
    Int32,
    /// <summary>64-bit signed integer.</summary>
    Int64,
    /// <summary>8-bit unsigned integer.</summary>
    UInt8,
    /// <summary>Half-precision float.</summary>
    Float16,
    /// <summary>Single-precision float.</summary>
    Float32,
    /// <summary>Double-precision float.</summary>
    Float64,
    /// <summary>Complex of two float32.</summary>
    Complex64,
    /// <summary>Complex of two float64.</summary>
    Complex128,
}

/// <summary>Names, kinds, promotion and torch mapping of <see cref="DType"/>.</summary>
public static class DTypes
{
    private static readonly string[] s_names =
        ["bool", "int8", "int16", "int32", "int64", "uint8", "float16", "float32", "float64", "complex64", "complex128"];

    /// <summary>The numpy name, e.g. <c>float64</c>.</summary>
    public static string Name(this DType dtype) =>
        (uint)dtype < (uint)s_names.Length ? s_names[(int)dtype] : $"DType {(int)dtype}";

    /// <summary>Parses a numpy dtype name.</summary>
    /// <exception cref="ArgumentException">The name is not a supported dtype.</exception>
    public static DType Parse(string name)
    {
        int i = Array.IndexOf(s_names, name);
        if (i < 0)
        {
            throw new ArgumentException($"dtype: expected one of {string.Join(", ", s_names)}; got '{name}'", nameof(name));
        }
        return (DType)i;
    }

    /// <summary>True for float16, float32 and float64.</summary>
    public static bool IsFloat(this DType dtype) => dtype is DType.Float16 or DType.Float32 or DType.Float64;

    /// <summary>True for complex64 and complex128.</summary>
    public static bool IsComplex(this DType dtype) => dtype is DType.Complex64 or DType.Complex128;

    /// <summary>True for bool and the integer types: values whose gradients are never integer-typed.</summary>
    public static bool IsDiscrete(this DType dtype) => !dtype.IsFloat() && !dtype.IsComplex();

    /// <summary>Size of one element in bytes.</summary>
    public static int ItemSize(this DType dtype) => dtype switch
    {
        DType.Bool or DType.Int8 or DType.UInt8 => 1,
        DType.Int16 or DType.Float16 => 2,
        DType.Int32 or DType.Float32 => 4,
        DType.Int64 or DType.Float64 or DType.Complex64 => 8,
        _ => 16,
    };

    /// <summary>The torch scalar type.</summary>
    public static torch.ScalarType ToTorch(this DType dtype) => dtype switch
    {
        DType.Bool => torch.ScalarType.Bool,
        DType.Int8 => torch.ScalarType.Int8,
        DType.Int16 => torch.ScalarType.Int16,
        DType.Int32 => torch.ScalarType.Int32,
        DType.Int64 => torch.ScalarType.Int64,
        DType.UInt8 => torch.ScalarType.Byte,
        DType.Float16 => torch.ScalarType.Float16,
        DType.Float32 => torch.ScalarType.Float32,
        DType.Float64 => torch.ScalarType.Float64,
        DType.Complex64 => torch.ScalarType.ComplexFloat32,
        _ => torch.ScalarType.ComplexFloat64,
    };

    /// <summary>The dtype of a torch scalar type.</summary>
    /// <exception cref="ArgumentException">The torch type has no counterpart (e.g. bfloat16).</exception>
    public static DType FromTorch(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Bool => DType.Bool,
        torch.ScalarType.Int8 => DType.Int8,
        torch.ScalarType.Int16 => DType.Int16,
        torch.ScalarType.Int32 => DType.Int32,
        torch.ScalarType.Int64 => DType.Int64,
        torch.ScalarType.Byte => DType.UInt8,
        torch.ScalarType.Float16 => DType.Float16,
        torch.ScalarType.Float32 => DType.Float32,
        torch.ScalarType.Float64 => DType.Float64,
        torch.ScalarType.ComplexFloat32 => DType.Complex64,
        torch.ScalarType.ComplexFloat64 => DType.Complex128,
        _ => throw new ArgumentException($"tensor dtype: expected a numpy-compatible type; got {type}", nameof(type)),
    };

    /// <summary>The smallest dtype both values fit in, as numpy's <c>result_type</c> for arrays.</summary>
    public static DType Promote(DType a, DType b)
    {
        if (a == b)
        {
            return a;
        }
        if (a.IsComplex() || b.IsComplex())
        {
            bool wide = a == DType.Complex128 || b == DType.Complex128 || a == DType.Float64 || b == DType.Float64
                        || a is DType.Int32 or DType.Int64 || b is DType.Int32 or DType.Int64;
            return wide ? DType.Complex128 : DType.Complex64;
        }
        if (a.IsFloat() || b.IsFloat())
        {
            var (f, other) = a.IsFloat() ? (a, b) : (b, a);
            if (other.IsFloat())
            {
                return (DType)Math.Max((int)a, (int)b);
            }
            // An integer operand widens the float so that its values fit, as numpy does.
            int needBits = other switch { DType.Bool or DType.Int8 or DType.UInt8 => 0, DType.Int16 => 32, _ => 64 };
            int bits = f switch { DType.Float16 => 16, DType.Float32 => 32, _ => 64 };
            return Math.Max(bits, needBits) switch { 16 => DType.Float16, 32 => DType.Float32, _ => DType.Float64 };
        }
        if (a == DType.Bool)
        {
            return b;
        }
        if (b == DType.Bool)
        {
            return a;
        }
        if (a == DType.UInt8 || b == DType.UInt8)
        {
            var signed = a == DType.UInt8 ? b : a;
            return signed == DType.Int8 ? DType.Int16 : signed;
        }
        return (DType)Math.Max((int)a, (int)b);
    }

    /// <summary>
    /// The float type a transcendental function of <paramref name="dtype"/> returns: floats stay, small integers
    /// give float32 and wide ones float64 (Aesara's <c>upgrade_to_float</c>).
    /// </summary>
    public static DType UpgradeToFloat(this DType dtype) => dtype switch
    {
        DType.Float16 or DType.Float32 or DType.Float64 or DType.Complex64 or DType.Complex128 => dtype,
        DType.Bool or DType.Int8 or DType.UInt8 or DType.Int16 => DType.Float32,
        _ => DType.Float64,
    };

    /// <summary>True when every value of <paramref name="from"/> is exactly representable in <paramref name="to"/>.</summary>
    public static bool CanCastSafely(DType from, DType to) => Promote(from, to) == to;
}
