using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gradient.Compile;
using Gradient.Graph;
using TorchSharp;

namespace Gradient.Bench;

/// <summary>
/// Scan: the loss and gradients of a tanh RNN through a compiled <c>Scan</c> (one forward loop, one reverse loop),
/// against the same recurrence run by TorchSharp's eager autograd; and the peak memory of the compiled gradient as the
/// number of steps grows.
/// </summary>
public static class ScanBench
{
    /// <summary>
    /// Appends two markdown tables to <paramref name="report"/>: time per call of "RNN loss + gradient" (1,000 steps,
    /// hidden 64, batch 16, float32) for the engine and for TorchSharp eager autograd, with their ratio; and the peak
    /// resident memory one call adds for 250, 500, 1,000 and 2,000 steps. <paramref name="smoke"/> runs tiny sizes.
    /// </summary>
    public static void Run(StringBuilder report, bool smoke)
    {
        int steps = smoke ? 20 : 1000, hidden = 64, batch = 16, features = 32, runs = smoke ? 2 : 7;
        report.AppendLine("## Scan: RNN loss + gradient (BPTT)").AppendLine();
        report.AppendLine($"h_t = tanh(x_t U + h_(t-1) W + b), loss = mean(h²) over all steps; {steps} steps, hidden " +
                          $"{hidden}, batch {batch}, {features} input features, float32; gradients of W, U, b and h0.")
            .AppendLine();
        var values = Values(steps, hidden, batch, features, seed: 0);
        var (inputs, outputs) = Graph();
        var f = Function.Compile(inputs, outputs);
        var ((engine, engineBest), (eager, eagerBest)) =
            Time(runs, () => Dispose(f.Call(values)), () => Dispose(Eager(values)));
        // The two must agree before their times mean anything.
        var mine = f.Call(values);
        var theirs = Eager(values);
        double worst = mine.Zip(theirs).Max(p => (p.First - p.Second).abs().max().item<float>()
                                                 / (1e-6f + p.Second.abs().max().item<float>()));
        Dispose(mine);
        Dispose(theirs);
        report.AppendLine("| implementation | median ms per call | best ms per call | ratio (median) | ratio (best) |");
        report.AppendLine("|---|---|---|---|---|");
        report.AppendLine($"| Gradient (Scan + reverse Scan) | {F(engine)} | {F(engineBest)} | {F(engine / eager)} | " +
                          $"{F(engineBest / eagerBest)} |");
        report.AppendLine($"| TorchSharp eager autograd | {F(eager)} | {F(eagerBest)} | 1.00 | 1.00 |");
        report.AppendLine().AppendLine(
            $"{runs} calls each, interleaved, after a warm-up (the best is the least disturbed by other load on the " +
            $"machine); largest relative difference of the results {worst:E1}.").AppendLine();

        report.AppendLine("### Peak memory of one call of the compiled gradient").AppendLine();
        report.AppendLine("| steps | Gradient: peak RSS added (MiB) | per step (KiB) | eager autograd (MiB) | per step (KiB) |");
        report.AppendLine("|---|---|---|---|---|");
        foreach (int n in smoke ? new[] { 10, 20 } : new[] { 250, 500, 1000, 2000 })
        {
            var v = Values(n, hidden, batch, features, seed: 1);
            Dispose(f.Call(v));
            double engineMiB = PeakAdded(() => Dispose(f.Call(v))) / 1048576.0;
            double eagerMiB = PeakAdded(() => Dispose(Eager(v))) / 1048576.0;
            report.AppendLine($"| {n} | {F(engineMiB)} | {F(engineMiB * 1024 / n)} | {F(eagerMiB)} | {F(eagerMiB * 1024 / n)} |");
            Dispose(v);
        }
        report.AppendLine().AppendLine(
            "Linux peak resident set size (VmHWM, reset through /proc/self/clear_refs before the call) minus the " +
            "resident size before it; the inputs are allocated beforehand. Per step the graph keeps h_t (the forward " +
            "trace the reverse loop reads) and the loss's gradient with respect to it; the reverse loop's carried " +
            "gradients are kept at their last step only.").AppendLine();
        Dispose(values);
        Checkpointed(report, smoke);
    }

    /// <summary>
    /// Appends the checkpointing table: the same RNN with its loss summed in the loop (one scalar per step), plain and
    /// with <c>checkpoint: 32</c>, for 250 to 2,000 steps: the peak bytes <see cref="MemoryProbe"/> counts during one
    /// call of loss + gradients, their ratio, and the ratio of the best times of interleaved calls. Then the same
    /// figures at 1,000 steps for the loss of the table above (mean(h²) read outside the loop), which bounds the saving.
    /// </summary>
    public static void Checkpointed(StringBuilder report, bool smoke)
    {
        const int every = 32, hidden = 64, batch = 16, features = 32;
        int runs = smoke ? 1 : 5;
        report.AppendLine("### Checkpointing: `scan(..., checkpoint=32)`").AppendLine();
        report.AppendLine($"The same RNN with the loss summed in the loop (the step also returns mean(h_t²); loss = their " +
                          $"mean), plain and checkpointed every {every} steps; one call of loss + gradients of W, U, b " +
                          "and h0. Peak bytes held by the compiled functions (MemoryProbe, exact), and the best of " +
                          $"{runs} interleaved calls.").AppendLine();
        report.AppendLine("| steps | plain peak (MiB) | checkpointed peak (MiB) | ratio | plain ms | checkpointed ms | time ratio |");
        report.AppendLine("|---|---|---|---|---|---|---|");
        var plain = CompileGraph(CheckpointGraph(null, inLoop: true));
        var checkpointed = CompileGraph(CheckpointGraph(every, inLoop: true));
        foreach (int n in smoke ? new[] { 40, 80 } : new[] { 250, 500, 1000, 2000 })
        {
            var v = Values(n, hidden, batch, features, seed: 2);
            report.AppendLine(CheckpointRow(n, plain, checkpointed, v, runs));
            Dispose(v);
        }
        int steps = smoke ? 80 : 1000;
        var outsideValues = Values(steps, hidden, batch, features, seed: 3);
        report.AppendLine().AppendLine(
            $"With the loss of the first table, mean(h²) over all steps read outside the loop ({steps} steps):").AppendLine();
        report.AppendLine("| steps | plain peak (MiB) | checkpointed peak (MiB) | ratio | plain ms | checkpointed ms | time ratio |");
        report.AppendLine("|---|---|---|---|---|---|---|");
        report.AppendLine(CheckpointRow(steps, CompileGraph(CheckpointGraph(null, inLoop: false)),
            CompileGraph(CheckpointGraph(every, inLoop: false)), outsideValues, runs));
        Dispose(outsideValues);
        report.AppendLine().AppendLine(
            "Plain, the reverse loop reads every state h_t (4 KiB each); checkpointed, the forward loop keeps every 32nd " +
            "state and the reverse loop recomputes each block of 32 steps from it: n/32 + 32 states instead of n. A loss " +
            "that reads every h_t outside the loop needs all of them (and its gradient, n more rows) whatever the loop " +
            "keeps, which bounds that case's saving.").AppendLine();
    }

    private static Function CompileGraph((Variable[] Inputs, Variable[] Outputs) graph) =>
        Function.Compile(graph.Inputs, graph.Outputs);

    private static string CheckpointRow(int steps, Function plain, Function checkpointed, torch.Tensor[] values, int runs)
    {
        long Peak(Function f)
        {
            Dispose(f.Call(values));
            using var probe = MemoryProbe.Start();
            Dispose(f.Call(values));
            return probe.PeakBytes;
        }
        long plainPeak = Peak(plain), checkpointPeak = Peak(checkpointed);
        var ((_, plainBest), (_, checkpointBest)) =
            Time(runs, () => Dispose(plain.Call(values)), () => Dispose(checkpointed.Call(values)));
        return $"| {steps} | {F(plainPeak / 1048576.0)} | {F(checkpointPeak / 1048576.0)} | " +
               $"{(double)checkpointPeak / plainPeak:0.000} | {F(plainBest)} | {F(checkpointBest)} | " +
               $"{F(checkpointBest / plainBest)} |";
    }

    /// <summary>
    /// The RNN's loss and gradients, checkpointed every <paramref name="every"/> steps (or plain); the loss summed in
    /// the loop (<paramref name="inLoop"/>) or mean(h²) over the trace.
    /// </summary>
    public static (Variable[] Inputs, Variable[] Outputs) CheckpointGraph(int? every, bool inLoop)
    {
        var x = T.Tensor(Kernels.DType.Float32, [null, null, null], "x");
        var h0 = T.FMatrix("h0");
        var w = T.FMatrix("W");
        var u = T.FMatrix("U");
        var b = T.FVector("b");
        var r = T.Scan(a =>
        {
            var h = T.Tanh(T.Dot(a[0], u) + T.Dot(a[1], w) + b);
            return inLoop ? new[] { h, T.Mean(h * h) } : new[] { h };
        }, sequences: [x], outputsInfo: inLoop ? [h0, null] : [h0], checkpoint: every);
        var loss = inLoop ? T.Mean(r.Outputs[1]) : T.Mean(r.Outputs[0] * r.Outputs[0]);
        return ([x, h0, w, u, b], [loss, .. Autodiff.Grad(loss, [w, u, b, h0])]);
    }

    /// <summary>The engine's graph: inputs (x, h0, W, U, b) and outputs (loss, dW, dU, db, dh0).</summary>
    public static (Variable[] Inputs, Variable[] Outputs) Graph()
    {
        var x = T.Tensor(Kernels.DType.Float32, [null, null, null], "x");
        var h0 = T.FMatrix("h0");
        var w = T.FMatrix("W");
        var u = T.FMatrix("U");
        var b = T.FVector("b");
        var h = T.Scan(a => T.Tanh(T.Dot(a[0], u) + T.Dot(a[1], w) + b), sequences: [x], outputsInfo: [h0]).Output;
        var loss = T.Mean(h * h);
        return ([x, h0, w, u, b], [loss, .. Autodiff.Grad(loss, [w, u, b, h0])]);
    }

    /// <summary>The same recurrence with TorchSharp's eager autograd: loss and gradients of W, U, b and h0.</summary>
    public static torch.Tensor[] Eager(torch.Tensor[] values)
    {
        using var scope = torch.NewDisposeScope();
        var x = values[0];
        var h0 = values[1].detach().requires_grad_(true);
        var w = values[2].detach().requires_grad_(true);
        var u = values[3].detach().requires_grad_(true);
        var b = values[4].detach().requires_grad_(true);
        var h = h0;
        var sum = torch.zeros([], torch.float32);
        for (long t = 0; t < x.shape[0]; t++)
        {
            h = (x[t].matmul(u) + h.matmul(w) + b).tanh();
            sum = sum + (h * h).sum();
        }
        var loss = sum / (x.shape[0] * h0.shape[0] * h0.shape[1]);
        var grads = torch.autograd.grad([loss], [w, u, b, h0]);
        return [loss.detach().MoveToOuterDisposeScope(), .. grads.Select(g => g.MoveToOuterDisposeScope())];
    }

    private static torch.Tensor[] Values(int steps, int hidden, int batch, int features, int seed)
    {
        var g = new torch.Generator((ulong)seed + 17);
        return
        [
            torch.randn([steps, batch, features], torch.float32, generator: g),
            torch.randn([batch, hidden], torch.float32, generator: g),
            torch.randn([hidden, hidden], torch.float32, generator: g) / Math.Sqrt(hidden),
            torch.randn([features, hidden], torch.float32, generator: g) / Math.Sqrt(features),
            torch.zeros([hidden], torch.float32),
        ];
    }

    /// <summary>Bytes the resident set grew to, at its peak, while <paramref name="action"/> ran (Linux; 0 elsewhere).</summary>
    public static long PeakAdded(Action action)
    {
        if (!OperatingSystem.IsLinux())
        {
            action();
            return 0;
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // Give freed heap pages back first, so that the peak counts what this action allocates, not what is cached.
        MallocTrim(0);
        File.WriteAllText("/proc/self/clear_refs", "5");
        long before = Status("VmRSS");
        long startPeak = Status("VmHWM");
        action();
        return Status("VmHWM") - Math.Min(before, startPeak);
    }

    private static long Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var kb = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    /// <summary>Median and best milliseconds of <paramref name="a"/> and <paramref name="b"/>, run alternately.</summary>
    private static ((double Median, double Best) A, (double Median, double Best) B) Time(int runs, Action a, Action b)
    {
        a();
        b();
        var ta = new List<double>();
        var tb = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            a();
            ta.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            b();
            tb.Add(sw.Elapsed.TotalMilliseconds);
        }
        return ((ta.Order().ElementAt(runs / 2), ta.Min()), (tb.Order().ElementAt(runs / 2), tb.Min()));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private static void Dispose(torch.Tensor[] tensors)
    {
        foreach (var t in tensors)
        {
            t.Dispose();
        }
    }

    private static string F(double value) => value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);
}
