using System.Globalization;
using Gradient.Stress;

// Gradient.Stress: the C# half of `make stress` (stress/stress.py drives it and prints the summary).
//   graphs   --count N [--seed S] [--depth D] [--failures DIR]  random graphs, derivatives vs finite differences
//   replay   FILE.json                                          re-check a saved failing graph
//   minimize FILE.json                                          shrink a saved failing graph, print it
//   trace    SEED                                               the first non-finite intermediate of a seed's graph
//   badinput --from A --to B [--stride S] | --count | --list    bad-input cases (child protocol: BEGIN i, END i {json})
//   memory   [--calls N] [--warmup N] [--cycles N]              RSS and live tensors over calls and compile cycles
//   threads  [--threads N] [--calls N]                          one function from many threads vs the serial results
// graphs, memory and threads print one line "RESULT {json}" at the end.
var argv = args.ToList();
string mode = argv.Count > 0 ? argv[0] : "help";
string Option(string name, string fallback)
{
    int i = argv.IndexOf(name);
    return i >= 0 && i + 1 < argv.Count ? argv[i + 1] : fallback;
}
int Int(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

switch (mode)
{
    case "graphs":
        return RandomGraphRun.Run(Int("--count", 500), Int("--seed", 1), Int("--depth", 30),
            Option("--failures", "out/stress/graphs"), verbose: argv.Contains("--verbose"));
    case "replay":
    {
        var (verdict, detail) = GraphCheck.Replay(argv[1]);
        Console.WriteLine($"{verdict}: {detail}");
        return verdict == GraphVerdict.Fail ? 1 : 0;
    }
    case "trace":
    {
        // The first intermediate of a seed's graph (first draw) that is not finite, with its node.
        using var scope = TorchSharp.torch.NewDisposeScope();
        var graph = new GraphGenerator(unchecked(int.Parse(argv[1], CultureInfo.InvariantCulture) * 7919)).Next();
        var nodes = Gradient.Graph.GraphOrder.Toposort([graph.Output], graph.Inputs.ToHashSet());
        var outs = nodes.SelectMany(n => n.Outputs).Where(v => v.DType == Gradient.Kernels.DType.Float64).ToArray();
        var lenient = new Gradient.Compile.CompileOptions
        {
            OnUnusedInput = Gradient.Compile.UnusedInputPolicy.Ignore, Rewrites = [],
        };
        var values = new Dictionary<Gradient.Graph.Variable, TorchSharp.torch.Tensor>();
        foreach (var o in outs)
        {
            TorchSharp.torch.Tensor v;
            try
            {
                v = Gradient.Compile.Function.Compile(graph.Inputs, [o], lenient).Call(graph.Point)[0];
            }
            catch (Exception e)
            {
                Console.WriteLine($"{e.Message}\n{Gradient.Printing.DebugPrint.Graph([o], printType: true)}");
                foreach (var input in o.Owner!.Inputs.Where(values.ContainsKey))
                {
                    Console.WriteLine($"input {input}: {string.Join(", ", values[input].to_type(TorchSharp.torch.float64).data<double>().ToArray())}");
                }
                return 0;
            }
            v = v.is_sparse ? v.to_dense() : v;
            values[o] = v;
            if (v.NumberOfElements > 0 && !TorchSharp.torch.isfinite(v).all().item<bool>())
            {
                Console.WriteLine(Gradient.Printing.DebugPrint.Graph([o], printType: true));
                foreach (var input in o.Owner!.Inputs.Where(values.ContainsKey))
                {
                    Console.WriteLine($"input {input}: {string.Join(", ", values[input].to_type(TorchSharp.torch.float64).data<double>().ToArray())}");
                }
                Console.WriteLine($"value: {string.Join(", ", v.data<double>().ToArray())}");
                return 0;
            }
        }
        Console.WriteLine("all finite");
        return 0;
    }
    case "minimize":
    {
        var (graph, point, detail, printed) = GraphMinimizer.Minimize(argv[1]);
        Console.WriteLine(detail);
        Console.WriteLine(printed);
        Console.WriteLine("point: " + Gradient.Serialization.GraphJson.WriteValues(point));
        string output = Path.ChangeExtension(argv[1], ".min.json");
        Gradient.Serialization.GraphJson.Save(output, graph.Inputs, graph.Outputs);
        Console.WriteLine($"saved {output}");
        return 0;
    }
    case "badinput":
        if (argv.Contains("--count"))
        {
            Console.WriteLine(BadInputs.All().Count);
            return 0;
        }
        if (argv.Contains("--list"))
        {
            var all = BadInputs.All();
            for (int i = 0; i < all.Count; i++)
            {
                Console.WriteLine($"{i} {all[i].Category} {all[i].Name}");
            }
            return 0;
        }
        return BadInputs.RunChild(Int("--from", 0), Int("--to", int.MaxValue), Int("--stride", 1));
    case "memory":
    {
        var calls = MemoryStress.Calls(Int("--calls", 100_000), Int("--warmup", 10_000));
        var cycles = MemoryStress.CompileCycles(Int("--cycles", 10_000), Int("--compile-warmup", 1_000));
        Console.WriteLine("RESULT " + System.Text.Json.JsonSerializer.Serialize(new[] { calls, cycles }.Select(r => new
        {
            r.What, r.Count, rss_start = r.RssStart, rss_end = r.RssEnd, rss_peak = r.RssPeak,
            drift_percent = Math.Round(r.DriftPercent, 2), tensors_leaked = r.TensorsLeaked, seconds = Math.Round(r.Seconds, 1),
        })));
        return 0;
    }
    case "threads":
    {
        var r = ThreadStress.Run(Int("--threads", 8), Int("--calls", 1000));
        Console.WriteLine("RESULT " + System.Text.Json.JsonSerializer.Serialize(new
        {
            threads = r.Threads, calls = r.Calls, mismatches = r.Mismatches, update_violations = r.UpdateViolations,
            seconds = Math.Round(r.Seconds, 1),
        }));
        return 0;
    }
    default:
        Console.Error.WriteLine("usage: Gradient.Stress graphs|replay ... (see stress/Program.cs)");
        return 2;
}
