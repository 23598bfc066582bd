using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using Gradient.Ops.Scan;
using Gradient.Serialization;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// Scan beyond the op table: the rewrites (loop-invariant code out of the loop, unused outputs dropped, outputs read
/// at their last step kept at it), truncated back-propagation, shared variables read and updated by the step,
/// serialization and the errors users meet.
/// </summary>
public sealed class ScanTests
{
    private static readonly CompileOptions Lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };

    private static Tensor D(params double[] values) => torch.tensor(values, ScalarType.Float64);

    private static Scan[] Loops(Function f) => f.Toposort().Select(n => n.Op).OfType<Scan>().ToArray();

    /// <summary>tanh RNN over x (n, d) with h0 (h), weights W (h, h) and U (d, h).</summary>
    private static Variable Rnn(Variable x, Variable h0, Variable w, Variable u, int truncate = -1) =>
        T.Scan(a => T.Tanh(T.Dot(a[0], u) + T.Dot(a[1], w)), sequences: [x], outputsInfo: [h0],
            truncateGradient: truncate).Output;

    [Test]
    public void Cumulative_sum_matches_torch()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var y = T.Scan(a => a[0] + a[1], sequences: [x], outputsInfo: [T.ZerosLike(x[0])]).Output;
        var f = Function.Compile([x], [y]);
        var result = f.Call(D(1, 2, 3, 4))[0];
        Assert.That(GradCheck.Doubles(result), Is.EqualTo(new[] { 1.0, 3, 6, 10 }));
        Assert.That(GradCheck.Doubles(f.Call(D(5))[0]), Is.EqualTo(new[] { 5.0 }));
    }

    [Test]
    public void Zero_steps_give_empty_outputs_and_the_initial_state_as_last()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var h0 = T.DScalar("h0");
        var r = T.Scan(a => new[] { a[0] + a[1], a[0] * 2.0 }, sequences: [x], outputsInfo: [h0, null]);
        var f = Function.Compile([x, h0], [r.Outputs[0], r.Outputs[1], r.Outputs[0]["-1"]]);
        var outs = f.Call(torch.zeros(0, dtype: ScalarType.Float64), torch.tensor(7.0, ScalarType.Float64));
        Assert.That(outs[0].shape, Is.EqualTo(new long[] { 0 }));
        Assert.That(outs[1].shape, Is.EqualTo(new long[] { 0 }));
        Assert.That(outs[2].item<double>(), Is.EqualTo(7.0), "the trace's last row is the initial state");
    }

    [Test]
    public void A_loop_that_runs_no_step_never_hands_out_its_input()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var h0 = T.DVector("h0");
        var h = T.Scan(a => a[1] * a[0], sequences: [x], outputsInfo: [h0]).Output;
        // Only the last step is read, so the loop keeps just its latest value; the product may then be computed in the
        // loop's output buffer.
        var f = Function.Compile([x, h0], [h["-1"] * 2.0]);
        var initial = D(1, 2, 3);
        var outs = f.Call(torch.zeros(0, dtype: ScalarType.Float64), initial);
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new[] { 2.0, 4, 6 }));
        Assert.That(GradCheck.Doubles(initial), Is.EqualTo(new[] { 1.0, 2, 3 }), "the argument is unchanged");
    }

    [Test]
    public void Pushout_moves_loop_invariant_computation_out_of_the_inner_graph()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var h0 = T.DVector("h0");
        var w = T.DMatrix("w");
        // W.T * 2 and exp(W) depend only on the non-sequence W: computed once, outside the loop.
        var h = T.Scan(a => T.Tanh(T.Dot(a[1], T.Transpose(a[2]) * 2.0) + T.Sum(T.Exp(a[2])) * a[0]),
            sequences: [x], outputsInfo: [h0], nonSequences: [w]).Output;
        var f = Function.Compile([x, h0, w], [h]);
        var loop = Loops(f).Single();
        var inner = FunctionGraph.Clone(loop.InnerInputs, loop.InnerOutputs).Toposort();
        var nonSeqs = loop.InnerInputs.Skip(loop.InnerNonSeqStart).ToHashSet();
        Assert.That(inner.Any(n => n.Inputs.All(v => nonSeqs.Contains(v) || v is Constant)
                                   && n.Inputs.Any(nonSeqs.Contains)), Is.False, "no invariant node is left inside");
        Assert.That(inner.Count(n => n.Op is Elemwise { Scalar.Name: "exp" }), Is.Zero);

        var xv = GradCheck.Uniform([4, 3], seed: 1);
        var hv = GradCheck.Uniform([3], seed: 2);
        var wv = GradCheck.Uniform([3, 3], -0.5, 0.5, seed: 3);
        var expected = new List<Tensor>();
        var state = hv;
        for (int i = 0; i < 4; i++)
        {
            state = (state.matmul(wv.t() * 2.0) + wv.exp().sum() * xv[i]).tanh();
            expected.Add(state);
        }
        var actual = f.Call(xv, hv, wv)[0];
        GradCheck.AssertClose(GradCheck.Doubles(actual), actual.shape, GradCheck.Doubles(torch.stack(expected)),
            [4, 3], 1e-12, "value");
    }

    [Test]
    public void Unused_outputs_are_dropped_and_last_step_reads_keep_only_the_last_step()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var h0 = T.DScalar("h0");
        var r = T.Scan(a => new[] { a[1] * 0.5 + a[0], T.Exp(a[0]), a[0] * 3.0 }, sequences: [x],
            outputsInfo: [h0, null, null]);
        // Output 1 is not used at all; output 0 only at its last step; output 2 in full.
        var f = Function.Compile([x, h0], [r.Outputs[0]["-1"], r.Outputs[2]]);
        var loop = Loops(f).Single();
        Assert.That(loop.NOuts, Is.EqualTo(2));
        Assert.That(loop.LastOnly, Is.EqualTo(new[] { true, false }));
        var outs = f.Call(D(1, 2, 3), torch.tensor(4.0, ScalarType.Float64));
        Assert.That(outs[0].item<double>(), Is.EqualTo(((4 * 0.5 + 1) * 0.5 + 2) * 0.5 + 3));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new[] { 3.0, 6, 9 }));
    }

    [Test]
    public void Gradient_loop_keeps_its_carried_gradients_at_their_last_step()
    {
        using var scope = torch.NewDisposeScope();
        var (x, h0, w, u) = (T.DMatrix("x"), T.DVector("h0"), T.DMatrix("w"), T.DMatrix("u"));
        var h = Rnn(x, h0, w, u);
        var loss = T.Sum(h["-1"]);
        var grads = Autodiff.Grad(loss, [w, u, h0, x]);
        var f = Function.Compile([x, h0, w, u], grads);
        var loops = Loops(f);
        Assert.That(loops, Has.Length.EqualTo(2));
        var backward = loops.Single(l => l.Reverse);
        // The carried gradients of h and of the two weights are kept at their last step; the rows of x's gradient in full.
        Assert.That(backward.LastOnly.Take(backward.NRec), Is.All.True);
        Assert.That(backward.LastOnly.Skip(backward.NRec), Is.All.False);
        var forward = loops.Single(l => !l.Reverse);
        Assert.That(forward.LastOnly, Is.All.False, "the forward trace is read by the reverse loop");
    }

    [Test]
    public void Rnn_gradient_with_shared_weights_matches_finite_differences()
    {
        using var scope = torch.NewDisposeScope();
        var wv = GradCheck.Uniform([3, 3], -0.6, 0.6, seed: 4);
        var uv = GradCheck.Uniform([2, 3], seed: 5);
        using var w = new SharedVariable(wv, "W");
        using var u = new SharedVariable(uv, "U");
        var x = T.DMatrix("x");
        var h0 = T.DVector("h0");
        // The step reads the shared weights without naming them as non-sequences: scan passes them in itself.
        var h = T.Scan(a => T.Tanh(T.Dot(a[0], u) + T.Dot(a[1], w)), sequences: [x], outputsInfo: [h0]).Output;
        var loss = T.Sum(h * h);
        var f = Function.Compile([x, h0], [loss, .. Autodiff.Grad(loss, [w, u])]);
        var xv = GradCheck.Uniform([6, 2], seed: 6);
        var hv = GradCheck.Uniform([3], seed: 7);
        var outs = f.Call(xv, hv);
        foreach (var (shared, value, g) in new[] { (w, wv, outs[1]), (u, uv, outs[2]) })
        {
            var numeric = new double[value.NumberOfElements];
            var flat = GradCheck.Doubles(value);
            for (int i = 0; i < flat.Length; i++)
            {
                double Loss(double delta)
                {
                    var changed = (double[])flat.Clone();
                    changed[i] += delta;
                    shared.SetValue(GradCheck.FromDoubles(changed, value.shape));
                    return f.Call(xv, hv)[0].item<double>();
                }
                numeric[i] = (Loss(1e-6) - Loss(-1e-6)) / 2e-6;
            }
            shared.SetValue(value);
            GradCheck.AssertClose(GradCheck.Doubles(g), g.shape, numeric, value.shape, 1e-6, $"gradient wrt {shared}");
        }
    }

    [Test]
    public void Updates_returned_by_the_step_become_updates_of_the_loop()
    {
        using var scope = torch.NewDisposeScope();
        using var counter = new SharedVariable(torch.tensor(0.0, ScalarType.Float64), "counter");
        var x = T.DVector("x");
        // Each step reads the counter as updated by the previous steps.
        var r = T.Scan(a => new ScanStep([a[0] * counter], [new(counter, counter + 1.0)]), sequences: [x]);
        Assert.That(r.Updates, Has.Count.EqualTo(1));
        Assert.That(r.Updates[0].Key, Is.SameAs(counter));
        var f = Function.Compile([x], [r.Output], new CompileOptions { Updates = r.Updates });
        Assert.That(GradCheck.Doubles(f.Call(D(1, 1, 1))[0]), Is.EqualTo(new[] { 0.0, 1, 2 }));
        Assert.That(counter.GetValue().item<double>(), Is.EqualTo(3.0));
        Assert.That(GradCheck.Doubles(f.Call(D(2, 2))[0]), Is.EqualTo(new[] { 6.0, 8 }));
        Assert.That(counter.GetValue().item<double>(), Is.EqualTo(5.0));
    }

    [Test]
    public void Truncated_gradient_runs_through_the_last_k_steps_only()
    {
        using var scope = torch.NewDisposeScope();
        // h_t = a h_{t-1} + x_t, loss = h_{n-1}: dloss/dx_t = a^(n-1-t), dloss/dh0 = a^n, dloss/da = sum_t a^(n-1-t) h_{t-1}.
        var x = T.DVector("x");
        var h0 = T.DScalar("h0");
        var a = T.DScalar("a");
        const int n = 6, k = 3;
        var h = T.Scan(p => p[2] * p[1] + p[0], sequences: [x], outputsInfo: [h0], nonSequences: [a],
            truncateGradient: k).Output;
        var loss = h["-1"];
        var f = Function.Compile([x, h0, a], Autodiff.Grad(loss, [x, h0, a]));
        double av = 0.7, h0v = 0.3;
        var xv = new[] { 0.5, -1, 2, 0.25, -0.5, 1 };
        var outs = f.Call(D(xv), torch.tensor(h0v, ScalarType.Float64), torch.tensor(av, ScalarType.Float64));
        var hs = new double[n];
        double prev = h0v;
        for (int t = 0; t < n; t++)
        {
            hs[t] = prev = av * prev + xv[t];
        }
        var gx = Enumerable.Range(0, n).Select(t => t >= n - k ? Math.Pow(av, n - 1 - t) : 0).ToArray();
        double ga = Enumerable.Range(n - k, k).Sum(t => Math.Pow(av, n - 1 - t) * (t == 0 ? h0v : hs[t - 1]));
        GradCheck.AssertClose(GradCheck.Doubles(outs[0]), outs[0].shape, gx, [n], 1e-12, "gradient wrt x");
        Assert.That(outs[1].item<double>(), Is.EqualTo(0.0), "the first steps are outside the window");
        Assert.That(outs[2].item<double>(), Is.EqualTo(ga).Within(1e-12));

        // A window as long as the loop is the full gradient.
        var full = T.Scan(p => p[2] * p[1] + p[0], sequences: [x], outputsInfo: [h0], nonSequences: [a],
            truncateGradient: n).Output;
        var g = Function.Compile([x, h0, a], Autodiff.Grad(full["-1"], [h0]))
            .Call(D(xv), torch.tensor(h0v, ScalarType.Float64), torch.tensor(av, ScalarType.Float64))[0];
        Assert.That(g.item<double>(), Is.EqualTo(Math.Pow(av, n)).Within(1e-12));
    }

    [Test]
    public void Gradient_of_a_while_loop_is_not_shifted()
    {
        using var scope = torch.NewDisposeScope();
        // x_t = x_{t-1} * s_t, stop once x > 10: with x0 = 1 and s = 2 it runs 4 steps (2, 4, 8, 16).
        var s = T.DVector("s");
        var x0 = T.DScalar("x0");
        var xs = T.Scan(p =>
        {
            var next = p[1] * p[0];
            return new ScanStep([next], Until: T.Gt(next, T.Constant(10.0)));
        }, sequences: [s], outputsInfo: [x0]).Output;
        var loss = T.Sum(xs);
        var f = Function.Compile([s, x0], [xs, .. Autodiff.Grad(loss, [s, x0])]);
        var outs = f.Call(D(2, 2, 2, 2, 2, 2, 2), torch.tensor(1.0, ScalarType.Float64));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new[] { 2.0, 4, 8, 16 }));
        // loss = s0 + s0 s1 + s0 s1 s2 + s0 s1 s2 s3 (times x0): d/ds0 = 1 + 2 + 4 + 8, d/ds1 = (2 + 4 + 8) / 2 ...
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new[] { 15.0, 14, 12, 8, 0, 0, 0 }));
        Assert.That(outs[2].item<double>(), Is.EqualTo(30.0));
    }

    [Test]
    public void While_loop_longer_than_its_first_buffer_keeps_every_step()
    {
        using var scope = torch.NewDisposeScope();
        // Counts up by one until 150: 150 steps of a loop allowed 1000, over a sequence of 1000 rows.
        var s = T.DVector("s");
        var c0 = T.DScalar("c0");
        var r = T.Scan(p => new ScanStep([p[1] + 1.0, p[0] * p[1]], Until: T.Ge(p[1] + 1.0, T.Constant(150.0))),
            sequences: [s], outputsInfo: [c0, null]);
        var f = Function.Compile([s, c0], [r.Outputs[0], r.Outputs[1], Autodiff.Grad(T.Sum(r.Outputs[1]), s)]);
        var outs = f.Call(torch.ones(1000, dtype: ScalarType.Float64) * 2.0, torch.tensor(0.0, ScalarType.Float64));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(Enumerable.Range(1, 150).Select(i => (double)i).ToArray()));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(Enumerable.Range(0, 150).Select(i => 2.0 * i).ToArray()));
        Assert.That(GradCheck.Doubles(outs[2]),
            Is.EqualTo(Enumerable.Range(0, 1000).Select(i => i < 150 ? (double)i : 0).ToArray()));
    }

    [Test]
    public void Inner_function_is_compiled_once()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var y = T.Scan(a => a[0] + a[1], sequences: [x], outputsInfo: [T.ZerosLike(x[0])]).Output;
        var f = Function.Compile([x], [y]);
        var loop = Loops(f).Single();
        f.Call(D(1, 2, 3));
        var inner = loop.InnerFunction;
        f.Call(D(1, 2, 3, 4, 5));
        Assert.That(loop.InnerFunction, Is.SameAs(inner));
    }

    [Test]
    public void Graph_json_round_trip_keeps_forward_and_gradient_loops()
    {
        using var scope = torch.NewDisposeScope();
        var (x, h0, w, u) = (T.DMatrix("x"), T.DVector("h0"), T.DMatrix("w"), T.DMatrix("u"));
        var h = Rnn(x, h0, w, u);
        var loss = T.Sum(h * h);
        Variable[] outputs = [h, .. Autodiff.Grad(loss, [w, h0])];
        var json = GraphJson.Write([x, h0, w, u], outputs);
        Assert.That(json, Does.Contain("\"op\":\"Scan\""));
        var loaded = GraphJson.Read(json);
        Assert.That(GraphJson.Write(loaded.Inputs, loaded.Outputs), Is.EqualTo(json), "writing what was read");
        Tensor[] args = [GradCheck.Uniform([5, 2], seed: 1), GradCheck.Uniform([3], seed: 2),
            GradCheck.Uniform([3, 3], -0.5, 0.5, seed: 3), GradCheck.Uniform([2, 3], seed: 4)];
        var expected = Function.Compile([x, h0, w, u], outputs).Call(args);
        var actual = Function.Compile(loaded.Inputs, loaded.Outputs).Call(args);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.That(GradCheck.Doubles(actual[i]), Is.EqualTo(GradCheck.Doubles(expected[i])), $"output {i}");
        }
    }

    [Test]
    public void Mismatched_dtypes_of_state_and_step_are_reported()
    {
        var x = T.DVector("x");
        var h0 = T.FScalar("h0");
        var e = Assert.Throws<InvalidCastException>(() =>
            T.Scan(a => a[0] + a[1], sequences: [x], outputsInfo: [h0]));
        Assert.That(e!.Message, Does.Contain("has dtype float32, while the result of the inner function (fn) has dtype float64"));
    }

    [Test]
    public void Bad_arguments_are_reported()
    {
        var x = T.DVector("x");
        Assert.That(() => T.Scan(_ => T.Constant(1.0), outputsInfo: [null]),
            Throws.ArgumentException.With.Message.Contains("n_steps"));
        Assert.That(() => T.Scan(a => a[0], sequences: [x], nSteps: T.DScalar()),
            Throws.ArgumentException.With.Message.Contains("n_steps must be an int"));
        Assert.That(() => T.Scan(a => new[] { a[0], a[0] }, sequences: [x], outputsInfo: [null]),
            Throws.ArgumentException.With.Message.Contains("Please provide None as outputs_info"));
        Assert.That(() => T.Scan(a => a[0], sequences: [x], outputsInfo: [new ScanOutputInfo(x, [-1, 1])]),
            Throws.ArgumentException.With.Message.Contains("smaller than 0"));
        using var scope = torch.NewDisposeScope();
        var y = T.Scan(a => a[0] * 2.0, sequences: [x], nSteps: T.Constant(5L)).Output;
        var f = Function.Compile([x], [y]);
        Assert.That(() => f.Call(D(1, 2)), Throws.ArgumentException.With.Message.Contains("fewer than the 5 steps"));
    }

    [Test]
    public void Strict_requires_shared_variables_among_the_non_sequences()
    {
        using var w = new SharedVariable(torch.ones(2, dtype: ScalarType.Float64), "w");
        var x = T.DVector("x");
        Assert.Throws<MissingInputException>(() => T.Scan(a => a[0] * w, sequences: [x], strict: true));
        Assert.DoesNotThrow(() => T.Scan(a => a[0] * a[1], sequences: [x], nonSequences: [w], strict: true));
    }

    [Test]
    public void Step_reading_an_outer_expression_gets_it_computed_once_outside()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var c = T.DScalar("c");
        var outer = T.Exp(c) * 3.0;
        var y = T.Scan(a => a[0] * outer, sequences: [x]).Output;
        var loop = (Scan)y.Owner!.Op;
        Assert.That(FunctionGraph.Clone(loop.InnerInputs, loop.InnerOutputs).Toposort(), Has.Count.EqualTo(1),
            "only the product is inside the loop");
        var f = Function.Compile([x, c], [y, Autodiff.Grad(T.Sum(y), c)]);
        var outs = f.Call(D(1, 2), torch.tensor(0.0, ScalarType.Float64));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new[] { 3.0, 6 }));
        Assert.That(outs[1].item<double>(), Is.EqualTo(9.0).Within(1e-12));
    }
    [Test]
    public void Vectorized_jacobian_and_hessian_through_a_loop_match_finite_differences()
    {
        using var scope = torch.NewDisposeScope();
        var (x, h0, w, u) = (T.DMatrix("x"), T.DVector("h0"), T.DMatrix("w"), T.DMatrix("u"));
        var h = Rnn(x, h0, w, u);
        var loss = T.Sum(h * h) + T.Sum(h["-1"]);
        var jacobian = Autodiff.Jacobian(h, [w, x]);
        var hessian = Autodiff.Hessian(loss, [w])[0];
        var gradient = Autodiff.Grad(loss, w);
        Tensor[] args = [GradCheck.Uniform([4, 2], seed: 1), GradCheck.Uniform([3], seed: 2),
            GradCheck.Uniform([3, 3], -0.5, 0.5, seed: 3), GradCheck.Uniform([2, 3], seed: 4)];
        var outs = Function.Compile([x, h0, w, u], [.. jacobian, hessian]).Call(args);
        Assert.That(outs[0].shape, Is.EqualTo(new long[] { 4, 3, 3, 3 }));
        Assert.That(outs[1].shape, Is.EqualTo(new long[] { 4, 3, 4, 2 }));
        Assert.That(outs[2].shape, Is.EqualTo(new long[] { 3, 3, 3, 3 }));
        var value = Function.Compile([x, h0, w, u], [h], Lenient);
        var grad = Function.Compile([x, h0, w, u], [gradient], Lenient);
        foreach (var (which, fn, result) in new[] { (2, value, outs[0]), (0, value, outs[1]), (2, grad, outs[2]) })
        {
            var flat = GradCheck.Doubles(args[which]);
            var columns = new List<double[]>();
            for (int i = 0; i < flat.Length; i++)
            {
                double[] At(double delta)
                {
                    var changed = (double[])flat.Clone();
                    changed[i] += delta;
                    var shifted = args.ToArray();
                    shifted[which] = GradCheck.FromDoubles(changed, args[which].shape);
                    return GradCheck.Doubles(fn.Call(shifted)[0]);
                }
                var (plus, minus) = (At(1e-6), At(-1e-6));
                columns.Add(plus.Zip(minus, (p, m) => (p - m) / 2e-6).ToArray());
            }
            // Row-major (*output, *wrt): element (o, i) of the Jacobian is column i at o.
            var numeric = Enumerable.Range(0, columns[0].Length)
                .SelectMany(o => columns.Select(c => c[o])).ToArray();
            GradCheck.AssertClose(GradCheck.Doubles(result), result.shape, numeric, result.shape, 1e-6,
                $"derivative wrt input {which}");
        }
    }
    [Test]
    public void Loops_leave_no_tensor_handles_behind()
    {
        var (x, h0, w, u) = (T.DMatrix("x"), T.DVector("h0"), T.DMatrix("w"), T.DMatrix("u"));
        var h = Rnn(x, h0, w, u);
        // A while loop too, running past its first buffer of 64 rows (its buffers grow by doubling).
        var s = T.Scan(p => new ScanStep([p[1] * 1.5 + T.Sum(p[0])], Until: T.Gt(p[1], T.Constant(1e300))),
            sequences: [x], outputsInfo: [T.Sum(h0)]).Output;
        var loss = T.Sum(h * h) + T.Sum(h["-1"]) + T.Sum(s);
        var f = Function.Compile([x, h0, w, u], [loss, .. Autodiff.Grad(loss, [x, h0, w, u])]);
        using var xv = torch.randn(70, 2, dtype: torch.float64);
        using var hv = torch.randn(3, dtype: torch.float64);
        using var wv = torch.randn(3, 3, dtype: torch.float64);
        using var uv = torch.randn(2, 3, dtype: torch.float64);
        void Run(int calls)
        {
            for (int i = 0; i < calls; i++)
            {
                foreach (var t in f.Call(xv, hv, wv, uv))
                {
                    t.Dispose();
                }
            }
        }
        Run(3);
        long live = Settled();
        Run(20);
        Assert.That(Settled(), Is.EqualTo(live));
    }

    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return torch.Tensor.TotalCount;
    }
}
