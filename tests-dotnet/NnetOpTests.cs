using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// relu and the cross-entropies against their closed forms in torch, with pullbacks, pushforwards and second
/// derivatives against central differences, and the stability of the logits form.
/// </summary>
public sealed class NnetOpTests : OpTableTests<NnetOpTests.Table>
{
    private static readonly Arg M34 = Arg.Matrix(3, 4);

    private static Tensor Softmax(Tensor t) => t.exp() / t.exp().sum(1L, keepdim: true);

    private static IEnumerable<OpCase> All()
    {
        yield return new("relu(matrix)", v => T.Relu(v[0]), t => t[0].relu(), M34);
        yield return new("relu(matrix, alpha=0.1)", v => T.Relu(v[0], 0.1), t => torch.where(t[0] > 0, t[0], 0.1 * t[0]), M34);
        yield return new("relu(matrix, alpha variable)", v => T.Relu(v[0], v[1]),
            t => torch.where(t[0] > 0, t[0], t[1] * t[0]), M34, Arg.Scalar());
        yield return new("categorical_crossentropy(softmax, one-hot-ish matrix)",
            v => T.CategoricalCrossentropy(T.Softmax(v[0]), v[1]),
            t => -(t[1] * Softmax(t[0]).log()).sum(1L), M34, M34.Positive);
        yield return new("categorical_crossentropy(probabilities, class indices)",
            v => T.CategoricalCrossentropy(v[0], T.Constant(torch.tensor(new long[] { 2, 0, 3 }))),
            t => -t[0].gather(1, torch.tensor(new long[] { 2, 0, 3 }).unsqueeze(1)).squeeze(1).log(), M34.Positive);
        yield return new("categorical_crossentropy(softmax(x), int32 indices) mean",
            v => T.Mean(T.CategoricalCrossentropy(T.Softmax(v[0]), T.Cast(T.Constant(torch.tensor(new long[] { 1, 1, 0 })), DType.Int32))),
            t => -Softmax(t[0]).gather(1, torch.tensor(new long[] { 1, 1, 0 }).unsqueeze(1)).log().mean(), M34);
        yield return new("binary_crossentropy(output, target)", v => T.BinaryCrossentropy(v[0], v[1]),
            t => -(t[1] * t[0].log() + (1 - t[1]) * (1 - t[0]).log()),
            M34 with { Low = 0.1, High = 0.9 }, M34 with { Low = 0, High = 1 });
        yield return new("sigmoid_binary_crossentropy(logits, target)", v => T.SigmoidBinaryCrossentropy(v[0], v[1]),
            t => -(t[1] * t[0].sigmoid().log() + (1 - t[1]) * (1 - t[0].sigmoid()).log()),
            M34, M34 with { Low = 0, High = 1 });
        yield return new("sigmoid_binary_crossentropy = binary_crossentropy(sigmoid)",
            v => T.SigmoidBinaryCrossentropy(v[0], v[1]) - T.BinaryCrossentropy(T.Sigmoid(v[0]), v[1]),
            t => torch.zeros_like(t[0]), M34, M34 with { Low = 0, High = 1 });
        yield return new("mlp loss mean(sigmoid_binary_crossentropy(dot(relu(X W1), w2), y))",
            v => T.Mean(T.SigmoidBinaryCrossentropy(T.Dot(T.Relu(T.Dot(v[0], v[1])), v[2]), v[3])),
            t => -(t[3] * t[0].mm(t[1]).relu().mv(t[2]).sigmoid().log()
                   + (1 - t[3]) * (1 - t[0].mm(t[1]).relu().mv(t[2]).sigmoid()).log()).mean(),
            Arg.Matrix(5, 3), Arg.Matrix(3, 4), Arg.Vector(4), Arg.Vector(5) with { Low = 0, High = 1 });
    }

    /// <summary>This file's cases.</summary>
    public sealed class Table : IOpTable
    {
        /// <inheritdoc/>
        public IEnumerable<OpCase> All() => NnetOpTests.All();

        /// <inheritdoc/>
        public double ValueTolerance => 1e-12;
    }

    [Test]
    public void Sigmoid_binary_crossentropy_is_finite_for_huge_logits()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var t = T.DVector("t");
        var loss = T.SigmoidBinaryCrossentropy(x, t);
        var grad = Autodiff.Grad(T.Sum(loss), [x])[0];
        var outs = Function.Compile([x, t], [loss, grad])
            .Call(torch.tensor(new double[] { -1000, 1000, 0, 40 }), torch.tensor(new double[] { 1, 0, 0.5, 1 }));
        var l = GradCheck.Doubles(outs[0]);
        Assert.That(l[0], Is.EqualTo(1000.0));
        Assert.That(l[1], Is.EqualTo(1000.0));
        Assert.That(l[2], Is.EqualTo(Math.Log(2)).Within(1e-15));
        Assert.That(l[3], Is.EqualTo(Math.Exp(-40) - Math.Exp(-80) / 2).Within(1e-30), "softplus(-40), not 0 minus rounding");
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new[] { -1.0, 1.0, 0.0, -1 / (1 + Math.Exp(40)) }).Within(1e-16));
    }

    [Test]
    public void Relu_and_crossentropy_types()
    {
        var f = T.FMatrix("f");
        Assert.That(T.Relu(f).DType, Is.EqualTo(DType.Float32));
        Assert.That(T.Relu(f, 0.5).DType, Is.EqualTo(DType.Float32));
        Assert.That(T.CategoricalCrossentropy(f, T.Tensor(DType.Int64, [null])).DType, Is.EqualTo(DType.Float32));
        Assert.That(T.CategoricalCrossentropy(f, f).Type.Shape, Is.EqualTo(new long?[] { null }));
        Assert.That(Autodiff.Grad(T.Sum(T.SigmoidBinaryCrossentropy(f, f)), [f])[0].DType, Is.EqualTo(DType.Float32));
        Assert.Throws<ArgumentException>(() => T.CategoricalCrossentropy(f, T.FVector()));
        Assert.Throws<ArgumentException>(() => T.CategoricalCrossentropy(f, T.Tensor(DType.Float64, [null, null, null])));
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var g = Autodiff.Grad(T.Sum(T.Relu(x)), [x])[0];
        var r = Function.Compile([x], [T.Relu(x), g]).Call(torch.tensor(new double[] { -1, 0, 2 }));
        Assert.That(GradCheck.Doubles(r[0]), Is.EqualTo(new[] { 0.0, 0, 2 }));
        Assert.That(GradCheck.Doubles(r[1]), Is.EqualTo(new[] { 0.0, 0.5, 1 }), "Aesara's 0.5 (x + |x|): slope 0.5 at 0");
    }
}
