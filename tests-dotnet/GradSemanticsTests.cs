using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// Aesara's <c>grad</c>/<c>Lop</c>/<c>Rop</c> semantics: options, known gradients, constants, integer inputs,
/// gradient-control ops and the op contract.
/// </summary>
public sealed class GradSemanticsTests : ScopedTests
{
    private static readonly CompileOptions Lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };
    private static double[] Eval(Variable[] inputs, Variable output, params Tensor[] values) =>
        GradCheck.Doubles(Function.Compile(inputs, [output], Lenient).Call(values)[0]);

    [Test]
    public void A_known_gradient_on_an_intermediate_replaces_what_the_cost_sends()
    {
        var x = T.DVector("x");
        var y = x * 2.0;
        var cost = (y * y).Sum();
        var g = T.DVector("g");
        var gx = Autodiff.Grad(cost, [x], new GradOptions { KnownGrads = [new(y, g)] })[0];
        Assert.That(Eval([x, g], gx, Vec(1, 2), Vec(10, 20)), Is.EqualTo(new[] { 20.0, 40.0 }));
    }

    [Test]
    public void A_known_gradient_on_the_cost_replaces_the_seed()
    {
        var x = T.DVector("x");
        var cost = (x * x).Sum();
        var three = T.Cast(T.Constant(3L), DType.Float64);
        var gx = Autodiff.Grad(cost, [x], new GradOptions { KnownGrads = [new(cost, three)] })[0];
        Assert.That(Eval([x], gx, Vec(1, 2)), Is.EqualTo(new[] { 6.0, 12.0 }));
    }

    [Test]
    public void No_cost_and_known_gradients_is_a_vector_jacobian_product()
    {
        var x = T.DVector("x");
        var y = T.Tanh(x);
        var v = T.DVector("v");
        var viaGrad = Autodiff.Grad(null, [x], new GradOptions { KnownGrads = [new(y, v)] })[0];
        var viaLop = Autodiff.Lop([y], [x], [v])[0];
        var xs = Vec(0.1, -0.5);
        var vs = Vec(2, 3);
        var expected = GradCheck.Doubles(vs * (1 - torch.tanh(xs).square()));
        Assert.That(Eval([x, v], viaGrad, xs, vs), Is.EqualTo(expected).Within(1e-15));
        Assert.That(Eval([x, v], viaLop, xs, vs), Is.EqualTo(expected).Within(1e-15));
        Assert.Throws<ArgumentException>(() => Autodiff.Grad(null, [x]));
    }

    [Test]
    public void Consider_constant_stops_the_gradient_at_those_variables()
    {
        var x = T.DVector("x");
        var c = x * 2.0;
        var cost = (c * x).Sum();
        var gx = Autodiff.Grad(cost, [x], new GradOptions { ConsiderConstant = [c] })[0];
        Assert.That(Eval([x], gx, Vec(1, 3)), Is.EqualTo(new[] { 2.0, 6.0 }));   // c, not 4x
        var full = Autodiff.Grad(cost, x);
        Assert.That(Eval([x], full, Vec(1, 3)), Is.EqualTo(new[] { 4.0, 12.0 }));
    }

    [Test]
    public void The_gradient_of_an_integer_with_respect_to_itself_is_float_one()
    {
        var i = T.Tensor(DType.Int32, [], "i");
        var g = Autodiff.Grad(i, i);
        Assert.That(g.DType, Is.EqualTo(Config.FloatX));
        Assert.That(Eval([i], g, torch.tensor(7)), Is.EqualTo(new[] { 1.0 }));
    }

    [Test]
    public void An_integer_input_of_an_op_without_an_integer_rule_gets_the_float_gradient()
    {
        var m = T.Tensor(DType.Int32, [null, null], "m");
        var a = T.DMatrix("A");
        var g = Autodiff.Grad(T.MatMul(m, a).Sum(), m);
        Assert.That(g.DType, Is.EqualTo(DType.Float64));
        var value = Function.Compile([m, a], [g]).Call(torch.tensor(new[] { 1, 2, 3, 4 }, [2, 2]),
            torch.tensor(new[] { 0.5, -1.0, 2.0, 3.0 }, [2, 2], ScalarType.Float64))[0];
        // d sum(M A) / dM = 1 Aᵀ: each row holds the row sums of A.
        Assert.That(GradCheck.Doubles(value), Is.EqualTo(new[] { -0.5, 5.0, -0.5, 5.0 }));
    }

    [Test]
    public void A_float32_input_gets_a_float32_gradient_from_a_float64_cost()
    {
        var x = T.FVector("x");
        var cost = (T.Cast(x, DType.Float64) * T.Cast(x, DType.Float64)).Sum();
        Assert.That(Autodiff.Grad(cost, x).DType, Is.EqualTo(DType.Float32));
    }

    [Test]
    public void A_path_through_integer_values_gives_float_zeros()
    {
        var x = T.DVector("x");
        var cost = T.Cast(T.Cast(x, DType.Int64).Sum(), DType.Float64) + 0.0 * x.Sum();
        var onlyInt = T.Cast(T.Cast(x, DType.Int64).Sum(), DType.Float64);
        Assert.That(Eval([x], Autodiff.Grad(onlyInt, x), Vec(1.5, 2.5)), Is.EqualTo(new[] { 0.0, 0.0 }));
        Assert.That(Eval([x], Autodiff.Grad(cost, x), Vec(1.5, 2.5)), Is.EqualTo(new[] { 0.0, 0.0 }));
    }

    [Test]
    public void The_shape_of_a_variable_is_disconnected()
    {
        var x = T.DVector("x");
        var n = T.Cast(T.ShapeI(x, 0), DType.Float64);
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Grad(n, x));
        var g = Autodiff.Grad(n, [x], new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore })[0];
        Assert.That(Eval([x], g, Vec(1, 2, 3)), Is.EqualTo(new[] { 0.0, 0.0, 0.0 }));
    }

    [Test]
    public void Return_disconnected_gives_zeros_or_a_placeholder()
    {
        var x = T.DVector("x");
        var y = T.DVector("y");
        var cost = x.Sum();
        var ignore = new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore };
        var zero = Autodiff.Grad(cost, [y], ignore)[0];
        Assert.That(Eval([y], zero, Vec(4, 5)), Is.EqualTo(new[] { 0.0, 0.0 }));
        var placeholder = Autodiff.Grad(cost, [y], ignore with { ReturnDisconnected = ReturnDisconnected.Disconnected })[0];
        Assert.That(placeholder, Is.InstanceOf<DisconnectedGradient>());
        Assert.Throws<ArgumentException>(() => Function.Compile([y], [placeholder]));
        Assert.Throws<ArgumentException>(() => _ = placeholder * 2.0);
    }

    [Test]
    public void Zero_grad_keeps_the_value_zeroes_the_gradient_and_leaves_the_compiled_graph()
    {
        var x = T.DVector("x");
        var cost = (T.ZeroGrad(x) * x).Sum();
        var f = Function.Compile([x], [cost, Autodiff.Grad(cost, x)]);
        Assert.That(f.Toposort().Select(n => n.Op.ClassName), Has.None.EqualTo("ZeroGrad"));
        var outs = f.Call(Vec(1, 2));
        Assert.That(outs[0].item<double>(), Is.EqualTo(5.0));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new[] { 1.0, 2.0 }));
        // zero_grad stays in force inside second derivatives: d/dx of (zero_grad(x) * x)'s gradient.
        var second = Autodiff.Grad(Autodiff.Grad(cost, x).Sum(), x);
        Assert.That(Eval([x], second, Vec(1, 2)), Is.EqualTo(new[] { 0.0, 0.0 }));
        // Its R-op is zero, consistently with its gradient.
        var jvp = Autodiff.Rop([T.ZeroGrad(x) * 3.0], [x], [T.DVector("v")])[0];
        Assert.That(Eval([x], jvp, Vec(1, 2)), Is.EqualTo(new[] { 0.0, 0.0 }));
    }

    [Test]
    public void Disconnected_grad_makes_the_input_disconnected()
    {
        var x = T.DVector("x");
        var cost = T.DisconnectedGrad(x).Sum();
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Grad(cost, x));
        var g = Autodiff.Grad(cost, [x], new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore })[0];
        Assert.That(Eval([x], g, Vec(1, 2)), Is.EqualTo(new[] { 0.0, 0.0 }));
        var mixed = (T.DisconnectedGrad(x) * x).Sum();
        Assert.That(Eval([x], Autodiff.Grad(mixed, x), Vec(1, 2)), Is.EqualTo(new[] { 1.0, 2.0 }));
    }

    [Test]
    public void Grad_clip_clips_the_gradient_as_in_aesaras_example()
    {
        var x = T.DScalar("x");
        var z = Autodiff.Grad(T.Sqr(T.GradClip(x, -1, 1)), x);
        var z2 = Autodiff.Grad(T.Sqr(x), x);
        var f = Function.Compile([x], [z, z2]);
        var outs = f.Call(torch.tensor(2.0, dtype: ScalarType.Float64));
        Assert.That(outs[0].item<double>(), Is.EqualTo(1.0));
        Assert.That(outs[1].item<double>(), Is.EqualTo(4.0));
        Assert.Throws<ArgumentException>(() => T.GradClip(x, 1, -1));
    }

    [Test]
    public void Grad_scale_scales_the_gradient()
    {
        var x = T.DScalar("x");
        var fx = T.Tanh(x);
        var plain = Autodiff.Grad(fx, x);
        var flipped = Autodiff.Grad(T.GradScale(fx, -1.0), x);
        var outs = Function.Compile([x], [plain, flipped, T.GradScale(fx, -1.0)]).Call(torch.tensor(2.0, dtype: ScalarType.Float64));
        Assert.That(outs[1].item<double>(), Is.EqualTo(-outs[0].item<double>()));
        Assert.That(outs[2].item<double>(), Is.EqualTo(Math.Tanh(2.0)));
    }

    [Test]
    public void An_undefined_gradient_raises_unless_returned_and_cannot_be_compiled()
    {
        var x = T.DVector("x");
        var cost = (T.UndefinedGrad(x) * 2.0).Sum();
        var ex = Assert.Throws<NullTypeGradException>(() => Autodiff.Grad(cost, x));
        Assert.That(ex!.Message, Does.StartWith("tensor.grad encountered a NaN."));
        var g = Autodiff.Grad(cost, [x], new GradOptions { ReturnNullGradients = true })[0];
        Assert.That(g, Is.InstanceOf<NullGradient>());
        Assert.Throws<NullTypeGradException>(() => Function.Compile([x], [g]));
        Assert.Throws<NullTypeGradException>(() => _ = g + 1.0);
    }

    [Test]
    public void Rop_of_the_input_itself_is_the_eval_point_and_disconnected_outputs_follow_the_policy()
    {
        var x = T.DVector("x");
        var v = T.DVector("v");
        Assert.That(Autodiff.Rop([x], [x], [v])[0], Is.SameAs(v));
        var y = T.DMatrix("y");
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Rop([y * 2.0], [x], [v]));
        var zeros = Autodiff.Rop([y * 2.0], [x], [v], DisconnectedPolicy.Ignore)[0];
        var ys = torch.ones(2, 3, dtype: ScalarType.Float64);
        var value = Function.Compile([y], [zeros]).Call(ys)[0];
        Assert.That(value.shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(GradCheck.Doubles(value), Is.All.EqualTo(0.0));
        Assert.Throws<ArgumentException>(() => Autodiff.Rop([x * 2.0], [x], [T.DMatrix("m")]));
    }

    [TestCase(ContractBreach.NoList, "TypeError")]
    [TestCase(ContractBreach.WrongCount, "ValueError")]
    [TestCase(ContractBreach.IntegerTerm, "TypeError")]
    [TestCase(ContractBreach.WrongRank, "ValueError")]
    public void A_broken_pullback_raises_the_error_aesara_raises(ContractBreach breach, string kind)
    {
        var x = T.DVector("x");
        var cost = new BrokenOp(breach).Call(x).Sum();
        var ex = Assert.Throws<OpContractException>(() => Autodiff.Grad(cost, x));
        Assert.That(ex!.PythonKind, Is.EqualTo(kind));
    }

    /// <summary>Ways a derivative rule can break the op contract.</summary>
    public enum ContractBreach
    {
        /// <summary>Returns no list.</summary>
        NoList,
        /// <summary>Returns two terms for one input.</summary>
        WrongCount,
        /// <summary>Returns an integer-typed term.</summary>
        IntegerTerm,
        /// <summary>Returns a term of the wrong rank.</summary>
        WrongRank,
    }

    /// <summary>An identity op whose pullback breaks the contract in a chosen way.</summary>
    private sealed class BrokenOp(ContractBreach breach) : Op
    {
        public override Apply MakeNode(params Variable[] inputs) => new(this, inputs, [inputs[0].Type]);

        public override Tensor[] Perform(Apply node, Tensor[] inputs) => [inputs[0].alias()];

        public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => breach switch
        {
            ContractBreach.NoList => null!,
            ContractBreach.WrongCount => [outputGradients[0], outputGradients[0]],
            ContractBreach.IntegerTerm => [T.Cast(outputGradients[0], DType.Int64)],
            _ => [outputGradients[0].Sum()],
        };

        public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [inputTangents[0]];
    }
}
