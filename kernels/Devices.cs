using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Kernels;

/// <summary>
/// A device was asked for that this process cannot use: CUDA when libtorch has no CUDA backend or sees no GPU, or a
/// CUDA index past the last GPU. The message says what was looked for and where. (An <see cref="ArgumentException"/>:
/// Python sees a ValueError.)
/// </summary>
public sealed class DeviceUnavailableException(string message) : ArgumentException(message);

/// <summary>
/// The devices graphs run on: <c>cpu</c> and <c>cuda</c> (<c>cuda:N</c>, and Aesara's spelling <c>cudaN</c>). Names are
/// parsed and checked here, before any tensor is placed; <see cref="Require"/> asks libtorch (through TorchSharp) whether
/// a device can be used and, when it cannot, explains why.
/// </summary>
public static partial class Devices
{
    private static readonly Lazy<(bool Available, int Count, string? Failure)> s_cuda = new(ProbeCuda);

    /// <summary>The CPU.</summary>
    public static Device Cpu => torch.CPU;

    /// <summary>
    /// The device named <paramref name="name"/>: <c>cpu</c>, <c>cuda</c> (GPU 0), <c>cuda:N</c> or Aesara's <c>cudaN</c>.
    /// Only the spelling is checked; <see cref="Require"/> checks that the device exists.
    /// </summary>
    /// <exception cref="ArgumentException">Any other name; <paramref name="what"/> names the setting in the message.</exception>
    public static Device Parse(string name, string what = "device")
    {
        ArgumentNullException.ThrowIfNull(name, what);
        if (name == "cpu")
        {
            return torch.CPU;
        }
        if (CudaName().Match(name) is { Success: true } m)
        {
            var index = m.Groups["index"].Value;
            return new Device(DeviceType.CUDA, index.Length == 0 ? 0 : int.Parse(index, System.Globalization.CultureInfo.InvariantCulture));
        }
        throw new ArgumentException(
            $"{what}: expected 'cpu', 'cuda', 'cuda:N' or Aesara's 'cudaN' (N a GPU number); got '{name}'");
    }

    /// <summary>The canonical name of <paramref name="device"/>: <c>cpu</c> or <c>cuda:N</c>.</summary>
    public static string Name(Device device) =>
        device.type == DeviceType.CPU ? "cpu" : $"{device.type.ToString().ToLowerInvariant()}:{Math.Max(device.index, 0)}";

    /// <summary>Whether <paramref name="t"/> lives on <paramref name="device"/> (CUDA without an index means GPU 0).</summary>
    public static bool IsOn(Tensor t, Device device)
    {
        var type = t.device_type;
        return type == device.type && (type == DeviceType.CPU || t.device_index == Math.Max(device.index, 0));
    }

    /// <summary>
    /// A new handle on <paramref name="t"/>'s data on <paramref name="device"/>: an alias when it is there already, else a
    /// copy. The caller disposes it.
    /// </summary>
    public static Tensor To(Tensor t, Device device) => IsOn(t, device) ? t.alias() : t.to(device);

    /// <summary>Whether libtorch can run kernels on a CUDA GPU in this process (asked once).</summary>
    public static bool CudaAvailable => s_cuda.Value.Available;

    /// <summary>How many CUDA GPUs libtorch sees (0 without a CUDA backend).</summary>
    public static int CudaDeviceCount => s_cuda.Value.Count;

    /// <summary>
    /// Checks that <paramref name="device"/> can be used here. The CPU always can; CUDA needs libtorch's CUDA backend
    /// (libtorch_cuda.so, found by TorchSharp next to TorchSharp.dll or on the library path) and a GPU of that index.
    /// </summary>
    /// <exception cref="DeviceUnavailableException">
    /// It cannot; the message names the device as <paramref name="spelling"/> (its canonical name when null) and says
    /// what was looked for, and where.
    /// </exception>
    public static void Require(Device device, string what = "device", string? spelling = null)
    {
        string asked = spelling ?? Name(device);
        if (device.type == DeviceType.CPU)
        {
            return;
        }
        if (device.type != DeviceType.CUDA)
        {
            throw new DeviceUnavailableException($"{what}: '{asked}' is not a device graphs run on; use 'cpu' or 'cuda'");
        }
        var (available, count, failure) = s_cuda.Value;
        if (!available)
        {
            throw new DeviceUnavailableException($"{what}: '{asked}' was asked for, but CUDA is not available: " +
                                                 CudaReport(failure) + ". Use device 'cpu' here.");
        }
        if (Math.Max(device.index, 0) >= count)
        {
            throw new DeviceUnavailableException(
                $"{what}: '{asked}' was asked for, but libtorch sees {count} CUDA GPU(s) (cuda:0 to cuda:{count - 1})");
        }
    }

    /// <summary>What TorchSharp reports about CUDA and which libraries it looked for, in one sentence.</summary>
    public static string CudaReport() => CudaReport(s_cuda.Value.Failure);

    private static string CudaReport(string? failure)
    {
        var (available, count, _) = s_cuda.Value;
        string torchSharpDir = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? "";
        var searched = new List<string> { torchSharpDir };
        var ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        searched.AddRange((ldPath ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        var found = searched.Select(d => Path.Combine(d, "libtorch_cuda.so")).FirstOrDefault(File.Exists);
        var backend = Path.Combine(torchSharpDir, "libLibTorchSharp.so");
        string cudaLibrary = found is null
            ? $"libtorch's CUDA library libtorch_cuda.so was looked for next to TorchSharp.dll ({torchSharpDir}) and on " +
              $"LD_LIBRARY_PATH ({(string.IsNullOrEmpty(ldPath) ? "unset" : ldPath)}) and not found, so the LibTorchSharp " +
              $"backend ({backend}) runs on libtorch's CPU libraries only"
            : $"libtorch's CUDA library was found at {found} (LibTorchSharp backend {backend})";
        string state = failure is not null
            ? $"asking TorchSharp's torch.cuda.is_available() failed ({failure})"
            : $"TorchSharp's torch.cuda.is_available() is {(available ? "true" : "false")} and torch.cuda.device_count() is {count}";
        string hint = found is null
            ? "; to use a GPU, put the lib folder of a CUDA build of libtorch (e.g. PyTorch's torch/lib) on LD_LIBRARY_PATH " +
              "before the process starts (see `make gpu-bundle`)"
            : available ? "" : "; libtorch found no usable GPU (no NVIDIA driver, or no GPU on this machine)";
        return $"{state}; {cudaLibrary}{hint}";
    }

    private static (bool, int, string?) ProbeCuda()
    {
        try
        {
            bool available = torch.cuda.is_available();
            return (available, available ? torch.cuda.device_count() : 0, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (false, 0, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}");
        }
    }

    [GeneratedRegex(@"\Acuda(?::?(?<index>[0-9]+))?\z")]
    private static partial Regex CudaName();
}
