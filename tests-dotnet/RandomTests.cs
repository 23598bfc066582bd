using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops.RandomVariables;
using Gradient.Rewrites;
using Gradient.Serialization;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// Random streams: reproducible from the seed, new samples on every call, sample statistics of large draws, static
/// and run-time shapes and dtypes, two draws never merged or folded into one, undefined gradients, JSON refusal.
/// </summary>
public sealed class RandomTests
{
    private static Variable Size(params long[] lengths) => RandomStream.SizeOf(lengths);

    private static Variable C(double value) => T.Constant(value);

    private static double[] Run(Function f) => GradCheck.Doubles(f.Call(Array.Empty<Tensor>())[0]);

    /// <summary>The same seed gives the same sequence across fresh streams; another seed another one.</summary>
    [Test]
    public void Same_seed_same_sequence()
    {
        using var scope = torch.NewDisposeScope();
        double[][] Sequence(long seed)
        {
            var stream = new RandomStream(seed);
            var f = Function.Compile([], [stream.Normal(C(0), C(1), Size(4))]);
            return [Run(f), Run(f), Run(f)];
        }
        var a = Sequence(7);
        var b = Sequence(7);
        var c = Sequence(8);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c[0], Is.Not.EqualTo(a[0]));
    }

    /// <summary>Each call draws new samples; reseeding replays them.</summary>
    [Test]
    public void Each_call_draws_new_samples_and_seed_replays_them()
    {
        using var scope = torch.NewDisposeScope();
        var stream = new RandomStream(1);
        var f = Function.Compile([], [stream.Uniform(C(0), C(1), Size(5))]);
        var first = Run(f);
        var second = Run(f);
        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(stream.States[0].Draws, Is.EqualTo(2));
        stream.Seed(1);
        Assert.That(Run(f), Is.EqualTo(first));
        Assert.That(Run(f), Is.EqualTo(second));
    }

    /// <summary>Two variables of one stream are independent sequences, and two functions share a variable's state.</summary>
    [Test]
    public void Variables_have_their_own_states_shared_by_functions()
    {
        using var scope = torch.NewDisposeScope();
        var stream = new RandomStream(3);
        var x = stream.Normal(C(0), C(1), Size(3));
        var y = stream.Normal(C(0), C(1), Size(3));
        var both = Function.Compile([], [x, y]).Call(Array.Empty<Tensor>());
        Assert.That(GradCheck.Doubles(both[1]), Is.Not.EqualTo(GradCheck.Doubles(both[0])));
        var fx = Function.Compile([], [x]);
        Assert.That(stream.States[0].Draws, Is.EqualTo(1));
        Run(fx);
        Assert.That(stream.States[0].Draws, Is.EqualTo(2), "a second function advances the same state");
        Assert.That(stream.States[1].Draws, Is.EqualTo(1));
    }

    /// <summary>Merge and constant folding keep two identical-looking draws apart, and one draw used twice is one sample.</summary>
    [Test]
    public void Merge_and_folding_do_not_collapse_draws()
    {
        using var scope = torch.NewDisposeScope();
        var stream = new RandomStream(5);
        var a = stream.Normal(C(0), C(1), Size(6));
        var b = stream.Normal(C(0), C(1), Size(6));
        var op = (RandomVariable)a.Owner!.Op;
        Assert.That(op.IsDeterministic, Is.False);
        Assert.That(op, Is.EqualTo(b.Owner!.Op), "equal props: only IsDeterministic keeps them apart");
        var f = Function.Compile([], [a - b, a - a]);
        Assert.That(f.Toposort().Count(n => n.Op is RandomVariable), Is.EqualTo(2));
        var r = f.Call(Array.Empty<Tensor>());
        Assert.That(GradCheck.Doubles(r[0]).All(v => v != 0), Is.True, "two draws differ");
        Assert.That(GradCheck.Doubles(r[1]).All(v => v == 0), Is.True, "one draw used twice is one sample");
        Assert.That(new ConstantFolding().Transform(a.Owner!), Is.Null, "a draw with constant inputs is not folded");
    }

    /// <summary>Large samples have the distribution's moments (loose bounds: no flaky failures).</summary>
    [Test]
    public void Sample_statistics()
    {
        using var scope = torch.NewDisposeScope();
        var stream = new RandomStream(11);
        const long n = 100_000;
        var outs = new[]
        {
            stream.Normal(C(0), C(1), Size(n)),
            stream.Normal(C(3), C(2), Size(n)),
            stream.Uniform(C(-1), C(3), Size(n)),
            stream.Binomial(T.Constant(10L), C(0.3), Size(n)),
        };
        var r = Function.Compile([], outs).Call(Array.Empty<Tensor>());
        (double Mean, double Std) Moments(Tensor t)
        {
            var d = t.to_type(ScalarType.Float64);
            return (d.mean().item<double>(), d.std().item<double>());
        }
        var (m0, s0) = Moments(r[0]);
        Assert.That(m0, Is.EqualTo(0).Within(0.02));
        Assert.That(s0, Is.EqualTo(1).Within(0.02));
        var (m1, s1) = Moments(r[1]);
        Assert.That(m1, Is.EqualTo(3).Within(0.04));
        Assert.That(s1, Is.EqualTo(2).Within(0.04));
        var (m2, _) = Moments(r[2]);
        Assert.That(m2, Is.EqualTo(1).Within(0.03));
        Assert.That(r[2].min().item<double>(), Is.GreaterThanOrEqualTo(-1));
        Assert.That(r[2].max().item<double>(), Is.LessThan(3));
        var (m3, s3) = Moments(r[3]);
        Assert.That(m3, Is.EqualTo(3).Within(0.05));
        Assert.That(s3, Is.EqualTo(Math.Sqrt(2.1)).Within(0.05));
    }

    /// <summary>Multinomial counts sum to n with the right proportions; choice and permutation pick what numpy would.</summary>
    [Test]
    public void Multinomial_choice_and_permutation()
    {
        using var scope = torch.NewDisposeScope();
        var stream = new RandomStream(13);
        var pvals = T.Constant(torch.tensor(new[] { 0.2, 0.3, 0.5 }));
        var m = stream.Multinomial(T.Constant(1000L), pvals, Size(200));
        Assert.That(m.Type, Is.EqualTo(new TensorType(DType.Int64, [200, 3])));
        var noRepeat = stream.Choice(T.Constant(10L), Size(10), replace: false);
        var weighted = stream.Choice(T.Constant(torch.tensor(new[] { 5.0, 6.0, 7.0 })), Size(20000), true,
            T.Constant(torch.tensor(new[] { 0.0, 0.25, 0.75 })));
        var perm = stream.Permutation(T.Constant(torch.tensor(new long[] { 10, 20, 30, 40 })));
        var r = Function.Compile([], [m, noRepeat, weighted, perm]).Call(Array.Empty<Tensor>());
        Assert.That(r[0].sum(new long[] { 1 }).eq(1000).all().item<bool>(), Is.True);
        var share = r[0].sum(new long[] { 0 }).to_type(ScalarType.Float64) / (1000.0 * 200);
        Assert.That(GradCheck.Doubles(share), Is.EqualTo(new[] { 0.2, 0.3, 0.5 }).Within(0.01));
        Assert.That(GradCheck.Doubles(r[1]).Order(), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (double)i)));
        var picks = GradCheck.Doubles(r[2]);
        Assert.That(picks.Contains(5.0), Is.False, "probability 0 is never picked");
        Assert.That(picks.Count(v => v == 7.0) / 20000.0, Is.EqualTo(0.75).Within(0.02));
        Assert.That(r[2].dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(GradCheck.Doubles(r[3]).Order(), Is.EqualTo(new[] { 10.0, 20, 30, 40 }));
        Assert.That(r[3].dtype, Is.EqualTo(ScalarType.Int64));
    }

    /// <summary>Static types follow the size and parameters; run-time shapes and dtypes match them.</summary>
    [Test]
    public void Shapes_and_dtypes()
    {
        using var scope = torch.NewDisposeScope();
        var stream = new RandomStream(17);
        var loc = T.DVector("loc");
        var n = T.LScalar("n");
        var broadcast = stream.Normal(loc, C(1), dtype: DType.Float64);
        var sized = stream.Uniform(C(0), C(1), Size(2, 3), DType.Float32);
        var symbolic = stream.Normal(C(0), C(1), T.MakeVector(n, n));
        var scalar = stream.Binomial(T.Constant(5L), C(0.5));
        var perm = stream.Permutation(n);
        Assert.That(broadcast.Type, Is.EqualTo(new TensorType(DType.Float64, [null])));
        Assert.That(sized.Type, Is.EqualTo(new TensorType(DType.Float32, [2, 3])));
        Assert.That(symbolic.Type, Is.EqualTo(new TensorType(Config.FloatX, [null, null])));
        Assert.That(scalar.Type, Is.EqualTo(new TensorType(DType.Int64, [])));
        Assert.That(perm.Type, Is.EqualTo(new TensorType(DType.Int64, [null])));
        var r = Function.Compile([loc, n], [broadcast, sized, symbolic, scalar, perm])
            .Call(torch.tensor(new[] { -100.0, 0, 100 }), torch.tensor(4L));
        Assert.That(r[0].shape, Is.EqualTo(new long[] { 3 }));
        Assert.That(r[0][0].item<double>(), Is.LessThan(-90));
        Assert.That(r[1].shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(r[1].dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(r[2].shape, Is.EqualTo(new long[] { 4, 4 }));
        Assert.That(r[3].shape, Is.Empty);
        Assert.That(r[4].shape, Is.EqualTo(new long[] { 4 }));
    }

    /// <summary>Bad parameters are exceptions naming the distribution, at build or call time.</summary>
    [Test]
    public void Bad_parameters_raise()
    {
        using var scope = torch.NewDisposeScope();
        var stream = new RandomStream(19);
        var scale = T.DScalar("scale");
        var f = Function.Compile([scale], [stream.Normal(C(0), scale, Size(3))]);
        Assert.That(() => f.Call(torch.tensor(-1.0)), Throws.ArgumentException.With.Message.Contains("normal"));
        var loc = T.DVector("loc");
        var g = Function.Compile([loc], [stream.Normal(loc, C(1), Size(4))]);
        Assert.That(() => g.Call(torch.zeros(3, ScalarType.Float64)), Throws.ArgumentException.With.Message.Contains("broadcast"));
        var p = T.DScalar("p");
        var h = Function.Compile([p], [stream.Binomial(T.Constant(3L), p, Size(2))]);
        Assert.That(() => h.Call(torch.tensor(1.5)), Throws.ArgumentException.With.Message.Contains("[0, 1]"));
        var k = Function.Compile([], [stream.Choice(T.Constant(3L), Size(5), replace: false)]);
        Assert.That(() => k.Call(Array.Empty<Tensor>()), Throws.ArgumentException.With.Message.Contains("replace=False"));
        Assert.That(() => stream.Normal(C(0), C(1), T.DMatrix()), Throws.ArgumentException);
        Assert.That(() => stream.Normal(C(0), C(1), dtype: DType.Int64), Throws.ArgumentException);
    }

    /// <summary>The gradient (and tangent) through a sample is undefined, as Aesara's grad_undefined; other paths work.</summary>
    [Test]
    public void Gradient_through_a_sample_is_undefined()
    {
        using var scope = torch.NewDisposeScope();
        var stream = new RandomStream(23);
        var mu = T.DScalar("mu");
        var w = T.DScalar("w");
        var sample = stream.Normal(mu, C(1), Size(3));
        Assert.That(() => Autodiff.Grad(T.Sum(sample), [mu]),
            Throws.InstanceOf<NullTypeGradException>().With.Message.Contains("undefined"));
        Assert.That(() => Autodiff.Rop([sample], [mu], [T.DScalar("v")]),
            Throws.InstanceOf<NullTypeGradException>().With.Message.Contains("undefined"));
        var g = Autodiff.Grad(T.Sum(sample * w), [w])[0];
        var r = Function.Compile([mu, w], [g, T.Sum(sample)]).Call(torch.tensor(0.0), torch.tensor(2.0));
        Assert.That(r[0].item<double>(), Is.Not.EqualTo(0.0));
    }

    /// <summary>A graph with a random variable cannot be written as JSON: a clear NotSupportedException.</summary>
    [Test]
    public void Json_refuses_random_ops()
    {
        using var scope = torch.NewDisposeScope();
        var stream = new RandomStream(29);
        var x = T.DVector("x");
        var y = x + stream.Normal(C(0), C(1), Size(3));
        Assert.That(() => GraphJson.Write([x], [y]),
            Throws.TypeOf<NotSupportedException>().With.Message.Contains("draws random numbers"));
    }
}
