using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Gradient.Bench;

/// <summary>Median, fastest and slowest of a set of timings, in milliseconds.</summary>
public sealed record Stats(double Median, double Min, double Max, int Samples, int CallsPerSample)
{
    /// <summary>The same figures divided by <paramref name="n"/> (e.g. per op instead of per call).</summary>
    public Stats Per(double n) => this with { Median = Median / n, Min = Min / n, Max = Max / n };

    /// <summary>Stats of <paramref name="samples"/>.</summary>
    public static Stats Of(IReadOnlyCollection<double> samples, int callsPerSample = 1)
    {
        var sorted = samples.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(median, sorted[0], sorted[^1], n, callsPerSample);
    }
}

/// <summary>What the memory probe saw while a peer ran a few calls.</summary>
/// <param name="PeakRssKiB">Highest resident set size above the level just before the calls (the kernel's VmHWM after a reset).</param>
/// <param name="ManagedBytesPerCall">.NET heap allocation per call on the calling thread (graph machinery, wrappers).</param>
public sealed record MemoryUse(long PeakRssKiB, double ManagedBytesPerCall);

/// <summary>
/// A contender in one case: a name and one call that computes the case's outputs. Tensors a call creates are
/// disposed by the harness (each call runs inside its own DisposeScope).
/// </summary>
public sealed record Peer(string Name, Func<torch.Tensor[]> Call);

/// <summary>Timing and memory probes shared by the cases. Measurements only: nothing here asserts speed.</summary>
public static class Harness
{
    /// <summary>
    /// Times the peers beside each other: every round runs each peer once (a sample of enough calls to last about
    /// <paramref name="sampleMs"/>), rotating which goes first, so a burst of load from other processes hits all of
    /// them rather than one. Warm-up calls come first and are not counted. Returns one <see cref="Stats"/> per peer of
    /// the time per call.
    /// </summary>
    public static Stats[] TimeInterleaved(IReadOnlyList<Peer> peers, int rounds, double sampleMs)
    {
        var calls = new int[peers.Count];
        for (int p = 0; p < peers.Count; p++)
        {
            RunOnce(peers[p]);
            double once = Time(peers[p], 1);
            // A second estimate over more calls when one call is short, so the sample size is not set by a hiccup.
            if (once < sampleMs / 10)
            {
                int probe = (int)Math.Clamp(sampleMs / 10 / Math.Max(once, 1e-4), 1, 100_000);
                once = Time(peers[p], probe) / probe;
            }
            calls[p] = (int)Math.Clamp(Math.Ceiling(sampleMs / Math.Max(once, 1e-4)), 1, 1_000_000);
        }
        var samples = peers.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
        {
            for (int k = 0; k < peers.Count; k++)
            {
                int p = (k + r) % peers.Count;
                samples[p].Add(Time(peers[p], calls[p]) / calls[p]);
            }
        }
        return samples.Select((s, p) => Stats.Of(s, calls[p])).ToArray();
    }

    /// <summary>Median (with min and max) of <paramref name="reps"/> runs of <paramref name="action"/>, after one warm-up run.</summary>
    public static Stats TimeAction(Action action, int reps)
    {
        action();
        var times = new List<double>();
        for (int i = 0; i < reps; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return Stats.Of(times);
    }

    /// <summary>
    /// Peak resident memory above the starting level while <paramref name="peer"/> makes <paramref name="calls"/>
    /// calls, measured from a trimmed heap (so memory cached by earlier cases does not hide this one's), and the .NET
    /// allocation per call.
    /// </summary>
    public static MemoryUse Memory(Peer peer, int calls)
    {
        RunOnce(peer);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        TrimNativeHeap();
        long before = ResetPeakRss();
        long managed = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            RunOnce(peer);
        }
        double managedPerCall = (GC.GetAllocatedBytesForCurrentThread() - managed) / (double)calls;
        long peak = ProcStatus("VmHWM");
        return new MemoryUse(before < 0 ? -1 : Math.Max(0, peak - before), managedPerCall);
    }

    /// <summary>One call of the peer, its tensors disposed.</summary>
    public static void RunOnce(Peer peer)
    {
        using var scope = torch.NewDisposeScope();
        peer.Call();
    }

    /// <summary>The resident set size now, in KiB.</summary>
    public static long Rss() => ProcStatus("VmRSS");

    private static double Time(Peer peer, int calls)
    {
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < calls; i++)
        {
            using var scope = torch.NewDisposeScope();
            peer.Call();
        }
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Resets the kernel's peak-RSS mark (VmHWM) to the current RSS and returns that RSS; -1 if not possible.</summary>
    private static long ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return Rss();
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static void TrimNativeHeap()
    {
        try
        {
            _ = NativeMethods.malloc_trim(UIntPtr.Zero);
        }
        catch (DllNotFoundException)
        {
        }
        catch (EntryPointNotFoundException)
        {
        }
    }

    private static long ProcStatus(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }
        return -1;
    }

    private static class NativeMethods
    {
        // glibc: returns freed heap memory to the system, so the next measurement starts from what is really in use.
        [DllImport("libc", EntryPoint = "malloc_trim")]
        public static extern int malloc_trim(UIntPtr pad);
    }
}
