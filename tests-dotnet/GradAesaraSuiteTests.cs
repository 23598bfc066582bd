using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// The engine-level behaviours Aesara 2.9's <c>tests/test_gradient.py</c> checks, in our own cases: known gradients at
/// every layer, undefined known gradients, gradient-control ops, integer inputs, shape paths, Jacobians with several
/// wrt, Hessians and second derivatives through VerifyGrad.
/// </summary>
public sealed class GradAesaraSuiteTests : ScopedTests
{
    private static readonly CompileOptions Lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };
    private static readonly GradOptions Ignore = new() { DisconnectedInputs = DisconnectedPolicy.Ignore };
    private static Tensor[] Run(Variable[] inputs, Variable[] outputs, params Tensor[] values) =>
        Function.Compile(inputs, outputs, Lenient).Call(values);

    private static double[] Eval(Variable[] inputs, Variable output, params Tensor[] values) =>
        GradCheck.Doubles(Run(inputs, [output], values)[0]);

    [Test]
    public void Known_gradients_at_every_layer_of_a_two_layer_net_equal_the_full_gradient()
    {
        var x = T.DVector("x");
        var w1 = T.DMatrix("w1");
        var w2 = T.DMatrix("w2");
        var h = T.Tanh(T.Dot(x, w1));
        var o = T.Tanh(T.Dot(h, w2));
        var cost = T.Sqr(o).Sum() + T.Sqr(w1).Sum();
        Variable[] inputs = [x, w1, w2];
        var values = new[]
        {
            GradCheck.Uniform([3], seed: 1), GradCheck.Uniform([3, 4], seed: 2), GradCheck.Uniform([4, 2], seed: 3),
        };
        var expected = Run(inputs, Autodiff.Grad(cost, inputs), values).Select(GradCheck.Doubles).ToArray();
        Variable[][] layers = [[cost], [o, w1], [h, w1, w2], [x, w1, w2]];
        foreach (var layer in layers)
        {
            var first = Autodiff.Grad(cost, layer, Ignore);
            var known = layer.Select((v, i) => new KeyValuePair<Variable, Variable>(v, first[i])).ToArray();
            var full = Autodiff.Grad(null, inputs, Ignore with { KnownGrads = known });
            var got = Run(inputs, full, values).Select(GradCheck.Doubles).ToArray();
            for (int i = 0; i < inputs.Length; i++)
            {
                Assert.That(got[i], Is.EqualTo(expected[i]).Within(1e-12), $"layer of {layer.Length}, input {i}");
            }
        }
    }

    [Test]
    public void A_known_gradient_on_an_integer_passes_through_as_a_float()
    {
        var i = T.IScalar("i");
        var g = T.DScalar("g");
        var gi = Autodiff.Grad(null, [i], new GradOptions { KnownGrads = [new(i, g)] })[0];
        Assert.That(gi.DType, Is.EqualTo(DType.Float64));
        Assert.That(Eval([g], gi, torch.tensor(0.625)), Is.EqualTo(new[] { 0.625 }));
    }

    [Test]
    public void An_undefined_known_gradient_on_the_cost_raises_or_comes_back_undefined()
    {
        var a = T.IScalar("a");
        var b = T.IScalar("b");
        var cost = a * b + a;
        var undefined = new NullGradient(new TensorType(DType.Float64, []), "the cost is not differentiable");
        var options = new GradOptions { KnownGrads = [new(cost, undefined)] };
        var error = Assert.Throws<NullTypeGradException>(() => Autodiff.Grad(cost, [a, b], options));
        Assert.That(error!.Message, Does.Contain("the cost is not differentiable"));
        var returned = Autodiff.Grad(cost, [a, b], options with { ReturnNullGradients = true });
        Assert.That(returned, Has.All.InstanceOf<NullGradient>());
    }

    [Test]
    public void The_gradient_with_respect_to_an_integer_matrix_equals_the_float_one()
    {
        var w = T.DMatrix("w");
        var b = T.DVector("b");
        Variable Gradient(Variable x) => Autodiff.Grad(T.Sigmoid(T.Dot(x, w) + b).Sum(), x);
        var xi = T.IMatrix("xi");
        var xf = T.DMatrix("xf");
        var ints = (GradCheck.Uniform([4, 3], -100, 100, seed: 5)).to_type(ScalarType.Int32);
        var wv = GradCheck.Uniform([3, 2], seed: 6);
        var bv = GradCheck.Uniform([2], seed: 7);
        var fromInt = Run([xi, w, b], [Gradient(xi)], ints, wv, bv)[0];
        var fromFloat = Run([xf, w, b], [Gradient(xf)], ints.to_type(ScalarType.Float64), wv, bv)[0];
        Assert.That(fromInt.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(GradCheck.Doubles(fromInt), Is.EqualTo(GradCheck.Doubles(fromFloat)).Within(1e-12));
    }

    [Test]
    public void A_path_through_the_shape_into_alloc_adds_nothing_to_the_gradient()
    {
        var x = T.DVector("x");
        var n = T.Index(T.Shape(x), 0L);
        var spread = T.Alloc(x.Sum() / T.Cast(n, DType.Float64), n);
        var g = Autodiff.Grad(spread.Sum(), [x], new GradOptions { AddNames = false })[0];
        Assert.That(Eval([x], g, torch.tensor(new[] { 3.0, -1.0, 0.5 })), Is.EqualTo(new[] { 1.0, 1.0, 1.0 }));
    }

    [Test]
    public void A_constant_wrt_and_a_consider_constant_wrt_both_get_their_own_gradient()
    {
        var x = T.DScalar("x");
        var y = T.DScalar("y");
        var one = T.Constant(1.0);
        var gx = Autodiff.Grad(x * y + x, [x], new GradOptions { ConsiderConstant = [x] })[0];
        var gOne = Autodiff.Grad(one * y + one, one);
        var outs = Run([x, y], [gx, gOne], torch.tensor(2.0), torch.tensor(0.5));
        Assert.That(outs.Select(t => GradCheck.Doubles(t)[0]), Is.EqualTo(new[] { 1.5, 1.5 }));
    }

    private static IEnumerable<TestCaseData> ControlCases()
    {
        Func<Variable, Variable>[] controls = [T.ConsiderConstant, T.ZeroGrad, T.DisconnectedGrad];
        string[] names = ["ConsiderConstant", "ZeroGrad", "DisconnectedGrad"];
        for (int c = 0; c < controls.Length; c++)
        {
            var control = controls[c];
            yield return new TestCaseData(names[c], (Func<Variable, Variable>)(x => x * control(x)),
                (Func<double, double>)(v => v)).SetArgDisplayNames(names[c], "x*c(x)");
            yield return new TestCaseData(names[c], (Func<Variable, Variable>)(x => x * control(T.Exp(x))),
                (Func<double, double>)Math.Exp).SetArgDisplayNames(names[c], "x*c(exp x)");
            yield return new TestCaseData(names[c], (Func<Variable, Variable>)(x => x * x * control(x)),
                (Func<double, double>)(v => 2 * v * v)).SetArgDisplayNames(names[c], "x^2*c(x)");
        }
    }

    [TestCaseSource(nameof(ControlCases))]
    public void Gradient_control_ops_keep_the_value_change_the_gradient_and_leave_the_compiled_graph(string name,
        Func<Variable, Variable> build, Func<double, double> expectedGradient)
    {
        var x = T.DMatrix("x");
        var expr = build(x);
        var f = Function.Compile([x], [expr, Autodiff.Grad(expr.Sum(), x)]);
        Assert.That(f.Toposort().Select(n => n.Op.ClassName), Has.None.EqualTo(name));
        var xv = GradCheck.Uniform([2, 3], seed: 11);
        var outs = f.Call(xv);
        var xs = GradCheck.Doubles(xv);
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(xs.Select(expectedGradient).ToArray()).Within(1e-12));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(GradCheck.Doubles(Run([x], [build(x)], xv)[0])));
    }

    [Test]
    public void Disconnected_grad_has_a_disconnected_connection_pattern_and_blocks_only_its_own_path()
    {
        var a = T.DMatrix("a");
        var b = T.DMatrix("b");
        var y = T.DisconnectedGrad(b);
        Assert.That(y.Owner!.Op.ConnectionPattern(y.Owner)[0][0], Is.False);
        var cost = (a + y).Sum();
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Grad(cost, b));
        Assert.DoesNotThrow(() => Autodiff.Grad(cost, a));
        Assert.DoesNotThrow(() => Autodiff.Grad((a + T.DisconnectedGrad(a)).Sum(), a));
    }

    [Test]
    public void Jacobian_with_several_wrt_of_a_product_and_of_a_row_sum()
    {
        var x = T.DVector("x");
        var z = T.DVector("z");
        var xv = torch.tensor(new[] { 1.0, 2.0, 3.0 });
        var zv = torch.tensor(new[] { -1.0, 0.5, 4.0 });
        var jac = Autodiff.Jacobian(x * z, [x, z]);
        var outs = Run([x, z], jac, xv, zv);
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(GradCheck.Doubles(torch.diag(zv))));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(GradCheck.Doubles(torch.diag(xv))));

        var m = T.DMatrix("m");
        var n = T.DMatrix("n");
        var mv = GradCheck.Uniform([2, 3], seed: 3);
        var nv = GradCheck.Uniform([2, 3], seed: 4);
        var rows = Run([m, n], Autodiff.Jacobian(T.Sum(m * n, 1), [m, n]), mv, nv);
        Assert.That(rows[0].shape, Is.EqualTo(new long[] { 2, 2, 3 }));
        var expected = torch.zeros(2, 2, 3, dtype: ScalarType.Float64);
        for (int i = 0; i < 2; i++)
        {
            expected[i, i] = nv[i];
        }
        Assert.That(GradCheck.Doubles(rows[0]), Is.EqualTo(GradCheck.Doubles(expected)).Within(1e-12));
    }

    [Test]
    public void Hessian_of_a_quadratic_form_is_a_plus_a_transposed()
    {
        var x = T.DVector("x");
        var a = GradCheck.Uniform([3, 3], seed: 9);
        var h = Autodiff.Hessian(T.Dot(x, T.Dot(T.Constant(a), x)), [x])[0];
        var got = Eval([x], h, torch.tensor(new[] { 0.1, -0.2, 0.3 }));
        Assert.That(got, Is.EqualTo(GradCheck.Doubles(a + a.t())).Within(1e-12));
    }

    [Test]
    public void VerifyGrad_accepts_graphs_built_from_gradients()
    {
        var point = new[] { GradCheck.Uniform([3], seed: 21), GradCheck.Uniform([3, 3], seed: 22) };
        Autodiff.VerifyGrad(v => T.Dot(v[0], T.Dot(v[1], v[0])), point);
        Autodiff.VerifyGrad(v => Autodiff.Grad(T.Dot(v[0], T.Dot(v[1], v[0])), v[0]), point);
        Autodiff.VerifyGrad(v => Autodiff.Grad(T.Dot(v[0] * v[0], T.Dot(v[1], v[0])), v[0]), point);
        Autodiff.VerifyGrad(v => Autodiff.Grad(T.Tanh(v[0]).Sum() * (v[0] * v[0]).Sum(), v[0]), [point[0]]);
    }
}
