using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using NUnit.Framework;
using TorchSharp;

namespace Gradient.Tests;

/// <summary>
/// What the compiler's shortcuts for large graphs must leave unchanged: nodes computed from constants alone are copied
/// once only when the pipeline merges anyway, reverse accumulation skips only the terms it drops, and compiling one
/// graph from several threads at once gives every thread the same function.
/// </summary>
public sealed class CompileSharingTests
{
    private static int Count(Function f, string op) => f.Toposort().Count(n => n.Op.ToString() == op);

    /// <summary>x·0.5 summed <paramref name="uses"/> times: each use pads its own 0.5 with a DimShuffle.</summary>
    private static (Variable X, Variable Y) ScaledSum(int uses)
    {
        var x = T.DMatrix("x");
        var y = x * 0.5;
        for (int i = 1; i < uses; i++)
        {
            y = y + T.Tanh(x * (double)i) * 0.5;
        }
        return (x, y);
    }

    [Test]
    public void Padded_scalars_become_one_when_the_pipeline_merges_and_stay_apart_when_it_does_not()
    {
        using var scope = torch.NewDisposeScope();
        var (x, y) = ScaledSum(20);
        var built = GraphOrder.Toposort([y]).Count(n => n.Op is DimShuffle && n.Inputs[0] is Constant c
                                                         && c.ScalarValue == 0.5);
        Assert.That(built, Is.EqualTo(20), "the graph as built pads 0.5 at each use");

        var merged = Function.Compile([x], [y]);
        var plain = Function.Compile([x], [y], new CompileOptions { Rewrites = [] });
        // Merged (and folded into one padded constant), every use reads the same variable.
        var halves = merged.Toposort().SelectMany(n => n.Inputs).OfType<Constant>().Where(c => c.ScalarValue == 0.5)
            .Distinct().Count();
        Assert.That(halves, Is.EqualTo(1));
        Assert.That(plain.Toposort().Count(n => n.Op is DimShuffle && n.Inputs[0] is Constant { ScalarValue: 0.5 }),
            Is.EqualTo(20), "without a merge pass the compiled graph is the graph as built");

        var value = torch.randn(3, 4, dtype: torch.float64);
        var expected = value * 0.5;
        for (int i = 1; i < 20; i++)
        {
            expected = expected + torch.tanh(value * i) * 0.5;
        }
        Assert.That(merged.Call(value)[0].allclose(expected, rtol: 1e-12, atol: 1e-12), Is.True);
        Assert.That(plain.Call(value)[0].allclose(expected, rtol: 1e-12, atol: 1e-12), Is.True);
    }

    [Test]
    public void A_custom_pipeline_without_a_merge_first_keeps_every_padded_scalar()
    {
        using var scope = torch.NewDisposeScope();
        var (x, y) = ScaledSum(5);
        var f = Function.Compile([x], [y], new CompileOptions { Rewrites = [new Rewrites.FuseMultiplyAdd()] });
        Assert.That(f.Toposort().Count(n => n.Op is DimShuffle && n.Inputs[0] is Constant { ScalarValue: 0.5 }),
            Is.EqualTo(5));
    }

    [Test]
    public void Elemwise_pullback_leaves_out_the_terms_not_wanted_and_keeps_the_others()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var c = T.Constant(torch.tensor(new[] { 2.0, 3.0, 5.0 }, dtype: torch.float64));
        var node = (x * c).Owner!;
        var g = T.DMatrix("g");
        var full = node.Op.Pullback(node, [g]);
        var some = node.Op.Pullback(node, [g], [true, false]);
        Assert.That(full[1], Is.Not.Null, "the full pullback has the constant's term");
        Assert.That(some[1], Is.Null, "the constant's term is not built when not wanted");
        Assert.That(some[0], Is.Not.Null);

        var gx = torch.randn(4, 3, dtype: torch.float64);
        var fullValue = Function.Compile([g], [full[0]!]).Call(gx)[0];
        var someValue = Function.Compile([g], [some[0]!]).Call(gx)[0];
        Assert.That(GradCheck.Doubles(someValue), Is.EqualTo(GradCheck.Doubles(fullValue)));
        Assert.That(someValue.allclose(gx * torch.tensor(new[] { 2.0, 3.0, 5.0 }, dtype: torch.float64)), Is.True);
    }

    [Test]
    public void Compiling_one_gradient_graph_from_eight_threads_at_once_gives_each_the_same_function()
    {
        var x = T.DVector("x");
        var y = x;
        for (int i = 0; i < 2_000; i++)
        {
            y = T.Tanh(y) * 0.5 + y;
        }
        var cost = y.Sum();
        var grad = Autodiff.Grad(cost, x);
        var reference = Function.Compile([x], [cost, grad]);
        var ops = reference.Toposort().Select(n => n.Op.ToString()).ToArray();
        using var arg = torch.linspace(-1, 1, 5, dtype: torch.float64);
        var expected = reference.Call(arg).Select(t => t.clone()).ToArray();

        var functions = new Function[8];
        Parallel.For(0, functions.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => functions[i] = Function.Compile([x], [cost, grad]));
        foreach (var f in functions)
        {
            Assert.That(f.Toposort().Select(n => n.Op.ToString()).ToArray(), Is.EqualTo(ops));
            var got = f.Call(arg);
            Assert.That(GradCheck.Doubles(got[0]), Is.EqualTo(GradCheck.Doubles(expected[0])));
            Assert.That(GradCheck.Doubles(got[1]), Is.EqualTo(GradCheck.Doubles(expected[1])));
        }
    }

    [Test]
    public void A_scalar_rule_declared_outside_the_engine_may_write_into_its_inputs_without_changing_the_node()
    {
        // The engine's own rules get the node's input array itself; a rule from elsewhere gets a copy.
        using var scope = torch.NewDisposeScope();
        var doubled = new ScalarOp("scribbled_double", 1, d => d, t => t[0] * 2,
            (x, y, gy) =>
            {
                var g = gy * 2.0;
                x[0] = gy;
                return [g];
            },
            (x, y, dx) =>
            {
                var d = dx[0]! * 2.0;
                x[0] = y;
                return d;
            });
        var v = T.DVector("v");
        var y = new Elemwise(doubled).Call(v);
        var g = Autodiff.Grad(y.Sum(), v);
        var dv = T.DVector("dv");
        var jvp = Autodiff.Rop([y], [v], [dv])[0];
        Assert.That(y.Owner!.Inputs[0], Is.SameAs(v));

        var f = Function.Compile([v, dv], [g, jvp]);
        var got = f.Call(torch.tensor(new[] { 1.0, -2.0, 3.0 }), torch.tensor(new[] { 0.5, 1.0, -1.0 }));
        Assert.That(GradCheck.Doubles(got[0]), Is.EqualTo(new[] { 2.0, 2.0, 2.0 }));
        Assert.That(GradCheck.Doubles(got[1]), Is.EqualTo(new[] { 1.0, 2.0, -2.0 }));
    }

    [Test]
    public void A_compile_records_its_clone_each_rewrite_and_its_schedule()
    {
        var (x, y) = ScaledSum(50);
        var g = Autodiff.Grad(y.Sum(), x);
        Function.Compile([x], [y, g]);  // the compile path JIT-compiled, outside the phases, before the one timed
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var f = Function.Compile([x], [y, g]);
        double wall = watch.Elapsed.TotalMilliseconds;

        var names = f.CompilePhases.Select(p => p.Name).ToArray();
        Assert.That(names, Is.EqualTo(new[] { "clone" }.Concat(Gradient.Rewrites.Rewriter.Default.Select(r => r.Name))
            .Append("schedule")));
        Assert.That(f.CompilePhases.All(p => p.Milliseconds >= 0 && p.GcPauseMilliseconds >= 0
                                             && p.GcPauseMilliseconds <= p.Milliseconds + 1e-6), Is.True);
        Assert.That(f.CompilePhases.Sum(p => p.Milliseconds), Is.LessThanOrEqualTo(wall));
        Assert.That(f.CompilePhases.Sum(p => p.Milliseconds), Is.GreaterThan(0.5 * wall),
            "the phases cover the compile, save the options' checks before the clone");

        var plain = Function.Compile([x], [y], new CompileOptions { Rewrites = [] });
        Assert.That(plain.CompilePhases.Select(p => p.Name), Is.EqualTo(new[] { "clone", "schedule" }));
    }
}
