using System.Runtime.InteropServices;
using Gradient.Compile;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;

namespace Gradient.Tests;

/// <summary>
/// The malloc thresholds set when a function is compiled: when they are set, and that a large tensor's memory then
/// comes from the heap, where the next call finds it again, instead of a fresh mapping.
/// </summary>
public sealed class NativeAllocatorTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] set)
    {
        var table = set.ToDictionary(p => p.Name, p => p.Value);
        return name => table.GetValueOrDefault(name);
    }

    [Test]
    public void Thresholds_are_set_on_linux_unless_turned_off_or_already_given()
    {
        Assume.That(OperatingSystem.IsLinux(), "glibc settings: Linux only");
        Assert.That(NativeAllocator.ShouldTune(Environment()), Is.True);
        Assert.That(NativeAllocator.ShouldTune(Environment((NativeAllocator.OptOutVariable, "1"))), Is.True);
        foreach (var off in new[] { "0", "false", "OFF", " no " })
        {
            Assert.That(NativeAllocator.ShouldTune(Environment((NativeAllocator.OptOutVariable, off))), Is.False, off);
        }
        Assert.That(NativeAllocator.ShouldTune(Environment(("MALLOC_TRIM_THRESHOLD_", "1000000"))), Is.False);
        Assert.That(NativeAllocator.ShouldTune(Environment(("MALLOC_MMAP_THRESHOLD_", "1000000"))), Is.False);
        Assert.That(NativeAllocator.ShouldTune(Environment(("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=65536"))),
            Is.False);
        Assert.That(NativeAllocator.ShouldTune(Environment(("GLIBC_TUNABLES", "glibc.malloc.arena_max=2"))), Is.True);
        Assert.Throws<ArgumentNullException>(() => NativeAllocator.ShouldTune(null!));
    }

    [Test]
    public void After_a_compile_a_large_tensor_comes_from_the_heap_not_a_fresh_mapping()
    {
        Assume.That(NativeAllocator.ShouldTune(System.Environment.GetEnvironmentVariable), "tuning turned off here");
        Assume.That(NativeLibrary.TryLoad("libc.so.6", out _), "not glibc");
        var x = T.DVector("x");
        Function.Compile([x], [T.Tanh(x)]);
        Assert.That(NativeAllocator.Tuned, Is.True);

        // 30 MiB, under the 32 MiB threshold: glibc's default threshold (128 KiB, raised only by freeing a block of
        // that size) would map it on its own.
        long mapped = Mallinfo2().MappedBytes;
        using (var big = torch.ones(30L << 17, dtype: torch.float64))
        {
            Assert.That(Mallinfo2().MappedBytes - mapped, Is.LessThan(1L << 20));
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallocInfo
    {
        private readonly nuint _arena, _ordblks, _smblks, _hblks, _hblkhd, _usmblks, _fsmblks, _uordblks, _fordblks, _keepcost;

        /// <summary>Bytes in blocks malloc mapped on their own (<c>hblkhd</c>).</summary>
        public long MappedBytes => (long)_hblkhd;
    }

    [DllImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static extern MallocInfo Mallinfo2();
}
