using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops.RandomVariables;
using TorchSharp;

namespace Gradient.GpuCheck;

/// <summary>
/// Compiles one graph for the reference device and for the device under test, runs both on the same arguments and
/// compares: dtypes and shapes exactly, integers and booleans exactly, floats to 1e-10 (float64) or 1e-4 (when a
/// float32 or float16 takes part), relative to the size of the reference values. When the reference raises, the
/// device must raise an exception of the same type.
/// </summary>
internal sealed class Checker(torch.Device reference, torch.Device device, TextWriter log)
{
    private static readonly CompileOptions Lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };

    public int Comparisons { get; private set; }

    public int Failures { get; private set; }

    public torch.Device Device => device;

    public torch.Device Reference => reference;

    /// <summary>Compares the graph of <paramref name="outputs"/> on both devices; true when they agree.</summary>
    public bool Compare(string what, Variable[] inputs, Variable[] outputs, torch.Tensor[] values, bool verbose = false)
    {
        var states = RandomStates(outputs);
        var expected = Run(inputs, outputs, values, reference);
        foreach (var (state, seed, draws) in states)
        {
            state.SetState(seed, draws); // the device draws the same numbers
        }
        var actual = Run(inputs, outputs, values, device);
        var problem = Difference(expected, actual, inputs.Select(v => v.DType).Concat(outputs.Select(o => o.DType)));
        return Record(what, problem, verbose ? Summary(expected) : null);
    }

    /// <summary>Records a check made elsewhere (null problem: it passed).</summary>
    public bool Record(string what, string? problem, string? detail = null)
    {
        Comparisons++;
        if (problem is not null)
        {
            Failures++;
            log.WriteLine($"  FAIL {what}: {problem}");
            return false;
        }
        if (detail is not null)
        {
            log.WriteLine($"  ok   {what}: {detail}");
        }
        return true;
    }

    private sealed record Outcome(Exception? Error, Value[] Values);

    private sealed record Value(DType DType, long[] Shape, double[] Data);

    private static Outcome Run(Variable[] inputs, Variable[] outputs, torch.Tensor[] values, torch.Device on)
    {
        using var scope = torch.NewDisposeScope();
        try
        {
            var f = Function.Compile(inputs, outputs, Lenient with { Device = Devices.Name(on) });
            var results = f.Call(values);
            return new(null, results.Select(r => new Value(DTypes.FromTorch(r.dtype), r.Lengths(), Doubles(r))).ToArray());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new(e, []);
        }
    }

    /// <summary>The values as doubles on the CPU (sparse made dense, complex as interleaved real and imaginary parts).</summary>
    private static double[] Doubles(torch.Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var dense = t.is_sparse ? t.to_dense() : t;
        var host = dense.cpu();
        var real = host.is_complex() ? torch.view_as_real(host.contiguous()) : host;
        return real.to_type(torch.ScalarType.Float64).contiguous().data<double>().ToArray();
    }

    private static string? Difference(Outcome expected, Outcome actual, IEnumerable<DType> dtypes)
    {
        if (expected.Error is { } e)
        {
            return actual.Error is { } a
                ? a.GetType() == e.GetType() ? null : $"the reference raised {e.GetType().Name}, the device {a.GetType().Name}: {First(a)}"
                : $"the reference raised {e.GetType().Name} ({First(e)}) but the device computed a result";
        }
        if (actual.Error is { } error)
        {
            return $"the device raised {error.GetType().Name}: {First(error)}";
        }
        if (actual.Values.Length != expected.Values.Length)
        {
            return $"{actual.Values.Length} outputs; expected {expected.Values.Length}";
        }
        double tolerance = dtypes.Any(d => d is DType.Float32 or DType.Float16 or DType.Complex64) ? 1e-4 : 1e-10;
        for (int i = 0; i < expected.Values.Length; i++)
        {
            var (x, y) = (expected.Values[i], actual.Values[i]);
            if (x.DType != y.DType || !x.Shape.SequenceEqual(y.Shape))
            {
                return $"output {i} is {y.DType.Name()} {Kernels.Kernels.Show(y.Shape)}; expected {x.DType.Name()} {Kernels.Kernels.Show(x.Shape)}";
            }
            bool exact = !x.DType.IsFloat() && !x.DType.IsComplex();
            double scale = 1 + x.Data.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
            for (int j = 0; j < x.Data.Length; j++)
            {
                double a = x.Data[j], b = y.Data[j];
                bool same = a.Equals(b) // also NaN = NaN and ∞ = ∞
                            || (!exact && double.IsFinite(a) && double.IsFinite(b) && Math.Abs(a - b) <= tolerance * scale);
                if (!same)
                {
                    return $"output {i} element {j} is {b:R}, expected {a:R} (|difference| {Math.Abs(a - b):E2} > " +
                           $"{(exact ? "0" : $"{tolerance:E0} × {scale:G4}")})";
                }
            }
        }
        return null;
    }

    private static string Summary(Outcome outcome) => outcome.Error is { } e
        ? $"both raise {e.GetType().Name}"
        : $"{outcome.Values.Length} output(s), {outcome.Values.Sum(v => v.Data.Length)} values agree";

    private static string First(Exception e) => e.Message.Split('\n')[0];

    /// <summary>The random states the graph draws from, with their positions, to replay the same draws.</summary>
    private static List<(RandomState State, long Seed, long Draws)> RandomStates(IEnumerable<Variable> outputs) =>
        GraphOrder.Toposort(outputs).Select(n => n.Op).OfType<RandomVariable>().Select(r => r.State).Distinct()
            .Select(s => (s, s.Seed, s.Draws)).ToList();
}
