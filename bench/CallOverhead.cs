using System.Diagnostics;
using Gradient.Compile;
using TorchSharp;

namespace Gradient.Bench;

/// <summary>
/// The .NET half of the Python call-overhead benchmark (<c>bench/python_overhead.py</c> loads this assembly through
/// pythonnet and calls it in its own process): the same compiled function called from C#, and the libtorch kernel it
/// runs called directly, both timed per call.
/// </summary>
public static class CallOverhead
{
    /// <summary>
    /// Microseconds per call, median over <paramref name="runs"/> runs of <paramref name="calls"/> calls each:
    /// <c>[compiled function called from C#, raw kernel]</c>. The function must compute <c>x * 2</c> of one float64
    /// vector, which is what the raw kernel does.
    /// </summary>
    public static double[] Measure(Function function, int length, int calls, int runs)
    {
        using var x = torch.arange(length, dtype: torch.float64);
        using var two = torch.tensor(2.0, torch.float64);
        double compiled = Median(runs, () =>
        {
            for (int i = 0; i < calls; i++)
            {
                function.Call(x)[0].Dispose();
            }
        }) / calls;
        double raw = Median(runs, () =>
        {
            for (int i = 0; i < calls; i++)
            {
                x.mul(two).Dispose();
            }
        }) / calls;
        return [compiled, raw];
    }

    private static double Median(int runs, Action action)
    {
        action();
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalMicroseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
