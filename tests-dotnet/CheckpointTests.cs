using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// <see cref="Checkpoint"/>: a checkpointed graph gives the gradients of the plain one (bit for bit up to rounding),
/// and its gradient call holds less memory (measured with <see cref="MemoryProbe"/>), because the backward pass
/// recomputes each segment's intermediates instead of keeping them.
/// </summary>
public sealed class CheckpointTests : ScopedTests
{
    private const int Layers = 100, Every = 10, Batch = 256, Width = 32;

    /// <summary>A tanh MLP of <see cref="Layers"/> layers; <paramref name="every"/> > 0 checkpoints every that many layers.</summary>
    private static (Variable X, Variable[] Ws, Variable Cost) Mlp(int every, bool functionForm = false)
    {
        var x = T.DMatrix("x");
        var ws = Enumerable.Range(0, Layers).Select(i => T.DMatrix($"w{i}")).ToArray();
        var h = x;
        if (functionForm && every > 0)
        {
            for (int start = 0; start < Layers; start += every)
            {
                int from = start;
                h = Checkpoint.Apply(v =>
                {
                    for (int i = from; i < from + every; i++)
                    {
                        v = T.Tanh(T.Dot(v, ws[i]));
                    }
                    return v;
                }, h);
            }
        }
        else
        {
            for (int i = 0; i < Layers; i++)
            {
                h = T.Tanh(T.Dot(h, ws[i]));
                if (every > 0 && (i + 1) % every == 0)
                {
                    h = Checkpoint.Of(h);
                }
            }
        }
        return (x, ws, T.Sum(T.Sqr(h)));
    }

    private static Tensor[] Values(int seed)
    {
        var values = new List<Tensor> { GradCheck.Uniform([Batch, Width], -1, 1, seed) };
        for (int i = 0; i < Layers; i++)
        {
            // Scaled so that the activations neither vanish nor saturate over 100 layers.
            values.Add(GradCheck.Uniform([Width, Width], -1, 1, seed + 1 + i) * (1.5 / Math.Sqrt(Width)));
        }
        return values.ToArray();
    }

    /// <summary>The gradient function's results and the peak bytes its call held.</summary>
    private static (Tensor[] Results, long Peak) GradientCall(int every, bool functionForm = false)
    {
        var (x, ws, cost) = Mlp(every, functionForm);
        var grads = Autodiff.Grad(cost, [x, .. ws]);
        var f = Function.Compile([x, .. ws], [cost, .. grads]);
        var values = Values(7);
        f.Call(values);  // compiles the inner functions
        using var probe = MemoryProbe.Start();
        var results = f.Call(values);
        return (results, probe.PeakBytes);
    }

    [Test]
    public void Checkpointed_gradients_equal_the_plain_ones_and_hold_less_memory()
    {
        var (plain, plainPeak) = GradientCall(0);
        var (checkpointed, checkpointPeak) = GradientCall(Every);
        Assert.That(checkpointed, Has.Length.EqualTo(plain.Length));
        for (int i = 0; i < plain.Length; i++)
        {
            GradCheck.AssertClose(GradCheck.Doubles(checkpointed[i]), checkpointed[i].shape, GradCheck.Doubles(plain[i]),
                plain[i].shape, 1e-12, $"result {i}");
        }
        long activation = Batch * Width * sizeof(double);
        long gradients = (Layers * Width * Width + Batch * Width + 1) * sizeof(double);
        TestContext.Out.WriteLine(
            $"peak live bytes: plain {plainPeak}, checkpoint every {Every}: {checkpointPeak} " +
            $"(activation {activation}, returned gradients {gradients})");
        // The plain backward keeps one activation per layer; checkpointing keeps one per segment plus one segment.
        Assert.That(plainPeak - gradients, Is.GreaterThan(Layers * activation * 9 / 10));
        Assert.That(checkpointPeak - gradients, Is.LessThan((Layers / Every + Every) * activation * 3 / 2));
        Assert.That(checkpointPeak, Is.LessThan(plainPeak / 2));
    }

    [Test]
    public void The_function_form_equals_the_expression_form()
    {
        var (byExpression, peak1) = GradientCall(Every);
        var (byFunction, peak2) = GradientCall(Every, functionForm: true);
        for (int i = 0; i < byExpression.Length; i++)
        {
            Assert.That(GradCheck.Doubles(byFunction[i]), Is.EqualTo(GradCheck.Doubles(byExpression[i])), $"result {i}");
        }
        Assert.That(peak2, Is.EqualTo(peak1));
    }

    [Test]
    public void Segments_reach_back_to_the_previous_checkpoint()
    {
        var (_, ws, cost) = Mlp(Every);
        var segments = GraphOrder.Toposort([cost]).Where(n => n.Op is OpFromGraph { IsCheckpoint: true }).ToList();
        Assert.That(segments, Has.Count.EqualTo(Layers / Every));
        // Each segment takes the previous boundary and its ten weights.
        Assert.That(segments[1].Inputs, Has.Count.EqualTo(Every + 1));
        Assert.That(segments[1].Inputs[0].Owner, Is.SameAs(segments[0]));
        Assert.That(segments[1].Inputs.Skip(1), Is.EquivalentTo(ws.Skip(Every).Take(Every)));
        Assert.That(((OpFromGraph)segments[1].Op).Inline, Is.False);
    }

    [Test]
    public void A_checkpointed_function_checks_numerically_in_both_modes()
    {
        Variable Build(Variable[] v) =>
            Checkpoint.Apply(h => T.Tanh(T.Dot(T.Exp(T.Dot(h, v[1]) * 0.5), v[2])), v[0]);
        var values = new[]
        {
            GradCheck.Uniform([3, 4], seed: 1), GradCheck.Uniform([4, 5], seed: 2), GradCheck.Uniform([5, 2], seed: 3),
        };
        GradCheck.Reverse(Build, values);
        GradCheck.Forward(Build, values);
        GradCheck.SecondOrder(Build, values);
    }

    [Test]
    public void The_gradient_recomputes_the_segment_instead_of_reading_its_intermediates()
    {
        var x = T.DVector("x");
        var inner = T.Exp(x);
        var y = Checkpoint.Of(T.Sin(inner) * 2.0, [x]);
        var g = Autodiff.Grad(T.Sum(y), x);
        // The gradient reads the segment's input (to recompute exp(x)), never a value from inside the forward pass.
        var gradientOp = g.Owner!.Op as OpFromGraph ?? g.Owner.Inputs.Select(v => v.Owner?.Op).OfType<OpFromGraph>().First();
        Assert.That(gradientOp.IsCheckpoint, Is.False);
        Assert.That(GraphOrder.GraphInputs([g]), Does.Not.Contain(inner));
        var f = Function.Compile([x], [g]);
        var value = Vec(0.5, -1);
        var expected = GradCheck.Doubles(value).Select(v => Math.Cos(Math.Exp(v)) * Math.Exp(v) * 2).ToArray();
        Assert.That(GradCheck.Doubles(f.Call(value)[0]), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void A_random_segment_is_refused()
    {
        var x = T.DVector("x");
        var rng = new Ops.RandomVariables.RandomStream(3);
        var noisy = x + rng.Normal(T.Constant(0.0), T.Constant(1.0), T.Shape(x));
        var e = Assert.Throws<NotSupportedException>(() => Checkpoint.Of(noisy, [x]));
        Assert.That(e!.Message, Does.Contain("not deterministic"));
    }

    [Test]
    public void The_probe_counts_distinct_buffers_and_nests()
    {
        var x = T.DVector("x");
        var f = Function.Compile([x], [T.Sum(T.Exp(x) * T.Exp(x + 1.0))]);
        var value = torch.ones(1000, dtype: ScalarType.Float64);
        using var outer = MemoryProbe.Start();
        using (var inner = MemoryProbe.Start())
        {
            f.Call(value);
            Assert.That(inner.PeakBytes, Is.GreaterThanOrEqualTo(2 * 8000));
            Assert.That(inner.LiveBytes, Is.EqualTo(0));
        }
        Assert.That(outer.PeakBytes, Is.EqualTo(0));
        f.Call(value);
        Assert.That(outer.PeakBytes, Is.GreaterThanOrEqualTo(2 * 8000));
        Assert.That(outer.LiveBuffers, Is.EqualTo(0));
    }

    [TestCase(DType.Float32)]
    [TestCase(DType.Int64)]
    [TestCase(DType.Int32)]
    [TestCase(DType.Int16)]
    [TestCase(DType.Int8)]
    [TestCase(DType.UInt8)]
    [TestCase(DType.Float16)]
    [TestCase(DType.Complex128)]
    public void The_probe_counts_every_dtype_and_booleans(DType dtype)
    {
        var x = T.Tensor(dtype, [null]);
        var doubled = x + x;
        var flag = dtype.IsComplex() ? T.Eq(doubled, x) : T.Lt(doubled, x);
        var f = Function.Compile([x], [T.Sum(T.Cast(doubled, DType.Float64)), flag]);
        var value = torch.ones(100, dtype: dtype.ToTorch());
        using var probe = MemoryProbe.Start();
        f.Call(value);
        Assert.That(probe.PeakBytes, Is.GreaterThanOrEqualTo(100 * dtype.ItemSize()));
        Assert.That(probe.LiveBytes, Is.EqualTo(0));
    }
}
