using Gradient.Compile;
using TorchSharp;

namespace Gradient.Stress;

/// <summary>What a memory run measured.</summary>
/// <param name="What">Which workload.</param>
/// <param name="Count">Calls or compile cycles after the warm-up.</param>
/// <param name="RssStart">Resident set size after the warm-up, in bytes.</param>
/// <param name="RssEnd">Resident set size at the end, in bytes.</param>
/// <param name="RssPeak">The largest resident set size sampled during the run.</param>
/// <param name="TensorsStart">Live native tensors after the warm-up (garbage collected).</param>
/// <param name="TensorsEnd">Live native tensors at the end (garbage collected).</param>
/// <param name="Seconds">Time taken by the measured part.</param>
public sealed record MemoryReport(string What, int Count, long RssStart, long RssEnd, long RssPeak, long TensorsStart,
    long TensorsEnd, double Seconds)
{
    /// <summary>RSS at the end relative to after the warm-up, in percent.</summary>
    public double DriftPercent => 100.0 * (RssEnd - RssStart) / RssStart;

    /// <summary>Tensors left alive by the run.</summary>
    public long TensorsLeaked => TensorsEnd - TensorsStart;
}

/// <summary>
/// Memory under repetition: many calls of a compiled MLP gradient, and many compile/discard cycles of the same graph.
/// Each measures the resident set size after a warm-up and at the end, and the live native tensor count
/// (<c>torch.Tensor.TotalCount</c>, after the garbage collector has run the finalizers) before and after.
/// </summary>
public static class MemoryStress
{
    /// <summary><paramref name="calls"/> calls of the MLP gradient after <paramref name="warmup"/> calls.</summary>
    public static MemoryReport Calls(int calls, int warmup)
    {
        var f = Workloads.MlpGradient();
        // No DisposeScope around the loop: the outputs are disposed one by one, and a scope would keep a record of
        // every tensor moved into it.
        var args = Workloads.MlpArguments(1);
        for (int i = 0; i < warmup; i++)
        {
            Workloads.Dispose(f.Call(args));
        }
        long tensors = Workloads.SettledTensorCount();
        long start = Workloads.Rss(), peak = start;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 1; i <= calls; i++)
        {
            Workloads.Dispose(f.Call(args));
            if (i % Math.Max(1, calls / 50) == 0)
            {
                peak = Math.Max(peak, Workloads.Rss());
            }
        }
        double seconds = watch.Elapsed.TotalSeconds;
        long end = Workloads.Rss();
        long tensorsEnd = Workloads.SettledTensorCount();
        Workloads.Dispose(args);
        return new MemoryReport("calls", calls, start, end, Math.Max(peak, end), tensors, tensorsEnd, seconds);
    }

    /// <summary><paramref name="cycles"/> compilations of the MLP gradient graph, each discarded after one call.</summary>
    public static MemoryReport CompileCycles(int cycles, int warmup)
    {
        using var scope = torch.NewDisposeScope();
        var args = Workloads.MlpArguments(2, layers: 2, width: 8, batch: 4);
        var (inputs, outputs) = Workloads.MlpGraph(layers: 2);
        void Cycle()
        {
            var f = Function.Compile(inputs, outputs);
            Workloads.Dispose(f.Call(args));
        }
        for (int i = 0; i < warmup; i++)
        {
            Cycle();
        }
        long tensors = Workloads.SettledTensorCount();
        long start = Workloads.Rss(), peak = start;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 1; i <= cycles; i++)
        {
            Cycle();
            if (i % Math.Max(1, cycles / 50) == 0)
            {
                peak = Math.Max(peak, Workloads.Rss());
            }
        }
        double seconds = watch.Elapsed.TotalSeconds;
        long tensorsEnd = Workloads.SettledTensorCount();
        long end = Workloads.Rss();
        return new MemoryReport("compile", cycles, start, end, Math.Max(peak, end), tensors, tensorsEnd, seconds);
    }
}
