using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// Compiled functions reject bad arguments with an <see cref="ArgumentException"/> that says what was wrong, and
/// stay usable afterwards; <see cref="Autodiff"/> enforces its contracts.
/// </summary>
public sealed class FunctionTests : ScopedTests
{
    private static Tensor Ones(params long[] shape) => torch.ones(shape, dtype: ScalarType.Float64);

    /// <summary>
    /// A call that must fail: the exception is an ArgumentException naming the problem, and a good call right after
    /// still gives the right answer.
    /// </summary>
    private static void AssertRejectedThenRecovers(Function f, Tensor[] bad, string[] messageParts, Tensor[] good,
        double[] expected)
    {
        var ex = Assert.Catch<ArgumentException>(() => f.Call(bad));
        foreach (var part in messageParts)
        {
            Assert.That(ex!.Message, Does.Contain(part));
        }
        var result = f.Call(good)[0];
        Assert.That(GradCheck.Doubles(result), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void Wrong_argument_count_is_rejected()
    {
        var (x, y) = (T.DVector("x"), T.DVector("y"));
        var f = Function.Compile([x, y], [x + y]);
        AssertRejectedThenRecovers(f, [Vec(1, 2)], ["expected 2 argument(s)", "got 1"],
            [Vec(1, 2), Vec(3, 4)], [4, 6]);
        Assert.Catch<ArgumentException>(() => f.Call(Vec(1), Vec(2), Vec(3)));
    }

    [Test]
    public void Wrong_rank_is_rejected()
    {
        var x = T.DVector("x");
        var f = Function.Compile([x], [x * 2.0]);
        AssertRejectedThenRecovers(f, [Ones(2, 3)], ["argument 0", "x", "expected rank 1", "(2, 3)"],
            [Vec(1, 2)], [2, 4]);
    }

    [Test]
    public void Wrong_static_length_is_rejected()
    {
        var x = T.Tensor(DType.Float64, [3], "x");
        var f = Function.Compile([x], [-x]);
        AssertRejectedThenRecovers(f, [Vec(1, 2)], ["expected shape (3,)", "(2,)"], [Vec(1, 2, 3)], [-1, -2, -3]);
    }

    [Test]
    public void Misaligned_dot_is_rejected_at_run_time()
    {
        var (a, b) = (T.DMatrix("A"), T.DVector("b"));
        var f = Function.Compile([a, b], [T.Dot(a, b)]);
        AssertRejectedThenRecovers(f, [Ones(3, 4), Ones(5)], ["dot", "(3, 4)", "(5,)", "not aligned"],
            [Ones(2, 3), Vec(1, 2, 3)], [6, 6]);
    }

    [Test]
    public void Run_time_broadcast_mismatch_is_rejected()
    {
        var (x, y) = (T.DVector("x"), T.DVector("y"));
        var f = Function.Compile([x, y], [x + y]);
        AssertRejectedThenRecovers(f, [Ones(3), Ones(4)], ["(3,)", "(4,)", "3 != 4"], [Vec(1, 2), Vec(3, 4)], [4, 6]);
    }

    [Test]
    public void Length_one_does_not_broadcast_unless_static()
    {
        // Aesara semantics: only an axis whose static length is 1 broadcasts.
        var (x, y) = (T.DVector("x"), T.DVector("y"));
        var f = Function.Compile([x, y], [x * y]);
        AssertRejectedThenRecovers(f, [Ones(3), Ones(1)], ["(3,)", "(1,)", "3 != 1"], [Vec(1, 2), Vec(3, 4)], [3, 8]);
    }

    [Test]
    public void Float32_argument_is_cast_safely_to_float64()
    {
        var x = T.DVector("x");
        var f = Function.Compile([x], [x * 3.0]);
        var y = f.Call(torch.tensor(new float[] { 0.5f, 0.25f }))[0];
        Assert.That(y.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(GradCheck.Doubles(y), Is.EqualTo(new[] { 1.5, 0.75 }));
    }

    [Test]
    public void Float64_argument_for_float32_input_is_rejected()
    {
        var x = T.FVector("x");
        var f = Function.Compile([x], [x + 1.0]);
        var ex = Assert.Catch<ArgumentException>(() => f.Call(Vec(1, 2)));
        Assert.That(ex!.Message, Does.Contain("float32").And.Contain("float64").And.Contain("precision"));
        var y = f.Call(torch.tensor(new float[] { 1, 2 }))[0];
        Assert.That(y.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(GradCheck.Doubles(y), Is.EqualTo(new[] { 2.0, 3.0 }));
    }

    [Test]
    public void Integer_argument_for_float_input_is_rejected_when_lossy()
    {
        // int64 does not fit float32 exactly (numpy's can_cast(int64, float32, 'safe') is False).
        var x = T.FVector("x");
        var f = Function.Compile([x], [x + 1.0]);
        Assert.Catch<ArgumentException>(() => f.Call(torch.tensor(new long[] { 1, 2 })));
    }

    [Test]
    public void Disposed_argument_is_rejected()
    {
        var x = T.DVector("x");
        var f = Function.Compile([x], [x + 1.0]);
        var t = Vec(1, 2);
        t.Dispose();
        AssertRejectedThenRecovers(f, [t], ["disposed"], [Vec(1, 2)], [2, 3]);
    }

    [Test]
    public void Arguments_are_not_modified_and_outputs_are_owned_by_the_caller()
    {
        var x = T.DVector("x");
        var f = Function.Compile([x], [x, x * 2.0, x]);
        var arg = Vec(1, 2);
        var outs = f.Call(arg);
        foreach (var o in outs)
        {
            o.Dispose();
        }
        Assert.That(arg.IsInvalid, Is.False);
        Assert.That(GradCheck.Doubles(arg), Is.EqualTo(new[] { 1.0, 2.0 }));
        Assert.That(GradCheck.Doubles(f.Call(arg)[1]), Is.EqualTo(new[] { 2.0, 4.0 }));
    }

    [Test]
    public void Missing_input_is_reported_at_compile_time()
    {
        var (x, y) = (T.DVector("x"), T.DVector("y"));
        var ex = Assert.Throws<MissingInputException>(() => Function.Compile([x], [x + y]));
        Assert.That(ex!.Message, Does.Contain("y"));
    }

    [Test]
    public void Constants_need_no_input()
    {
        using var c = torch.tensor(new[] { 1.0, 2.0 });
        var x = T.DVector("x");
        var f = Function.Compile([x], [x + T.Constant(c), T.Constant(c)]);
        var outs = f.Call(Vec(10, 20));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new[] { 11.0, 22.0 }));
        outs[1].Dispose();   // a returned constant is a copy: the next call still sees it
        Assert.That(GradCheck.Doubles(f.Call(Vec(0, 0))[1]), Is.EqualTo(new[] { 1.0, 2.0 }));
    }

    [Test]
    public void Grad_of_non_scalar_cost_is_rejected()
    {
        var x = T.DVector("x");
        var ex = Assert.Catch<ArgumentException>(() => Autodiff.Grad(x * 2.0, x));
        Assert.That(ex!.Message, Does.Contain("scalar"));
    }

    [Test]
    public void Disconnected_wrt_raises_by_default()
    {
        var (x, y) = (T.DVector("x"), T.DVector("y"));
        var cost = T.Sum(x * x);
        var ex = Assert.Throws<DisconnectedInputException>(() => Autodiff.Grad(cost, [x, y]));
        Assert.That(ex!.Message, Does.Contain("y"));
        Assert.That(ex, Is.InstanceOf<ArgumentException>());
    }

    [Test]
    public void Disconnected_wrt_gives_zeros_when_ignored()
    {
        var (x, y) = (T.DVector("x"), T.DMatrix("y"));
        var cost = T.Sum(x * x);
        var g = Autodiff.Grad(cost, [x, y], new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore });
        var outs = Function.Compile([x, y], g).Call(Vec(1, 2), Ones(2, 3));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new[] { 2.0, 4.0 }));
        Assert.That(outs[1].shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(outs[1].dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(GradCheck.Doubles(outs[1]), Is.All.EqualTo(0.0));
    }

    [Test]
    public void Input_used_only_through_its_shape_is_disconnected()
    {
        // second(x, 1) depends on x's shape alone, so there is no gradient path to x.
        var x = T.DVector("x");
        var cost = T.Sum(T.OnesLike(x));
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Grad(cost, x));
    }

    [Test]
    public void Gradients_are_named_after_cost_and_wrt()
    {
        var (x, w) = (T.DVector("x"), T.DVector());
        var cost = T.Sum(x * w);
        cost.Name = "cost";
        var g = Autodiff.Grad(cost, [x, w]);
        Assert.That(g[0].Name, Is.EqualTo("(dcost/dx)"));
        Assert.That(g[1].Name, Is.Null);
        var unnamed = Autodiff.Grad(cost, [x], new GradOptions { AddNames = false });
        Assert.That(unnamed[0].Name, Is.Not.EqualTo("(dcost/dx)"));
    }

    [Test]
    public void Gradients_shared_by_several_wrt_each_get_their_own_name()
    {
        // add's pullback hands the same gradient to both inputs; naming one must not rename the other.
        var (a, b) = (T.DScalar("a"), T.DScalar("b"));
        var cost = a + b;
        cost.Name = "cost";
        var g = Autodiff.Grad(cost, [a, b]);
        Assert.That(g.Select(v => v.Name), Is.EqualTo(new[] { "(dcost/da)", "(dcost/db)" }));
        var outs = Function.Compile([a, b], g).Call(torch.tensor(1.0), torch.tensor(2.0));
        Assert.That(outs.Select(o => o.item<double>()), Is.EqualTo(new[] { 1.0, 1.0 }));
    }

    [Test]
    public void Float32_graphs_stay_float32()
    {
        var x = T.FVector("x");
        var cost = T.Sum(T.Tanh(x * 2.0) + x.Pow(2));
        Assert.That(cost.DType, Is.EqualTo(DType.Float32));
        var g = Autodiff.Grad(cost, x);
        Assert.That(g.DType, Is.EqualTo(DType.Float32));
        var outs = Function.Compile([x], [cost, g]).Call(torch.tensor(new float[] { 0.5f, -1 }));
        Assert.That(outs[0].dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(outs[1].dtype, Is.EqualTo(ScalarType.Float32));
        double[] xs = [0.5, -1];
        var expected = xs.Select(v => 2 * (1 - Math.Tanh(2 * v) * Math.Tanh(2 * v)) + 2 * v).ToArray();
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void Float32_rop_and_lop_stay_float32()
    {
        var (x, v) = (T.FVector("x"), T.FVector("v"));
        var f = T.Exp(x) * 3.0;
        Assert.That(Autodiff.Rop([f], [x], [v])[0].DType, Is.EqualTo(DType.Float32));
        Assert.That(Autodiff.Lop([f], [x], [v])[0].DType, Is.EqualTo(DType.Float32));
    }

    [Test]
    public void Mixed_precision_promotes_and_the_gradient_keeps_the_input_dtype()
    {
        var (x, y) = (T.FVector("x"), T.DVector("y"));
        var cost = T.Sum(x * y);
        Assert.That(cost.DType, Is.EqualTo(DType.Float64));
        var g = Autodiff.Grad(cost, [x, y]);
        Assert.That(g[0].DType, Is.EqualTo(DType.Float32));
        Assert.That(g[1].DType, Is.EqualTo(DType.Float64));
        var outs = Function.Compile([x, y], g).Call(torch.tensor(new float[] { 1, 2 }), Vec(3, 4));
        Assert.That(outs[0].dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new[] { 3.0, 4.0 }));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new[] { 1.0, 2.0 }));
    }

    [Test]
    public void Lop_equals_grad_of_the_contracted_cost()
    {
        using var scope = torch.NewDisposeScope();
        var (a, x, v) = (T.DMatrix("A"), T.DVector("x"), T.DVector("v"));
        var f = T.Tanh(T.Dot(a, x));
        var lop = Autodiff.Lop([f], [a, x], [v]);
        var grad = Autodiff.Grad(T.Sum(f * v), [a, x]);
        var args = new[] { GradCheck.Uniform([3, 4], seed: 1), GradCheck.Uniform([4], seed: 2), GradCheck.Uniform([3], seed: 3) };
        var outs = Function.Compile([a, x, v], [.. lop, .. grad]).Call(args);
        for (int i = 0; i < 2; i++)
        {
            GradCheck.AssertClose(GradCheck.Doubles(outs[i]), outs[i].shape, GradCheck.Doubles(outs[2 + i]),
                outs[2 + i].shape, 1e-12, $"Lop wrt input {i}");
        }
    }

    [Test]
    public void Lop_sums_the_contributions_of_a_repeated_output()
    {
        using var scope = torch.NewDisposeScope();
        var (x, u, w) = (T.DVector("x"), T.DVector("u"), T.DVector("w"));
        var f = T.Exp(x);
        var lop = Autodiff.Lop([f, f], [x], [u, w])[0];
        var args = new[] { Vec(0.5, -1), Vec(1, 2), Vec(3, -4) };
        var got = GradCheck.Doubles(Function.Compile([x, u, w], [lop]).Call(args)[0]);
        double[] expected = [Math.Exp(0.5) * 4, Math.Exp(-1) * -2];
        Assert.That(got, Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void Lop_and_rop_reject_eval_points_of_the_wrong_rank()
    {
        var (x, m) = (T.DVector("x"), T.DMatrix("m"));
        var f = T.Exp(x);
        Assert.Catch<ArgumentException>(() => Autodiff.Lop([f], [x], [m]));
        Assert.Catch<ArgumentException>(() => Autodiff.Rop([f], [x], [m]));
        Assert.Catch<ArgumentException>(() => Autodiff.Rop([f], [x], []));
    }

    [Test]
    public void Rop_of_an_output_that_ignores_wrt_raises()
    {
        var (x, y, v) = (T.DVector("x"), T.DVector("y"), T.DVector("v"));
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Rop([T.Exp(y)], [x], [v]));
    }

    [Test]
    public void Grad_accumulates_over_every_use_of_a_variable()
    {
        var x = T.DScalar("x");
        // d/dx (x^2 + 3x + x*x*x) = 2x + 3 + 3x^2
        var cost = x * x + x * 3.0 + x * x * x;
        var g = Autodiff.Grad(cost, x);
        var result = Function.Compile([x], [g]).Call(torch.tensor(2.0))[0];
        Assert.That(result.item<double>(), Is.EqualTo(2 * 2 + 3 + 3 * 4).Within(1e-12));
    }

    [Test]
    public void Grad_of_the_cost_itself_is_one()
    {
        var x = T.DScalar("x");
        var g = Autodiff.Grad(x, x);
        Assert.That(Function.Compile([x], [g]).Call(torch.tensor(5.0))[0].item<double>(), Is.EqualTo(1.0));
    }

    [Test]
    public void Grad_wrt_an_intermediate_variable()
    {
        var x = T.DVector("x");
        var h = x * 2.0;
        var cost = T.Sum(h * h);
        var g = Autodiff.Grad(cost, [h, x]);
        var outs = Function.Compile([x], g).Call(Vec(1, 2));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new[] { 4.0, 8.0 }));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new[] { 8.0, 16.0 }));
    }

    [Test]
    public void Rop_wrt_a_broadcast_input_alone_has_the_output_shape()
    {
        var (m, s, ds) = (T.DMatrix("m"), T.DScalar("s"), T.DScalar("ds"));
        var (v, dv) = (T.DVector("v"), T.DVector("dv"));
        var bySum = Autodiff.Rop([m + s], [s], [ds])[0];
        var byRow = Autodiff.Rop([m + T.DimShuffle(v, [-1, 0])], [v], [dv])[0];
        var outs = Function.Compile([m, s, ds, v, dv], [bySum, byRow])
            .Call(Ones(2, 3), torch.tensor(1.0), torch.tensor(2.0), Ones(3), Vec(1, 2, 3));
        Assert.That(outs[0].shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(GradCheck.Doubles(outs[0]), Is.All.EqualTo(2.0));
        Assert.That(outs[1].shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new[] { 1.0, 2, 3, 1, 2, 3 }));
    }

    [Test]
    public void Empty_tensors_flow_through_values_and_gradients()
    {
        var (a, b) = (T.DMatrix("a"), T.DMatrix("b"));
        var cost = T.Sum(T.Dot(a, b));
        var g = Autodiff.Grad(cost, [a, b]);
        var outs = Function.Compile([a, b], [cost, .. g]).Call(Ones(3, 0), Ones(0, 2));
        Assert.That(outs[0].item<double>(), Is.EqualTo(0.0));
        Assert.That(outs[1].shape, Is.EqualTo(new long[] { 3, 0 }));
        Assert.That(outs[2].shape, Is.EqualTo(new long[] { 0, 2 }));
    }

    [Test]
    public void Integer_inputs_promote_and_get_the_float_gradient()
    {
        // Aesara: the gradient with respect to an integer input equals the float one, in a float dtype.
        var (x, i) = (T.DVector("x"), T.Tensor(DType.Int32, [null], "i"));
        var cost = T.Sum(x * i / 2.0);
        Assert.That(T.TrueDiv(i, T.Constant(2L)).DType, Is.EqualTo(DType.Float64));
        var gi = Autodiff.Grad(cost, i);
        Assert.That(gi.DType, Is.EqualTo(DType.Float64));
        var outs = Function.Compile([x, i], [cost, Autodiff.Grad(cost, x), gi]).Call(Vec(1, 2), torch.tensor(new[] { 3, 4 }));
        Assert.That(outs[0].item<double>(), Is.EqualTo(5.5));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new[] { 1.5, 2.0 }));
        Assert.That(GradCheck.Doubles(outs[2]), Is.EqualTo(new[] { 0.5, 1.0 }));
    }

    [Test]
    public void Zeros_and_ones_like_take_the_requested_dtype()
    {
        Assert.That(T.ZerosLike(T.DVector(), DType.Float32).DType, Is.EqualTo(DType.Float32));
        Assert.That(T.OnesLike(T.Tensor(DType.Int64, [null]), DType.Float32).DType, Is.EqualTo(DType.Float32));
        Assert.That(T.ZerosLike(T.Tensor(DType.Int64, [null])).DType, Is.EqualTo(Config.FloatX));
        Assert.That(T.OnesLike(T.FMatrix()).DType, Is.EqualTo(DType.Float32));
        var x = T.DVector("x");
        var ones = Function.Compile([x], [T.OnesLike(x, DType.Float32)]).Call(Vec(5, 6, 7))[0];
        Assert.That(ones.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(GradCheck.Doubles(ones), Is.EqualTo(new[] { 1.0, 1, 1 }));
    }

    [Test]
    public void Deep_graphs_differentiate_compile_and_run_without_overflowing_the_stack()
    {
        const int depth = 20000;
        var x = T.DScalar("x");
        var y = x;
        for (int i = 0; i < depth; i++)
        {
            y = y * 1.0001 + 0.0;
        }
        var g = Autodiff.Grad(y, x);
        Assert.That(Autodiff.Rop([y], [x], [T.DScalar("v")])[0].Ndim, Is.EqualTo(0));
        // Compile time is measured by `make bench` (compile scaling), not asserted here.
        var f = Function.Compile([x], [y, g]);
        var outs = f.Call(torch.tensor(1.0));
        Assert.That(outs[1].item<double>(), Is.EqualTo(Math.Pow(1.0001, depth)).Within(1e-9).Percent);
    }

    [Test]
    public void Compile_rejects_constants_and_repeated_inputs()
    {
        var x = T.DVector("x");
        using var c = torch.tensor(1.0);
        Assert.Catch<ArgumentException>(() => Function.Compile([T.Constant(c)], [x]));
        Assert.Catch<ArgumentException>(() => Function.Compile([x, x], [x * 2.0]));
    }

    [Test]
    public void Static_shape_errors_are_raised_when_the_graph_is_built()
    {
        var (a, b) = (T.Tensor(DType.Float64, [3, 4]), T.Tensor(DType.Float64, [5]));
        Assert.Catch<ArgumentException>(() => T.Dot(a, b));
        Assert.Catch<ArgumentException>(() => T.Add(T.Tensor(DType.Float64, [3]), T.Tensor(DType.Float64, [4])));
        Assert.Catch<ArgumentException>(() => T.Sum(T.DMatrix(), 2));
        Assert.Catch<ArgumentException>(() => T.DimShuffle(T.DMatrix(), [1]));
    }
}
