using System.Globalization;
using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Serialization;
using TorchSharp;

namespace Gradient.Stress;

/// <summary>How a random graph fared.</summary>
public enum GraphVerdict
{
    /// <summary>grad, Lop and Rop all agree with finite differences.</summary>
    Pass,

    /// <summary>A derivative disagrees, a shape is wrong, or the engine threw on a well-typed graph.</summary>
    Fail,

    /// <summary>The point landed on a kink (the one-sided differences disagree): no derivative to check.</summary>
    Kink,

    /// <summary>
    /// No draw of this seed stayed in range (finite values of moderate size), or finite differences did not converge
    /// (no two step sizes agree): nothing checked.
    /// </summary>
    Rejected,
}

/// <summary>The outcome for one seed.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Detail">What failed, for a failure.</param>
/// <param name="Ops">The generator steps of the graph checked.</param>
/// <param name="Reproducer">The JSON reproducer written for a failure, if any.</param>
public sealed record GraphReport(int Seed, GraphVerdict Verdict, string Detail, IReadOnlyList<string> Ops,
    string? Reproducer = null);

/// <summary>
/// Checks a random graph's derivatives against finite differences. With a random cotangent u shaped like the output y
/// and a random direction v (one tensor per input), three numbers must agree with the central difference of
/// S(t) = ⟨u, y(x + t v)⟩ at t = 0 (Richardson-extrapolated): ⟨grad ⟨u, y⟩, v⟩, ⟨Lop(y, x, u), v⟩ and ⟨u, Rop(y, x, v)⟩.
/// A failing graph is saved as a JSON reproducer (<see cref="GraphJson"/>) with its point, u and v.
/// </summary>
public static class GraphCheck
{
    private const int Attempts = 8;
    private const double Largest = 1e5;
    private static readonly CompileOptions s_lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };

    /// <summary>Generates the graph of <paramref name="seed"/> and checks it.</summary>
    /// <param name="seed">Which graph.</param>
    /// <param name="maxDepth">The most steps a graph has.</param>
    /// <param name="failures">A folder for reproducers of failing graphs, or null.</param>
    public static GraphReport Check(int seed, int maxDepth = 30, string? failures = null)
    {
        using var scope = torch.NewDisposeScope();
        IReadOnlyList<string> ops = [];
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            RandomGraph graph;
            var generator = new GraphGenerator(unchecked(seed * 7919 + attempt));
            try
            {
                graph = generator.Next(maxDepth);
            }
            catch (Exception e)
            {
                return new GraphReport(seed, GraphVerdict.Fail, $"building the graph: {e.GetType().Name}: {e.Message} {Where(e)}",
                    ops);
            }
            ops = graph.Ops;
            var rng = new Random(seed ^ 0x5bd1e995);
            var u = Uniform(graph.OutputShape, rng);
            var v = graph.Point.Select(p => Uniform(p.shape, rng)).ToArray();
            var (verdict, detail) = Evaluate(graph.Inputs, graph.Output, graph.Point, u, v, graph.OutputShape);
            if (verdict == GraphVerdict.Rejected)
            {
                continue;
            }
            string? saved = verdict == GraphVerdict.Fail && failures is not null
                ? Save(failures, seed, graph, u, v, detail)
                : null;
            return new GraphReport(seed, verdict, detail, ops, saved);
        }
        return new GraphReport(seed, GraphVerdict.Rejected, "no draw stayed finite and moderate", ops);
    }

    /// <summary>Re-checks a reproducer written by <see cref="Check"/>.</summary>
    public static (GraphVerdict Verdict, string Detail) Replay(string graphPath)
    {
        using var scope = torch.NewDisposeScope();
        var graph = GraphJson.Load(graphPath);
        var values = GraphJson.ReadValues(File.ReadAllText(ValuesPath(graphPath)));
        int n = graph.Inputs.Length;
        var y = graph.Outputs[0];
        return Evaluate(graph.Inputs, y, values[..n], values[n], values[(n + 1)..], values[n].shape);
    }

    private static bool OutsideDomain(string message) =>
        message.Contains("is singular") || message.Contains("infinities or NaNs")
        || message.Contains("not positive definite");

    /// <summary>Compiles the derivatives of y and compares them with finite differences at <paramref name="point"/>.</summary>
    public static (GraphVerdict Verdict, string Detail) Evaluate(Variable[] inputs, Variable y, torch.Tensor[] point,
        torch.Tensor u, torch.Tensor[] v, long[] expectedShape)
    {
        Function f, g;
        try
        {
            f = Function.Compile(inputs, [y], s_lenient);
        }
        catch (Exception e)
        {
            return (GraphVerdict.Fail, $"compiling the graph: {e.GetType().Name}: {e.Message}");
        }
        torch.Tensor y0;
        try
        {
            y0 = f.Call(point)[0];
        }
        catch (ArgumentException e) when (OutsideDomain(e.Message))
        {
            // A linear-algebra op refused, with its documented error, a matrix that an earlier overflow made singular
            // or non-finite (x xᵀ + D after exp(57 x)): the draw left the op's domain, as an out-of-range value does.
            return (GraphVerdict.Rejected, "");
        }
        catch (Exception e)
        {
            return (GraphVerdict.Fail, $"running the graph: {e.GetType().Name}: {e.Message}");
        }
        if (!y0.shape.SequenceEqual(expectedShape))
        {
            return (GraphVerdict.Fail,
                $"output shape ({string.Join(", ", y0.shape)}) differs from ({string.Join(", ", expectedShape)})");
        }
        if (!InRange(y0, Largest) || !IntermediatesInRange(inputs, y, point))
        {
            return (GraphVerdict.Rejected, "");
        }
        Variable[] grads, lops;
        Variable rop;
        try
        {
            var uVar = new Variable(y.Type, name: "u");
            var vVars = inputs.Select(x => new Variable(x.Type, name: "v_" + x.Name)).ToArray();
            var cost = T.Sum(y * uVar);
            grads = Autodiff.Grad(cost, inputs,
                new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore, AddNames = false });
            lops = Autodiff.Lop([y], inputs, [uVar], DisconnectedPolicy.Ignore);
            rop = Autodiff.Rop([y], inputs, vVars, DisconnectedPolicy.Ignore)[0];
            g = Function.Compile([.. inputs, uVar, .. vVars], [.. grads, .. lops, rop], s_lenient);
        }
        catch (Exception e)
        {
            return (GraphVerdict.Fail, $"building the derivatives: {e.GetType().Name}: {e.Message}");
        }
        torch.Tensor[] outs;
        try
        {
            torch.Tensor[] args = [.. point, u, .. v];
            outs = g.Call(args);
        }
        catch (Exception e)
        {
            return (GraphVerdict.Fail, $"running the derivatives: {e.GetType().Name}: {e.Message}");
        }
        int n = inputs.Length;
        for (int i = 0; i < n; i++)
        {
            foreach (var (what, t) in new[] { ("grad", outs[i]), ("Lop", outs[n + i]) })
            {
                if (!t.shape.SequenceEqual(point[i].shape))
                {
                    return (GraphVerdict.Fail, $"{what} of input {i} has shape ({string.Join(", ", t.shape)}); " +
                        $"expected ({string.Join(", ", point[i].shape)})");
                }
            }
        }
        if (!outs[2 * n].shape.SequenceEqual(y0.shape))
        {
            return (GraphVerdict.Fail, $"Rop has shape ({string.Join(", ", outs[2 * n].shape)}); expected the output's");
        }
        double aGrad = Enumerable.Range(0, n).Sum(i => Dot(outs[i], v[i]));
        double aLop = Enumerable.Range(0, n).Sum(i => Dot(outs[n + i], v[i]));
        double aRop = Dot(u, outs[2 * n]);

        double S(double t)
        {
            using var step = torch.NewDisposeScope();
            return Dot(u, f.Call(point.Select((p, i) => p + t * v[i]).ToArray())[0]);
        }
        double magnitude = (u * y0).abs().sum().item<double>();
        double s0;
        try
        {
            s0 = S(0);
        }
        catch (Exception e)
        {
            return (GraphVerdict.Fail, $"running the graph again: {e.GetType().Name}: {e.Message}");
        }
        // A kink between -h and h: the jump between the one-sided slopes does not shrink with h.
        const double h = 1e-5;
        double sp = S(h), sm = S(-h), sp2 = S(h / 2), sm2 = S(-h / 2);
        double jump = (sp - s0) / h - (s0 - sm) / h;
        double jump2 = (sp2 - s0) / (h / 2) - (s0 - sm2) / (h / 2);
        double central = (4 * (sp2 - sm2) / h - (sp - sm) / (2 * h)) / 3;
        double noise = 1e-9 * (1 + magnitude);
        if (Math.Abs(jump) > 1e-6 * (1 + Math.Abs(central)) + noise / h && Math.Abs(jump2) > 0.7 * Math.Abs(jump))
        {
            return (GraphVerdict.Kink, "");
        }
        if (!double.IsFinite(central))
        {
            return (GraphVerdict.Rejected, "");
        }
        // Other steps, for functions whose higher derivatives make 1e-5 too coarse or too fine.
        var estimates = new List<double> { central };
        double Richardson(double step) =>
            (4 * (S(step / 2) - S(-step / 2)) / step - (S(step) - S(-step)) / (2 * step)) / 3;
        bool Close(double a, double b) => Math.Abs(a - b) <= 1e-6 * (1 + Math.Abs(b)) + noise;
        foreach (var (what, value) in new[] { ("grad", aGrad), ("Lop", aLop), ("Rop", aRop) })
        {
            if (!double.IsFinite(value))
            {
                return (GraphVerdict.Fail, $"{what} is not finite ({value}) where finite differences give {central:R}");
            }
            if (estimates.Any(e => Close(value, e)))
            {
                continue;
            }
            if (estimates.Count == 1)
            {
                estimates.Add(Richardson(1e-3));
                estimates.Add(Richardson(1e-4));
                estimates.Add(Richardson(1e-6));
            }
            if (!estimates.Any(e => Close(value, e)))
            {
                // No two steps agree: the output is too coarse here for finite differences to converge (1 - sigmoid(26)
                // is 3e-12, known to 1e-16), so there is nothing to compare with.
                bool converged = estimates.Where((e, i) => estimates.Skip(i + 1).Any(f => Close(e, f))).Any();
                if (!converged)
                {
                    return (GraphVerdict.Rejected, "finite differences do not converge");
                }
                return (GraphVerdict.Fail, string.Create(CultureInfo.InvariantCulture,
                    $"{what}: ⟨derivative, direction⟩ = {value:R}; finite differences give {central:R} " +
                    $"(grad {aGrad:R}, Lop {aLop:R}, Rop {aRop:R})"));
            }
        }
        return (GraphVerdict.Pass, string.Create(CultureInfo.InvariantCulture, $"derivative {central:G4}"));
    }

    /// <summary>Whether a value is finite and at most <paramref name="largest"/> in magnitude.</summary>
    private static bool InRange(torch.Tensor t, double largest)
    {
        using var scope = torch.NewDisposeScope();
        var dense = (t.is_sparse ? t.to_dense() : t).to_type(torch.float64);
        return dense.NumberOfElements == 0
               || (torch.isfinite(dense).all().item<bool>() && dense.abs().max().item<double>() <= largest);
    }

    /// <summary>
    /// Whether every float intermediate value of the graph is finite and moderate: a derivative through an infinite
    /// intermediate (erf(logsumexp(inf))) is not defined even where the output is finite.
    /// </summary>
    private static bool IntermediatesInRange(Variable[] inputs, Variable y, torch.Tensor[] point)
    {
        var intermediates = GraphOrder.Toposort([y], inputs.ToHashSet()).SelectMany(n => n.Outputs)
            .Where(v => v.DType.IsFloat()).ToArray();
        if (intermediates.Length == 0)
        {
            return true;
        }
        using var scope = torch.NewDisposeScope();
        var values = Function.Compile(inputs, intermediates, s_lenient).Call(point);
        return values.All(v => InRange(v, 1e8));
    }

    private static string Save(string folder, int seed, RandomGraph graph, torch.Tensor u, torch.Tensor[] v, string detail)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, $"graph-{seed}.json");
        string note = $"seed {seed}\n{detail}\nsteps: {string.Join(" ", graph.Ops)}\n";
        try
        {
            GraphJson.Save(path, graph.Inputs, [graph.Output]);
            File.WriteAllText(ValuesPath(path), GraphJson.WriteValues([.. graph.Point, u, .. v]));
        }
        catch (Exception e)
        {
            note += $"the graph could not be saved as JSON: {e.GetType().Name}: {e.Message}\n";
        }
        File.WriteAllText(Path.ChangeExtension(path, ".txt"), note);
        return path;
    }

    /// <summary>The innermost frame of an exception's stack trace (where a build failed).</summary>
    private static string Where(Exception e) =>
        e.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "";

    private static string ValuesPath(string graphPath) => Path.ChangeExtension(graphPath, ".values.json");

    private static double Dot(torch.Tensor a, torch.Tensor b) =>
        a.NumberOfElements == 0 ? 0 : (a.to_type(torch.float64) * b).sum().item<double>();

    /// <summary>A float64 tensor of <paramref name="shape"/> uniform in [-1, 1), drawn from <paramref name="rng"/>.</summary>
    internal static torch.Tensor Uniform(long[] shape, Random rng)
    {
        var data = new double[shape.Aggregate(1L, (p, n) => p * n)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = 2 * rng.NextDouble() - 1;
        }
        return torch.tensor(data, torch.float64).reshape(shape);
    }
}
