using System.Text.Json;
using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using Gradient.Ops.RandomVariables;
using Gradient.Serialization;
using TorchSharp;

namespace Gradient.Examples;

/// <summary>
/// The C# half of the cross-language parity corpus (tests-parity/, driven by tests-python/test_parity_corpus.py):
/// one process for every case. Each case (a <c>gradient-parity-case</c> document) holds a graph, the values of its
/// inputs and a list of derivations (grad, Lop, Rop, jacobian, hessian, hessian_vector_product, verify_grad) named by
/// the gradient API they call. Here each case is read, derived with the C# API (<see cref="Autodiff"/>), compiled and
/// evaluated; the derived graph and the results are written for Python to compare and read back, and the graph Python
/// derived from the same case (if it has already written it) is read and evaluated here.
/// </summary>
/// <remarks>
/// Files under WORK: Python writes <c>py/NAME.graph.json</c> before this runs; this writes <c>cs/NAME.graph.json</c>,
/// <c>cs/NAME.values.json</c> (the results, then the numeric gradients of verify_grad derivations),
/// <c>cs/NAME.from-py.values.json</c> (Python's graph evaluated here), <c>cs/NAME.report.json</c> (what VerifyGrad
/// said) or <c>cs/NAME.error.txt</c>. References in derivations: <c>iK</c> is input K of the graph, <c>oK</c> output K.
/// </remarks>
internal static class ParityCorpus
{
    private static readonly CompileOptions Lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };

    /// <summary>Runs <c>parity-corpus CORPUS_DIR WORK_DIR [NAME ...]</c>; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: Gradient.Examples parity-corpus CORPUS_DIR WORK_DIR [CASE ...]");
            return 2;
        }
        string corpus = args[1], work = args[2];
        var only = args.Skip(3).ToHashSet();
        var output = Path.Combine(work, "cs");
        Directory.CreateDirectory(output);
        int done = 0, failed = 0;
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var compiled = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(corpus, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (only.Count > 0 && !only.Contains(name))
            {
                continue;
            }
            try
            {
                RunCase(name, File.ReadAllText(file), work, seen, compiled);
                done++;
            }
            catch (Exception e)
            {
                File.WriteAllText(Path.Combine(output, name + ".error.txt"), e.ToString());
                Console.WriteLine($"error {name}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                failed++;
            }
        }
        File.WriteAllText(Path.Combine(output, "coverage.json"), JsonSerializer.Serialize(new
        {
            op_classes = OpClasses(),
            scalar_ops = ScalarOps.Names.Order(StringComparer.Ordinal).ToArray(),
            seen,
            compiled,
        }));
        Console.WriteLine($"parity-corpus: {done} cases ran, {failed} failed");
        return 0;
    }

    /// <summary>Every concrete op class of the engine (by its C# type name): what the corpus must cover.</summary>
    private static string[] OpClasses() => typeof(Op).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Op)) && !t.IsAbstract && t.IsPublic)
        .Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Records the op classes (C# type names) and scalar ops (<c>scalar:NAME</c>) of the nodes.</summary>
    private static void Record(IEnumerable<Apply> nodes, SortedSet<string> seen)
    {
        foreach (var node in nodes)
        {
            seen.Add(node.Op.GetType().Name);
            if (node.Op is Elemwise elemwise)
            {
                seen.Add("scalar:" + elemwise.Scalar.Name);
            }
        }
    }

    private static void RunCase(string name, string text, string work, SortedSet<string> seen,
        SortedSet<string> compiled)
    {
        using var scope = torch.NewDisposeScope();
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        if (root.GetProperty("format").GetString() != "gradient-parity-case")
        {
            throw new FormatException($"{name}: not a gradient-parity-case document");
        }
        var loaded = GraphJson.Read(root.GetProperty("graph").GetRawText());
        var values = GraphJson.ReadValues(root.GetProperty("inputs").GetRawText());
        bool random = root.TryGetProperty("random", out var randomSpec);
        var draws = random ? RandomDraws(randomSpec, loaded) : [];
        var graph = new LoadedGraph(loaded.Inputs, [.. loaded.Outputs, .. draws]);
        var outputs = new List<Variable>(graph.Outputs);
        var report = new Dictionary<string, string>();
        var numeric = new List<Func<torch.Tensor[]>>();
        if (root.TryGetProperty("derive", out var derive))
        {
            int k = 0;
            foreach (var spec in derive.EnumerateArray())
            {
                Derive(spec, graph, values, outputs, numeric, report, k++);
            }
        }

        var function = Function.Compile(graph.Inputs, outputs, Lenient);
        Record(GraphOrder.Toposort(outputs), seen);
        Record(function.Toposort(), compiled);
        int calls = random && randomSpec.TryGetProperty("calls", out var n) ? n.GetInt32() : 1;
        var results = Enumerable.Range(0, calls).SelectMany(_ => function.Call(values)).ToArray();
        var extras = numeric.SelectMany(gradients => gradients()).ToArray();
        var dir = Path.Combine(work, "cs");
        File.WriteAllText(Path.Combine(dir, name + ".values.json"), GraphJson.WriteValues([.. results, .. extras]));
        File.WriteAllText(Path.Combine(dir, name + ".report.json"), JsonSerializer.Serialize(report));
        if (random)
        {
            return; // random variables cannot be written as JSON (each node holds its generator state)
        }
        File.WriteAllText(Path.Combine(dir, name + ".graph.json"), GraphJson.Write(graph.Inputs, outputs));

        var python = Path.Combine(work, "py", name + ".graph.json");
        if (File.Exists(python))
        {
            var theirs = GraphJson.Load(python);
            var again = Function.Compile(theirs.Inputs, theirs.Outputs, Lenient).Call(values);
            File.WriteAllText(Path.Combine(dir, name + ".from-py.values.json"), GraphJson.WriteValues(again));
        }
    }

    /// <summary>
    /// The draws of a case's <c>random</c> section, made on one <see cref="RandomStream"/> of its seed (see
    /// tests-parity/parity.py, <c>random_draws</c>, for the format and the Python side of the same steps).
    /// </summary>
    private static Variable[] RandomDraws(JsonElement spec, LoadedGraph graph)
    {
        var stream = new RandomStream(spec.GetProperty("seed").GetInt64());
        var draws = new List<Variable>();
        foreach (var d in spec.GetProperty("draws").EnumerateArray())
        {
            var args = Refs(d, "args", graph);
            var size = d.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Array
                ? RandomStream.SizeOf(s.EnumerateArray().Select(x => x.GetInt64()).ToArray())
                : null;
            DType? dtype = d.TryGetProperty("dtype", out var t) && t.ValueKind == JsonValueKind.String
                ? DTypes.Parse(t.GetString()!)
                : null;
            draws.Add(d.GetProperty("dist").GetString() switch
            {
                "normal" => stream.Normal(args[0], args[1], size, dtype),
                "uniform" => stream.Uniform(args[0], args[1], size, dtype),
                "binomial" => stream.Binomial(args[0], args[1], size),
                "multinomial" => stream.Multinomial(args[0], args[1], size),
                "choice" => stream.Choice(args[0], size, !d.TryGetProperty("replace", out var r) || r.GetBoolean(),
                    d.TryGetProperty("p", out var p) && p.ValueKind == JsonValueKind.String ? Ref(p, graph) : null),
                "permutation" => stream.Permutation(args[0]),
                var other => throw new FormatException($"unknown distribution '{other}'"),
            });
        }
        return [.. draws];
    }

    private static Variable Ref(JsonElement reference, LoadedGraph graph)
    {
        var text = reference.GetString() ?? throw new FormatException("a reference must be a string such as \"i0\"");
        int index = int.Parse(text.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        return text[0] switch
        {
            'i' => graph.Inputs[index],
            'o' => graph.Outputs[index],
            _ => throw new FormatException($"bad reference '{text}': expected iK (input K) or oK (output K)"),
        };
    }

    private static Variable[] Refs(JsonElement spec, string field, LoadedGraph graph) =>
        spec.TryGetProperty(field, out var list) ? list.EnumerateArray().Select(r => Ref(r, graph)).ToArray() : [];

    private static DisconnectedPolicy Policy(JsonElement spec, string field) =>
        spec.TryGetProperty(field, out var p)
            ? p.GetString() switch
            {
                "raise" => DisconnectedPolicy.Raise,
                "ignore" => DisconnectedPolicy.Ignore,
                "warn" => DisconnectedPolicy.Warn,
                var other => throw new FormatException($"{field}: unknown policy '{other}'"),
            }
            : DisconnectedPolicy.Raise;

    private static void Derive(JsonElement spec, LoadedGraph graph, torch.Tensor[] values, List<Variable> outputs,
        List<Func<torch.Tensor[]>> numeric, Dictionary<string, string> report, int k)
    {
        string api = spec.GetProperty("api").GetString()!;
        switch (api)
        {
            case "grad":
            {
                var cost = spec.TryGetProperty("cost", out var c) && c.ValueKind != JsonValueKind.Null
                    ? Ref(c, graph)
                    : null;
                var known = spec.TryGetProperty("known_grads", out var kg)
                    ? kg.EnumerateArray().Select(pair => new KeyValuePair<Variable, Variable>(
                        Ref(pair[0], graph), Ref(pair[1], graph))).ToArray()
                    : [];
                outputs.AddRange(Autodiff.Grad(cost, Refs(spec, "wrt", graph), new GradOptions
                {
                    ConsiderConstant = Refs(spec, "consider_constant", graph),
                    KnownGrads = known,
                    DisconnectedInputs = Policy(spec, "disconnected_inputs"),
                    AddNames = !spec.TryGetProperty("add_names", out var names) || names.GetBoolean(),
                }));
                break;
            }
            case "Lop":
                outputs.AddRange(Autodiff.Lop(Refs(spec, "f", graph), Refs(spec, "wrt", graph),
                    Refs(spec, "eval_points", graph), Policy(spec, "disconnected_inputs"),
                    Refs(spec, "consider_constant", graph)));
                break;
            case "Rop":
                outputs.AddRange(Autodiff.Rop(Refs(spec, "f", graph), Refs(spec, "wrt", graph),
                    Refs(spec, "eval_points", graph), Policy(spec, "disconnected_outputs")));
                break;
            case "jacobian":
                outputs.AddRange(Autodiff.Jacobian(Ref(spec.GetProperty("expression"), graph), Refs(spec, "wrt", graph),
                    Policy(spec, "disconnected_inputs"), Refs(spec, "consider_constant", graph),
                    spec.TryGetProperty("chunk_size", out var chunk) ? chunk.GetInt32() : null));
                break;
            case "hessian":
                outputs.AddRange(Autodiff.Hessian(Ref(spec.GetProperty("cost"), graph), Refs(spec, "wrt", graph),
                    Policy(spec, "disconnected_inputs"), Refs(spec, "consider_constant", graph)));
                break;
            case "hessian_vector_product":
                outputs.Add(Autodiff.HessianVectorProduct(Ref(spec.GetProperty("cost"), graph),
                    Ref(spec.GetProperty("wrt"), graph), Ref(spec.GetProperty("v"), graph)));
                break;
            case "verify_grad":
                VerifyGradStyle(spec, graph, values, outputs, numeric, report, k);
                break;
            default:
                throw new FormatException($"unknown api '{api}'");
        }
    }

    /// <summary>
    /// Aesara's verify_grad, in two parts. Exact: the projected cost <c>sum(projection * output)</c> (the projection an
    /// input of the case), its gradient with respect to <c>wrt</c>, and the one-sided numeric gradient of the compiled
    /// cost by <see cref="NumericGrad"/>. And <see cref="Autodiff.VerifyGrad"/> itself (its own random projections),
    /// whose verdict goes to the report.
    /// </summary>
    private static void VerifyGradStyle(JsonElement spec, LoadedGraph graph, torch.Tensor[] values,
        List<Variable> outputs, List<Func<torch.Tensor[]>> numeric, Dictionary<string, string> report, int k)
    {
        var output = Ref(spec.GetProperty("output"), graph);
        var wrt = Refs(spec, "wrt", graph);
        var projection = Ref(spec.GetProperty("projection"), graph);
        var cost = (projection * output).Sum();
        outputs.Add(cost);
        outputs.AddRange(Autodiff.Grad(cost, wrt, new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore }));

        var positions = wrt.Select(w => Array.IndexOf(graph.Inputs, w)).ToArray();
        var costFn = Function.Compile(graph.Inputs, [cost], Lenient);
        numeric.Add(() =>
        {
            var point = positions.Select(p => values[p]).ToArray();
            return new NumericGrad(moved =>
            {
                var args = (torch.Tensor[])values.Clone();
                for (int i = 0; i < positions.Length; i++)
                {
                    args[positions[i]] = moved[i];
                }
                using var inner = torch.NewDisposeScope();
                return costFn.Call(args)[0].to_type(torch.float64).item<double>();
            }, point).Gradients;
        });

        // The real thing: fun rebuilds the output on VerifyGrad's own inputs, the other inputs held at their values.
        try
        {
            Autodiff.VerifyGrad(inputs =>
            {
                var map = new Dictionary<Variable, Variable>();
                for (int i = 0; i < graph.Inputs.Length; i++)
                {
                    int at = Array.IndexOf(positions, i);
                    map[graph.Inputs[i]] = at >= 0 ? inputs[at] : T.Constant(values[i].clone());
                }
                return Rebuild(output, map);
            }, positions.Select(p => values[p]).ToArray(), checkForward: true);
            report[$"verify_grad {k}"] = "passed";
        }
        catch (GradientException e)
        {
            report[$"verify_grad {k}"] = "GradientError: " + e.Message;
        }
    }

    /// <summary><paramref name="output"/> rebuilt with each key of <paramref name="map"/> replaced by its value.
    /// </summary>
    private static Variable Rebuild(Variable output, Dictionary<Variable, Variable> map)
    {
        foreach (var node in GraphOrder.Toposort([output], map.Keys.ToHashSet()))
        {
            var inputs = node.Inputs.Select(v => map.GetValueOrDefault(v, v)).ToArray();
            if (inputs.SequenceEqual(node.Inputs))
            {
                continue;
            }
            var rebuilt = node.Op.MakeNode(inputs);
            for (int o = 0; o < node.Outputs.Count; o++)
            {
                map[node.Outputs[o]] = rebuilt.Outputs[o];
            }
        }
        return map.GetValueOrDefault(output, output);
    }
}
