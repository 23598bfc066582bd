using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// The special functions the stabilising rewrites introduce — softplus, sigmoid, log1p, softmax, log-softmax and
/// logsumexp — against their closed forms, and their pullbacks, pushforwards and second derivatives against central
/// differences.
/// </summary>
public sealed class SpecialOpTests : OpTableTests<SpecialOpTests.Table>
{
    private static readonly Arg M34 = Arg.Matrix(3, 4), V5 = Arg.Vector(5), S = Arg.Scalar(), T234 = Arg.Tensor3(2, 3, 4);

    private static IEnumerable<OpCase> All()
    {
        yield return new("softplus(matrix)", v => T.Softplus(v[0]), t => (1.0 + t[0].exp()).log(), M34);
        yield return new("softplus(scalar)", v => T.Softplus(v[0]), t => (1.0 + t[0].exp()).log(), S);
        yield return new("sigmoid(matrix)", v => T.Sigmoid(v[0]), t => 1.0 / (1.0 + (-t[0]).exp()), M34);
        yield return new("log1p(matrix)", v => T.Log1p(v[0]), t => (1.0 + t[0]).log(), M34.Positive);
        yield return new("softmax(matrix, axis=1)", v => T.Softmax(v[0], 1),
            t => t[0].exp() / t[0].exp().sum(1L, keepdim: true), M34);
        yield return new("softmax(matrix, axis=0)", v => T.Softmax(v[0], 0),
            t => t[0].exp() / t[0].exp().sum(0L, keepdim: true), M34);
        yield return new("softmax(matrix, axis=None)", v => T.Softmax(v[0], null), t => t[0].exp() / t[0].exp().sum(), M34);
        yield return new("softmax(vector)", v => T.Softmax(v[0]), t => t[0].exp() / t[0].exp().sum(), V5);
        yield return new("softmax(tensor3, axis=-2)", v => T.Softmax(v[0], -2),
            t => t[0].exp() / t[0].exp().sum(1L, keepdim: true), T234);
        yield return new("log_softmax(matrix, axis=1)", v => T.LogSoftmax(v[0], 1),
            t => (t[0].exp() / t[0].exp().sum(1L, keepdim: true)).log(), M34);
        yield return new("log_softmax(matrix, axis=0)", v => T.LogSoftmax(v[0], 0),
            t => (t[0].exp() / t[0].exp().sum(0L, keepdim: true)).log(), M34);
        yield return new("log_softmax(matrix, axis=None)", v => T.LogSoftmax(v[0], null),
            t => (t[0].exp() / t[0].exp().sum()).log(), M34);
        yield return new("logsumexp(matrix)", v => T.LogSumExp(v[0]), t => t[0].exp().sum().log(), M34);
        yield return new("logsumexp(matrix, axis=1)", v => T.LogSumExp(v[0], 1), t => t[0].exp().sum(1L).log(), M34);
        yield return new("logsumexp(matrix, axis=0, keepdims)", v => T.LogSumExp(v[0], 0, keepdims: true),
            t => t[0].exp().sum(0L, keepdim: true).log(), M34);
        yield return new("logsumexp(matrix, keepdims)", v => T.LogSumExp(v[0], keepdims: true),
            t => t[0].exp().sum().log().reshape(1, 1), M34);
        yield return new("logsumexp(tensor3, axes=[0, -1])", v => T.LogSumExp(v[0], [0, -1]),
            t => t[0].exp().sum([0L, 2L]).log(), T234);
        yield return new("logsumexp(tensor3, axes=[2, 0], keepdims)", v => T.LogSumExp(v[0], [2, 0], keepdims: true),
            t => t[0].exp().sum([0L, 2L], keepdim: true).log(), T234);
        yield return new("softmax(dot(X, W)) * y (composite)", v => T.Softmax(T.Dot(v[0], v[1])) * v[2],
            t => t[0].mm(t[1]).softmax(1) * t[2], Arg.Matrix(4, 3), Arg.Matrix(3, 5), V5);
        yield return new("sum(log_softmax) + logsumexp (composite)",
            v => T.Sum(T.LogSoftmax(v[0], 1)) + T.LogSumExp(v[0] * v[0]),
            t => t[0].log_softmax(1).sum() + (t[0] * t[0]).logsumexp(0).logsumexp(0), M34);
    }

    /// <summary>This file's cases.</summary>
    public sealed class Table : IOpTable
    {
        /// <inheritdoc/>
        public IEnumerable<OpCase> All() => SpecialOpTests.All();

        /// <inheritdoc/>
        public double ValueTolerance => 1e-13;
    }

    [Test]
    public void Softplus_is_exact_far_from_zero_where_the_naive_form_fails()
    {
        using var scope = torch.NewDisposeScope();
        double[] xs = [-700, -40, -1e-3, 0, 1e-3, 20, 40, 800];
        var x = T.DVector("x");
        var f = Function.Compile([x], [T.Softplus(x), T.Sigmoid(x)]);
        var outs = f.Call(torch.tensor(xs));
        var softplus = GradCheck.Doubles(outs[0]);
        var sigmoid = GradCheck.Doubles(outs[1]);
        for (int i = 0; i < xs.Length; i++)
        {
            // Closed form, evaluated in a way that is exact in double precision for each sign.
            double expected = xs[i] > 0 ? xs[i] + Math.Log(1 + Math.Exp(-xs[i])) : Math.Exp(xs[i]) is var e && e < 1e-15
                ? e : Math.Log(1 + Math.Exp(xs[i]));
            Assert.That(softplus[i], Is.EqualTo(expected).Within(1e-15 * Math.Max(1, Math.Abs(expected))), $"softplus({xs[i]})");
            Assert.That(sigmoid[i], Is.EqualTo(1 / (1 + Math.Exp(-xs[i]))).Within(1e-16), $"sigmoid({xs[i]})");
        }
        Assert.That(softplus[0], Is.GreaterThan(0), "softplus(-700) = exp(-700) does not underflow to 0");
    }

    [Test]
    public void Softmax_family_is_finite_for_huge_inputs()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var f = Function.Compile([x], [T.Softmax(x, 1), T.LogSoftmax(x, 1), T.LogSumExp(x, 1)]);
        var outs = f.Call(torch.tensor(new double[,] { { 1000, 0, -1000 }, { 1, 2, 3 } }));
        var sm = GradCheck.Doubles(outs[0]);
        var lsm = GradCheck.Doubles(outs[1]);
        var lse = GradCheck.Doubles(outs[2]);
        Assert.That(sm[..3], Is.EqualTo(new[] { 1.0, 0.0, 0.0 }));
        Assert.That(lsm[..3], Is.EqualTo(new[] { 0.0, -1000.0, -2000.0 }));
        Assert.That(lse[0], Is.EqualTo(1000.0));
        double lse1 = 3 + Math.Log(Math.Exp(-2) + Math.Exp(-1) + 1);
        Assert.That(lse[1], Is.EqualTo(lse1).Within(1e-14));
        Assert.That(lsm[3..], Is.EqualTo(new[] { 1 - lse1, 2 - lse1, 3 - lse1 }).Within(1e-14));
    }

    [Test]
    public void Integer_inputs_give_float_outputs_and_float32_stays_float32()
    {
        var i = T.Tensor(DType.Int32, [null], "i");
        var f = T.FVector("f");
        Assert.That(T.Softmax(i).DType, Is.EqualTo(DType.Float64));
        Assert.That(T.LogSumExp(i).DType, Is.EqualTo(DType.Float64));
        Assert.That(T.Softplus(f).DType, Is.EqualTo(DType.Float32));
        Assert.That(T.LogSoftmax(f).DType, Is.EqualTo(DType.Float32));
        using var scope = torch.NewDisposeScope();
        var outs = Function.Compile([i], [T.Softmax(i), T.LogSumExp(i)]).Call(torch.tensor(new[] { 1, 2, 3 }));
        Assert.That(outs[0].dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(outs[1].item<double>(), Is.EqualTo(Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3))).Within(1e-14));
    }

    [Test]
    public void Static_shapes_and_bad_axes()
    {
        var x = T.Tensor(DType.Float64, [2, null, 4]);
        Assert.That(T.Softmax(x, 1).Type.Shape, Is.EqualTo(new long?[] { 2, null, 4 }));
        Assert.That(T.LogSumExp(x, [0, 2]).Type.Shape, Is.EqualTo(new long?[] { null }));
        Assert.That(T.LogSumExp(x, [1], keepdims: true).Type.Shape, Is.EqualTo(new long?[] { 2, 1, 4 }));
        Assert.That(T.LogSumExp(x).Type.Shape, Is.Empty);
        Assert.Catch<ArgumentException>(() => T.Softmax(x, 3));
        Assert.Catch<ArgumentException>(() => T.LogSoftmax(x, -4));
        Assert.Catch<ArgumentException>(() => T.LogSumExp(x, [0, -3]));
        Assert.Catch<ArgumentException>(() => new Ops.Softmax(5).Call(x));
    }

    [Test]
    public void Ops_are_reconstructible_from_their_props()
    {
        Ops.Softmax a = new(1);
        Ops.LogSoftmax b = new(null);
        Ops.LogSumExp c = new([2, 0], keepdims: true);
        Assert.That(a.Props.Single().Value, Is.EqualTo(1));
        Assert.That(new Ops.Softmax((int?)a.Props[0].Value), Is.EqualTo(a));
        Assert.That(new Ops.LogSoftmax((int?)b.Props[0].Value), Is.EqualTo(b));
        var rebuilt = new Ops.LogSumExp((IReadOnlyList<int>?)c.Props[0].Value, (bool)c.Props[1].Value!);
        Assert.That(rebuilt, Is.EqualTo(c));
        Assert.That(rebuilt.GetHashCode(), Is.EqualTo(c.GetHashCode()));
        Assert.That(new Ops.LogSumExp([0], false), Is.Not.EqualTo(new Ops.LogSumExp([0], true)));
        Assert.That(Ops.ScalarOps.ByName("softplus"), Is.SameAs(Ops.ScalarOps.Softplus));
    }
}
