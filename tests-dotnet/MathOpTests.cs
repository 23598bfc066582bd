using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// The mathematical element-wise functions (ScalarOps.Math and ScalarOps.Ternary): values against torch or closed
/// forms computed another way (series, identities, asymptotic expansions), pullbacks, pushforwards and second
/// derivatives against central differences, over several shapes with broadcasting and empty axes; then the dtype
/// rules, the tie and boundary rules of maximum and clip, rounding of halves and bad shapes.
/// </summary>
public sealed class MathOpTests : OpTableTests<MathOpTests.Table>
{
    private static readonly Arg M34 = Arg.Matrix(3, 4), V4 = Arg.Vector(4), S = Arg.Scalar(), T234 = Arg.Tensor3(2, 3, 4),
        Unit = M34 with { Low = -0.9, High = 0.9 }, Pos = M34.Positive;

    private static IEnumerable<OpCase> All()
    {
        // exponentials, logarithms, roots
        yield return new("exp2(matrix)", v => T.Exp2(v[0]), t => (t[0] * Math.Log(2)).exp(), M34);
        yield return new("expm1(tensor3)", v => T.Expm1(v[0]), t => t[0].exp() - 1.0, T234);
        yield return new("log2(matrix)", v => T.Log2(v[0]), t => t[0].log() / Math.Log(2), Pos);
        yield return new("log10(vector)", v => T.Log10(v[0]), t => t[0].log() / Math.Log(10), V4.Positive);
        yield return new("sqrt(matrix)", v => T.Sqrt(v[0]), t => t[0].pow(0.5), Pos);
        yield return new("reciprocal(matrix)", v => T.Reciprocal(v[0]), t => 1.0 / t[0], Pos);
        yield return new("log1mexp(matrix)", v => T.Log1mexp(v[0]), t => (1.0 - t[0].exp()).log(),
            M34 with { Low = -3, High = -0.1 });

        // trigonometric and hyperbolic
        yield return new("sin(matrix)", v => T.Sin(v[0]), t => t[0].sin(), M34);
        yield return new("cos(scalar)", v => T.Cos(v[0]), t => t[0].cos(), S);
        yield return new("tan(matrix)", v => T.Tan(v[0]), t => t[0].sin() / t[0].cos(), M34 with { Low = -1.2, High = 1.2 });
        yield return new("arcsin(matrix)", v => T.Arcsin(v[0]), t => (t[0] / (1.0 - t[0] * t[0]).sqrt()).atan(), Unit);
        yield return new("arccos(matrix)", v => T.Arccos(v[0]), t => Math.PI / 2 - (t[0] / (1.0 - t[0] * t[0]).sqrt()).atan(), Unit);
        yield return new("arctan(matrix)", v => T.Arctan(v[0]), t => t[0].atan(), M34);
        yield return new("sinh(matrix)", v => T.Sinh(v[0]), t => (t[0].exp() - (-t[0]).exp()) / 2.0, M34);
        yield return new("cosh(matrix)", v => T.Cosh(v[0]), t => (t[0].exp() + (-t[0]).exp()) / 2.0, M34);
        yield return new("arcsinh(matrix)", v => T.Arcsinh(v[0]), t => (t[0] + (t[0] * t[0] + 1.0).sqrt()).log(), M34);
        yield return new("arccosh(matrix)", v => T.Arccosh(v[0]), t => (t[0] + (t[0] * t[0] - 1.0).sqrt()).log(),
            M34 with { Low = 1.2, High = 3 });
        yield return new("arctanh(matrix)", v => T.Arctanh(v[0]), t => ((1.0 + t[0]) / (1.0 - t[0])).log() / 2.0, Unit);
        yield return new("deg2rad(vector)", v => T.Deg2Rad(v[0]), t => t[0] * (Math.PI / 180), V4);
        yield return new("rad2deg(vector)", v => T.Rad2Deg(v[0]), t => t[0] * (180 / Math.PI), V4);

        // error and gamma families
        yield return new("erf(matrix)", v => T.Erf(v[0]), t => ErfSeries(t[0]), M34);
        yield return new("erfc(matrix)", v => T.Erfc(v[0]), t => 1.0 - ErfSeries(t[0]), M34);
        yield return new("erfcx(matrix)", v => T.Erfcx(v[0]), t => (t[0] * t[0]).exp() * (1.0 - ErfSeries(t[0])), M34);
        yield return new("erfinv(matrix)", v => T.Erfinv(v[0]), t => t[0].erfinv(), Unit);
        yield return new("erf(erfinv(x)) = x", v => T.Erf(T.Erfinv(v[0])), t => t[0].clone(), Unit);
        yield return new("erfcinv(matrix)", v => T.Erfcinv(v[0]), t => (1.0 - t[0]).erfinv(), M34 with { Low = 0.1, High = 1.9 });
        yield return new("erfc(erfcinv(x)) = x", v => T.Erfc(T.Erfcinv(v[0])), t => t[0].clone(),
            M34 with { Low = 0.1, High = 1.9 });
        yield return new("gamma(matrix)", v => T.Gamma(v[0]), t => t[0].lgamma().exp(), M34 with { Low = 0.5, High = 4 });
        yield return new("gamma(negative non-integers)", v => T.Gamma(v[0]), t => GammaReflection(t[0]),
            V4 with { Low = -0.9, High = -0.1 });
        yield return new("gammaln(matrix)", v => T.Gammaln(v[0]), t => t[0].lgamma(), M34 with { Low = 0.5, High = 4 });
        yield return new("psi(matrix)", v => T.Psi(v[0]), t => DigammaAsymptotic(t[0]), Pos);
        yield return new("tri_gamma(matrix)", v => T.TriGamma(v[0]), t => Map(t[0], TrigammaSum), Pos);
        yield return new("tri_gamma(negative and large)", v => T.TriGamma(v[0]), t => Map(t[0], TrigammaSum),
            V4 with { Low = -1.9, High = 30 });
        yield return new("polygamma(3, vector)", v => T.Polygamma(3, v[0]), t => t[0].polygamma(3), V4.Positive);

        // rounding: values avoid integers and halves here (derivatives are zero almost everywhere)
        yield return new("floor(matrix)", v => T.Floor(v[0]), t => t[0].floor(), M34);
        yield return new("ceil(matrix)", v => T.Ceil(v[0]), t => t[0].ceil(), M34);
        yield return new("trunc(matrix)", v => T.Trunc(v[0]), t => t[0].trunc(), M34);
        yield return new("round_half_to_even(matrix)", v => T.RoundHalfToEven(v[0]), t => t[0].round(), M34);
        yield return new("round_half_away_from_zero(matrix)", v => T.RoundHalfAwayFromZero(v[0]),
            t => t[0].sign() * (t[0].abs() + 0.5).floor(), M34);
        yield return new("floor(x) * x", v => T.Floor(v[0]) * v[0], t => t[0].floor() * t[0], M34);

        // two and three inputs, with broadcasting
        yield return new("maximum(matrix, matrix)", v => T.Maximum(v[0], v[1]), t => t[0].maximum(t[1]), M34, M34);
        yield return new("maximum(matrix, vector)", v => T.Maximum(v[0], v[1]), t => t[0].maximum(t[1]), M34, V4);
        yield return new("maximum(scalar, matrix)", v => T.Maximum(v[0], v[1]), t => t[0].maximum(t[1]), S, M34);
        yield return new("maximum(x, 0.5)", v => T.Maximum(v[0], T.Constant(0.5)), t => t[0].clamp_min(0.5), M34);
        yield return new("minimum(matrix, row)", v => T.Minimum(v[0], v[1]), t => t[0].minimum(t[1]), M34, Arg.Row(4));
        yield return new("minimum(tensor3, matrix)", v => T.Minimum(v[0], v[1]), t => t[0].minimum(t[1]), T234, M34);
        yield return new("arctan2(matrix, matrix)", v => T.Arctan2(v[0], v[1]), t => t[0].atan2(t[1]), M34, M34);
        yield return new("arctan2(matrix, vector)", v => T.Arctan2(v[0], v[1]), t => t[0].atan2(t[1]), M34, V4);
        yield return new("clip(matrix, -0.5, 0.7)", v => T.Clip(v[0], T.Constant(-0.5), T.Constant(0.7)),
            t => ClipReference(t[0], torch.tensor(-0.5), torch.tensor(0.7)), M34);
        yield return new("clip(matrix, vector lo, scalar hi)", v => T.Clip(v[0], v[1], v[2]),
            t => ClipReference(t[0], t[1], t[2]), M34, V4 with { Low = -2, High = -0.5 }, S with { Low = 0.2, High = 1.5 });
        yield return new("clip(vector, matrix lo, matrix hi) with lo > hi somewhere", v => T.Clip(v[0], v[1], v[2]),
            t => ClipReference(t[0], t[1], t[2]), V4, M34 with { Low = -1, High = 1 }, M34 with { Low = -1, High = 1 });
        // the fused multiply-adds the compiler introduces, with broadcasting on every input
        yield return new("addcmul(matrix, vector, matrix)", v => T.AddCMul(v[0], v[1], v[2]),
            t => t[0] + t[1] * t[2], M34, V4, M34);
        yield return new("addcmul(row, column, scalar)", v => T.AddCMul(v[0], v[1], v[2]),
            t => t[0] + t[1] * t[2], Arg.Row(4), new Arg([null, 1], [3, 1]), S);
        yield return new("subcmul(scalar, matrix, matrix) (tanh's 1 - y·y)", v => T.SubCMul(v[0], v[1], v[1]),
            t => t[0] - t[1] * t[1], S, M34);
        yield return new("subcmul(matrix, vector, tensor3)", v => T.SubCMul(v[0], v[1], v[2]),
            t => t[0] - t[1] * t[2], M34, V4, T234);
        yield return new("switch(x > 0, sin(x), x * x)", v => T.Switch(T.Gt(v[0], T.Constant(0.0)), T.Sin(v[0]), v[0] * v[0]),
            t => torch.where(t[0] > 0, t[0].sin(), t[0] * t[0]), M34);
        yield return new("switch(a > b, a, b) with a matrix, b vector", v => T.Switch(T.Gt(v[0], v[1]), v[0], v[1]),
            t => t[0].maximum(t[1]), M34, V4);
        yield return new("where(x < 0.3, x, 2.0)", v => T.Where(T.Lt(v[0], T.Constant(0.3)), v[0], T.Constant(2.0)),
            t => torch.where(t[0] < 0.3, t[0], torch.tensor(2.0)), T234);
        yield return new("switch(float cond, a, b)", v => T.Switch(v[0], v[1], v[2]),
            t => torch.where(t[0] != 0, t[1], t[2]), V4 with { Low = -2, High = 2 }, V4, S);

        // composites
        yield return new("sqrt(sin(x)^2 + cos(x*y)^2) * gammaln(y)",
            v => T.Sqrt(T.Sqr(T.Sin(v[0])) + T.Sqr(T.Cos(v[0] * v[1]))) * T.Gammaln(v[1]),
            t => ((t[0].sin().square() + (t[0] * t[1]).cos().square()).sqrt() * t[1].lgamma()), M34, V4.Positive);
        yield return new("log10(cosh(x)) + arctan2(erf(x), exp2(y))",
            v => T.Log10(T.Cosh(v[0])) + T.Arctan2(T.Erf(v[0]), T.Exp2(v[1])),
            t => t[0].cosh().log10() + ErfSeries(t[0]).atan2(torch.pow(2.0, t[1])), M34, V4);
    }

    /// <summary>This file's cases.</summary>
    public sealed class Table : IOpTable
    {
        /// <inheritdoc/>
        public IEnumerable<OpCase> All() => MathOpTests.All();

        /// <inheritdoc/>
        public double ValueTolerance => 1e-11;
    }

    [Test]
    public void Third_derivative_of_psi_uses_polygamma()
    {
        // d³ψ/dx³ = ψ⁽³⁾: three reverse passes through psi → tri_gamma → polygamma{2} → polygamma{3}.
        using var scope = torch.NewDisposeScope();
        var x = T.DScalar("x");
        var g3 = Autodiff.Grad(Autodiff.Grad(Autodiff.Grad(T.Psi(x), x), x), x);
        var value = Function.Compile([x], [g3]).Call(torch.tensor(1.5))[0].item<double>();
        using var expected = torch.tensor(1.5).polygamma(3);
        Assert.That(value, Is.EqualTo(expected.item<double>()).Within(1e-10));
        Assert.That(ScalarOps.ByName("polygamma{3}").Name, Is.EqualTo("polygamma{3}"));
    }

    [Test]
    public void Gamma_at_known_points()
    {
        using var scope = torch.NewDisposeScope();
        double sqrtPi = Math.Sqrt(Math.PI);
        double[] xs = [-2.5, -1.5, -0.5, 0.5, 1, 5, 10.5];
        double[] expected = [-8 * sqrtPi / 15, 4 * sqrtPi / 3, -2 * sqrtPi, sqrtPi, 1, 24, 1133278.3889487855];
        var x = T.DVector("x");
        var got = GradCheck.Doubles(Function.Compile([x], [T.Gamma(x)]).Call(torch.tensor(xs))[0]);
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.That(got[i], Is.EqualTo(expected[i]).Within(1e-12 * Math.Abs(expected[i])), $"gamma({xs[i]})");
        }
    }

    [Test]
    public void Rounding_of_halves_follows_the_mode()
    {
        using var scope = torch.NewDisposeScope();
        double[] xs = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999999999999994, -3.7, 4.2];
        var x = T.DVector("x");
        var outs = Function.Compile([x], [T.Round(x), T.Round(x, "half_away_from_zero"), T.Floor(x), T.Ceil(x), T.Trunc(x)])
            .Call(torch.tensor(xs));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new double[] { -2, -2, -0.0, 0, 2, 2, 0, -4, 4 }));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new double[] { -3, -2, -1, 1, 2, 3, 0, -4, 4 }));
        Assert.That(GradCheck.Doubles(outs[2]), Is.EqualTo(new double[] { -3, -2, -1, 0, 1, 2, 0, -4, 4 }));
        Assert.That(GradCheck.Doubles(outs[3]), Is.EqualTo(new double[] { -2, -1, -0.0, 1, 2, 3, 1, -3, 5 }));
        Assert.That(GradCheck.Doubles(outs[4]), Is.EqualTo(new double[] { -2, -1, -0.0, 0, 1, 2, 0, -3, 4 }));
        Assert.Throws<ArgumentException>(() => T.Round(x, "half_up"));
    }

    [Test]
    public void Rounding_gradient_is_zero_not_disconnected()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var g = Autodiff.Grad(T.Sum(T.Floor(x) + T.Round(x)), x);
        var value = Function.Compile([x], [g]).Call(torch.tensor(new[] { 0.3, 1.7 }))[0];
        Assert.That(GradCheck.Doubles(value), Is.EqualTo(new double[] { 0, 0 }));
    }

    [Test]
    public void Maximum_and_minimum_give_a_tie_to_the_first_input()
    {
        using var scope = torch.NewDisposeScope();
        var a = T.DVector("a");
        var b = T.DVector("b");
        var va = torch.tensor(new[] { 1.0, 2.0, 3.0 });
        var vb = torch.tensor(new[] { 1.0, 5.0, -1.0 });
        foreach (var f in new[] { T.Maximum(a, b), T.Minimum(a, b) })
        {
            var g = Autodiff.Grad(T.Sum(f), [a, b]);
            var outs = Function.Compile([a, b], g).Call(va, vb);
            bool max = f.Owner!.Op.ToString()!.Contains("maximum");
            Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(max ? new double[] { 1, 0, 1 } : new double[] { 1, 1, 0 }));
            Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(max ? new double[] { 0, 1, 0 } : new double[] { 0, 0, 1 }));
        }
        var nan = Function.Compile([a, b], [T.Maximum(a, b), T.Minimum(a, b)])
            .Call(torch.tensor(new[] { double.NaN, 1 }), torch.tensor(new[] { 0.0, double.NaN }));
        Assert.That(GradCheck.Doubles(nan[0]).All(double.IsNaN) && GradCheck.Doubles(nan[1]).All(double.IsNaN), Is.True,
            "NaN propagates, as numpy's maximum/minimum");
    }

    [Test]
    public void Clip_sends_the_gradient_to_x_on_the_bounds()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var lo = T.DVector("lo");
        var hi = T.DVector("hi");
        var g = Autodiff.Grad(T.Sum(T.Clip(x, lo, hi)), [x, lo, hi]);
        // x on lo, inside, on hi, below, above, and lo > hi with x below lo (the output is lo).
        var outs = Function.Compile([x, lo, hi], [T.Clip(x, lo, hi), .. g]).Call(
            torch.tensor(new[] { -1.0, 0.0, 1.0, -5.0, 5.0, 0.0 }),
            torch.tensor(new[] { -1.0, -1.0, -1.0, -1.0, -1.0, 2.0 }),
            torch.tensor(new[] { 1.0, 1.0, 1.0, 1.0, 1.0, -2.0 }));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new double[] { -1, 0, 1, -1, 1, 2 }));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new double[] { 1, 1, 1, 0, 0, 0 }), "d/dx");
        Assert.That(GradCheck.Doubles(outs[2]), Is.EqualTo(new double[] { 0, 0, 0, 1, 0, 1 }), "d/dmin");
        Assert.That(GradCheck.Doubles(outs[3]), Is.EqualTo(new double[] { 0, 0, 0, 0, 1, 0 }), "d/dmax");
    }

    [Test]
    public void Switch_condition_gets_no_gradient_and_nan_counts_as_true()
    {
        using var scope = torch.NewDisposeScope();
        var c = T.DVector("c");
        var a = T.DVector("a");
        var f = T.Switch(c, a, 2.0 * a);
        var g = Autodiff.Grad(T.Sum(f), [c, a]);
        var outs = Function.Compile([c, a], [f, .. g]).Call(torch.tensor(new[] { 0.0, 0.5, double.NaN }), torch.tensor(new[] { 1.0, 2.0, 3.0 }));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new double[] { 2, 2, 3 }));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new double[] { 0, 0, 0 }), "the condition's gradient is zeros");
        Assert.That(GradCheck.Doubles(outs[2]), Is.EqualTo(new double[] { 2, 1, 1 }));
    }

    [Test]
    public void Output_dtypes_follow_aesara()
    {
        var i8 = T.Vector(DType.Int8, "i8");
        var i32 = T.Vector(DType.Int32, "i32");
        var i64 = T.Vector(DType.Int64, "i64");
        var f32 = T.FVector("f32");
        var f64 = T.DVector("f64");
        var b = T.Vector(DType.Bool, "b");
        Assert.That(T.Sqrt(i8).DType, Is.EqualTo(DType.Float32), "upgrade_to_float(int8)");
        Assert.That(T.Sin(i32).DType, Is.EqualTo(DType.Float64), "upgrade_to_float(int32)");
        Assert.That(T.Gammaln(f32).DType, Is.EqualTo(DType.Float32));
        Assert.That(T.Floor(i64).DType, Is.EqualTo(DType.Float64), "floor of integers is a float, as numpy");
        Assert.That(T.Arctan2(f32, i8).DType, Is.EqualTo(DType.Float32));
        Assert.That(T.Maximum(i32, f32).DType, Is.EqualTo(DType.Float64), "maximum upcasts as numpy");
        Assert.That(T.Maximum(i8, i32).DType, Is.EqualTo(DType.Int32));
        Assert.That(T.Clip(i32, T.Constant(0L), T.Constant(5L)).DType, Is.EqualTo(DType.Int32));
        Assert.That(T.Switch(b, f32, f32).DType, Is.EqualTo(DType.Float32));
        Assert.That(T.Switch(i64, f32, f32).DType, Is.EqualTo(DType.Float32), "an int64 condition does not upcast");
        Assert.That(T.Switch(b, i8, f32).DType, Is.EqualTo(DType.Float32));
        Assert.That(T.IsNan(f64).DType, Is.EqualTo(DType.Bool));
        Assert.That(T.Reciprocal(i32).DType, Is.EqualTo(DType.Float64));
        var e = Assert.Throws<ArgumentException>(() => T.RoundHalfToEven(i32));
        Assert.That(e!.Message, Does.Contain("round_half_to_even"));
    }

    [Test]
    public void Float32_gradients_stay_float32()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.FVector("x");
        var cost = T.Sum(T.Erf(x) + T.Log2(T.Exp2(x) + 1.0) + T.Gamma(T.Sqrt(x * x + 1.0)) + T.Maximum(x, T.Sin(x)));
        var g = Autodiff.Grad(cost, x);
        Assert.That(g.DType, Is.EqualTo(DType.Float32));
        var values = Function.Compile([x], [g]).Call(torch.tensor(new[] { 0.5f, -1f }));
        Assert.That(values[0].dtype, Is.EqualTo(ScalarType.Float32));
    }

    [Test]
    public void Integer_inputs_give_float_values_and_the_float_gradient()
    {
        using var scope = torch.NewDisposeScope();
        var i = T.Vector(DType.Int32, "i");
        var outs = Function.Compile([i], [T.Sqrt(i), T.IsNan(i), T.Ceil(i)]).Call(torch.tensor(new[] { 4, 9 }));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new double[] { 2, 3 }));
        Assert.That(outs[1].dtype, Is.EqualTo(ScalarType.Bool));
        Assert.That(outs[2].dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(Autodiff.Grad(T.Sum(T.Sqrt(i)), i, new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore }).DType,
            Is.EqualTo(Config.FloatX), "gradients are never integer-typed");
    }

    [Test]
    public void Bad_shapes_name_the_op()
    {
        var e = Assert.Throws<ArgumentException>(() => T.Maximum(T.Tensor(DType.Float64, [3]), T.Tensor(DType.Float64, [4])));
        Assert.That(e!.Message, Does.Contain("maximum"));
        e = Assert.Throws<ArgumentException>(() => T.Clip(T.Tensor(DType.Float64, [2, 3]), T.Tensor(DType.Float64, [4]),
            T.Constant(1.0)));
        Assert.That(e!.Message, Does.Contain("clip"));

        using var scope = torch.NewDisposeScope();
        var a = T.DVector("a");
        var b = T.DVector("b");
        var f = Function.Compile([a, b], [T.Arctan2(a, b)]);
        e = Assert.Throws<ArgumentException>(() => f.Call(torch.ones(3, float64), torch.ones(4, float64)));
        Assert.That(e!.Message, Does.Contain("arctan2"));
        e = Assert.Throws<ArgumentException>(() => Kernels.Kernels.Switch(torch.ones(3, @bool), torch.ones(2), torch.ones(3)));
        Assert.That(e!.Message, Does.Contain("switch"));
    }

    [Test]
    public void Every_new_rule_is_found_by_its_aesara_name()
    {
        string[] names = ["exp2", "expm1", "log2", "log10", "sqrt", "reciprocal", "sin", "cos", "tan", "arcsin", "arccos",
            "arctan", "sinh", "cosh", "arcsinh", "arccosh", "arctanh", "deg2rad", "rad2deg", "erf", "erfc", "erfcx",
            "erfinv", "erfcinv", "gamma", "gammaln", "psi", "tri_gamma", "log1mexp", "floor", "ceil", "trunc",
            "round_half_to_even", "round_half_away_from_zero", "isnan", "isinf", "maximum", "minimum", "arctan2", "clip",
            "switch"];
        foreach (var name in names)
        {
            Assert.That(ScalarOps.ByName(name).Name, Is.EqualTo(name));
        }
        Assert.Throws<ArgumentException>(() => T.Polygamma(-1, T.DVector()));
    }

    [Test]
    public void Fill_and_where_are_aliases()
    {
        using var scope = torch.NewDisposeScope();
        var m = T.DMatrix("m");
        var v = T.DScalar("v");
        var outs = Function.Compile([m, v], [T.Fill(m, v)]).Call(torch.zeros(2, 3, float64), torch.tensor(4.0));
        Assert.That(outs[0].shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(GradCheck.Doubles(outs[0]).All(x => x == 4));
    }

    /// <summary>erf by its Maclaurin series, 60 terms (exact to rounding for |x| ≤ 2.5).</summary>
    private static Tensor ErfSeries(Tensor x)
    {
        var sum = torch.zeros_like(x);
        var power = x.clone();
        double factorial = 1;
        for (int n = 0; n < 60; n++)
        {
            if (n > 0)
            {
                factorial *= n;
                power = power * x * x;
            }
            sum += (n % 2 == 0 ? 1.0 : -1.0) / (factorial * (2 * n + 1)) * power;
        }
        return sum * (2 / Math.Sqrt(Math.PI));
    }

    /// <summary>Γ(x) = π / (sin(πx) Γ(1 - x)) with Γ(1 - x) from lgamma at positive arguments only.</summary>
    private static Tensor GammaReflection(Tensor x) => Math.PI / ((x * Math.PI).sin() * (1.0 - x).lgamma().exp());

    /// <summary>ψ(x) = ψ(x + 10) - Σ_{k&lt;10} 1/(x + k), ψ(z) by its asymptotic series at z = x + 10.</summary>
    private static Tensor DigammaAsymptotic(Tensor x)
    {
        var z = x + 10.0;
        var z2 = z * z;
        var psi = z.log() - 0.5 / z - 1.0 / (12.0 * z2) + 1.0 / (120.0 * z2 * z2) - 1.0 / (252.0 * z2 * z2 * z2)
                  + 1.0 / (240.0 * z2 * z2 * z2 * z2) - 1.0 / (132.0 * z2 * z2 * z2 * z2 * z2);
        for (int k = 0; k < 10; k++)
        {
            psi -= 1.0 / (x + k);
        }
        return psi;
    }

    /// <summary>
    /// ψ⁽¹⁾(x) = Σ_{k&lt;N} 1/(x + k)² + the Euler–Maclaurin tail 1/z + 1/(2z²) + 1/(6z³) at z = x + N, N = 200000,
    /// summed exactly (math.fsum-style, by Neumaier); negative x by reflection.
    /// </summary>
    private static double TrigammaSum(double x)
    {
        if (x < 0.5)
        {
            double s = Math.Sin(Math.PI * x);
            return Math.PI * Math.PI / (s * s) - TrigammaSum(1 - x);
        }
        const int n = 200000;
        double sum = 0, compensation = 0;
        for (int k = n - 1; k >= 0; k--)
        {
            double term = 1 / ((x + k) * (x + k));
            double t = sum + term;
            compensation += Math.Abs(sum) >= term ? sum - t + term : term - t + sum;
            sum = t;
        }
        double z = x + n;
        return sum + compensation + 1 / z + 1 / (2 * z * z) + 1 / (6 * z * z * z);
    }

    /// <summary>Applies <paramref name="f"/> to every element, in plain double arithmetic.</summary>
    private static Tensor Map(Tensor t, Func<double, double> f) =>
        GradCheck.FromDoubles(GradCheck.Doubles(t).Select(f).ToArray(), t.shape);

    [Test]
    public void Empty_axes_give_empty_values_and_gradients()
    {
        using var scope = torch.NewDisposeScope();
        var m = T.DMatrix("m");
        var r = T.Tensor(DType.Float64, [1, null], "r");
        var s = T.DScalar("s");
        var f = T.Sum(T.Sqrt(m) + T.Maximum(m, r) + T.Arctan2(s, m) + T.Clip(m, s, r) + T.Switch(T.Gt(m, s), m, r));
        var g = Autodiff.Grad(f, [m, r, s]);
        var jvp = Autodiff.Rop([T.Erf(m) * T.Minimum(m, r)], [m, r], [m, r])[0];
        var outs = Function.Compile([m, r, s], [f, .. g, jvp]).Call(torch.zeros(0, 3, float64), torch.ones(1, 3, float64),
            torch.tensor(0.5));
        Assert.That(outs[0].item<double>(), Is.EqualTo(0.0));
        Assert.That(outs[1].shape, Is.EqualTo(new long[] { 0, 3 }));
        Assert.That(outs[2].shape, Is.EqualTo(new long[] { 1, 3 }));
        Assert.That(outs[2].abs().sum().item<double>(), Is.EqualTo(0.0), "nothing flows back from no elements");
        Assert.That(outs[3].item<double>(), Is.EqualTo(0.0));
        Assert.That(outs[4].shape, Is.EqualTo(new long[] { 0, 3 }));
    }

    /// <summary>Aesara's clip written with torch.where.</summary>
    private static Tensor ClipReference(Tensor x, Tensor lo, Tensor hi) =>
        torch.where(x < lo, lo.expand_as(x + lo + hi), torch.where(x > hi, hi.expand_as(x + lo + hi), x.expand_as(x + lo + hi)));
}
