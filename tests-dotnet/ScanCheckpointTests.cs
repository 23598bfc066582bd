using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops.Scan;
using Gradient.Serialization;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// <c>scan(..., checkpoint=k)</c>: the values are the plain loop's bit for bit, the gradients the plain loop's to
/// 1e-12 and central differences' (first and second order), for every block length including 1, lengths that do not
/// divide the number of steps and lengths beyond it; and the gradient of a 1,000-step RNN holds at most a quarter of
/// the plain one's memory (<see cref="MemoryProbe"/>).
/// </summary>
public sealed class ScanCheckpointTests
{
    private static readonly CompileOptions Lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };

    private static readonly int?[] BlockLengths = [null, 1, 2, 3, 4, 5, 11, 20];

    private static Scan[] Loops(Function f) => f.Toposort().Select(n => n.Op).OfType<Scan>().ToArray();

    /// <summary>
    /// Compiles, for the plain loop and each block length, the loop's output and the gradients of the loss with respect
    /// to <paramref name="wrt"/> (symbolic inputs, then <paramref name="shared"/>), and asserts that the checkpointed
    /// results equal the plain ones: the output exactly, the gradients to 1e-12.
    /// </summary>
    private static void AssertSameAsPlain(Func<int?, Variable[], (Variable Output, Variable Loss)> build,
        TensorType[] types, Tensor[] values, params SharedVariable[] shared)
    {
        Tensor[]? plain = null;
        foreach (var k in BlockLengths)
        {
            var xs = types.Select((t, i) => new Variable(t, name: $"in{i}")).ToArray();
            var (output, loss) = build(k, xs);
            var grads = Autodiff.Grad(loss, [.. xs, .. shared]);
            var results = Function.Compile(xs, [output, .. grads], Lenient).Call(values);
            if (plain is null)
            {
                plain = results;
                continue;
            }
            Assert.That(GradCheck.Doubles(results[0]), Is.EqualTo(GradCheck.Doubles(plain[0])),
                $"checkpoint={k}: the values are the plain loop's");
            for (int i = 1; i < results.Length; i++)
            {
                GradCheck.AssertClose(GradCheck.Doubles(results[i]), results[i].shape, GradCheck.Doubles(plain[i]),
                    plain[i].shape, 1e-12, $"checkpoint={k}: gradient {i - 1}");
            }
        }
    }

    private static TensorType[] Types(params Tensor[] values) => GradCheck.DynamicTypes(values);

    [Test]
    public void Cumulative_sum()
    {
        using var scope = torch.NewDisposeScope();
        var xv = GradCheck.Uniform([11], -1, 1, seed: 1);
        (Variable, Variable) Build(int? k, Variable[] v)
        {
            var y = T.Scan(a => a[0] + a[1], sequences: [v[0]], outputsInfo: [T.ZerosLike(v[0][0])],
                checkpoint: k).Output;
            return (y, T.Sum(y * y * T.Constant(GradCheck.Uniform([11], seed: 2))));
        }
        AssertSameAsPlain(Build, Types(xv), [xv]);
        GradCheck.Reverse(v => Build(3, v).Item2, xv);
        GradCheck.Forward(v => Build(4, v).Item1, xv);
    }

    /// <summary>h_t = tanh(x_t U + h_(t-1) W + h_(t-2) V), W and U shared weights the step reads implicitly.</summary>
    private static (Variable, Variable) TapsRnn(int? k, Variable[] v, SharedVariable w, SharedVariable u,
        int truncate = -1, bool goBackwards = false)
    {
        var h = T.Scan(a => T.Tanh(T.Dot(a[0], u) + T.Dot(a[2], w) + T.Dot(a[1], a[3])), sequences: [v[0]],
            outputsInfo: [new ScanOutputInfo(v[1], [-2, -1])], nonSequences: [v[2]], truncateGradient: truncate,
            goBackwards: goBackwards, checkpoint: k).Output;
        return (h, T.Sum(h * h) + T.Sum(h["-1"]));
    }

    [TestCase(-1, false)]
    [TestCase(-1, true)]
    [TestCase(4, false)]
    [TestCase(0, false)]
    [TestCase(11, false)]
    public void Tanh_rnn_with_taps_and_shared_weights(int truncate, bool goBackwards)
    {
        using var scope = torch.NewDisposeScope();
        var wv = GradCheck.Uniform([4, 4], -0.5, 0.5, seed: 3);
        var uv = GradCheck.Uniform([3, 4], -1, 1, seed: 4);
        using var w = new SharedVariable(wv, "W");
        using var u = new SharedVariable(uv, "U");
        Tensor[] values = [GradCheck.Uniform([11, 3], -1, 1, seed: 5), GradCheck.Uniform([2, 4], -1, 1, seed: 6),
            GradCheck.Uniform([4, 4], -0.5, 0.5, seed: 7)];
        AssertSameAsPlain((k, v) => TapsRnn(k, v, w, u, truncate, goBackwards), Types(values), values, w, u);
        if (truncate >= 0)
        {
            // Truncated gradients are not derivatives: equal to the plain loop's is the check.
            return;
        }
        GradCheck.Reverse(v => TapsRnn(4, v, w, u, truncate, goBackwards).Item2, values);

        // The gradients of the shared weights against central differences.
        var xs = Types(values).Select(t => new Variable(t)).ToArray();
        var loss = TapsRnn(3, xs, w, u, truncate, goBackwards).Item2;
        var f = Function.Compile(xs, [loss, .. Autodiff.Grad(loss, [w, u])]);
        var outs = f.Call(values);
        foreach (var (sv, value, g) in new[] { (w, wv, outs[1]), (u, uv, outs[2]) })
        {
            var flat = GradCheck.Doubles(value);
            var numeric = new double[flat.Length];
            for (int i = 0; i < flat.Length; i++)
            {
                double Loss(double delta)
                {
                    var changed = (double[])flat.Clone();
                    changed[i] += delta;
                    sv.SetValue(GradCheck.FromDoubles(changed, value.shape));
                    return f.Call(values)[0].item<double>();
                }
                numeric[i] = (Loss(1e-6) - Loss(-1e-6)) / 2e-6;
            }
            sv.SetValue(value);
            GradCheck.AssertClose(GradCheck.Doubles(g), g.shape, numeric, value.shape, 1e-6, $"gradient wrt {sv}");
        }
    }

    /// <summary>x_t = a x_(t-1) + s_t until x_t > 4, with a map output read whole and the state read at its end.</summary>
    private static (Variable, Variable) WhileLoop(int? k, Variable[] v)
    {
        var r = T.Scan(p =>
        {
            var next = p[2] * p[1] + p[0];
            return new ScanStep([next, T.Sin(next) * p[0]], Until: T.Gt(next, T.Constant(4.0)));
        }, sequences: [v[0]], outputsInfo: [v[1], null], nonSequences: [v[2]], checkpoint: k);
        return (r.Outputs[0], T.Sum(r.Outputs[0] * r.Outputs[0]) + T.Sum(r.Outputs[1]) + r.Outputs[0]["-1"]);
    }

    [Test]
    public void Loop_with_until()
    {
        using var scope = torch.NewDisposeScope();
        Tensor[] values = [GradCheck.Uniform([30], 0, 0.2, seed: 8), torch.tensor(0.7, ScalarType.Float64),
            torch.tensor(1.6, ScalarType.Float64)];
        AssertSameAsPlain(WhileLoop, Types(values), values);
        GradCheck.Reverse(v => WhileLoop(3, v).Item2, values);
        GradCheck.Forward(v => WhileLoop(2, v).Item1, values);

        // A loss that reads the per-step output only (a last-step read of the state in the loss would make its gradient
        // a zero trace with one row set, which reads the trace's shape): the loop keeps the state at its checkpoints.
        var xs = Types(values).Select(t => new Variable(t)).ToArray();
        var r = T.Scan(p =>
        {
            var next = p[2] * p[1] + p[0];
            return new ScanStep([next, T.Sin(next) * p[0]], Until: T.Gt(next, T.Constant(4.0)));
        }, sequences: [xs[0]], outputsInfo: [xs[1], null], nonSequences: [xs[2]], checkpoint: 4);
        var loss = T.Sum(r.Outputs[1] * r.Outputs[1]);
        var f = Function.Compile(xs, [r.Outputs[1], r.Outputs[0]["-1"], .. Autodiff.Grad(loss, xs)]);
        Assert.That(f.Call(values)[0].shape[0], Is.LessThan(30), "the loop stopped early");
        var forward = Loops(f).Single(l => !l.Reverse && l.Checkpoint == 4);
        Assert.That(forward.CheckpointsOnly[0], Is.True, "the state is kept at its checkpoints only");
        GradCheck.Reverse(v =>
        {
            var rv = T.Scan(p =>
            {
                var next = p[2] * p[1] + p[0];
                return new ScanStep([next, T.Sin(next) * p[0]], Until: T.Gt(next, T.Constant(4.0)));
            }, sequences: [v[0]], outputsInfo: [v[1], null], nonSequences: [v[2]], checkpoint: 4);
            return T.Sum(rv.Outputs[1] * rv.Outputs[1]);
        }, values);
    }

    [Test]
    public void Hessian_vector_products_of_an_rnn_loss_match_finite_differences()
    {
        using var scope = torch.NewDisposeScope();
        Variable Loss(Variable[] v, int? k)
        {
            var h = T.Scan(a => T.Tanh(a[0] + T.Dot(a[1], a[2])), sequences: [v[0]], outputsInfo: [v[1]],
                nonSequences: [v[2]], checkpoint: k).Output;
            return T.Sum(h * h) + T.Sum(h["-1"]);
        }
        Tensor[] values = [GradCheck.Uniform([7, 3], -1, 1, seed: 9), GradCheck.Uniform([3], -1, 1, seed: 10),
            GradCheck.Uniform([3, 3], -0.6, 0.6, seed: 11)];
        // Grad of grad, and R-op of grad (forward over reverse), through the checkpointed loop.
        GradCheck.SecondOrder(v => Loss(v, 3), values);
        GradCheck.Forward(v => Autodiff.Grad(Loss(v, 2), [v[2]])[0], values);

        // The same Hessian-vector product as the plain loop's.
        var xs = Types(values).Select(t => new Variable(t)).ToArray();
        var direction = T.Constant(GradCheck.Uniform([3, 3], seed: 12));
        Tensor Hvp(int? k) => Function.Compile(xs,
            [Autodiff.Grad(T.Sum(Autodiff.Grad(Loss(xs, k), [xs[2]])[0] * direction), [xs[2]])[0]]).Call(values)[0];
        var plain = Hvp(null);
        var checkpointed = Hvp(3);
        GradCheck.AssertClose(GradCheck.Doubles(checkpointed), checkpointed.shape, GradCheck.Doubles(plain), plain.shape,
            1e-12, "Hessian-vector product");
    }

    /// <summary>The RNN of docs/scan.md's memory measurement, with its loss summed in the loop (one scalar per step).</summary>
    private static (Variable[] Inputs, Variable[] Outputs) Rnn(int? k)
    {
        var x = T.Tensor(DType.Float32, [null, null, null], "x");
        var (h0, w, u, b) = (T.FMatrix("h0"), T.FMatrix("W"), T.FMatrix("U"), T.FVector("b"));
        var r = T.Scan(a =>
        {
            var h = T.Tanh(T.Dot(a[0], u) + T.Dot(a[1], w) + b);
            return new[] { h, T.Mean(h * h) };
        }, sequences: [x], outputsInfo: [h0, null], checkpoint: k);
        var loss = T.Mean(r.Outputs[1]);
        return ([x, h0, w, u, b], [loss, .. Autodiff.Grad(loss, [w, u, b, h0])]);
    }

    [Test]
    public void Gradient_of_a_1000_step_rnn_checkpointed_every_32_steps_holds_at_most_a_quarter_of_the_memory()
    {
        using var scope = torch.NewDisposeScope();
        const int steps = 1000, hidden = 64, batch = 16, features = 32;
        var g = new torch.Generator(17);
        Tensor[] values =
        [
            torch.randn([steps, batch, features], ScalarType.Float32, generator: g),
            torch.randn([batch, hidden], ScalarType.Float32, generator: g),
            torch.randn([hidden, hidden], ScalarType.Float32, generator: g) / 8,
            torch.randn([features, hidden], ScalarType.Float32, generator: g) / Math.Sqrt(features),
            torch.zeros([hidden], ScalarType.Float32),
        ];
        (Tensor[] Results, long Peak, Function F) Measure(int? k)
        {
            var (inputs, outputs) = Rnn(k);
            var f = Function.Compile(inputs, outputs);
            f.Call(values); // compiles the inner functions
            using var probe = MemoryProbe.Start();
            var results = f.Call(values);
            return (results, probe.PeakBytes, f);
        }
        var (plain, plainPeak, _) = Measure(null);
        var (checkpointed, checkpointPeak, cf) = Measure(32);
        long row = batch * hidden * sizeof(float);
        TestContext.Out.WriteLine($"peak live bytes: plain {plainPeak}, checkpoint=32 {checkpointPeak} " +
                                  $"(ratio {(double)checkpointPeak / plainPeak:F3}; one state {row})");
        Assert.That(plainPeak, Is.GreaterThan(steps * row), "the plain gradient keeps every state");
        Assert.That(checkpointPeak, Is.LessThanOrEqualTo(plainPeak / 4), "at most a quarter of the plain peak");
        var forward = Loops(cf).Single(l => l.Checkpoint == 32);
        Assert.That(forward.CheckpointsOnly[0], Is.True, "the forward loop keeps its checkpoints only");
        Assert.That(checkpointed[0].item<float>(), Is.EqualTo(plain[0].item<float>()), "the same loss");
        for (int i = 1; i < plain.Length; i++)
        {
            // float32, summed in another order (per block, then over blocks).
            GradCheck.AssertClose(GradCheck.Doubles(checkpointed[i]), checkpointed[i].shape, GradCheck.Doubles(plain[i]),
                plain[i].shape, 1e-5, $"gradient {i - 1}");
        }
    }

    [Test]
    public void Last_step_reads_are_served_from_the_checkpoints()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var h0 = T.DScalar("h0");
        // The loss reads a per-step output, the function the state's last step: the trace is kept at its checkpoints.
        Variable[] Loop(Variable xs, Variable init) => T.Scan(a =>
        {
            var next = T.Sin(a[1]) + a[0];
            return new[] { next, T.Exp(next) };
        }, sequences: [xs], outputsInfo: [init, null], checkpoint: 3).Outputs;
        var r = Loop(x, h0);
        var loss = T.Sum(r[1]);
        var f = Function.Compile([x, h0], [r[0]["-1"], .. Autodiff.Grad(loss, [x, h0])]);
        var forward = Loops(f).Single(l => !l.Reverse && l.Checkpoint == 3);
        Assert.That(forward.CheckpointsOnly[0], Is.True);
        var xv = GradCheck.Uniform([8], seed: 13);
        var outs = f.Call(xv, torch.tensor(0.5, ScalarType.Float64));
        double state = 0.5;
        foreach (double xt in GradCheck.Doubles(xv))
        {
            state = Math.Sin(state) + xt;
        }
        Assert.That(outs[0].item<double>(), Is.EqualTo(state).Within(1e-15));
        GradCheck.Reverse(v => T.Sum(Loop(v[0], v[1])[1]), xv, torch.tensor(0.5, ScalarType.Float64));
    }

    [Test]
    public void Invalid_block_lengths_are_reported()
    {
        var x = T.DVector("x");
        foreach (int k in new[] { 0, -3 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
                T.Scan(a => a[0] * 2.0, sequences: [x], checkpoint: k));
            Assert.That(e!.ParamName, Is.EqualTo("checkpoint"));
            Assert.That(e.Message, Does.Contain(">= 1").And.Contain($"got {k}"));
        }
    }

    [Test]
    public void Graph_json_round_trip_keeps_the_checkpointed_loop_and_its_gradient()
    {
        using var scope = torch.NewDisposeScope();
        var (x, h0, w) = (T.DMatrix("x"), T.DVector("h0"), T.DMatrix("w"));
        var h = T.Scan(a => T.Tanh(a[0] + T.Dot(a[1], w)), sequences: [x], outputsInfo: [h0], checkpoint: 2).Output;
        Variable[] outputs = [h, .. Autodiff.Grad(T.Sum(h * h), [w, h0, x])];
        var json = GraphJson.Write([x, h0, w], outputs);
        Assert.That(json, Does.Contain("\"checkpoint\":2").And.Contain("\"op\":\"ScanCheckpoints\""));
        var loaded = GraphJson.Read(json);
        Assert.That(GraphJson.Write(loaded.Inputs, loaded.Outputs), Is.EqualTo(json), "writing what was read");
        Tensor[] args = [GradCheck.Uniform([5, 3], seed: 14), GradCheck.Uniform([3], seed: 15),
            GradCheck.Uniform([3, 3], -0.5, 0.5, seed: 16)];
        var expected = Function.Compile([x, h0, w], outputs).Call(args);
        var actual = Function.Compile(loaded.Inputs, loaded.Outputs).Call(args);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.That(GradCheck.Doubles(actual[i]), Is.EqualTo(GradCheck.Doubles(expected[i])), $"output {i}");
        }
    }

    [TestCase(3, 1, 8)]
    [TestCase(3, 1, 9)]
    [TestCase(2, 3, 7)]
    [TestCase(5, 2, 0)]
    public void ScanCheckpoints_gathers_the_block_boundaries(int every, int window, int steps)
    {
        using var scope = torch.NewDisposeScope();
        var trace = GradCheck.Uniform([window + steps, 2], seed: 17);
        var op = new ScanCheckpoints(every, window);
        var x = T.DMatrix("trace");
        var f = Function.Compile([x], [op.Call(x)]);
        var result = f.Call(trace)[0];
        long entries = (steps + every - 1) / every + 1;
        Assert.That(result.shape, Is.EqualTo(new[] { entries, window, 2L }));
        for (long b = 0; b < entries; b++)
        {
            for (int i = 0; i < window; i++)
            {
                long row = Math.Min(b * every, steps) + i;
                Assert.That(GradCheck.Doubles(result[b, i]), Is.EqualTo(GradCheck.Doubles(trace[row])), $"entry {b}, row {i}");
            }
        }
        GradCheck.Reverse(v => op.Call(v[0]) * op.Call(v[0]), trace);
        GradCheck.Forward(v => op.Call(v[0]), trace);
        Assert.That(() => new ScanCheckpoints(0, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
