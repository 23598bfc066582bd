using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Gradient.Kernels;

/// <summary>
/// The versions of the engine and of what it runs on — for bug reports, <c>python -m sharpgrad --version</c> and the
/// self-checks of the Python wheel and the NuGet sample.
/// </summary>
public static class Versions
{
    /// <summary>The engine's version: the <c>VERSION</c> file of the source tree (all assemblies share it).</summary>
    public static string Gradient => Informational(typeof(Versions).Assembly);

    /// <summary>The .NET runtime running the engine, e.g. <c>.NET 10.0.12</c>.</summary>
    public static string DotNet => RuntimeInformation.FrameworkDescription;

    /// <summary>The TorchSharp assembly's version, e.g. <c>0.107.0</c>.</summary>
    public static string TorchSharp => Informational(typeof(torch).Assembly);

    /// <summary>The libtorch version TorchSharp reports (<c>torch.__version__</c>), e.g. <c>2.10.0</c>.</summary>
    public static string LibTorch => torch.__version__;

    /// <summary>Where TorchSharp was loaded from (in a flat output folder, its native libraries are beside it).
    /// </summary>
    public static string TorchSharpLocation => typeof(torch).Assembly.Location;

    /// <summary>The devices the kernels can use here: <c>cpu</c>, and <c>cuda</c> when libtorch finds a GPU.</summary>
    public static string Devices => torch.cuda.is_available() ? "cpu, cuda" : "cpu";

    /// <summary>One line with every version above.</summary>
    public static string Summary() =>
        $"Gradient {Gradient}; {DotNet}; TorchSharp {TorchSharp}; libtorch {LibTorch}; devices: {Devices}";

    /// <summary>The assembly's informational version without the source-revision suffix (<c>+commit</c>).</summary>
    private static string Informational(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                      ?? assembly.GetName().Version?.ToString() ?? "unknown";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? version[..plus] : version;
    }
}
