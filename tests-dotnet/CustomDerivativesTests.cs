using Gradient.Compile;
using Gradient.Graph;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// <see cref="CustomDerivatives"/>: the rules are called and their results are what Grad, Lop, Rop and Jacobian
/// return; with the true derivative as the rule, both modes and second derivatives check against central differences.
/// </summary>
public sealed class CustomDerivativesTests : ScopedTests
{
    private static readonly CompileOptions Lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };

    private static double[] Run(Variable[] inputs, Variable output, params Tensor[] values) =>
        GradCheck.Doubles(Function.Compile(inputs, [output], Lenient).Call(values)[0]);

    private static readonly double[] X = [0.3, -1.2, 2.5];

    [Test]
    public void A_vjp_rule_clipping_the_gradient_is_what_grad_lop_and_jacobian_return()
    {
        int calls = 0;
        var clip = CustomDerivatives.Vjp(a => [a[0]], a => ([a[0]], []), (_, g) =>
        {
            calls++;
            return [T.Clip(g[0], T.Constant(-1.0), T.Constant(1.0))];
        });
        var x = T.DVector("x");
        var u = T.DVector("u");
        var y = clip([x])[0] * 5.0;
        var value = Vec(X);
        Assert.That(Run([x], Autodiff.Grad(T.Sum(y * y), x), value),
            Is.EqualTo(X.Select(v => Math.Clamp(50 * v, -1, 1)).ToArray()));
        Assert.That(Run([x, u], Autodiff.Lop([y], [x], [u])[0], value, Vec(0.01, -0.1, 1)),
            Is.EqualTo(new[] { 0.05, -0.5, 1 }).Within(1e-15));
        Assert.That(Run([x], Autodiff.Jacobian(y, [x])[0], value), Is.EqualTo(new[] { 1.0, 0, 0, 0, 1, 0, 0, 0, 1 }));
        Assert.That(calls, Is.EqualTo(1));
        // Forward mode is the function's own derivative.
        Assert.That(Run([x, u], Autodiff.Rop([y], [x], [u])[0], value, Vec(1, 1, 1)), Is.EqualTo(new[] { 5.0, 5, 5 }));
    }

    [Test]
    public void A_true_vjp_rule_with_residuals_checks_numerically()
    {
        var softplus = CustomDerivatives.Vjp(
            a => [T.Log1p(T.Exp(a[0]))],
            a =>
            {
                var e = T.Exp(a[0]);
                return ([T.Log1p(e)], [e]);
            },
            (res, g) => [g[0] * res[0] / (1.0 + res[0])]);
        Variable Build(Variable[] v) => softplus([v[0]])[0] * T.Sin(v[1]);
        var values = new[] { GradCheck.Uniform([3], seed: 1), GradCheck.Uniform([3], seed: 2) };
        GradCheck.Reverse(Build, values);
        GradCheck.Forward(Build, values);
        GradCheck.SecondOrder(Build, values);
    }

    [Test]
    public void A_jvp_rule_is_used_forward_and_transposed_in_reverse()
    {
        int calls = 0;
        // Three times the true derivative with respect to x.
        var f = CustomDerivatives.Jvp(a => [T.Sin(a[0]) * a[1]], (p, t) =>
        {
            calls++;
            return [3.0 * T.Cos(p[0]) * p[1] * t[0] + T.Sin(p[0]) * t[1]];
        });
        var (x, y, u) = (T.DVector("x"), T.DVector("y"), T.DVector("u"));
        var outputs = f([x, y])[0];
        var (xv, yv, uv) = (Vec(X), Vec(1, -2, 0.5), Vec(0.5, 1, -1));
        var expected = X.Select((v, i) => 3 * Math.Cos(v) * new[] { 1, -2, 0.5 }[i]).ToArray();
        Assert.That(Run([x, y], Autodiff.Grad(T.Sum(outputs), x), xv, yv), Is.EqualTo(expected).Within(1e-12));
        Assert.That(Run([x, y, u], Autodiff.Rop([outputs], [x], [u])[0], xv, yv, uv),
            Is.EqualTo(expected.Select((e, i) => e * new[] { 0.5, 1, -1 }[i]).ToArray()).Within(1e-12));
        Assert.That(Run([x, y], Autodiff.Grad(T.Sum(outputs), y), xv, yv),
            Is.EqualTo(X.Select(Math.Sin).ToArray()).Within(1e-12));
        Assert.That(calls, Is.EqualTo(2));
    }

    [Test]
    public void A_true_jvp_rule_checks_numerically_including_its_transpose()
    {
        var lse = CustomDerivatives.Jvp(a => [T.Log(T.Sum(T.Exp(a[0])))], (p, t) =>
        {
            var ans = T.Log(T.Sum(T.Exp(p[0])));
            return [T.Sum(T.Exp(p[0] - ans) * t[0])];
        });
        Variable Build(Variable[] v) => lse([v[0]])[0] * T.Sin(v[0]);
        var values = new[] { GradCheck.Uniform([4], seed: 5) };
        GradCheck.Reverse(Build, values);
        GradCheck.Forward(Build, values);
        GradCheck.SecondOrder(Build, values);
    }

    [Test]
    public void Closed_over_variables_are_differentiated_through_the_function()
    {
        var w = T.DVector("w");
        var f = CustomDerivatives.Vjp(a => [a[0] * w], a => ([a[0] * w], []), (_, g) => [g[0] * 0.0 + 100.0]);
        var x = T.DVector("x");
        var grads = Autodiff.Grad(T.Sum(f([x])[0]), [x, w]);
        Assert.That(Run([x, w], grads[0], Vec(X), Vec(1, 2, 3)), Is.EqualTo(new[] { 100.0, 100, 100 }));
        Assert.That(Run([x, w], grads[1], Vec(X), Vec(1, 2, 3)), Is.EqualTo(X));
    }

    [Test]
    public void A_nonlinear_jvp_rule_cannot_be_transposed()
    {
        var f = CustomDerivatives.Jvp(a => [a[0] * 1.0], (_, t) => [t[0] * t[0]]);
        var x = T.DVector("x");
        var e = Assert.Throws<ArgumentException>(() => Autodiff.Grad(T.Sum(f([x])[0]), x));
        Assert.That(e!.Message, Does.Contain("not linear"));
    }
}
