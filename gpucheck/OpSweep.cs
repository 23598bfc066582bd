using System.Collections;
using System.Reflection;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops.RandomVariables;
using TorchSharp;

namespace Gradient.GpuCheck;

/// <summary>
/// Every op and every gradient API on both devices: the op tables of the NUnit suite (loaded from Gradient.Tests.dll
/// next to this program, so the sweep grows with the tests), each case as a value, a gradient (Grad), a
/// vector-Jacobian product (Lop), a Jacobian-vector product (Rop), a Jacobian and a Hessian, and once more with its
/// float inputs in float32; then a few graphs for op classes no table reaches (random draws, gradient controls).
/// Reports which op classes of the engine the sweep ran.
/// </summary>
internal sealed class OpSweep(Checker check, TextWriter log)
{
    private readonly HashSet<Type> _seen = [];
    private int _unbuildable;

    /// <summary>One case: a graph builder over symbolic inputs of the given types, and its argument values.</summary>
    private sealed record Case(string Table, string Name, Func<Variable[], Variable> Build, TensorType[] Types,
        Func<torch.Tensor[]> Values, bool SecondOrder);

    private const long MaxJacobianSize = 4096;

    public void Run(int every, string filter)
    {
        var cases = LoadTables(log).Where((c, i) => i % every == 0 && ($"{c.Table} {c.Name}").Contains(filter, StringComparison.Ordinal))
            .ToList();
        log.WriteLine($"== op sweep: {cases.Count} cases × value, Grad, Lop, Rop, Jacobian, Hessian, float32" +
                      (every > 1 ? $" (every {every}th case)" : "") + (filter.Length > 0 ? $" (matching '{filter}')" : ""));
        int before = check.Failures;
        foreach (var c in cases)
        {
            using var scope = torch.NewDisposeScope();
            Sweep(c);
        }
        Extras();
        var all = typeof(Op).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Op)) && !t.IsAbstract).ToList();
        var missing = all.Where(t => !_seen.Contains(t)).Select(t => t.Name).Order().ToList();
        log.WriteLine($"  op classes run: {all.Count - missing.Count} of {all.Count}" +
                      (missing.Count > 0 ? $"; not reached: {string.Join(", ", missing)}" : ""));
        log.WriteLine($"  {_unbuildable} derivative graph(s) refused symbolically on every device (e.g. no batching rule)");
        log.WriteLine($"  {check.Failures - before} failure(s) in the sweep");
    }

    private void Sweep(Case c)
    {
        var values = c.Values();
        var xs = c.Types.Select((t, i) => new Variable(t, name: $"x{i}")).ToArray();
        Variable f;
        try
        {
            f = c.Build(xs);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException)
        {
            check.Record($"{c.Table} {c.Name}: build", $"the graph could not be built: {e.Message}");
            return;
        }
        string label = $"{c.Table} {c.Name}";
        Compare($"{label}: value", xs, [f], values);
        var floats = Enumerable.Range(0, xs.Length).Where(i => xs[i].DType.IsFloat()).ToArray();
        if (floats.Length == 0 || !f.DType.IsFloat())
        {
            return;
        }
        var wrt = floats.Select(i => xs[i]).ToArray();
        var shape = ValueShape(xs, f, values);
        if (shape is null)
        {
            return; // the value raises on both devices: there is nothing to differentiate
        }
        var cotangent = T.Constant(Uniform(shape, f.DType, seed: 300));
        var cost = f.Ndim == 0 ? f : T.Sum(f * cotangent);
        Try($"{label}: Grad", xs, values,
            () => Autodiff.Grad(cost, wrt, new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore }));
        Try($"{label}: Lop", xs, values,
            () => Autodiff.Lop([f], wrt, [cotangent], DisconnectedPolicy.Ignore));
        var directions = floats.Select(i => new Variable(c.Types[i], name: $"v{i}")).ToArray();
        var directionValues = floats.Select(i => Uniform(values[i].Lengths(), c.Types[i].DType, seed: 100 + i)).ToArray();
        Try($"{label}: Rop", [.. xs, .. directions], [.. values, .. directionValues],
            () => Autodiff.Rop([f], wrt, directions, DisconnectedPolicy.Ignore));
        long size = shape.Aggregate(1L, (a, b) => a * b) * values[floats[0]].NumberOfElements;
        if (size <= MaxJacobianSize)
        {
            Try($"{label}: Jacobian", xs, values,
                () => Autodiff.Jacobian(f, [wrt[0]], DisconnectedPolicy.Ignore));
        }
        if (c.SecondOrder && values[floats[0]].NumberOfElements <= 64)
        {
            Try($"{label}: Hessian", xs, values, () => Autodiff.Hessian(cost, [wrt[0]], DisconnectedPolicy.Ignore));
        }
        // float32: the same graph on float32 inputs (the float32 kernels of every op), value and gradient.
        if (c.Types.Any(t => t.DType == DType.Float64))
        {
            var types32 = c.Types.Select(t => t.DType == DType.Float64 ? t.WithDType(DType.Float32) : t).ToArray();
            var xs32 = types32.Select((t, i) => new Variable(t, name: $"x{i}")).ToArray();
            var values32 = values.Select(v => v.dtype == torch.float64 ? v.to_type(torch.float32) : v).ToArray();
            Variable f32;
            try
            {
                f32 = c.Build(xs32);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException)
            {
                return; // a case written for float64 only
            }
            Compare($"{label}: float32 value", xs32, [f32], values32);
            if (f32.DType.IsFloat())
            {
                var wrt32 = floats.Select(i => xs32[i]).ToArray();
                Try($"{label}: float32 Grad", xs32, values32,
                    () => Autodiff.Grad(f32.Ndim == 0 ? f32 : T.Sum(f32 * T.Cast(cotangent, f32.DType)), wrt32,
                        new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore }));
            }
        }
    }

    /// <summary>Builds the outputs (a builder that raises is a comparison too: both devices never see it) and compares.</summary>
    private void Try(string what, Variable[] inputs, torch.Tensor[] values, Func<Variable[]> build)
    {
        Variable[] outputs;
        try
        {
            outputs = build();
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException)
        {
            // Symbolic, before any device: the same on every device (e.g. an op without a batching rule).
            _unbuildable++;
            return;
        }
        Compare(what, inputs, outputs, values);
    }

    private void Compare(string what, Variable[] inputs, Variable[] outputs, torch.Tensor[] values)
    {
        foreach (var node in GraphOrder.Toposort(outputs))
        {
            _seen.Add(node.Op.GetType());
        }
        check.Compare(what, inputs, outputs, values);
    }

    /// <summary>The shape of the case's value on the CPU, or null when computing it raises.</summary>
    private static long[]? ValueShape(Variable[] xs, Variable f, torch.Tensor[] values)
    {
        try
        {
            var options = new Compile.CompileOptions { OnUnusedInput = Compile.UnusedInputPolicy.Ignore, Device = "cpu" };
            return Compile.Function.Compile(xs, [f], options).Call(values)[0].Lengths();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>Graphs for the op classes the tables do not reach: random draws and the gradient controls.</summary>
    private void Extras()
    {
        using var scope = torch.NewDisposeScope();
        var stream = new RandomStream(1234);
        var loc = T.DVector("loc");
        var locValue = torch.tensor(new[] { 0.0, 10.0, -5.0 }, torch.float64);
        var p = T.Constant(torch.tensor(new[] { 0.2, 0.3, 0.5 }, torch.float64));
        Compare("extra: RandomStream normal, uniform, binomial", [loc],
            [stream.Normal(loc, T.Constant(2.0)), stream.Uniform(loc, loc + 1.0), stream.Binomial(T.Constant(10L), p)],
            [locValue]);
        Compare("extra: RandomStream multinomial, choice, permutation", [loc],
            [stream.Multinomial(T.Constant(20L), p), stream.Choice(T.Constant(5L), RandomStream.SizeOf(4), replace: false),
             stream.Permutation(loc) * 1.0],
            [locValue]);
        var x = T.DVector("x");
        var xv = torch.tensor(new[] { 0.5, -1.5, 2.0 }, torch.float64);
        var controlled = T.Sum(T.Sqr(T.GradClip(x, -0.5, 0.5)) + T.GradScale(x, 3.0) * x + T.ZeroGrad(x) * x
                               + T.DisconnectedGrad(x) * x + T.ConsiderConstant(x) * x);
        Compare("extra: grad through grad_clip, grad_scale, zero_grad, disconnected_grad, consider_constant",
            [x], [controlled, Autodiff.Grad(controlled, x)], [xv]);
        Compare("extra: undefined_grad (value)", [x], [T.UndefinedGrad(x) * x], [xv]);
        Try("extra: undefined_grad (gradient)", [x], [xv], () => [Autodiff.Grad(T.Sum(T.UndefinedGrad(x) * x), x)]);
        var m = T.DMatrix("m");
        var mv = torch.tensor(new[] { 0.5, -1.5, 2.0, 0.0, 3.0, 3.0 }, [2, 3], torch.float64);
        Compare("extra: argmax, all, any", [m],
            [T.Argmax(m, 1), T.Argmax(m), T.All(m, [0]), T.Any(T.Gt(m, T.Constant(2.5)), [1]), T.All(m)], [mv]);
    }

    private static torch.Tensor Uniform(long[] shape, DType dtype, int seed)
    {
        var generator = new torch.Generator((ulong)seed);
        var u = torch.rand(shape, torch.float64, generator: generator) * 4.0 - 2.0;
        return dtype == DType.Float64 ? u : u.to_type(dtype.ToTorch());
    }

    /// <summary>The op tables of Gradient.Tests.dll (every <c>IOpTable</c>), found by reflection.</summary>
    private static List<Case> LoadTables(TextWriter log)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Gradient.Tests.dll");
        if (!File.Exists(path))
        {
            log.WriteLine($"  (no {path}: the op tables are not there; only the extra graphs run)");
            return [];
        }
        var assembly = Assembly.LoadFrom(path);
        var table = assembly.GetType("Gradient.Tests.IOpTable")
                    ?? throw new InvalidOperationException("Gradient.Tests.dll has no Gradient.Tests.IOpTable");
        var all = table.GetMethod("All")!;
        var secondOrder = table.GetMethod("SecondOrder")!;
        var cases = new List<Case>();
        foreach (var type in assembly.GetTypes().Where(t => table.IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
                     .OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var instance = Activator.CreateInstance(type)!;
            var second = ((IEnumerable)secondOrder.Invoke(instance, null)!).Cast<object>().Select(Name).ToHashSet();
            string tableName = type.DeclaringType?.Name ?? type.Name;
            foreach (var c in ((IEnumerable)all.Invoke(instance, null)!).Cast<object>())
            {
                var ct = c.GetType();
                var values = ct.GetMethod("Values")!;
                cases.Add(new Case(tableName, Name(c),
                    (Func<Variable[], Variable>)ct.GetProperty("Build")!.GetValue(c)!,
                    (TensorType[])ct.GetProperty("Types")!.GetValue(c)!,
                    () => (torch.Tensor[])values.Invoke(c, null)!,
                    second.Contains(Name(c))));
            }
        }
        return cases;
    }

    private static string Name(object c) => (string)c.GetType().GetProperty("Name")!.GetValue(c)!;
}
