using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Rewrites;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// The sigmoid and softplus stabilisations and the factor cancellations that make their gradients finite: each
/// rewrite fires (the compiled graph's ops), the rewritten graph computes what the written one does at moderate
/// points (values, gradients, tangents and second derivatives against central differences), and the closed forms
/// at ±800 in float64 and float32, where the written forms overflow or round the sigmoid to 0 or 1.
/// </summary>
public sealed class StabilityRewriteTests
{
    private static readonly CompileOptions NoRewrites = new() { Rewrites = [] };

    private static readonly double[] Extremes = [-800, -40, -1, 0, 1, 40, 800];

    /// <summary>The rules these tests are about.</summary>
    private static readonly string[] SigmoidRules =
    [
        "local_exp_over_1_plus_exp", "local_reciprocal_1_plus_exp", "local_sigm_times_exp", "local_1msigmoid",
        "logsigm_to_softplus", "log1msigm_to_softplus", "log1p_neg_sigmoid", "local_mul_canonizer",
        "local_greedy_distributor",
    ];

    private static readonly double[] Moderate = [-3, -1.5, -0.2, 0.4, 1.1, 2.5];

    private static string[] Ops(Function f) => f.Toposort().Select(n => n.Op.ToString()!).ToArray();

    private static Tensor Vec(double[] values, DType dtype = DType.Float64) => GradCheck.FromDoubles(values, [values.Length], dtype);

    private static Variable Vector(DType dtype, string name) => new(new TensorType(dtype, [null]), name: name);

    /// <summary>log(1 + u) to the last bit for u ≥ 0 (the correction makes up for the rounding of 1 + u).</summary>
    private static double Log1p(double u) => 1 + u == 1 ? u : Math.Log(1 + u) * u / (1 + u - 1);

    /// <summary>softplus(x) = log(1 + exp(x)), exact in double precision for both signs.</summary>
    private static double Softplus(double x) => Math.Max(x, 0) + Log1p(Math.Exp(-Math.Abs(x)));

    /// <summary>sigmoid(x) = 1 / (1 + exp(-x)), exact in double precision for both signs.</summary>
    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>d/dz of the binary cross-entropy of sigmoid(z) with target t: sigmoid(z) - t, without cancellation.</summary>
    private static double CrossEntropyGrad(double z, double t) => (1 - t) * Sigmoid(z) - t * Sigmoid(-z);

    private static void AssertClose(Tensor actual, double[] expected, double tolerance, string what) =>
        GradCheck.AssertClose(GradCheck.Doubles(actual), actual.shape, expected, [expected.Length], tolerance, what);

    /// <summary>
    /// Compiles <paramref name="output"/> of one vector input with and without the rewrites, checks they agree at
    /// <see cref="Moderate"/> points, and returns the rewritten function.
    /// </summary>
    private static Function SameAtModeratePoints(Variable x, Variable output, double tolerance = 1e-13)
    {
        var rewritten = Function.Compile([x], [output]);
        var plain = Function.Compile([x], [output], NoRewrites);
        var arg = Vec(Moderate, x.DType);
        AssertClose(rewritten.Call(arg)[0], GradCheck.Doubles(plain.Call(arg)[0]), tolerance, "rewritten vs written");
        return rewritten;
    }

    // ---------------------------------------------------------------- recognising the logistic function

    private static IEnumerable<TestCaseData> LogisticSpellings()
    {
        yield return new TestCaseData((Func<Variable, Variable>)(x => 1L / (1L + T.Exp(-x))), new[] { "Elemwise{sigmoid}" }, 1.0)
            .SetName("1 / (1 + exp(-x)) is sigmoid(x)");
        yield return new TestCaseData((Func<Variable, Variable>)(x => T.Exp(x) / (T.Exp(x) + 1.0)), new[] { "Elemwise{sigmoid}" }, 1.0)
            .SetName("exp(x) / (exp(x) + 1) is sigmoid(x)");
        yield return new TestCaseData((Func<Variable, Variable>)(x => T.Reciprocal(1L + T.Exp(-x))), new[] { "Elemwise{sigmoid}" }, 1.0)
            .SetName("reciprocal(1 + exp(-x)) is sigmoid(x)");
        yield return new TestCaseData((Func<Variable, Variable>)(x => 1L / (1L + T.Exp(x))), new[] { "Elemwise{neg}", "Elemwise{sigmoid}" }, -1.0)
            .SetName("1 / (1 + exp(x)) is sigmoid(-x)");
        yield return new TestCaseData((Func<Variable, Variable>)(x => -T.Exp(-x) / (1.0 + T.Exp(-x))), new[] { "Elemwise{neg}", "Elemwise{sigmoid}", "Elemwise{neg}" }, -1.0)
            .SetName("-exp(-x) / (1 + exp(-x)) is -sigmoid(-x)");
    }

    [TestCaseSource(nameof(LogisticSpellings))]
    public void Hand_written_logistic_functions_become_one_sigmoid(Func<Variable, Variable> build, string[] ops, double sign)
    {
        using var scope = NewDisposeScope();
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x = Vector(dtype, "x");
            var f = SameAtModeratePoints(x, build(x), dtype == DType.Float64 ? 1e-15 : 1e-7);
            Assert.That(Ops(f), Is.EqualTo(ops));
            var y = f.Call(Vec(Extremes, dtype))[0];
            Assert.That(DTypes.FromTorch(y.dtype), Is.EqualTo(dtype));
            // The minus in the last case is outside: -sigmoid(-x).
            var expected = Extremes.Select(v => sign > 0 ? Sigmoid(v) : ops.Length == 3 ? -Sigmoid(-v) : Sigmoid(-v)).ToArray();
            AssertClose(y, expected, dtype == DType.Float64 ? 1e-16 : 1e-7, $"{dtype} at the extremes");
        }
    }

    [Test]
    public void Numerator_over_one_plus_exp_becomes_a_product_with_a_sigmoid()
    {
        using var scope = NewDisposeScope();
        var x = T.DVector("x");
        var c = T.DVector("c");
        var y = (c * 3.0) / (1L + T.Exp(x));
        var f = Function.Compile([x, c], [y]);
        Assert.That(Ops(f), Is.EquivalentTo(new[] { "Elemwise{neg}", "Elemwise{sigmoid}", "Elemwise{mul}", "Elemwise{mul}" }));
        var cs = Extremes.Select((_, i) => i + 1.0).ToArray();
        AssertClose(f.Call(Vec(Extremes), Vec(cs))[0], Extremes.Select((v, i) => cs[i] * 3 * Sigmoid(-v)).ToArray(), 1e-15, "c·3·sigmoid(-x)");
        // The same denominator squared (the gradient of 1 / (1 + exp(x)) as Aesara writes it): two sigmoids.
        var g = Function.Compile([x], [T.Exp(x) / T.Sqr(1L + T.Exp(x))]);
        Assert.That(Ops(g), Does.Contain("Elemwise{sigmoid}").And.Not.Contain("Elemwise{exp}"));
        AssertClose(g.Call(Vec(Extremes))[0], Extremes.Select(v => Sigmoid(v) * Sigmoid(-v)).ToArray(), 1e-15, "sigmoid(x) sigmoid(-x)");
    }

    // ---------------------------------------------------------------- sigmoid times exp

    private static IEnumerable<TestCaseData> SigmoidTimesExpCases()
    {
        yield return new TestCaseData((Func<Variable, Variable>)(x => T.Exp(x) * T.Sigmoid(-x)), new[] { "Elemwise{sigmoid}" },
            (Func<double, double>)Sigmoid).SetName("exp(x) * sigmoid(-x) is sigmoid(x)");
        yield return new TestCaseData((Func<Variable, Variable>)(x => T.Sigmoid(x) * T.Exp(-x)), new[] { "Elemwise{neg}", "Elemwise{sigmoid}" },
            (Func<double, double>)(v => Sigmoid(-v))).SetName("sigmoid(x) * exp(-x) is sigmoid(-x)");
        yield return new TestCaseData((Func<Variable, Variable>)(x => T.Sigmoid(x) / T.Exp(x)), new[] { "Elemwise{neg}", "Elemwise{sigmoid}" },
            (Func<double, double>)(v => Sigmoid(-v))).SetName("sigmoid(x) / exp(x) is sigmoid(-x)");
        yield return new TestCaseData((Func<Variable, Variable>)(x => (x * T.Exp(x)) * (2.0 * T.Sigmoid(-x))),
            new[] { "Elemwise{sigmoid}", "Elemwise{mul}", "Elemwise{mul}" },
            (Func<double, double>)(v => 2 * v * Sigmoid(v))).SetName("x exp(x) 2 sigmoid(-x) is x sigmoid(x) 2");
    }

    [TestCaseSource(nameof(SigmoidTimesExpCases))]
    public void Exp_times_sigmoid_of_the_negation_becomes_a_sigmoid(Func<Variable, Variable> build, string[] ops, Func<double, double> closed)
    {
        using var scope = NewDisposeScope();
        var x = T.DVector("x");
        var f = SameAtModeratePoints(x, build(x));
        Assert.That(Ops(f), Is.EquivalentTo(ops));
        AssertClose(f.Call(Vec(Extremes))[0], Extremes.Select(closed).ToArray(), 1e-15, "at the extremes");
    }

    // ---------------------------------------------------------------- logarithms of sigmoids

    private static IEnumerable<TestCaseData> LogSigmoidCases()
    {
        yield return new TestCaseData((Func<Variable, Variable>)(x => T.Log(T.Sigmoid(x))),
            new[] { "Elemwise{neg}", "Elemwise{softplus}", "Elemwise{neg}" },
            (Func<double, double>)(v => -Softplus(-v))).SetName("log(sigmoid(x)) is -softplus(-x)");
        yield return new TestCaseData((Func<Variable, Variable>)(x => T.Log(1L - T.Sigmoid(x))),
            new[] { "Elemwise{softplus}", "Elemwise{neg}" },
            (Func<double, double>)(v => -Softplus(v))).SetName("log(1 - sigmoid(x)) is -softplus(x)");
        yield return new TestCaseData((Func<Variable, Variable>)(x => T.Log1p(-T.Sigmoid(x))),
            new[] { "Elemwise{softplus}", "Elemwise{neg}" },
            (Func<double, double>)(v => -Softplus(v))).SetName("log1p(-sigmoid(x)) is -softplus(x)");
        yield return new TestCaseData((Func<Variable, Variable>)(x => T.Log(1L / (1L + T.Exp(-x)))),
            new[] { "Elemwise{neg}", "Elemwise{softplus}", "Elemwise{neg}" },
            (Func<double, double>)(v => -Softplus(-v))).SetName("log(1 / (1 + exp(-x))) is -softplus(-x)");
        yield return new TestCaseData((Func<Variable, Variable>)(x => 1.0 - T.Sigmoid(x)),
            new[] { "Elemwise{neg}", "Elemwise{sigmoid}" },
            (Func<double, double>)(v => Sigmoid(-v))).SetName("1 - sigmoid(x) is sigmoid(-x)");
    }

    [TestCaseSource(nameof(LogSigmoidCases))]
    public void Logarithms_of_sigmoids_become_softplus(Func<Variable, Variable> build, string[] ops, Func<double, double> closed)
    {
        using var scope = NewDisposeScope();
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x = Vector(dtype, "x");
            var f = SameAtModeratePoints(x, build(x), dtype == DType.Float64 ? 1e-15 : 1e-6);
            Assert.That(Ops(f), Is.EqualTo(ops));
            var y = f.Call(Vec(Extremes, dtype))[0];
            Assert.That(DTypes.FromTorch(y.dtype), Is.EqualTo(dtype));
            AssertClose(y, Extremes.Select(closed).ToArray(), dtype == DType.Float64 ? 1e-15 : 1e-7, $"{dtype} at the extremes");
        }
    }

    // ---------------------------------------------------------------- cancelling and distributing

    [Test]
    public void A_factor_that_multiplies_and_divides_cancels()
    {
        using var scope = NewDisposeScope();
        var (a, b, c) = (T.DVector("a"), T.DVector("b"), T.DVector("c"));
        var f = Function.Compile([a, b, c], [(a * b) / a, -(c / (b * a)) * (a * 2.0)]);
        Assert.That(Ops(f), Is.EquivalentTo(new[] { "Elemwise{true_div}", "Elemwise{mul}", "Elemwise{neg}" }));
        var outs = f.Call(Vec([0, 2]), Vec([3, 4]), Vec([5, 6]));
        // At a = 0 the written forms are 0/0.
        AssertClose(outs[0], [3, 4], 1e-16, "b");
        AssertClose(outs[1], [-10.0 / 3, -3], 1e-15, "-c 2 / b");
    }

    [Test]
    public void A_cancelled_factor_that_gave_the_shape_leaves_a_fill()
    {
        using var scope = NewDisposeScope();
        var a = T.DVector("a");
        var s = T.DScalar("s");
        // s * a / a has a's shape; s alone is a scalar: the result keeps the shape through second (fill).
        var f = Function.Compile([a, s], [(s * a) / a]);
        Assert.That(Ops(f), Does.Contain("Elemwise{second}"));
        AssertClose(f.Call(Vec([0, 1, 2]), torch.tensor(7.0))[0], [7, 7, 7], 1e-16, "s broadcast like a");
    }

    [Test]
    public void A_factor_moves_into_a_sum_where_it_cancels_a_divisor()
    {
        using var scope = NewDisposeScope();
        var (a, b, x) = (T.DVector("a"), T.DVector("b"), T.DVector("x"));
        var f = Function.Compile([a, b, x], [(a / x + b) * x, (a / x - b / T.Exp(x)) * (x * T.Exp(x))]);
        Assert.That(Ops(f).Count(o => o == "Elemwise{true_div}"), Is.Zero, string.Join(", ", Ops(f)));
        var outs = f.Call(Vec([1, 2]), Vec([3, 4]), Vec([0, 800]));
        AssertClose(outs[0], [1, 2 + 4 * 800], 1e-16, "a + b x");
        outs = f.Call(Vec([1, 2]), Vec([3, 4]), Vec([0, 2]));
        AssertClose(outs[1], [1, 2 * Math.Exp(2) - 4 * 2], 1e-15, "a exp(x) - b x");
        var naive = Function.Compile([a, b, x], [(a / x + b) * x], NoRewrites).Call(Vec([1, 2]), Vec([3, 4]), Vec([0, 2]))[0];
        Assert.That(GradCheck.Doubles(naive)[0], Is.NaN, "written as is: (1/0 + 3) · 0");
    }

    [Test]
    public void A_rule_reading_through_several_nodes_sees_a_change_below_them()
    {
        using var scope = NewDisposeScope();
        var (a, b, x) = (T.DVector("a"), T.DVector("b"), T.DVector("x"));
        // 1 - sigmoid(x) becomes sigmoid(-x) two nodes below the product; only then does the factor cancel.
        var y = (a / (1L - T.Sigmoid(x)) + b) * T.Sigmoid(-x);
        var f = Function.Compile([a, b, x], [y]);
        Assert.That(Ops(f), Does.Not.Contain("Elemwise{true_div}"));
        var outs = f.Call(Vec([1, 2]), Vec([3, 4]), Vec([800, -800]));
        AssertClose(outs[0], [1 + 0.0, 2 + 4 * 1.0], 1e-16, "a + b sigmoid(-x)");
    }

    // ---------------------------------------------------------------- gradients

    [TestCase(DType.Float64, 1e-15)]
    [TestCase(DType.Float32, 1e-6)]
    public void The_tutorials_cross_entropy_and_its_gradient_are_exact_at_the_extremes(DType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        var z = Vector(dtype, "z");
        var y = Vector(dtype, "y");
        var p = 1L / (1L + T.Exp(-z));
        var xent = -y * T.Log(p) - (1L - y) * T.Log(1L - p);
        var grad = Autodiff.Grad(T.Sum(xent), z);
        var f = Function.Compile([z, y], [xent, grad]);
        Assert.That(Ops(f), Has.None.AnyOf("Elemwise{exp}", "Elemwise{log}", "Elemwise{true_div}"));
        foreach (var target in new[] { 0.0, 1.0, 0.3 })
        {
            var targets = Extremes.Select(_ => target).ToArray();
            var outs = f.Call(Vec(Extremes, dtype), Vec(targets, dtype));
            Assert.That(DTypes.FromTorch(outs[1].dtype), Is.EqualTo(dtype));
            AssertClose(outs[0], Extremes.Select(v => target * Softplus(-v) + (1 - target) * Softplus(v)).ToArray(),
                tolerance, $"cross-entropy, target {target}");
            AssertClose(outs[1], Extremes.Select(v => CrossEntropyGrad(v, target)).ToArray(), tolerance,
                $"gradient, target {target}");
        }
        var naive = Function.Compile([z, y], [xent, grad], NoRewrites).Call(Vec(Extremes, dtype), Vec(Extremes.Select(_ => 0.3).ToArray(), dtype));
        Assert.That(GradCheck.Doubles(naive[1]), Has.Some.NaN, "written as is, the gradient is NaN at the extremes");
    }

    [Test]
    public void The_gradient_of_log1p_exp_is_the_sigmoid_even_at_800()
    {
        using var scope = NewDisposeScope();
        var z = T.DVector("z");
        var f = Function.Compile([z], [Autodiff.Grad(T.Sum(T.Log1p(T.Exp(z))), z), Autodiff.Grad(T.Sum(T.Log(1.0 + T.Exp(z))), z)]);
        Assert.That(Ops(f), Is.EqualTo(new[] { "Elemwise{sigmoid}" }), "both spellings, one sigmoid");
        AssertClose(f.Call(Vec(Extremes))[0], Extremes.Select(Sigmoid).ToArray(), 1e-16, "sigmoid(z)");
        var naive = Function.Compile([z], [Autodiff.Grad(T.Sum(T.Log1p(T.Exp(z))), z)], NoRewrites).Call(Vec(Extremes))[0];
        Assert.That(GradCheck.Doubles(naive)[^1], Is.NaN, "∞/∞ unrewritten");
    }

    [Test]
    public void Softplus_derivatives_are_the_sigmoid_in_both_directions()
    {
        using var scope = NewDisposeScope();
        var z = T.DVector("z");
        var v = T.DVector("v");
        var pullback = Autodiff.Grad(T.Sum(T.Softplus(z)), z);
        var pushforward = Autodiff.Rop([T.Softplus(z)], [z], [v])[0];
        var outs = Function.Compile([z, v], [pullback, pushforward]).Call(Vec(Extremes), Vec(Extremes.Select(_ => 2.0).ToArray()));
        AssertClose(outs[0], Extremes.Select(Sigmoid).ToArray(), 1e-16, "pullback");
        AssertClose(outs[1], Extremes.Select(x => 2 * Sigmoid(x)).ToArray(), 1e-16, "pushforward");
    }

    [Test]
    public void The_sigmoids_gradient_keeps_its_tail()
    {
        using var scope = NewDisposeScope();
        var z = T.DVector("z");
        var f = Function.Compile([z], [Autodiff.Grad(T.Sum(T.Sigmoid(z)), z)]);
        // sigmoid(z) (1 - sigmoid(z)): 1 - sigmoid(40) is 0 in doubles; sigmoid(-40) is 4.2e-18.
        AssertClose(f.Call(Vec(Extremes))[0], Extremes.Select(x => Sigmoid(x) * Sigmoid(-x)).ToArray(), 1e-15, "s(z) s(-z)");
    }

    [TestCase(DType.Float64, 1e-15)]
    [TestCase(DType.Float32, 1e-6)]
    public void Binary_crossentropy_of_a_sigmoid_is_finite_with_both_gradients(DType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        var z = Vector(dtype, "z");
        var t = Vector(dtype, "t");
        var loss = T.BinaryCrossentropy(T.Sigmoid(z), t);
        var grads = Autodiff.Grad(T.Sum(loss), [z, t]);
        var f = Function.Compile([z, t], [loss, .. grads]);
        foreach (var target in new[] { 0.0, 1.0, 0.25 })
        {
            var outs = f.Call(Vec(Extremes, dtype), Vec(Extremes.Select(_ => target).ToArray(), dtype));
            AssertClose(outs[0], Extremes.Select(v => target * Softplus(-v) + (1 - target) * Softplus(v)).ToArray(), tolerance, "loss");
            AssertClose(outs[1], Extremes.Select(v => CrossEntropyGrad(v, target)).ToArray(), tolerance, "d/dz");
            AssertClose(outs[2], Extremes.Select(v => -v).ToArray(), tolerance, "d/dt");
        }
    }

    [Test]
    public void Binary_crossentropy_of_given_probabilities_is_aesaras_formula()
    {
        using var scope = NewDisposeScope();
        var (o, t) = (T.DVector("o"), T.DVector("t"));
        var f = Function.Compile([o, t], [T.BinaryCrossentropy(o, t)]);
        double[] os = [1e-300, 0.25, 1 - 1e-16, 0, 1, 1];
        double[] ts = [1, 0, 1, 0, 1, 0];
        var actual = GradCheck.Doubles(f.Call(Vec(os), Vec(ts))[0]);
        var expected = os.Select((v, i) => -(ts[i] * Math.Log(v) + (1 - ts[i]) * Math.Log(1 - v))).ToArray();
        // Nothing to rewrite when the probabilities are data: 0 · log(0) is NaN, as in Aesara.
        Assert.That(actual, Is.EqualTo(expected).Within(1e-15));
        Assert.That(actual[4], Is.NaN);
        Assert.That(actual[5], Is.EqualTo(double.PositiveInfinity));
    }

    [Test]
    public void The_tangent_of_the_tutorials_cross_entropy_is_exact_at_the_extremes()
    {
        using var scope = NewDisposeScope();
        var z = T.DVector("z");
        var v = T.DVector("v");
        var p = 1L / (1L + T.Exp(-z));
        var xent = -0.3 * T.Log(p) - 0.7 * T.Log(1L - p);
        var f = Function.Compile([z, v], [Autodiff.Rop([xent], [z], [v])[0]]);
        var dirs = Extremes.Select((_, i) => i - 3.0).ToArray();
        AssertClose(f.Call(Vec(Extremes), Vec(dirs))[0], Extremes.Select((x, i) => CrossEntropyGrad(x, 0.3) * dirs[i]).ToArray(),
            1e-15, "(sigmoid(z) - t) v");
    }

    private static IEnumerable<TestCaseData> RewrittenCosts()
    {
        yield return new TestCaseData((Func<Variable[], Variable>)(v =>
        {
            var p = 1L / (1L + T.Exp(-v[0]));
            return -v[1] * T.Log(p) - (1L - v[1]) * T.Log(1L - p);
        })).SetName("tutorial cross-entropy");
        yield return new TestCaseData((Func<Variable[], Variable>)(v => T.BinaryCrossentropy(T.Sigmoid(v[0]), v[1])))
            .SetName("binary_crossentropy(sigmoid)");
        yield return new TestCaseData((Func<Variable[], Variable>)(v => T.Log1p(T.Exp(v[0])) * v[1] + T.Exp(v[0]) / (1.0 + T.Exp(v[0]))))
            .SetName("log1p(exp) and exp over 1 + exp");
        yield return new TestCaseData((Func<Variable[], Variable>)(v => T.Log(1L - T.Sigmoid(v[0] * v[1])) + T.Sigmoid(v[0]) * T.Exp(-v[0])))
            .SetName("log(1 - sigmoid) and sigmoid times exp");
    }

    [TestCaseSource(nameof(RewrittenCosts))]
    public void Rewritten_graphs_have_the_derivatives_of_the_written_ones(Func<Variable[], Variable> build)
    {
        using var scope = NewDisposeScope();
        var z = GradCheck.Uniform([6], -3, 3, seed: 7);
        var t = GradCheck.Uniform([6], 0, 1, seed: 8);
        GradCheck.Reverse(build, z, t);
        GradCheck.Forward(build, z, t);
        GradCheck.SecondOrder(build, z, t);
    }

    /// <summary>
    /// A random composition of products, quotients, sums, exponentials and sigmoids of a, b and x, dividing only by
    /// positive expressions. Arguments of exp are leaves, and those of sigmoids are squashed into [-4, 4] by a tanh, so
    /// that the written forms lose no more than a few digits (log(1 - sigmoid(e)) written as is loses e^e ulps).
    /// </summary>
    private static Variable RandomExpression(Random rng, Variable[] leaves, int depth)
    {
        Variable Leaf() => rng.Next(5) switch
        {
            0 => T.Constant(2.0),
            _ => leaves[rng.Next(leaves.Length)],
        };
        Variable Small() => rng.Next(2) == 0 ? Leaf() : -leaves[rng.Next(leaves.Length)];
        Variable Bounded() => 4.0 * T.Tanh(RandomExpression(rng, leaves, depth - 1));
        Variable Positive() => rng.Next(5) switch
        {
            0 => 1L + T.Exp(Small()),
            1 => T.Sigmoid(Bounded()),
            2 => 1L - T.Sigmoid(Bounded()),
            3 => T.Exp(Small()),
            _ => T.Sqr(1.0 + T.Exp(Small())),
        };
        if (depth <= 0)
        {
            return Leaf();
        }
        Variable Sub() => RandomExpression(rng, leaves, depth - 1);
        return rng.Next(11) switch
        {
            0 => Sub() * Sub(),
            1 => Sub() / Positive(),
            2 => Sub() + Sub(),
            3 => Sub() - Sub(),
            4 => -Sub(),
            5 => T.Sigmoid(Bounded()),
            6 => T.Log(T.Sigmoid(Bounded())),
            7 => T.Log(1L - T.Sigmoid(Bounded())),
            8 => 1L / (1L + T.Exp(Small())),
            9 => T.Exp(Small()) * Sub(),
            _ => Sub() * Positive(),
        };
    }

    [Test]
    public void Random_compositions_compute_the_same_values_and_gradients_with_and_without_the_rewrites()
    {
        using var scope = NewDisposeScope();
        var rng = new Random(2024);
        var leaves = new[] { T.DVector("a"), T.DVector("b"), T.DVector("x") };
        var args = new[] { Vec([0.3, -1.2, 2.0]), Vec([-0.7, 0.4, 1.5]), Vec([1.1, -2.2, 0.05]) };
        var others = new CompileOptions
        {
            OnUnusedInput = UnusedInputPolicy.Ignore,
            Rewrites = [new EquilibriumRewrite("others", Rewriter.DefaultRules.Where(r => !SigmoidRules.Contains(r.Name)).ToList())],
        };
        int rewritten = 0;
        for (int i = 0; i < 200; i++)
        {
            var y = RandomExpression(rng, leaves, 4);
            var cost = T.Sum(y * T.Constant(torch.tensor(new[] { 0.9, -1.3, 0.6 })));
            var outputs = new[] { y }.Concat(Autodiff.Grad(cost, leaves, new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore })).ToArray();
            var options = new CompileOptions { OnUnusedInput = UnusedInputPolicy.Ignore };
            var f = Function.Compile(leaves, outputs, options);
            var plain = Function.Compile(leaves, outputs, options with { Rewrites = [] });
            var actual = f.Call(args);
            var expected = plain.Call(args);
            rewritten += Ops(f).SequenceEqual(Ops(Function.Compile(leaves, outputs, others))) ? 0 : 1;
            for (int k = 0; k < outputs.Length; k++)
            {
                // Where the written form overflows or divides 0 by 0, the rewritten one may well be finite.
                var want = GradCheck.Doubles(expected[k]);
                var got = GradCheck.Doubles(actual[k]);
                var finite = Enumerable.Range(0, want.Length).Where(j => double.IsFinite(want[j])).ToArray();
                Assert.That(actual[k].shape, Is.EqualTo(expected[k].shape));
                GradCheck.AssertClose(finite.Select(j => got[j]).ToArray(), [finite.Length], finite.Select(j => want[j]).ToArray(),
                    [finite.Length], 1e-10, $"expression {i}, output {k}");
            }
        }
        Assert.That(rewritten, Is.GreaterThan(100), "most compositions give these rules something to do");
    }

    [Test]
    public void Default_pipeline_lists_the_sigmoid_rules()
    {
        Assert.That(Rewriter.DefaultRules.Select(r => r.Name), Is.SupersetOf(SigmoidRules));
    }
}
