using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Serialization;
using TorchSharp;

namespace Gradient.Stress;

/// <summary>
/// Shrinks a failing graph while it keeps failing: the output is moved down to an intermediate variable, or the graph
/// is cut at an intermediate variable, which becomes an input holding the value it had (through
/// <see cref="GraphJson"/>, which cuts a graph at whatever it is told are the inputs).
/// </summary>
public static class GraphMinimizer
{
    private static readonly CompileOptions s_lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };

    /// <summary>The smallest failing graph found from a reproducer, its failure and its debugprint.</summary>
    public static (LoadedGraph Graph, torch.Tensor[] Point, string Detail, string Printed) Minimize(string graphPath)
    {
        var loaded = GraphJson.Load(graphPath);
        var values = GraphJson.ReadValues(File.ReadAllText(Path.ChangeExtension(graphPath, ".values.json")));
        var point = values[..loaded.Inputs.Length];
        var current = new LoadedGraph(loaded.Inputs, [loaded.Outputs[0]]);
        string detail = Failure(current, point) ?? throw new InvalidOperationException("the graph does not fail");
        for (bool progress = true; progress;)
        {
            progress = false;
            var candidates = GraphOrder.Toposort(current.Outputs, current.Inputs.ToHashSet())
                .SelectMany(n => n.Outputs).Where(v => v != current.Outputs[0] && v.DType == DType.Float64).ToList();
            foreach (var z in candidates)
            {
                var lower = new LoadedGraph(current.Inputs, [z]);
                if (Failure(lower, point) is { } why)
                {
                    (current, detail, progress) = (lower, why, true);
                    break;
                }
            }
            if (progress)
            {
                continue;
            }
            foreach (var z in candidates)
            {
                if (z.Owner!.Outputs.Count > 1)
                {
                    continue; // graph JSON cannot cut between the outputs of one node
                }
                var zValue = Function.Compile(current.Inputs, [z], s_lenient).Call(point)[0];
                var cut = GraphJson.Read(GraphJson.Write([.. current.Inputs, z], current.Outputs));
                var used = GraphOrder.GraphInputs(cut.Outputs, cut.Inputs.ToHashSet()).ToHashSet();
                var keep = Enumerable.Range(0, cut.Inputs.Length).Where(i => used.Contains(cut.Inputs[i])).ToArray();
                torch.Tensor[] cutPoint = [.. point, zValue];
                var smaller = new LoadedGraph(keep.Select(i => cut.Inputs[i]).ToArray(), cut.Outputs);
                var smallerPoint = keep.Select(i => cutPoint[i]).ToArray();
                if (Failure(smaller, smallerPoint) is { } why)
                {
                    (current, point, detail, progress) = (smaller, smallerPoint, why, true);
                    break;
                }
            }
        }
        return (current, point, detail, Printing.DebugPrint.Graph(current.Outputs, printType: true));
    }

    private static string? Failure(LoadedGraph graph, torch.Tensor[] point)
    {
        try
        {
            var y0 = Function.Compile(graph.Inputs, graph.Outputs, s_lenient).Call(point)[0];
            if (y0.is_sparse)
            {
                return null; // the checker compares dense values
            }
            var rng = new Random(1);
            var u = GraphCheck.Uniform(y0.shape, rng);
            var v = point.Select(p => GraphCheck.Uniform(p.shape, rng)).ToArray();
            var (verdict, detail) = GraphCheck.Evaluate(graph.Inputs, graph.Outputs[0], point, u, v, y0.shape);
            return verdict == GraphVerdict.Fail ? detail : null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }
}
