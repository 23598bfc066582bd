using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using Gradient.Serialization;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// <see cref="OpFromGraph"/> as an op like any other: its value against torch, and its pullback, pushforward and
/// second derivatives (those of its gradient and R-op ops, themselves <see cref="OpFromGraph"/>s) against central
/// differences, for single and multiple outputs, nesting, inlining, shared variables, checkpoints and the derived ops.
/// </summary>
public sealed class OpFromGraphOpTests : OpTableTests<OpFromGraphOpTests.Table>
{
    private static readonly Arg M34 = Arg.Matrix(3, 4), V4 = Arg.Vector(4), S = Arg.Scalar();

    /// <summary>x * y + exp(x) and x - y, as one op of two inputs and two outputs.</summary>
    private static OpFromGraph TwoOutputs(bool inline = false)
    {
        var x = T.DMatrix("x");
        var y = T.DMatrix("y");
        return new OpFromGraph([x, y], [x * y + T.Exp(x), x - y], new OpFromGraphOptions { Inline = inline });
    }

    private static Variable Combine(IReadOnlyList<Variable> outs) => outs[0] + 2.0 * T.Tanh(outs[1]);

    /// <summary>The cases.</summary>
    public sealed class Table : IOpTable
    {
        /// <inheritdoc/>
        public IEnumerable<OpCase> All()
        {
            yield return new("ofg(x * y + exp(x))", v =>
            {
                var a = T.DMatrix("a");
                var b = T.DMatrix("b");
                return new OpFromGraph([a, b], [a * b + T.Exp(a)]).Call(v[0], v[1]);
            }, t => t[0] * t[1] + t[0].exp(), M34, M34);
            yield return new("ofg with two outputs", v => Combine(TwoOutputs().MakeNode(v[0], v[1]).Outputs),
                t => t[0] * t[1] + t[0].exp() + 2.0 * (t[0] - t[1]).tanh(), M34, M34);
            yield return new("inline ofg with two outputs", v => Combine(TwoOutputs(inline: true).MakeNode(v[0], v[1]).Outputs),
                t => t[0] * t[1] + t[0].exp() + 2.0 * (t[0] - t[1]).tanh(), M34, M34);
            yield return new("ofg applied twice, arguments swapped", v =>
            {
                var op = TwoOutputs();
                return op.MakeNode(v[0], v[1]).Outputs[0] * op.MakeNode(v[1], v[0]).Outputs[0];
            }, t => (t[0] * t[1] + t[0].exp()) * (t[1] * t[0] + t[1].exp()), M34, M34);
            yield return new("nested ofg", v =>
            {
                var a = T.DVector("a");
                var inner = new OpFromGraph([a], [T.Sin(a) * a]);
                var b = T.DVector("b");
                var c = T.DScalar("c");
                var outer = new OpFromGraph([b, c], [inner.Call(b) * c + inner.Call(b * c)]);
                return outer.Call(v[0], v[1]);
            }, t => t[0].sin() * t[0] * t[1] + (t[0] * t[1]).sin() * t[0] * t[1], V4, S);
            yield return new("ofg of a reduction and broadcasting", v =>
            {
                var m = T.DMatrix("m");
                var w = T.DVector("w");
                return new OpFromGraph([m, w], [T.Sum(T.Tanh(m + w), 0)]).Call(v[0], v[1]);
            }, t => (t[0] + t[1]).tanh().sum(0L), M34, V4);
            yield return new("ofg whose output is an input and a constant", v =>
            {
                var a = T.DVector("a");
                var op = new OpFromGraph([a], [a, T.Constant(torch.tensor(new[] { 1.0, 2, 3, 4 })), a * a]);
                var outs = op.MakeNode(v[0]).Outputs;
                return outs[0] * outs[1] + outs[2];
            }, t => t[0] * torch.tensor(new[] { 1.0, 2, 3, 4 }) + t[0] * t[0], V4);
            yield return new("checkpointed tanh layer", v => Checkpoint.Apply(h => T.Tanh(T.Dot(h, v[1]) + v[2]), v[0]),
                t => (t[0].mm(t[1]) + t[2]).tanh(), Arg.Matrix(3, 4), Arg.Matrix(4, 2), Arg.Vector(2));
            yield return new("gradient op of an ofg", v =>
            {
                var a = T.DMatrix("a");
                var b = T.DMatrix("b");
                var op = new OpFromGraph([a, b], [T.Exp(a) * b + a * a * a]);
                return Autodiff.Lop([op.Call(v[0], v[1])], [v[0]], [v[2]])[0];
            }, t => (t[0].exp() * t[1] + 3 * t[0] * t[0]) * t[2], M34, M34, M34);
            yield return new("R-op op of an ofg", v =>
            {
                var a = T.DVector("a");
                var op = new OpFromGraph([a], [T.Exp(a) * a]);
                return Autodiff.Rop([op.Call(v[0])], [v[0]], [v[1]])[0];
            }, t => (t[0].exp() * t[0] + t[0].exp()) * t[1], V4, V4);
        }
    }
}

/// <summary>
/// The rest of <see cref="OpFromGraph"/>'s behaviour: overrides used by every derivative (and called once), shared
/// variables, inlining, equality, errors and serialization.
/// </summary>
public sealed class OpFromGraphTests : ScopedTests
{
    private static readonly CompileOptions Lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };

    private static double[] Run(Variable[] inputs, Variable output, params Tensor[] values) =>
        GradCheck.Doubles(Function.Compile(inputs, [output], Lenient).Call(values)[0]);

    [Test]
    public void Per_input_grad_override_as_in_aesaras_example()
    {
        // Aesara's docstring example: the gradient with respect to y becomes z * 2; fn(2, 3, 4) == [1, 8, 3].
        var (x, y, z) = (T.DScalar("x"), T.DScalar("y"), T.DScalar("z"));
        int calls = 0;
        var op = new OpFromGraph([x, y, z], [x + y * z], new OpFromGraphOptions
        {
            LopOverride = OpFromGraph.PerInput(null, (inputs, _, _) =>
            {
                calls++;
                return inputs[2] * 2.0;
            }, null),
        });
        var e2 = op.Call(x, y, z);
        var grads = Autodiff.Grad(e2, [x, y, z]);
        var f = Function.Compile([x, y, z], grads);
        var values = f.Call(2.0, 3.0, 4.0).Select(t => t.item<double>()).ToArray();
        Assert.That(values, Is.EqualTo(new[] { 1.0, 8.0, 3.0 }));
        // Called once, when the gradient op was built; later gradients reuse it.
        Autodiff.Grad(op.Call(z, y, x), [y]);
        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public void A_straight_through_override_is_what_grad_lop_rop_and_jacobian_return()
    {
        // Forward: round(x); backward: the identity (the straight-through estimator), forward mode likewise.
        var x = T.DVector("x");
        int lopCalls = 0, ropCalls = 0;
        var op = new OpFromGraph([x], [T.Round(x)], new OpFromGraphOptions
        {
            LopOverride = (_, _, g) =>
            {
                lopCalls++;
                return [g[0]];
            },
            RopOverride = (_, v) =>
            {
                ropCalls++;
                return [v[0]];
            },
        });
        var a = T.DVector("a");
        var u = T.DVector("u");
        var y = op.Call(a) * 3.0;
        var value = Vec(0.3, 1.7, -2.2);
        var dir = Vec(1, -2, 0.5);
        Assert.That(Run([a], Autodiff.Grad(T.Sum(y), a), value), Is.EqualTo(new[] { 3.0, 3, 3 }));
        Assert.That(Run([a, u], Autodiff.Lop([y], [a], [u])[0], value, dir), Is.EqualTo(new[] { 3.0, -6, 1.5 }));
        Assert.That(Run([a, u], Autodiff.Rop([y], [a], [u])[0], value, dir), Is.EqualTo(new[] { 3.0, -6, 1.5 }));
        var jacobian = Run([a], Autodiff.Jacobian(y, [a])[0], value);
        Assert.That(jacobian, Is.EqualTo(new[] { 3.0, 0, 0, 0, 3, 0, 0, 0, 3 }));
        Assert.That(lopCalls, Is.EqualTo(1));
        Assert.That(ropCalls, Is.EqualTo(1));
        // Without the override, the gradient of round is zero.
        var plain = new OpFromGraph([x], [T.Round(x)]);
        Assert.That(Run([a], Autodiff.Grad(T.Sum(plain.Call(a)), a), value), Is.EqualTo(new[] { 0.0, 0, 0 }));
    }

    [Test]
    public void A_clipped_gradient_override_reaches_through_the_chain_rule()
    {
        var x = T.DVector("x");
        var op = new OpFromGraph([x], [x * x], new OpFromGraphOptions
        {
            LopOverride = (i, _, g) => [T.Clip(2.0 * i[0] * g[0], T.Constant(-1.0), T.Constant(1.0))],
        });
        var a = T.DVector("a");
        var cost = T.Sum(T.Sin(op.Call(a)));
        var value = Vec(0.1, 2, -3);
        var expected = GradCheck.Doubles(value).Select(v => Math.Clamp(2 * v * Math.Cos(v * v), -1, 1)).ToArray();
        Assert.That(Run([a], Autodiff.Grad(cost, a), value), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void An_ofg_override_in_aesaras_lop_form()
    {
        var (x, y) = (T.DVector("x"), T.DVector("y"));
        var (i0, o0, g0) = (T.DVector("i"), T.DVector("o"), T.DVector("g"));
        var lop = new OpFromGraph([i0, o0, g0], [g0 * 10.0]);
        var op = new OpFromGraph([x], [x * x], new OpFromGraphOptions { LopOverride = OpFromGraph.AsLopOverride(lop) });
        Assert.That(Run([y], Autodiff.Grad(T.Sum(op.Call(y)), y), Vec(1, 2)), Is.EqualTo(new[] { 10.0, 10 }));
        var wrong = new OpFromGraph([i0, g0], [g0]);
        var bad = new OpFromGraph([x], [x * x], new OpFromGraphOptions { LopOverride = OpFromGraph.AsLopOverride(wrong) });
        var e = Assert.Throws<ArgumentException>(() => Autodiff.Grad(T.Sum(bad.Call(y)), y));
        Assert.That(e!.Message, Does.Contain("expect overrider with 3 inputs, got 2"));
    }

    [Test]
    public void Disconnected_and_undefined_overrides()
    {
        var (x, y) = (T.DVector("x"), T.DVector("y"));
        var op = new OpFromGraph([x, y], [x * y], new OpFromGraphOptions
        {
            LopOverride = (i, _, g) => [new DisconnectedGradient(i[0].Type), new NullGradient(i[1].Type, "no gradient for y")],
        });
        var (a, b) = (T.DVector("a"), T.DVector("b"));
        var cost = T.Sum(op.Call(a, b));
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Grad(cost, a));
        var zero = Autodiff.Grad(cost, [a], new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore })[0];
        Assert.That(Run([a], zero, Vec(1, 2)), Is.EqualTo(new[] { 0.0, 0 }));
        var e = Assert.Throws<NullTypeGradException>(() => Autodiff.Grad(cost, b));
        Assert.That(e!.Message, Does.Contain("no gradient for y"));
        // The connection pattern says so: a is disconnected, b is connected.
        var pattern = op.ConnectionPattern(cost.Owner!.Inputs[0].Owner!);
        Assert.That(pattern[0], Is.EqualTo(new[] { false }));
        Assert.That(pattern[1], Is.EqualTo(new[] { true }));
    }

    [Test]
    public void A_given_connection_pattern_is_used()
    {
        var (x, y) = (T.DVector("x"), T.DVector("y"));
        var op = new OpFromGraph([x, y], [x * y], new OpFromGraphOptions { ConnectionPattern = [[true], [false]] });
        var (a, b) = (T.DVector("a"), T.DVector("b"));
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Grad(T.Sum(op.Call(a, b)), b));
        Assert.That(Run([a, b], Autodiff.Grad(T.Sum(op.Call(a, b)), a), Vec(1, 2), Vec(3, 4)), Is.EqualTo(new[] { 3.0, 4 }));
    }

    [Test]
    public void Multiple_outputs_add_their_gradients_even_when_one_output_depends_on_another()
    {
        // y2 = 3 * y1: the gradient with respect to x gets g1 * 2x + g2 * 3 * 2x (Aesara's known_grads would drop g1).
        var x = T.DVector("x");
        var y1 = x * x;
        var op = new OpFromGraph([x], [y1, 3.0 * y1]);
        var a = T.DVector("a");
        var outs = op.MakeNode(a).Outputs;
        var cost = T.Sum(outs[0]) + T.Sum(outs[1] * 2.0);
        Assert.That(Run([a], Autodiff.Grad(cost, a), Vec(1, -2)), Is.EqualTo(new[] { 14.0, -28 }));
    }

    [Test]
    public void Shared_variables_become_inputs_of_the_node_and_get_gradients()
    {
        var w = new SharedVariable(torch.tensor(new[] { 0.5, -1.5 }), "w");
        var x = T.DVector("x");
        var op = new OpFromGraph([x], [T.Exp(x * w)]);
        Assert.That(op.SharedInputs, Is.EqualTo(new[] { w }));
        var a = T.DVector("a");
        var y = op.Call(a);
        Assert.That(y.Owner!.Inputs, Has.Count.EqualTo(2));
        Assert.That(y.Owner.Inputs[1], Is.SameAs(w));
        var gw = Autodiff.Grad(T.Sum(y), w);
        var value = Vec(2, 3);
        Assert.That(Run([a], gw, value), Is.EqualTo(new[] { 2 * Math.Exp(1.0), 3 * Math.Exp(-4.5) }).Within(1e-12));
        // The value read is the shared variable's current one.
        w.SetValue(torch.tensor(new[] { 0.0, 0.0 }));
        Assert.That(Run([a], y, value), Is.EqualTo(new[] { 1.0, 1.0 }));
    }

    [Test]
    public void Inline_ops_disappear_from_compiled_graphs_and_keep_their_overrides()
    {
        var x = T.DVector("x");
        var options = new OpFromGraphOptions { Inline = true, LopOverride = (_, _, g) => [g[0] * 0.0 + 7.0] };
        var inline = new OpFromGraph([x], [T.Exp(x)], options);
        var a = T.DVector("a");
        var y = inline.Call(a);
        var g = Autodiff.Grad(T.Sum(y), a);
        var f = Function.Compile([a], [y, g]);
        Assert.That(f.Toposort().Select(n => n.Op).OfType<OpFromGraph>(), Is.Empty);
        var results = f.Call(Vec(0, 1));
        Assert.That(GradCheck.Doubles(results[0]), Is.EqualTo(new[] { 1.0, Math.E }).Within(1e-15));
        Assert.That(GradCheck.Doubles(results[1]), Is.EqualTo(new[] { 7.0, 7.0 }));
        var kept = Function.Compile([a], [new OpFromGraph([x], [T.Exp(x)]).Call(a)]);
        Assert.That(kept.Toposort().Select(n => n.Op).OfType<OpFromGraph>().Count(), Is.EqualTo(1));
        // An input of another static type than the inner one keeps the node (its inner graph was typed for that).
        var fixedLength = T.Tensor(DType.Float64, [2], "fixed");
        var specific = Function.Compile([fixedLength], [inline.Call(fixedLength)]);
        Assert.That(specific.Toposort().Select(n => n.Op).OfType<OpFromGraph>().Count(), Is.EqualTo(1));
        Assert.That(GradCheck.Doubles(specific.Call(Vec(0, 1))[0]), Is.EqualTo(new[] { 1.0, Math.E }).Within(1e-15));
        // Without rewrites an inline op runs like any other.
        var raw = Function.Compile([a], [y], new CompileOptions { Rewrites = [] });
        Assert.That(GradCheck.Doubles(raw.Call(Vec(0, 1))[0]), Is.EqualTo(new[] { 1.0, Math.E }).Within(1e-15));
    }

    [Test]
    public void The_inner_function_is_compiled_once()
    {
        var x = T.DVector("x");
        var op = new OpFromGraph([x], [x * 2.0]);
        var a = T.DVector("a");
        var f = Function.Compile([a], [op.Call(a) + op.Call(a * 3.0)]);
        var inner = op.InnerFunction;
        Assert.That(GradCheck.Doubles(f.Call(Vec(1, 2))[0]), Is.EqualTo(new[] { 8.0, 16 }));
        Assert.That(op.InnerFunction, Is.SameAs(inner));
    }

    [Test]
    public void Second_derivatives_through_an_ofg_use_the_default_gradient_twice()
    {
        var x = T.DVector("x");
        var op = new OpFromGraph([x], [T.Sum(T.Exp(x) * x)]);
        var a = T.DVector("a");
        var hessian = Autodiff.Hessian(op.Call(a), [a])[0];
        var value = Vec(0.5, -1);
        var expected = new[] { Math.Exp(0.5) * 2.5, 0, 0, Math.Exp(-1) * 1 };
        Assert.That(Run([a], hessian, value), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void Equal_graphs_make_equal_ops_and_overrides_make_an_op_unique()
    {
        var x = T.DVector("x");
        var y = x * 2.0 + 1.0;
        var p = new OpFromGraph([x], [y]);
        var q = new OpFromGraph([x], [y]);
        Assert.That(p, Is.EqualTo(q));
        Assert.That(p.GetHashCode(), Is.EqualTo(q.GetHashCode()));
        Assert.That(p, Is.Not.EqualTo(new OpFromGraph([x], [y], new OpFromGraphOptions { Inline = true })));
        var r = new OpFromGraph([x], [y], new OpFromGraphOptions { LopOverride = (_, _, g) => [g[0]] });
        Assert.That(r, Is.Not.EqualTo(p));
        // Equal nodes merge in a compiled graph.
        var a = T.DVector("a");
        var f = Function.Compile([a], [p.Call(a) + q.Call(a)]);
        Assert.That(f.Toposort().Count(n => n.Op is OpFromGraph), Is.EqualTo(1));
    }

    [Test]
    public void Bad_construction_and_calls_are_refused_clearly()
    {
        var x = T.DVector("x");
        var y = T.DVector("y");
        var e = Assert.Throws<MissingInputException>(() => new OpFromGraph([x], [x + y]));
        Assert.That(e!.Message, Does.Contain("y").And.Contain("neither an input"));
        Assert.Throws<ArgumentException>(() => new OpFromGraph([T.Constant(1.0)], [x]));
        Assert.Throws<ArgumentException>(() => new OpFromGraph([x, x], [x]));
        var op = new OpFromGraph([x], [x * 2.0]);
        var count = Assert.Throws<ArgumentException>(() => op.MakeNode(x, y));
        Assert.That(count!.Message, Does.Contain("expected 1 input(s); got 2"));
        var type = Assert.Throws<ArgumentException>(() => op.MakeNode(T.DMatrix("m")));
        Assert.That(type!.Message, Does.Contain("rank 2 is not 1"));
        Assert.Throws<ArgumentException>(() => op.MakeNode(T.FVector("f")));
        var wrongRank = new OpFromGraph([x], [x], new OpFromGraphOptions { LopOverride = (_, _, g) => [T.Sum(g[0])] });
        var c = Assert.Throws<OpContractException>(() => Autodiff.Grad(T.Sum(wrongRank.Call(y)), y));
        Assert.That(c!.PythonKind, Is.EqualTo("ValueError"));
        var closes = new OpFromGraph([x], [x], new OpFromGraphOptions { LopOverride = (_, _, g) => [g[0] * y] });
        var m = Assert.Throws<MissingInputException>(() => Autodiff.Grad(T.Sum(closes.Call(x)), x));
        Assert.That(m!.Message, Does.Contain("gradient terms use a variable"));
    }

    [Test]
    public void Plain_ops_round_trip_through_graph_json_with_the_inner_graph_nested()
    {
        var x = T.DVector("x");
        var c = T.DScalar("c");
        var inner = new OpFromGraph([x], [T.Sin(x) * x], new OpFromGraphOptions { Name = "inner" });
        var outer = new OpFromGraph([x, c], [inner.Call(x) * c + 1.0]);
        var a = T.DVector("a");
        var s = T.DScalar("s");
        var y = outer.Call(a, s);
        var json = GraphJson.Write([a, s], [y]);
        Assert.That(json, Does.Contain("\"op\":\"OpFromGraph\"").And.Contain("\"graph\":{\"format\":\"gradient-graph\""));
        var loaded = GraphJson.Read(json);
        var f = Function.Compile([a, s], [y]);
        var g = Function.Compile(loaded.Inputs, loaded.Outputs);
        var values = new[] { Vec(0.5, -2), torch.tensor(3.0) };
        Assert.That(GradCheck.Doubles(g.Call(values)[0]), Is.EqualTo(GradCheck.Doubles(f.Call(values)[0])));
        Assert.That(GraphJson.Write(loaded.Inputs, loaded.Outputs), Is.EqualTo(json));
        Assert.That(loaded.Outputs[0].Owner!.Op, Is.EqualTo(outer));
    }

    [Test]
    public void Ops_with_overrides_are_refused_by_graph_json_by_name()
    {
        var x = T.DVector("x");
        var op = new OpFromGraph([x], [x * 2.0], new OpFromGraphOptions { LopOverride = (_, _, g) => [g[0]] });
        var a = T.DVector("a");
        var e = Assert.Throws<NotSupportedException>(() => GraphJson.Write([a], [op.Call(a)]));
        Assert.That(e!.Message, Does.Contain("OpFromGraph").And.Contain("overrides"));
    }

    [Test]
    public void A_shared_variable_inside_round_trips_as_an_input_of_the_node()
    {
        var w = new SharedVariable(torch.tensor(new[] { 2.0, 3.0 }), "w");
        var x = T.DVector("x");
        var op = new OpFromGraph([x], [x * w]);
        var a = T.DVector("a");
        var json = GraphJson.Write([a], [op.Call(a)]);
        var loaded = GraphJson.Read(json);
        var g = Function.Compile(loaded.Inputs, loaded.Outputs);
        Assert.That(GradCheck.Doubles(g.Call(Vec(1, 1))[0]), Is.EqualTo(new[] { 2.0, 3 }));
    }
}
