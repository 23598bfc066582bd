using System.Runtime.InteropServices;

namespace Gradient.Kernels;

/// <summary>
/// glibc's malloc settings for the memory of CPU tensors, set once when the first function is compiled.
/// </summary>
/// <remarks>
/// libtorch's CPU allocator asks malloc for every tensor and frees it when the tensor dies. glibc serves blocks of
/// 128 KiB and more with <c>mmap</c> until it has freed such a block (each freed one raises the threshold to its size,
/// up to 32 MiB) and returns a free heap top of more than twice the threshold to the system. A compiled function
/// called in a loop frees most of its buffers at the end of each call, so with those defaults the next call gets its
/// memory from the system again, page by zeroed page: about 1,200 page faults per call of the benchmark's 10-layer
/// MLP gradient in float64 (64 × 256 activations are 128 KiB, right at the threshold), ~10 % of the call. Setting
/// the two thresholds to where glibc's own scheme ends (32 MiB, and twice that for the trim) keeps those buffers in
/// the heap from the start. The settings are the process's: they apply to every malloc user (TorchSharp eager code
/// in the same process gains too) and keep up to 64 MiB of freed heap top mapped.
/// <para>
/// Not set on other C libraries, when <see cref="OptOutVariable"/> is <c>0</c>, <c>false</c> or <c>off</c>, or when
/// the process was started with its own malloc thresholds (<c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c>
/// or a <c>glibc.malloc</c> threshold in <c>GLIBC_TUNABLES</c>), which then stay as given.
/// </para>
/// </remarks>
public static class NativeAllocator
{
    /// <summary>The environment variable that turns the settings off (<c>GRADIENT_MALLOC_TUNING=0</c>).</summary>
    public const string OptOutVariable = "GRADIENT_MALLOC_TUNING";

    /// <summary>glibc's <c>DEFAULT_MMAP_THRESHOLD_MAX</c> on 64-bit systems: where its own dynamic threshold stops.</summary>
    public const int MmapThreshold = 32 << 20;

    /// <summary>Twice <see cref="MmapThreshold"/>, the trim threshold glibc pairs with a raised mmap threshold.</summary>
    public const int TrimThreshold = 64 << 20;

    // mallopt's parameter numbers (malloc.h).
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;

    private static readonly object s_gate = new();
    private static bool s_decided;

    /// <summary>True once the thresholds were set in this process.</summary>
    public static bool Tuned { get; private set; }

    /// <summary>Sets the thresholds, once per process, unless turned off (see the remarks on the class).</summary>
    public static void EnsureTuned()
    {
        if (Volatile.Read(ref s_decided))
        {
            return;
        }
        lock (s_gate)
        {
            if (!s_decided)
            {
                Tuned = ShouldTune(Environment.GetEnvironmentVariable) && TrySet();
                Volatile.Write(ref s_decided, true);
            }
        }
    }

    /// <summary>Whether to set the thresholds, given the environment that <paramref name="variable"/> reads.</summary>
    public static bool ShouldTune(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        if (variable(OptOutVariable)?.Trim().ToLowerInvariant() is "0" or "false" or "off" or "no")
        {
            return false;
        }
        if (variable("MALLOC_MMAP_THRESHOLD_") is not null || variable("MALLOC_TRIM_THRESHOLD_") is not null)
        {
            return false;
        }
        var tunables = variable("GLIBC_TUNABLES") ?? "";
        return !tunables.Contains("glibc.malloc.mmap_threshold", StringComparison.Ordinal)
            && !tunables.Contains("glibc.malloc.trim_threshold", StringComparison.Ordinal);
    }

    // Through the glibc library by its soname: another C library (musl) has no such file, and nothing is set.
    private static unsafe bool TrySet()
    {
        if (!NativeLibrary.TryLoad("libc.so.6", out var libc) || !NativeLibrary.TryGetExport(libc, "mallopt", out var entry))
        {
            return false;
        }
        var mallopt = (delegate* unmanaged[Cdecl]<int, int, int>)entry;
        // mallopt returns 1 on success; the mmap threshold first, as setting either one fixes both.
        return mallopt(MMmapThreshold, MmapThreshold) == 1 && mallopt(MTrimThreshold, TrimThreshold) == 1;
    }
}
