using Gradient.Compile;
using Gradient.Graph;
using TorchSharp;

namespace Gradient.Stress;

/// <summary>What a thread run found.</summary>
/// <param name="Threads">Threads calling at once.</param>
/// <param name="Calls">Calls in all.</param>
/// <param name="Mismatches">Calls whose outputs differ from the serial run's, bit for bit.</param>
/// <param name="UpdateViolations">
/// Broken update invariants: a counter that lost an increment, two values seen twice, or a snapshot that mixed the
/// states of two calls.
/// </param>
/// <param name="Seconds">Time taken.</param>
public sealed record ThreadReport(int Threads, int Calls, int Mismatches, int UpdateViolations, double Seconds);

/// <summary>
/// One compiled function called from many threads at once: every call must give exactly what the same call gives
/// alone, and calls that update shared variables must behave as if they ran one after the other.
/// </summary>
public static class ThreadStress
{
    /// <summary>
    /// <paramref name="threads"/> threads each make <paramref name="callsPerThread"/> calls of an MLP gradient (on
    /// arguments of their own seeds, compared with the serial results) and of two updating functions: a counter
    /// (c ← c + 1, returning the old c) and a pair (a ← a + 1, b ← b − 1, returning a + b, which must stay 0), while
    /// a reader function (a + b) runs alongside.
    /// </summary>
    public static ThreadReport Run(int threads, int callsPerThread)
    {
        var f = Workloads.MlpGradient();
        int seeds = 16;
        var inputs = Enumerable.Range(0, seeds).Select(s =>
        {
            var args = Workloads.MlpArguments(100 + s);
            foreach (var a in args)
            {
                a.DetachFromDisposeScope();
            }
            return args;
        }).ToArray();
        var expected = inputs.Select(args => f.Call(args).Select(t => t.DetachFromDisposeScope()).ToArray()).ToArray();

        using var counter = new SharedVariable(torch.tensor(0.0, torch.float64), "counter");
        var bump = Function.Compile([], [counter * 1.0], new CompileOptions { Updates = [new(counter, counter + 1.0)] });
        using var a = new SharedVariable(torch.tensor(0.0, torch.float64), "a");
        using var b = new SharedVariable(torch.tensor(0.0, torch.float64), "b");
        var pair = Function.Compile([], [a + b],
            new CompileOptions { Updates = [new(a, a + 1.0), new(b, b - 1.0)] });
        var reader = Function.Compile([], [a + b]);

        int mismatches = 0, violations = 0;
        var seen = new System.Collections.Concurrent.ConcurrentBag<double>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(thread => new Thread(() =>
        {
            for (int i = 0; i < callsPerThread; i++)
            {
                using var scope = torch.NewDisposeScope();
                int s = (thread * callsPerThread + i) % seeds;
                var outs = f.Call(inputs[s]);
                if (outs.Zip(expected[s]).Any(p => !Same(p.First, p.Second)))
                {
                    Interlocked.Increment(ref mismatches);
                }
                seen.Add(bump.Call(Array.Empty<torch.Tensor>())[0].item<double>());
                if (pair.Call(Array.Empty<torch.Tensor>())[0].item<double>() != 0
                    || reader.Call(Array.Empty<torch.Tensor>())[0].item<double>() != 0)
                {
                    Interlocked.Increment(ref violations);
                }
            }
        })).ToArray();
        foreach (var w in workers)
        {
            w.Start();
        }
        foreach (var w in workers)
        {
            w.Join();
        }
        double seconds = watch.Elapsed.TotalSeconds;
        int total = threads * callsPerThread;
        // Serializable counter: the final value is the number of calls and every call saw a different old value.
        if (counter.GetValue().item<double>() != total)
        {
            violations++;
        }
        var distinct = seen.Distinct().Count();
        violations += total - distinct;
        if (a.GetValue().item<double>() != total || b.GetValue().item<double>() != -total)
        {
            violations++;
        }
        foreach (var t in inputs.SelectMany(x => x).Concat(expected.SelectMany(x => x)))
        {
            t.Dispose();
        }
        return new ThreadReport(threads, total, mismatches, violations, seconds);
    }

    /// <summary>Same dtype, shape and values, bit for bit.</summary>
    private static bool Same(torch.Tensor a, torch.Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
