using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary><see cref="Autodiff.VerifyGrad"/> and <see cref="NumericGrad"/> behave as Aesara's verify_grad and numeric_grad.</summary>
public sealed class VerifyGradTests : ScopedTests
{
    [Test]
    public void Tanh_passes_as_in_aesaras_documentation()
    {
        var point = torch.tensor(new[] { 2, 3, 4, -1, 3.3, 9.9 }, [2, 3], ScalarType.Float64);
        Assert.DoesNotThrow(() => Autodiff.VerifyGrad(v => T.Tanh(v[0]), [point], checkForward: true));
        Assert.DoesNotThrow(() => Autodiff.VerifyGrad(v => T.Dot(v[0], v[1]) * T.Dot(v[0], v[1]),
            [torch.ones(2, 3, dtype: ScalarType.Float64), torch.full(3, 0.5, dtype: ScalarType.Float64)]));
    }

    [Test]
    public void A_wrong_gradient_raises_with_aesaras_fields()
    {
        var point = torch.tensor(new[] { 1.0, 2.0, 3.0 });
        var ex = Assert.Throws<GradientException>(() => Autodiff.VerifyGrad(v => T.GradScale(v[0] * v[0], 2.0), [point]));
        Assert.That(ex!.Arg, Is.EqualTo(0));
        Assert.That(ex.Shape, Is.EqualTo(new long[] { 3 }));
        Assert.That(ex.AbsErr, Is.GreaterThan(ex.AbsTol));
        Assert.That(ex.RelErr, Is.GreaterThan(ex.RelTol));
        Assert.That(ex.Val1, Is.EqualTo(2 * ex.Val2).Within(1e-3 * Math.Abs(ex.Val1)));
    }

    [Test]
    public void The_forward_check_catches_a_wrong_pushforward()
    {
        var point = torch.tensor(new[] { 1.0, 2.0 });
        Func<Gradient.Graph.Variable[], Gradient.Graph.Variable> fun = v => new WrongTangent().Call(v[0] * v[0]);
        Assert.DoesNotThrow(() => Autodiff.VerifyGrad(fun, [point]));               // its gradient is right
        var ex = Assert.Throws<GradientException>(() => Autodiff.VerifyGrad(fun, [point], checkForward: true));
        Assert.That(ex!.Arg, Is.EqualTo(-1));
        Assert.That(ex.Val1, Is.EqualTo(2 * ex.Val2).Within(1e-4 * Math.Abs(ex.Val1)));
        Assert.Throws<ArgumentException>(() => Autodiff.VerifyGrad(v => v[0], [torch.tensor(new[] { 1, 2 })]));
    }

    /// <summary>The identity, with a correct pullback and a pushforward that doubles the tangent.</summary>
    private sealed class WrongTangent : Gradient.Graph.Op
    {
        public override Gradient.Graph.Apply MakeNode(params Gradient.Graph.Variable[] inputs) =>
            new(this, inputs, [inputs[0].Type]);

        public override Tensor[] Perform(Gradient.Graph.Apply node, Tensor[] inputs) => [inputs[0].clone()];

        public override Gradient.Graph.Variable?[] Pullback(Gradient.Graph.Apply node, Gradient.Graph.Variable[] g) => [g[0]];

        public override Gradient.Graph.Variable?[] Pushforward(Gradient.Graph.Apply node, Gradient.Graph.Variable?[] d) =>
            [d[0] is null ? null : d[0]! * 2.0];
    }

    [Test]
    public void Numeric_grad_uses_forward_differences_and_aesaras_error_measure()
    {
        var ng = new NumericGrad(p => p[0].square().sum().item<double>(), [torch.tensor(new[] { 1.0, 2.0 })]);
        var g = ng.Gradients[0].data<double>().ToArray();
        Assert.That(g[0], Is.EqualTo(2.0 + 1e-7).Within(1e-6));
        Assert.That(g[1], Is.EqualTo(4.0 + 1e-7).Within(1e-6));
        var (abs, rel) = NumericGrad.AbsRelErr(torch.tensor(new[] { 1.0, 0.0 }), torch.tensor(new[] { 1.5, 0.0 }));
        Assert.That(abs.data<double>().ToArray(), Is.EqualTo(new[] { 0.5, 0.0 }));
        Assert.That(rel.data<double>().ToArray(), Is.EqualTo(new[] { 0.5 / 2.5, 0.0 }));
        var (arg, pos, absErr, _) = ng.MaxErr([torch.tensor(new[] { 2.0, 4.5 })], 1e-4, 1e-4);
        Assert.That((arg, pos), Is.EqualTo((0, 1L)));
        Assert.That(absErr, Is.EqualTo(0.5).Within(1e-5));
    }
}
