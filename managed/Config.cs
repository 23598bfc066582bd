using Gradient.Kernels;
using TorchSharp;

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

    /// <summary>
    /// The device compiled functions run on unless <see cref="Compile.CompileOptions.Device"/> names another:
    /// <c>cpu</c> (the default), <c>cuda</c> (GPU 0), <c>cuda:N</c> or Aesara's <c>cudaN</c>. Reading it gives the
    /// canonical name (<c>cpu</c>, <c>cuda:N</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A name that is not a device.</exception>
    /// <exception cref="DeviceUnavailableException">A CUDA device this process cannot use; the message says why.</exception>
    public static string Device
    {
        get => Devices.Name(s_device);
        set
        {
            var device = Devices.Parse(value, "config.device");
            Devices.Require(device, "config.device", value);
            s_device = device;
        }
    }

    /// <summary>The <see cref="Device"/> as a torch device.</summary>
    internal static torch.Device TorchDevice => s_device;

    private static DType s_floatX = DType.Float64;
    private static torch.Device s_device = torch.CPU;
}
