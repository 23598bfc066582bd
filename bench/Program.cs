using System.Diagnostics;
using System.Text;
using Gradient;
using Gradient.Bench;
using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

// make bench: measurements, never assertions (except that every peer computes the same outputs).
// Usage: Gradient.Bench [--smoke] [--out DIR] [--only a,c,f-grad,drift,scaling,scan] [--threads N] [--graphs]
// (--graphs prints the compiled graph of each selected case and stops: to see what a case runs.)
bool smoke = args.Contains("--smoke");
string outDir = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? "bench";
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',').ToHashSet();
bool Wanted(string id) => only is null || only.Contains(id);
// Two libtorch threads, as the issue's anchors; the smoke run uses one, so that a loaded CI machine cannot stall it
// in thread hand-offs (it checks only that everything runs).
int threads = int.TryParse(args.SkipWhile(a => a != "--threads").Skip(1).FirstOrDefault(), out int t) ? t : smoke ? 1 : 2;
torch.set_num_threads(threads);
var started = Stopwatch.StartNew();
double loadAtStart = Results.LoadAverage();

var plan = new Plan(
    Rounds: smoke ? 2 : 21, SampleMs: smoke ? 0.5 : 25, SetupReps: smoke ? 1 : 9, MemoryCalls: smoke ? 1 : 3,
    ProfileReps: smoke ? 1 : 5, DriftCalls: smoke ? 500 : 100_000,
    ScalingNodes: smoke ? [300, 1_000] : [1_000, 3_000, 10_000, 30_000, 100_000, 300_000]);
var results = new Results(smoke, threads, DateTime.UtcNow);
if (args.Contains("--graphs"))
{
    foreach (var c in Cases.All(smoke).Where(c => Wanted(c.Id) && c.DType == DType.Float64))
    {
        var full = c.Differentiate(c.Build());
        Console.WriteLine($"({c.Id}) {c.Title}\n{Gradient.Printing.DebugPrint.Function(Function.Compile(full.Inputs, full.Outputs))}");
    }
    return 0;
}

// Where grad+compile of the scaling chain spends its time and allocations, phase by phase (--only phases).
if (only is not null && only.Contains("phases"))
{
    foreach (int nodes in plan.ScalingNodes)
    {
        Phases(nodes);
    }
    return 0;
}

// Memory drift first, while the process holds nothing else (the scaling case leaves a large managed heap behind).
if (Wanted("drift"))
{
    // One libtorch thread: this section watches memory, and on a loaded machine two threads stall in hand-offs, which
    // can stretch 100,000 small calls from half a minute to ten.
    torch.set_num_threads(1);
    results.Drift = MemoryDrift(plan.DriftCalls);
    torch.set_num_threads(threads);
    Console.WriteLine($"drift: {results.Drift.StartKiB / 1024} → {results.Drift.EndKiB / 1024} MiB  [{started.Elapsed.TotalSeconds:0.0} s]");
}
if (!smoke)
{
    WarmUp();
    Console.WriteLine($"warm-up  [{started.Elapsed.TotalSeconds:0.0} s]");
}
foreach (var c in Cases.All(smoke).Where(c => Wanted(c.Id)))
{
    var result = RunCase(c, plan);
    results.Cases.Add(result);
    Console.WriteLine($"({c.Id}) {c.DType.Name()}: " + string.Join(", ", result.Peers.Select(p =>
        $"{p.Name} {p.Call.Median:0.000} ms")) + (result.Agrees ? "" : "  OUTPUTS DISAGREE") + $"  [{started.Elapsed.TotalSeconds:0.0} s]");
}
if (Wanted("scaling"))
{
    // The grad and compile paths of the chain warmed up first (the JIT's optimized tier), so that the smallest size
    // does not time the JIT.
    for (int round = 0; round < 5; round++)
    {
        Scaling(plan.ScalingNodes[0], 1);
    }
    Thread.Sleep(200);
    foreach (int nodes in plan.ScalingNodes)
    {
        // Small sizes take milliseconds and vary the most from run to run: more runs for them (15 at 1,000 nodes).
        results.Scaling.Add(Scaling(nodes, plan.SetupReps > 1 ? Math.Clamp(30_000 / nodes, 3, 15) : 1));
        var s = results.Scaling[^1];
        Console.WriteLine($"scaling {nodes}: grad {s.GradMs:0} ms, compile {s.CompileMs:0} ms  [{started.Elapsed.TotalSeconds:0.0} s]");
    }
    foreach (int nodes in smoke ? [300] : new[] { 1_000, 10_000 })
    {
        results.BackToBack.Add(BackToBack(nodes, smoke ? 3 : 300_000 / nodes));
        var b = results.BackToBack[^1];
        Console.WriteLine($"back to back {b.Graphs} x {nodes}: {b.UsPerNode:0.00} µs/node  [{started.Elapsed.TotalSeconds:0.0} s]");
    }
}
results.MallocTuned = Gradient.Kernels.NativeAllocator.Tuned;
results.TotalSeconds = started.Elapsed.TotalSeconds;
results.Load = (loadAtStart, Results.LoadAverage());

Directory.CreateDirectory(outDir);
var markdown = new StringBuilder(Report.Markdown(results));
if (Wanted("scan"))
{
    // Issue 9's case: an RNN's loss and gradient through Scan beside TorchSharp eager autograd of the same recurrence.
    ScanBench.Run(markdown.AppendLine(), smoke);
    Console.WriteLine($"scan  [{started.Elapsed.TotalSeconds:0.0} s]");
}
File.WriteAllText(Path.Combine(outDir, "results.md"), markdown.ToString());
File.WriteAllText(Path.Combine(outDir, "results.json"), Report.Json(results));
Console.WriteLine($"wrote {Path.Combine(outDir, "results.md")} and results.json in {results.TotalSeconds:0.0} s");
return results.Cases.All(c => c.Agrees) ? 0 : 3;

static CaseResult RunCase(Case c, Plan plan)
{
    using var caseScope = torch.NewDisposeScope();
    // Our side: build, differentiate, compile — each timed, the first round a warm-up when there are several.
    var build = new List<double>();
    var grad = new List<double>();
    var compile = new List<double>();
    Function? function = null;
    int reps = plan.SetupReps == 1 ? 1 : plan.SetupReps + 1;
    for (int rep = 0; rep < reps; rep++)
    {
        // From a collected heap, so that garbage left by earlier work is not collected inside this rep's timing.
        GC.Collect();
        var watch = Stopwatch.StartNew();
        var forward = c.Build();
        double b = watch.Elapsed.TotalMilliseconds;
        var full = c.Differentiate(forward);
        double g = watch.Elapsed.TotalMilliseconds;
        function = Function.Compile(full.Inputs, full.Outputs);
        double f = watch.Elapsed.TotalMilliseconds;
        if (reps == 1 || rep > 0)
        {
            build.Add(b);
            grad.Add(g - b);
            compile.Add(f - g);
        }
    }
    var fn = function!;
    var arguments = c.Arguments();
    var peers = new[]
    {
        new Peer("ours", () => fn.Call(arguments)),
        new Peer("eager", c.Eager(arguments)),
        new Peer("raw", c.Raw(arguments)),
    };
    var (diffEager, diffRaw) = Agreement(peers);
    bool agrees = Math.Max(diffEager, diffRaw) <= (c.DType == DType.Float64 ? 1e-9 : 2e-3);

    var times = Harness.TimeInterleaved(peers, plan.Rounds, plan.SampleMs);
    var memory = peers.Select(p => Harness.Memory(p, plan.MemoryCalls)).ToArray();
    var profile = Profiler.Run(fn, arguments, plan.ProfileReps);
    return new CaseResult(c, Stats.Of(build), Stats.Of(grad), Stats.Of(compile), fn.Toposort().Count, fn.InPlaceCount,
        peers.Select((p, i) => new PeerResult(p.Name, times[i], memory[i])).ToArray(), diffEager, diffRaw, agrees,
        profile);
}

// Every case's setup at full size, and its calls at smoke size, a few times: the setup times measured next are then
// of steady-state code (the JIT's optimized tier, loops past on-stack replacement), not of its first tier. The pauses
// let the background JIT catch up. Code run once per compile reaches the optimized tier only after some 60 compiles
// (30 calls to be instrumented, 30 more to be optimized with what was profiled), and until then a compile stalls for
// 5–30 ms now and then as methods are replaced: every case's setup is first run 70 times at smoke size.
static void WarmUp()
{
    for (int round = 0; round < 70; round++)
    {
        foreach (var c in Cases.All(smoke: true))
        {
            var full = c.Differentiate(c.Build());
            Function.Compile(full.Inputs, full.Outputs);
        }
        if (round % 10 == 9)
        {
            Thread.Sleep(100);
        }
    }
    for (int round = 0; round < 3; round++)
    {
        foreach (var c in Cases.All(smoke: false))
        {
            var full = c.Differentiate(c.Build());
            Function.Compile(full.Inputs, full.Outputs);
        }
        foreach (var c in Cases.All(smoke: true))
        {
            using var scope = torch.NewDisposeScope();
            var full = c.Differentiate(c.Build());
            var arguments = c.Arguments();
            Function.Compile(full.Inputs, full.Outputs).Call(arguments);
            c.Eager(arguments)();
            c.Raw(arguments)();
        }
        Thread.Sleep(200);
    }
}

// The largest difference of ours from each peer, relative to the peer's largest magnitude, over all outputs.
static (double Eager, double Raw) Agreement(Peer[] peers)
{
    using var scope = torch.NewDisposeScope();
    var outputs = peers.Select(p => p.Call()).ToArray();
    double Diff(torch.Tensor[] ours, torch.Tensor[] other)
    {
        if (ours.Length != other.Length)
        {
            return double.PositiveInfinity;
        }
        double worst = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            if (!ours[i].shape.SequenceEqual(other[i].shape))
            {
                return double.PositiveInfinity;
            }
            var a = ours[i].to_type(torch.float64);
            var b = other[i].detach().to_type(torch.float64);
            double scale = Math.Max(b.abs().max().item<double>(), 1e-300);
            worst = Math.Max(worst, (a - b).abs().max().item<double>() / scale);
        }
        return worst;
    }
    return (Diff(outputs[0], outputs[1]), Diff(outputs[0], outputs[2]));
}

// grad + compile of the chain's sum, by graph size: is it linear?
static ScalingResult Scaling(int nodes, int reps)
{
    var samples = new List<ScalingResult>();
    for (int rep = 0; rep < reps; rep++)
    {
        GC.Collect();
        var watch = Stopwatch.StartNew();
        var (x, cost) = Cases.ChainCost(nodes);
        // The forward graph settled into the old generation, and that collection counted as building it: grad and
        // compile are timed from a collected heap, as in the other tables, and pay for their own allocations only.
        GC.Collect();
        double build = watch.Elapsed.TotalMilliseconds;
        var paused = GC.GetTotalPauseDuration();
        var g = Autodiff.Grad(cost, x);
        double grad = watch.Elapsed.TotalMilliseconds - build;
        var gradPaused = GC.GetTotalPauseDuration() - paused;
        var f = Function.Compile([x], [cost, g]);
        double compile = watch.Elapsed.TotalMilliseconds - build - grad;
        samples.Add(new ScalingResult(nodes, f.Toposort().Count, build, grad, compile,
            (GC.GetTotalPauseDuration() - paused).TotalMilliseconds)
        {
            Phases = f.CompilePhases,
            GradGcPauseMs = gradPaused.TotalMilliseconds,
        });
    }
    // The yardstick: one topological sort of the same graph (a walk that visits each node once, the least any compile
    // does), right after grad as the compile's own first walk is, without GC pauses; in runs of its own, so as not to
    // warm the caches for the compile.
    // Seven runs at least: one walk takes milliseconds and its median steadies slowly.
    var walks = new List<double>();
    for (int rep = 0; rep < Math.Max(reps, 7); rep++)
    {
        GC.Collect();
        var (x, cost) = Cases.ChainCost(nodes);
        GC.Collect();
        var g = Autodiff.Grad(cost, x);
        var watch = Stopwatch.StartNew();
        var paused = GC.GetTotalPauseDuration();
        GraphOrder.Toposort([cost, g]);
        // Without the collections its allocations set off (which copy grad's young graph): the walk alone.
        walks.Add((watch.Elapsed - (GC.GetTotalPauseDuration() - paused)).TotalMilliseconds);
    }
    // The median run, with the first run's time beside it (the first run of a size also grows the process's heap).
    return samples.OrderBy(s => s.GradMs + s.CompileMs).ElementAt(samples.Count / 2) with
    {
        FirstMs = samples[0].GradMs + samples[0].CompileMs,
        Runs = samples.Count,
        WalkMs = walks.Order().ElementAt(walks.Count / 2),
    };
}

// Graphs compiled one after another, each function dropped: grad + compile summed, GC pauses included.
static BackToBackResult BackToBack(int nodes, int graphs)
{
    GC.Collect();
    var timed = TimeSpan.Zero;
    var paused = TimeSpan.Zero;
    for (int i = 0; i < graphs; i++)
    {
        var (x, cost) = Cases.ChainCost(nodes);
        var watch = Stopwatch.StartNew();
        var pausedBefore = GC.GetTotalPauseDuration();
        Function.Compile([x], [cost, Autodiff.Grad(cost, x)]);
        timed += watch.Elapsed;
        paused += GC.GetTotalPauseDuration() - pausedBefore;
    }
    return new BackToBackResult(nodes, graphs, timed.TotalMilliseconds, paused.TotalMilliseconds);
}

static void Phases(int nodes)
{
    GC.Collect();
    var watch = Stopwatch.StartNew();
    var rows = new List<string>();
    void Mark(string phase, Action step)
    {
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        var paused = GC.GetTotalPauseDuration();
        int gen2 = GC.CollectionCount(2);
        var t0 = watch.Elapsed;
        step();
        rows.Add($"  {phase,-34} {(watch.Elapsed - t0).TotalMilliseconds,8:0.0} ms  {(GC.GetAllocatedBytesForCurrentThread() - bytes) / 1e6,8:0.0} MB" +
            $"  GC {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds,7:0.0} ms  gen2 {GC.CollectionCount(2) - gen2}");
    }
    Gradient.Graph.Variable x = null!, cost = null!, g = null!;
    Mark("build", () => (x, cost) = Cases.ChainCost(nodes));
    Mark("grad", () => g = Autodiff.Grad(cost, x));
    Gradient.Graph.FunctionGraph fg = null!;
    Mark("clone", () => fg = Gradient.Graph.FunctionGraph.Clone([x], [cost, g]));
    foreach (var rewrite in Gradient.Rewrites.Rewriter.Default)
    {
        Mark("rewrite " + rewrite.Name, () => rewrite.Apply(fg));
    }
    Mark("toposort (rewritten)", () => fg.Toposort());
    Mark("compile without rewrites", () => Function.Compile([x], [cost, g], new CompileOptions { Rewrites = [] }));
    Mark("compile (full)", () => Function.Compile([x], [cost, g]));
    Console.WriteLine($"phases {nodes}:\n" + string.Join("\n", rows));
}

// 100k calls of a small compiled MLP gradient: does resident memory drift?
static DriftResult MemoryDrift(int calls)
{
    var (x, parameters, h) = Cases.MlpGraph(3, DType.Float64);
    var cost = (h * h).Sum();
    var f = Function.Compile([x, .. parameters], [cost, .. Autodiff.Grad(cost, parameters)]);
    using var scope = torch.NewDisposeScope();
    var values = Cases.MlpValues(3, 32, 16, DType.Float64);
    void Call()
    {
        foreach (var t in f.Call(values))
        {
            t.Dispose();
        }
    }
    for (int i = 0; i < Math.Max(calls / 10, 100); i++)
    {
        Call();
    }
    GC.Collect();
    long start = Harness.Rss();
    long peak = start, low = start;
    for (int i = 1; i <= calls; i++)
    {
        Call();
        if (i % (calls / 20) == 0)
        {
            long rss = Harness.Rss();
            peak = Math.Max(peak, rss);
            low = Math.Min(low, rss);
        }
    }
    long end = Harness.Rss();
    int timed = Math.Min(calls / 2, 1000);
    var watch = Stopwatch.StartNew();
    for (int i = 0; i < timed; i++)
    {
        Call();
    }
    return new DriftResult(calls, start, end, low, peak, 1000 * watch.Elapsed.TotalMilliseconds / timed);
}
