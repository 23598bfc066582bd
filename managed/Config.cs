using Gradient.Kernels;

namespace Gradient;

/// <summary>Explicit, process-wide settings (Aesara's <c>config</c>).</summary>
public static class Config
{
    /// <summary>The float type of un-prefixed constructors and of bare float constants; float64 by default.</summary>
    public static DType FloatX
    {
        get => s_floatX;
        set => s_floatX = value is DType.Float32 or DType.Float64
            ? value
            : throw new ArgumentException($"floatX: expected float32 or float64; got {value.Name()}", nameof(value));
    }

    private static DType s_floatX = DType.Float64;
}
