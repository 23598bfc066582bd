using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gradient.Kernels;

namespace Gradient.Bench;

/// <summary>How much to measure: rounds of interleaved samples, sample length, repetitions.</summary>
public sealed record Plan(int Rounds, double SampleMs, int SetupReps, int MemoryCalls, int ProfileReps, int DriftCalls,
    int[] ScalingNodes);

/// <summary>One peer's figures in one case.</summary>
public sealed record PeerResult(string Name, Stats Call, MemoryUse Memory);

/// <summary>One case's figures: our setup steps, every peer's calls, and whether they computed the same outputs.</summary>
public sealed record CaseResult(Case Case, Stats Build, Stats Grad, Stats Compile, int Nodes, int InPlace,
    PeerResult[] Peers, double DiffEager, double DiffRaw, bool Agrees, List<ProfileRow> Profile)
{
    /// <summary>The named peer.</summary>
    public PeerResult this[string name] => Peers.First(p => p.Name == name);
}

/// <summary>
/// <c>Graphs</c> chains of <c>Nodes</c> forward nodes, each built, differentiated and compiled after the one before, its
/// function dropped (a program that compiles many functions): grad + compile summed over them.
/// </summary>
public sealed record BackToBackResult(int Nodes, int Graphs, double GradCompileMs, double GcPauseMs)
{
    /// <summary>Microseconds of grad + compile per forward node.</summary>
    public double UsPerNode => 1000 * GradCompileMs / ((double)Nodes * Graphs);
}

/// <summary>grad + compile of a chain of <c>Nodes</c> forward nodes.</summary>
/// <param name="GcPauseMs">Time the .NET garbage collector paused the program during grad and compile.</param>
public sealed record ScalingResult(int Nodes, int CompiledNodes, double BuildMs, double GradMs, double CompileMs,
    double GcPauseMs)
{
    /// <summary>Microseconds of grad + compile per forward node.</summary>
    public double UsPerNode => 1000 * (GradMs + CompileMs) / Nodes;

    /// <summary>The same without the garbage collector's pauses.</summary>
    public double UsPerNodeWithoutGc => 1000 * (GradMs + CompileMs - GcPauseMs) / Nodes;

    /// <summary>grad + compile in the first of the runs this result is the median of.</summary>
    public double FirstMs { get; init; }

    /// <summary>How many runs this result is the median of.</summary>
    public int Runs { get; init; } = 1;

    /// <summary>The compile's phases in this run (<see cref="Gradient.Compile.Function.CompilePhases"/>).</summary>
    public IReadOnlyList<Gradient.Compile.CompilePhase> Phases { get; init; } = [];

    /// <summary>GC pauses during grad alone.</summary>
    public double GradGcPauseMs { get; init; }

    /// <summary>
    /// One topological sort of the forward + gradient graph right after grad, without GC pauses (median of as many runs).
    /// </summary>
    public double WalkMs { get; init; }

    /// <summary>The sort's microseconds per forward node.</summary>
    public double WalkUsPerNode => 1000 * WalkMs / Nodes;

    /// <summary>
    /// The exponent k of the least-squares fit time ∝ nodesᵏ over <paramref name="results"/> (1 = linear, 2 = quadratic),
    /// of grad + compile time, or of that time without GC pauses.
    /// </summary>
    public static double GrowthExponent(IEnumerable<ScalingResult> results, bool withoutGc) =>
        Fit(results.Select(s => (s.Nodes, s.GradMs + s.CompileMs - (withoutGc ? s.GcPauseMs : 0))));

    /// <summary>The same exponent for the topological sort of each size (<see cref="WalkMs"/>).</summary>
    public static double WalkGrowthExponent(IEnumerable<ScalingResult> results) =>
        Fit(results.Select(s => (s.Nodes, s.WalkMs)));

    private static double Fit(IEnumerable<(int Nodes, double Ms)> sizes)
    {
        var points = sizes.Select(s => (X: Math.Log(s.Nodes), Y: Math.Log(s.Ms))).ToArray();
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        return points.Sum(p => (p.X - mx) * (p.Y - my)) / points.Sum(p => (p.X - mx) * (p.X - mx));
    }
}

/// <summary>Resident memory over many calls of one compiled function.</summary>
public sealed record DriftResult(int Calls, long StartKiB, long EndKiB, long LowKiB, long PeakKiB, double UsPerCall);

/// <summary>Everything one run measured.</summary>
public sealed class Results(bool smoke, int threads, DateTime when)
{
    /// <summary>A smoke run (tiny sizes, checks only that everything runs).</summary>
    public bool Smoke { get; } = smoke;

    /// <summary>libtorch intra-op threads.</summary>
    public int Threads { get; } = threads;

    /// <summary>When the run started (UTC).</summary>
    public DateTime When { get; } = when;

    /// <summary>The cases, in run order.</summary>
    public List<CaseResult> Cases { get; } = [];

    /// <summary>Compile scaling, by graph size.</summary>
    public List<ScalingResult> Scaling { get; } = [];

    /// <summary>Graphs compiled one after another, by size.</summary>
    public List<BackToBackResult> BackToBack { get; } = [];

    /// <summary>The memory-drift run, when made.</summary>
    public DriftResult? Drift { get; set; }

    /// <summary>Whether Gradient set glibc's malloc thresholds in this process (every peer then runs under them).</summary>
    public bool MallocTuned { get; set; }

    /// <summary>Wall time of the whole run.</summary>
    public double TotalSeconds { get; set; }

    /// <summary>The machine's 1-minute load average at the start and at the end (other users' work shows here).</summary>
    public (double Start, double End) Load { get; set; }

    /// <summary>The 1-minute load average now (-1 when unknown).</summary>
    public static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }
}

/// <summary>Writes results.md (tables with ratios and anchors) and results.json (every figure).</summary>
public static class Report
{
    private static readonly string[] s_peers = ["ours", "eager", "raw"];

    /// <summary>The markdown report.</summary>
    public static string Markdown(Results r)
    {
        var md = new StringBuilder();
        md.AppendLine("# Gradient benchmarks").AppendLine();
        md.AppendLine($"Machine: {Environment.ProcessorCount} cores (shared); libtorch threads {r.Threads}; TorchSharp " +
                      $"0.107; {(r.Smoke ? "**smoke run** (tiny sizes, 1–2 samples: checks only that everything runs)" : "full run")}; " +
                      $"{r.When:yyyy-MM-dd HH:mm} UTC; {r.TotalSeconds:0} s; load average (1 min) " +
                      $"{r.Load.Start:0.0} at the start, {r.Load.End:0.0} at the end; malloc " +
                      (r.MallocTuned
                          ? "thresholds as Gradient sets them at its first compile (mmap 32 MiB, trim 64 MiB), for every peer alike."
                          : "thresholds as glibc's defaults.")).AppendLine();
        md.AppendLine("Peers, all in this process and timed beside each other (rounds rotate which goes first; each sample " +
                      "averages enough calls to last ~25 ms): **ours** = the compiled function's `Call`; **eager** = " +
                      "TorchSharp eager autograd (forward, then `torch.autograd.grad`) computing the same outputs; **raw** = " +
                      "the libtorch calls written out by hand (hand-written backward or tangent propagation, fused " +
                      "`addmm`, in place where natural): the limit without graph machinery. Times are medians with " +
                      "min–max over the rounds. *Anchors* are the figures quoted in issue 7 (float64, 2 threads; not " +
                      "measured in this run).").AppendLine();
        if (r.Cases.Count > 0)
        {
            CallTable(md, r);
            PerOpTable(md, r);
            SetupTable(md, r);
            MemoryTable(md, r);
            ProfileSection(md, r);
        }
        if (r.Scaling.Count > 0)
        {
            ScalingTable(md, r);
        }
        if (r.Drift is { } d)
        {
            md.AppendLine($"## Memory drift: {d.Calls:N0} calls of a compiled MLP gradient (3 layers × 32, batch 16, float64, " +
                          "1 libtorch thread)")
                .AppendLine();
            md.AppendLine("| RSS after warm-up | RSS at end | drift | range over the run | time per call |");
            md.AppendLine("|---|---|---|---|---|");
            md.AppendLine($"| {d.StartKiB / 1024} MiB | {d.EndKiB / 1024} MiB | " +
                          $"{100.0 * (d.EndKiB - d.StartKiB) / d.StartKiB:+0.0;-0.0}% | {d.LowKiB / 1024}–{d.PeakKiB / 1024} MiB | " +
                          $"{F(d.UsPerCall, "0.0")} µs |").AppendLine();
        }
        md.AppendLine("Python: `bench/python_overhead.py` appends its sections below (and merges its figures into results.json).")
            .AppendLine();
        return md.ToString();
    }

    private static void CallTable(StringBuilder md, Results r)
    {
        md.AppendLine("## Call time: ours beside eager autograd and raw libtorch").AppendLine();
        foreach (var c in r.Cases.Select(c => c.Case).DistinctBy(c => c.Id))
        {
            md.AppendLine($"- ({c.Id}) {c.Title}");
        }
        md.AppendLine();
        md.AppendLine("| case | dtype | ours ms | eager ms | raw ms | **ours/eager** | **ours/raw** | eager/raw | " +
                      "anchors: eager / raw / Aesara ms |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var c in r.Cases)
        {
            var (ours, eager, raw) = (c["ours"].Call, c["eager"].Call, c["raw"].Call);
            var a = c.Case.Anchors;
            string anchors = a.EagerMs is null && a.AesaraMs is null
                ? "—"
                : $"{Opt(a.EagerMs)} / {Opt(a.RawMs)} / {Opt(a.AesaraMs)}";
            md.AppendLine($"| ({c.Case.Id}) | {c.Case.DType.Name()} | {Cell(ours)} | {Cell(eager)} | {Cell(raw)} | " +
                          $"**{Ratio(ours, eager)}** ({MinRatio(ours, eager)}) | **{Ratio(ours, raw)}** ({MinRatio(ours, raw)}) | " +
                          $"{Ratio(eager, raw)} | {anchors} |" +
                          (c.Agrees ? "" : " **outputs disagree**"));
        }
        md.AppendLine().AppendLine("Ratios are of medians, with the ratio of the fastest samples in parentheses (the " +
                                   "steadier figure when other work shares the cores): below 1 means ours is faster.")
            .AppendLine();
    }

    private static void PerOpTable(StringBuilder md, Results r)
    {
        var rows = r.Cases.Where(c => c.Case.Ops is not null).ToList();
        if (rows.Count == 0)
        {
            return;
        }
        md.AppendLine("## Per-op cost of the elementwise chain (f) (µs per forward op)").AppendLine();
        md.AppendLine("| case | dtype | ops | ours µs/op | eager µs/op | raw µs/op | ours/eager | ours/raw | anchor: eager µs/op |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var c in rows)
        {
            int ops = c.Case.Ops!.Value;
            var (ours, eager, raw) = (c["ours"].Call.Per(ops / 1000.0), c["eager"].Call.Per(ops / 1000.0),
                c["raw"].Call.Per(ops / 1000.0));
            md.AppendLine($"| ({c.Case.Id}) | {c.Case.DType.Name()} | {ops:N0} | {Cell(ours)} | {Cell(eager)} | " +
                          $"{Cell(raw)} | {Ratio(ours, eager)} | {Ratio(ours, raw)} | {Opt(c.Case.Anchors.EagerPerOpUs)} |");
        }
        md.AppendLine().AppendLine("Eager records the autograd tape in both rows (its leaf requires grad); raw runs the " +
                                   "three kernels per link in place, freeing as it goes.").AppendLine();
    }

    private static void SetupTable(StringBuilder md, Results r)
    {
        md.AppendLine("## Graph build, grad construction and compile (ours)").AppendLine();
        md.AppendLine("| case | dtype | build ms | grad ms | compile ms | total ms | compiled nodes (in place) | " +
                      "Aesara grad+compile anchor | max rel. diff vs eager / raw |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var c in r.Cases)
        {
            double total = c.Build.Median + c.Grad.Median + c.Compile.Median;
            string anchor = c.Case.Anchors.AesaraCompileMs is { } ms ? $"~{ms:0} ms" : "—";
            md.AppendLine($"| ({c.Case.Id}) | {c.Case.DType.Name()} | {Cell(c.Build)} | {Cell(c.Grad)} | " +
                          $"{Cell(c.Compile)} | {F(total)} | {c.Nodes:N0} ({c.InPlace:N0}) | {anchor} | " +
                          $"{c.DiffEager:0.0e0} / {c.DiffRaw:0.0e0}{(c.Agrees ? "" : " **disagree**")} |");
        }
        md.AppendLine().AppendLine("Median (min–max) of the repetitions after a warm-up one, each from a collected heap, in " +
                                   "steady state (every case was set up three times before, so the JIT's optimized tier " +
                                   "is in place; a cold process's first compile is slower). Build = the forward graph; " +
                                   "grad = `Autodiff.Grad` / `Jacobian` / `Hessian` / `Rop`; compile = `Function.Compile` " +
                                   "(clone, rewrite, schedule).").AppendLine();
    }

    private static void MemoryTable(StringBuilder md, Results r)
    {
        md.AppendLine("## Memory during calls").AppendLine();
        md.AppendLine("| case | dtype | peak RSS Δ ours / eager / raw (MiB) | .NET allocation per call ours / eager / raw (KiB) |");
        md.AppendLine("|---|---|---|---|");
        foreach (var c in r.Cases)
        {
            string rss = string.Join(" / ", s_peers.Select(p => c[p].Memory.PeakRssKiB < 0
                ? "n/a"
                : F(c[p].Memory.PeakRssKiB / 1024.0, "0.0")));
            string managed = string.Join(" / ", s_peers.Select(p => F(c[p].Memory.ManagedBytesPerCall / 1024.0, "0.0")));
            md.AppendLine($"| ({c.Case.Id}) | {c.Case.DType.Name()} | {rss} | {managed} |");
        }
        md.AppendLine().AppendLine("Peak RSS Δ: the kernel's high-water mark (VmHWM, reset through /proc/self/clear_refs) " +
                                   "over a few calls, above the resident size just before them, measured after " +
                                   "`malloc_trim` so memory cached by earlier cases does not hide this one's. TorchSharp " +
                                   "exposes no CPU allocator statistics. .NET allocation: bytes allocated on the managed " +
                                   "heap per call (wrappers, graph machinery).").AppendLine();
    }

    private static void ProfileSection(StringBuilder md, Results r)
    {
        md.AppendLine("## Where ours spends its call time (float64, node by node)").AppendLine();
        md.AppendLine("| case | call ms | kernels ms (share) | top op kinds: ms (nodes) |");
        md.AppendLine("|---|---|---|---|");
        foreach (var c in r.Cases.Where(c => c.Case.DType == DType.Float64))
        {
            double kernels = c.Profile.Sum(p => p.Ms);
            double call = c["ours"].Call.Median;
            string top = string.Join("; ", c.Profile.Take(5).Select(p => $"`{p.Op}` {F(p.Ms)} ({p.Nodes})"));
            md.AppendLine($"| ({c.Case.Id}) | {F(call)} | {F(kernels)} ({100 * kernels / call:0}%) | {top} |");
        }
        md.AppendLine().AppendLine("Each node's `Perform` timed alone, outside the VM (fastest of a few runs; no " +
                                   "in-place execution). Call minus kernels is the VM's own time: argument checks, " +
                                   "slot bookkeeping, DisposeScope, freeing.").AppendLine();
    }

    private static void ScalingTable(StringBuilder md, Results r)
    {
        md.AppendLine("## Compile scaling: grad + compile of the chain's sum, by forward graph size (float64)").AppendLine();
        md.AppendLine("| forward nodes | compiled nodes | runs | build ms | grad ms | compile ms | grad + compile ms | " +
                      "first run ms | GC pauses ms | µs per forward node (grad + compile) | the same without GC pauses | " +
                      "µs per compiled node | one walk of the graph (without GC pauses): µs per forward node |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in r.Scaling)
        {
            md.AppendLine($"| {s.Nodes:N0} | {s.CompiledNodes:N0} | {s.Runs} | {F(s.BuildMs)} | {F(s.GradMs)} | {F(s.CompileMs)} | " +
                          $"{F(s.GradMs + s.CompileMs)} | {F(s.FirstMs)} | {F(s.GcPauseMs)} | {F(s.UsPerNode)} | " +
                          $"{F(s.UsPerNodeWithoutGc)} | {F(1000 * (s.GradMs + s.CompileMs) / s.CompiledNodes)} | " +
                          $"{F(s.WalkUsPerNode)} |");
        }
        var first = r.Scaling[0];
        var large = r.Scaling.Where(s => s.Nodes >= 10_000).ToArray();
        var upTo100k = r.Scaling.Where(s => s.Nodes <= 100_000).ToArray();
        var at100k = upTo100k[^1];
        md.AppendLine().AppendLine(
                $"Growth: time ∝ nodes^k by least squares (1 = linear, 2 = quadratic): over {first.Nodes:N0}–{at100k.Nodes:N0} " +
                $"nodes k = {ScalingResult.GrowthExponent(upTo100k, false):0.00} (without GC pauses " +
                $"{ScalingResult.GrowthExponent(upTo100k, true):0.00})" +
                (large.Length > 1
                    ? $"; over {large[0].Nodes:N0}–{large[^1].Nodes:N0} nodes k = {ScalingResult.GrowthExponent(large, false):0.00}"
                    : "") +
                $". Cost per node at {at100k.Nodes:N0} nodes ÷ at {first.Nodes:N0}: {at100k.UsPerNode / first.UsPerNode:0.00}; " +
                $"without GC pauses {at100k.UsPerNodeWithoutGc / first.UsPerNodeWithoutGc:0.00} (graphs of a few thousand nodes " +
                "fit in the processor's caches and are made between two collections). Each size is the median of its " +
                "runs (more for the small sizes, which take milliseconds and vary the most); the first run of a size, " +
                "which also grows the process's heap, is shown " +
                "beside it; GC pauses are those during grad and compile. Build includes a full collection after it, so that grad " +
                "and compile start from a collected heap (as in the tables above) and pay for their own allocations.")
            .AppendLine();
        double ours = at100k.UsPerNode / first.UsPerNode, walk = at100k.WalkUsPerNode / first.WalkUsPerNode;
        double oursK = ScalingResult.GrowthExponent(upTo100k, false), walkK = ScalingResult.WalkGrowthExponent(upTo100k);
        md.AppendLine(
                "Yardstick: one walk of the same graph (`GraphOrder.Toposort` of the forward + gradient graph right after " +
                "grad, which visits each node once: the least any compile does; without GC pauses), in runs of its own, " +
                $"grows over {first.Nodes:N0}–{at100k.Nodes:N0} nodes with k = {walkK:0.00} (cost per node at " +
                $"{at100k.Nodes:N0} ÷ at {first.Nodes:N0}: {walk:0.00}), against k = {oursK:0.00} ({ours:0.00}) for grad + " +
                "compile: " +
                (oursK <= walkK
                    ? "grad + compile grows no faster than a single walk over the graph. What grows is the cost of reaching " +
                      "each node in memory as the graph outgrows the caches (a few thousand nodes fit; 100,000 take " +
                      "about 150 MB), which every pass over a graph of objects pays, not the work done per node."
                    : "grad + compile grows faster than a single walk over the graph: some phase does more work per node " +
                      "on larger graphs (see the phase table).") +
                " The walk's own time varies by ±25 % between runs at the large sizes (where the collector placed the " +
                "graph), so compare the exponents, fitted over every size, rather than single sizes.")
            .AppendLine();
        PhaseTable(md, r);
        BackToBackTable(md, r);
    }

    // Which phases grow faster than the graph: each phase's cost per forward node at every size.
    private static void PhaseTable(StringBuilder md, Results r)
    {
        var sizes = r.Scaling.Where(s => s.Phases.Count > 0).ToArray();
        if (sizes.Length == 0)
        {
            return;
        }
        md.AppendLine().AppendLine("### Where grad + compile goes, by phase: µs per forward node (of which GC pauses)").AppendLine();
        md.AppendLine("| phase | " + string.Join(" | ", sizes.Select(s => $"{s.Nodes:N0}")) + $" | {sizes[^1].Nodes:N0} ÷ {sizes[0].Nodes:N0} |");
        md.AppendLine("|---|" + string.Concat(sizes.Select(_ => "---|")) + "---|");
        string Cell(double ms, double gc, int nodes) => $"{F(1000 * ms / nodes)} ({F(1000 * gc / nodes)})";
        md.AppendLine("| grad | " + string.Join(" | ", sizes.Select(s => Cell(s.GradMs, s.GradGcPauseMs, s.Nodes))) +
                      $" | {(sizes[^1].GradMs / sizes[^1].Nodes) / (sizes[0].GradMs / sizes[0].Nodes):0.00} |");
        foreach (var name in sizes[0].Phases.Select(p => p.Name))
        {
            double PerNode(ScalingResult s) => s.Phases.First(p => p.Name == name).Milliseconds / s.Nodes;
            md.AppendLine($"| {name} | " + string.Join(" | ", sizes.Select(s =>
            {
                var phase = s.Phases.First(p => p.Name == name);
                return Cell(phase.Milliseconds, phase.GcPauseMilliseconds, s.Nodes);
            })) + $" | {PerNode(sizes[^1]) / PerNode(sizes[0]):0.00} |");
        }
        md.AppendLine().AppendLine("From the median run of each size above; the last column is the growth of the cost per " +
                                   "node from the smallest size to the largest (1 = linear). Compile phases as " +
                                   "`Function.CompilePhases` records them: the clone of the graph, each rewrite, the schedule.");
    }

    // Many graphs compiled in a row: the garbage each compile leaves is collected while the next one runs.
    private static void BackToBackTable(StringBuilder md, Results r)
    {
        if (r.BackToBack.Count == 0)
        {
            return;
        }
        md.AppendLine().AppendLine("### Graphs compiled one after another").AppendLine();
        md.AppendLine("| forward nodes per graph | graphs | grad + compile ms, all graphs | GC pauses ms | µs per forward node |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var b in r.BackToBack)
        {
            md.AppendLine($"| {b.Nodes:N0} | {b.Graphs} | {F(b.GradCompileMs)} | {F(b.GcPauseMs)} | {F(b.UsPerNode)} |");
        }
        md.AppendLine().AppendLine("Each chain built (not timed), then its gradient and function made (timed, GC pauses " +
                                   "included) and the function dropped, as a program or a test suite that compiles many " +
                                   "functions does: the collections of what earlier compiles left behind fall in later ones.");
    }

    /// <summary>Every figure, machine-readable.</summary>
    public static string Json(Results r)
    {
        var root = new JsonObject
        {
            ["machine"] = new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["libtorch_threads"] = r.Threads,
                ["malloc_tuned"] = r.MallocTuned,
                ["torchsharp"] = "0.107.0",
            },
            ["run"] = r.Smoke ? "smoke" : "full",
            ["utc"] = r.When.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["total_s"] = Round(r.TotalSeconds),
            ["load_average_start"] = r.Load.Start,
            ["load_average_end"] = r.Load.End,
            ["units"] = "times in ms unless named otherwise; memory in KiB; managed allocation in bytes per call",
            ["cases"] = new JsonArray(r.Cases.Select(CaseJson).ToArray<JsonNode?>()),
            ["compile_scaling_exponent_to_100k"] = Exponent(r.Scaling.Where(s => s.Nodes <= 100_000), false),
            ["compile_scaling_exponent_to_100k_without_gc"] = Exponent(r.Scaling.Where(s => s.Nodes <= 100_000), true),
            ["compile_scaling_exponent_from_10k"] = Exponent(r.Scaling.Where(s => s.Nodes >= 10_000), false),
            ["walk_scaling_exponent_to_100k"] = r.Scaling.Count(s => s.Nodes <= 100_000) > 1
                ? Round(ScalingResult.WalkGrowthExponent(r.Scaling.Where(s => s.Nodes <= 100_000)))
                : null,
            ["compile_back_to_back"] = new JsonArray(r.BackToBack.Select(b => (JsonNode?)new JsonObject
            {
                ["forward_nodes"] = b.Nodes,
                ["graphs"] = b.Graphs,
                ["grad_plus_compile_ms"] = Round(b.GradCompileMs),
                ["gc_pause_ms"] = Round(b.GcPauseMs),
                ["us_per_forward_node"] = Round(b.UsPerNode),
            }).ToArray()),
            ["compile_scaling"] = new JsonArray(r.Scaling.Select(s => (JsonNode?)new JsonObject
            {
                ["forward_nodes"] = s.Nodes,
                ["compiled_nodes"] = s.CompiledNodes,
                ["build_ms"] = Round(s.BuildMs),
                ["grad_ms"] = Round(s.GradMs),
                ["compile_ms"] = Round(s.CompileMs),
                ["grad_plus_compile_ms"] = Round(s.GradMs + s.CompileMs),
                ["first_run_ms"] = Round(s.FirstMs),
                ["runs"] = s.Runs,
                ["phases_ms"] = new JsonObject(s.Phases.Select(p =>
                    KeyValuePair.Create(p.Name, (JsonNode?)Round(p.Milliseconds)))),
                ["gc_pause_ms"] = Round(s.GcPauseMs),
                ["us_per_forward_node"] = Round(s.UsPerNode),
                ["us_per_forward_node_without_gc"] = Round(s.UsPerNodeWithoutGc),
                ["walk_ms"] = Round(s.WalkMs),
            }).ToArray()),
        };
        if (r.Drift is { } d)
        {
            root["memory_drift"] = new JsonObject
            {
                ["calls"] = d.Calls,
                ["rss_start_kib"] = d.StartKiB,
                ["rss_end_kib"] = d.EndKiB,
                ["rss_low_kib"] = d.LowKiB,
                ["rss_peak_kib"] = d.PeakKiB,
                ["drift_percent"] = Round(100.0 * (d.EndKiB - d.StartKiB) / d.StartKiB),
                ["us_per_call"] = Round(d.UsPerCall),
            };
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static JsonObject CaseJson(CaseResult c)
    {
        var peers = new JsonObject();
        foreach (var p in c.Peers)
        {
            peers[p.Name] = new JsonObject
            {
                ["call_ms"] = StatsJson(p.Call),
                ["peak_rss_delta_kib"] = p.Memory.PeakRssKiB,
                ["managed_bytes_per_call"] = Math.Round(p.Memory.ManagedBytesPerCall),
            };
        }
        var (ours, eager, raw) = (c["ours"].Call.Median, c["eager"].Call.Median, c["raw"].Call.Median);
        var a = c.Case.Anchors;
        var json = new JsonObject
        {
            ["id"] = c.Case.Id,
            ["title"] = c.Case.Title,
            ["dtype"] = c.Case.DType.Name(),
            ["ours_setup"] = new JsonObject
            {
                ["build_ms"] = StatsJson(c.Build),
                ["grad_ms"] = StatsJson(c.Grad),
                ["compile_ms"] = StatsJson(c.Compile),
                ["compiled_nodes"] = c.Nodes,
                ["in_place_nodes"] = c.InPlace,
            },
            ["peers"] = peers,
            ["ratios"] = new JsonObject
            {
                ["ours_over_eager"] = Round(ours / eager, 4),
                ["ours_over_raw"] = Round(ours / raw, 4),
                ["eager_over_raw"] = Round(eager / raw, 4),
                ["ours_over_eager_of_mins"] = Round(c["ours"].Call.Min / c["eager"].Call.Min, 4),
                ["ours_over_raw_of_mins"] = Round(c["ours"].Call.Min / c["raw"].Call.Min, 4),
            },
            ["agreement"] = new JsonObject
            {
                ["max_rel_diff_vs_eager"] = Round(c.DiffEager, 2),
                ["max_rel_diff_vs_raw"] = Round(c.DiffRaw, 2),
                ["agrees"] = c.Agrees,
            },
            ["profile_ours_ms"] = new JsonArray(c.Profile.Select(p => (JsonNode?)new JsonObject
            {
                ["op"] = p.Op,
                ["nodes"] = p.Nodes,
                ["ms"] = Round(p.Ms, 4),
            }).ToArray()),
        };
        if (c.Case.Ops is { } ops)
        {
            json["ops"] = ops;
            json["us_per_op"] = new JsonObject
            {
                ["ours"] = Round(1000 * ours / ops, 4),
                ["eager"] = Round(1000 * eager / ops, 4),
                ["raw"] = Round(1000 * raw / ops, 4),
            };
        }
        var anchors = new JsonObject();
        void Add(string key, double? value)
        {
            if (value is { } v)
            {
                anchors[key] = v;
            }
        }
        Add("eager_ms", a.EagerMs);
        Add("raw_ms", a.RawMs);
        Add("aesara_call_ms", a.AesaraMs);
        Add("aesara_compile_ms", a.AesaraCompileMs);
        Add("eager_us_per_op", a.EagerPerOpUs);
        if (anchors.Count > 0)
        {
            json["anchors"] = anchors;
        }
        return json;
    }

    private static JsonObject StatsJson(Stats s) => new()
    {
        ["median"] = Round(s.Median, 5),
        ["min"] = Round(s.Min, 5),
        ["max"] = Round(s.Max, 5),
        ["samples"] = s.Samples,
        ["calls_per_sample"] = s.CallsPerSample,
    };

    private static JsonNode? Exponent(IEnumerable<ScalingResult> sizes, bool withoutGc) =>
        sizes.Count() > 1 ? Round(ScalingResult.GrowthExponent(sizes, withoutGc)) : null;

    /// <summary>About <paramref name="digits"/> significant decimals (JSON has no infinity: that becomes null).</summary>
    private static JsonNode? Round(double v, int digits = 3)
    {
        if (!double.IsFinite(v))
        {
            return null;
        }
        int shift = Math.Abs(v) >= 1 || v == 0 ? 0 : (int)Math.Ceiling(-Math.Log10(Math.Abs(v)));
        return JsonValue.Create(Math.Round(v, Math.Min(15, digits + shift)));
    }

    private static string Cell(Stats s) => $"{F(s.Median)} ({F(s.Min)}–{F(s.Max)})";

    private static string Ratio(Stats a, Stats b) => $"{a.Median / b.Median:0.00}×";

    private static string MinRatio(Stats a, Stats b) => $"{a.Min / b.Min:0.00}×";

    private static string Opt(double? v) => v is { } x ? F(x) : "—";

    /// <summary>Three significant figures or at least one decimal, invariant culture.</summary>
    private static string F(double v, string? format = null)
    {
        format ??= Math.Abs(v) >= 100 ? "0" : Math.Abs(v) >= 10 ? "0.0" : Math.Abs(v) >= 1 ? "0.00" : "0.000";
        return v.ToString(format, CultureInfo.InvariantCulture);
    }
}
