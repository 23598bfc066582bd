using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gradient;
using Gradient.Compile;
using Gradient.Graph;
using TorchSharp;

// make bench: measurements, never assertions. Usage: Gradient.Bench [--smoke] [--out DIR]
bool smoke = args.Contains("--smoke");
string outDir = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? "bench";
torch.set_num_threads(2);
var report = new StringBuilder();
report.AppendLine("# Gradient benchmarks").AppendLine();
report.AppendLine($"Machine: {Environment.ProcessorCount} cores; TorchSharp threads 2; {(smoke ? "smoke run" : "full run")}; " +
                  $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC").AppendLine();

// Memory first, while the process holds nothing else (the scaling case leaves a large managed heap behind).
MemoryDrift(report, smoke ? 2_000 : 100_000);
CompileTimes(report, smoke);
CompileScaling(report, smoke);
JacobianAndHessian(report, smoke);

Directory.CreateDirectory(outDir);
File.WriteAllText(Path.Combine(outDir, "results.md"), report.ToString());
Console.Write(report);

// A tanh MLP of `layers` layers of `width` units on a batch of 64: cost and the gradients of every weight and bias.
static (Variable[] Inputs, Variable[] Outputs) Mlp(int layers, int width)
{
    var x = T.DMatrix("x");
    var parameters = new List<Variable>();
    var h = x;
    for (int i = 0; i < layers; i++)
    {
        var w = T.DMatrix($"W{i}");
        var b = T.DVector($"b{i}");
        parameters.Add(w);
        parameters.Add(b);
        h = T.Tanh(T.Dot(h, w) + b);
    }
    var cost = (h * h).Sum();
    return ([x, .. parameters], [cost, .. Autodiff.Grad(cost, parameters)]);
}

static torch.Tensor[] MlpValues(int layers, int width, int batch = 64)
{
    var values = new List<torch.Tensor> { torch.randn(batch, width, dtype: torch.float64) };
    for (int i = 0; i < layers; i++)
    {
        values.Add(torch.randn(width, width, dtype: torch.float64) / Math.Sqrt(width));
        values.Add(torch.zeros(width, dtype: torch.float64));
    }
    return values.ToArray();
}

static void CompileTimes(StringBuilder report, bool smoke)
{
    report.AppendLine("## Compile time (grad + function), tanh MLP cost with gradients of all weights and biases").AppendLine();
    report.AppendLine("| graph | nodes | grad (ms) | compile (ms) | total (ms) | Aesara on this machine |");
    report.AppendLine("|---|---|---|---|---|---|");
    foreach (var (layers, width, aesara) in new[] { (10, 256, "~500 ms"), (100, 32, "~4800 ms") })
    {
        var samples = new List<(double Grad, double Compile, int Nodes)>();
        for (int run = 0; run < (smoke ? 2 : 7); run++)
        {
            var sw = Stopwatch.StartNew();
            var (inputs, outputs) = Mlp(layers, width);
            double build = sw.Elapsed.TotalMilliseconds;
            var f = Function.Compile(inputs, outputs);
            double total = sw.Elapsed.TotalMilliseconds;
            samples.Add((build, total - build, f.Toposort().Count));
        }
        var median = samples.Skip(1).OrderBy(s => s.Grad + s.Compile).ElementAt(samples.Count / 2 - 1);
        report.AppendLine(
            $"| {layers} layers × {width} | {median.Nodes} | {F(median.Grad)} | {F(median.Compile)} | " +
            $"{F(median.Grad + median.Compile)} | {aesara} |");
    }
    report.AppendLine().AppendLine("Median of the runs after the first (graph building included in the grad column).")
        .AppendLine();
}

// grad + compile of an elementwise chain, by the size of the compiled graph: should grow linearly.
static void CompileScaling(StringBuilder report, bool smoke)
{
    report.AppendLine("## Compile scaling: grad + compile of an elementwise chain").AppendLine();
    report.AppendLine("| links | compiled nodes | grad (ms) | compile (ms) | µs per compiled node |");
    report.AppendLine("|---|---|---|---|---|");
    foreach (int links in smoke ? new[] { 300, 3000 } : new[] { 300, 3_000, 30_000 })
    {
        var sw = Stopwatch.StartNew();
        var x = T.DVector("x");
        var y = x;
        for (int i = 0; i < links; i++)
        {
            y = T.Tanh(y) * 0.5 + y;
        }
        var cost = y.Sum();
        var g = Autodiff.Grad(cost, x);
        double grad = sw.Elapsed.TotalMilliseconds;
        var f = Function.Compile([x], [cost, g]);
        double compile = sw.Elapsed.TotalMilliseconds - grad;
        int nodes = f.Toposort().Count;
        report.AppendLine($"| {links:N0} | {nodes:N0} | {F(grad)} | {F(compile)} | {F(1000 * (grad + compile) / nodes)} |");
    }
    report.AppendLine();
}

// (c) Jacobian of tanh(A x), 200 inputs; (d) Hessian of sum(tanh(A x)) + sum(x^4)/4, 100 inputs: the vectorized
// engine against TorchSharp eager autograd (one backward per row) and the closed forms in raw kernels.
static void JacobianAndHessian(StringBuilder report, bool smoke)
{
    int runs = smoke ? 3 : 15;
    report.AppendLine("## Jacobian and Hessian (float64, median of runs)").AppendLine();
    report.AppendLine("| case | Gradient (vectorized) | TorchSharp eager, row by row | raw closed form | " +
                      "Gradient / eager | Aesara (scan), anchor |");
    report.AppendLine("|---|---|---|---|---|---|");
    torch.manual_seed(11);
    {
        const int n = 200;
        var a = torch.randn(n, n, dtype: torch.float64) / Math.Sqrt(n);
        var xv = torch.randn(n, dtype: torch.float64);
        var av = T.DMatrix("A");
        var x = T.DVector("x");
        var jac = Function.Compile([av, x], [Autodiff.Jacobian(T.Tanh(T.Dot(av, x)), [x])[0]]);
        double ours = Median(runs, () => Dispose(jac.Call(a, xv)));
        double eager = Median(runs, () =>
        {
            using var scope = torch.NewDisposeScope();
            var xg = xv.detach().requires_grad_(true);
            var y = torch.tanh(a.matmul(xg));
            var rows = new List<torch.Tensor>();
            for (int i = 0; i < n; i++)
            {
                var e = torch.zeros(n, dtype: torch.float64);
                e[i] = torch.tensor(1.0, dtype: torch.float64);
                rows.Add(torch.autograd.grad([y], [xg], [e], retain_graph: true)[0]);
            }
            torch.stack(rows);
        });
        double raw = Median(runs, () =>
        {
            using var scope = torch.NewDisposeScope();
            var t = torch.tanh(a.matmul(xv));
            _ = (1 - t * t).unsqueeze(1) * a;
        });
        report.AppendLine($"| (c) jacobian of tanh(A x), 200 inputs | {F3(ours)} ms | {F3(eager)} ms | {F3(raw)} ms | " +
                          $"{ours / eager:0.00}× | 5.3 ms |");
    }
    {
        const int n = 100;
        var a = torch.randn(n, n, dtype: torch.float64) / Math.Sqrt(n);
        var xv = torch.randn(n, dtype: torch.float64);
        var av = T.DMatrix("A");
        var x = T.DVector("x");
        var cost = T.Tanh(T.Dot(av, x)).Sum() + (x * x * x * x).Sum() / 4.0;
        var hess = Function.Compile([av, x], [Autodiff.Hessian(cost, [x])[0]]);
        double ours = Median(runs, () => Dispose(hess.Call(a, xv)));
        double eager = Median(runs, () =>
        {
            using var scope = torch.NewDisposeScope();
            var xg = xv.detach().requires_grad_(true);
            var c = torch.tanh(a.matmul(xg)).sum() + xg.pow(4).sum() / 4.0;
            var g = torch.autograd.grad([c], [xg], create_graph: true, retain_graph: true)[0];
            var rows = new List<torch.Tensor>();
            for (int i = 0; i < n; i++)
            {
                var e = torch.zeros(n, dtype: torch.float64);
                e[i] = torch.tensor(1.0, dtype: torch.float64);
                rows.Add(torch.autograd.grad([g], [xg], [e], retain_graph: true)[0]);
            }
            torch.stack(rows);
        });
        double raw = Median(runs, () =>
        {
            using var scope = torch.NewDisposeScope();
            var t = torch.tanh(a.matmul(xv));
            _ = a.t().matmul((-2 * t * (1 - t * t)).unsqueeze(1) * a) + torch.diag(3 * xv * xv);
        });
        report.AppendLine($"| (d) hessian, 100 inputs | {F3(ours)} ms | {F3(eager)} ms | {F3(raw)} ms | " +
                          $"{ours / eager:0.00}× | 1.6 ms |");
    }
    report.AppendLine().AppendLine("Aesara's figures are the anchors measured on this machine (Aesara is not installed " +
                                  "here), not part of this run.").AppendLine();
}

static double Median(int runs, Action action)
{
    action();
    var times = new List<double>();
    for (int i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        action();
        times.Add(sw.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    return times[times.Count / 2];
}

static void Dispose(torch.Tensor[] tensors)
{
    foreach (var t in tensors)
    {
        t.Dispose();
    }
}

static void MemoryDrift(StringBuilder report, int calls)
{
    var (inputs, outputs) = Mlp(3, 32);
    var f = Function.Compile(inputs, outputs);
    using var scope = torch.NewDisposeScope();
    var values = MlpValues(3, 32, batch: 16);
    int warmup = Math.Max(calls / 10, 1000);
    for (int i = 0; i < warmup; i++)
    {
        foreach (var t in f.Call(values))
        {
            t.Dispose();
        }
    }
    GC.Collect();
    long start = Rss();
    long peak = start, low = start;
    for (int i = 1; i <= calls; i++)
    {
        foreach (var t in f.Call(values))
        {
            t.Dispose();
        }
        if (i % (calls / 20) == 0)
        {
            long rss = Rss();
            peak = Math.Max(peak, rss);
            low = Math.Min(low, rss);
        }
    }
    long end = Rss();
    double perCall = 0;
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 1000; i++)
        {
            foreach (var t in f.Call(values))
            {
                t.Dispose();
            }
        }
        perCall = sw.Elapsed.TotalMilliseconds;  // ms per 1000 calls = µs per call
    }
    report.AppendLine($"## Memory: {calls:N0} calls of a compiled MLP gradient (3 layers × 32, batch 16)").AppendLine();
    report.AppendLine("| RSS after warm-up | RSS at end | drift | range over the run | time per call |");
    report.AppendLine("|---|---|---|---|---|");
    report.AppendLine($"| {start / 1024} MiB | {end / 1024} MiB | {100.0 * (end - start) / start:+0.0;-0.0}% | " +
                      $"{low / 1024}–{peak / 1024} MiB | {F(perCall)} µs |").AppendLine();
}

static long Rss()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
    }
    return 0;
}

static string F3(double ms) => ms.ToString("0.000", CultureInfo.InvariantCulture);

static string F(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture);
