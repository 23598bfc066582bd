using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// Shared variables, updates, givens and the unused-input policy behave as Aesara's <c>function</c> does.
/// </summary>
public sealed class FunctionSemanticsTests : ScopedTests
{
    private static double[] Values(Tensor t) => t.data<double>().ToArray();

    [Test]
    public void Updates_store_after_the_outputs_and_return_the_old_value()
    {
        using var state = new SharedVariable(torch.tensor(0L), "state");
        var inc = T.Tensor(DType.Int64, [], "inc");
        var accumulate = Function.Compile([inc], [state], new CompileOptions { Updates = [new(state, state + inc)] });
        Assert.That(accumulate.Call(torch.tensor(1L))[0].item<long>(), Is.EqualTo(0));
        Assert.That(accumulate.Call(torch.tensor(300L))[0].item<long>(), Is.EqualTo(1));
        Assert.That(state.GetValue().item<long>(), Is.EqualTo(301));
    }

    [Test]
    public void Updates_are_atomic_so_a_swap_swaps()
    {
        using var a = new SharedVariable(Vec(1, 2), "a");
        using var b = new SharedVariable(Vec(10, 20), "b");
        var swap = Function.Compile([], [], new CompileOptions { Updates = [new(a, b), new(b, a)] });
        swap.Call();
        Assert.That(Values(a.GetValue()), Is.EqualTo(new[] { 10.0, 20.0 }));
        Assert.That(Values(b.GetValue()), Is.EqualTo(new[] { 1.0, 2.0 }));
    }

    [Test]
    public void An_update_of_another_dtype_is_refused()
    {
        using var a = new SharedVariable(torch.zeros(2, dtype: ScalarType.Float32), "a");
        var x = T.DVector("x");
        var ex = Assert.Throws<ArgumentException>(() =>
            Function.Compile([x], [], new CompileOptions { Updates = [new(a, x)] }));
        Assert.That(ex!.Message, Does.Contain("same type as the original shared variable"));
    }

    [Test]
    public void Shared_values_are_copied_in_and_out()
    {
        var start = Vec(1, 2);
        using var w = new SharedVariable(start, "w");
        start[0] = torch.tensor(99.0);
        var got = w.GetValue();
        got[1] = torch.tensor(-5.0);
        Assert.That(Values(w.GetValue()), Is.EqualTo(new[] { 1.0, 2.0 }));
        w.SetValue(torch.tensor(new[] { 3f, 4f, 5f }));  // float32 → float64 converts without loss
        Assert.That(Values(w.GetValue()), Is.EqualTo(new[] { 3.0, 4.0, 5.0 }));
        Assert.Throws<ArgumentException>(() => w.SetValue(torch.zeros(2, 2, dtype: ScalarType.Float64)));
        Assert.Throws<ArgumentException>(() => w.SetValue(torch.zeros(2, dtype: ScalarType.ComplexFloat64)));
    }

    [Test]
    public void Gradient_descent_through_shared_weights_converges()
    {
        torch.manual_seed(1);
        var xData = torch.randn(50, 2, dtype: ScalarType.Float64);
        var target = xData.matmul(Vec(1.5, -0.5));
        using var w = new SharedVariable(torch.zeros(2, dtype: ScalarType.Float64), "w");
        var x = T.DMatrix("X");
        var t = T.DVector("t");
        var diff = T.Dot(x, w) - t;
        var cost = (diff * diff).Sum() / 50.0;
        var train = Function.Compile([x, t], [cost],
            new CompileOptions { Updates = [new(w, w - 0.5 * Autodiff.Grad(cost, w))] });
        double first = train.Call(xData, target)[0].item<double>(), last = first;
        for (int i = 0; i < 200; i++)
        {
            last = train.Call(xData, target)[0].item<double>();
        }
        Assert.That(last, Is.LessThan(first * 1e-6));
        Assert.That(Values(w.GetValue()), Is.EqualTo(new[] { 1.5, -0.5 }).Within(1e-4));
    }

    [Test]
    public void Givens_replace_a_shared_variable_without_touching_it()
    {
        using var state = new SharedVariable(torch.tensor(0L), "state");
        var inc = T.Tensor(DType.Int64, [], "inc");
        var foo = T.Tensor(DType.Int64, [], "foo");
        var f = Function.Compile([inc, foo], [state * T.Constant(2L) + inc],
            new CompileOptions { Givens = new Dictionary<Variable, Variable> { [state] = foo } });
        Assert.That(f.Call(torch.tensor(1L), torch.tensor(3L))[0].item<long>(), Is.EqualTo(7));
        Assert.That(state.GetValue().item<long>(), Is.EqualTo(0));
    }

    [Test]
    public void Givens_cut_the_graph_at_an_intermediate()
    {
        var x = T.DVector("x");
        var y = T.DVector("y");
        var z = T.Exp(x);
        var f = Function.Compile([y], [(z * 2.0).Sum()],
            new CompileOptions { Givens = new Dictionary<Variable, Variable> { [z] = y } });
        Assert.That(f.Call(Vec(1, 2))[0].item<double>(), Is.EqualTo(6.0));
        Assert.That(f.Toposort().Any(n => n.Op.ToString() == "Elemwise{exp}"), Is.False);
    }

    [Test]
    public void Unused_inputs_raise_by_default_and_can_be_ignored()
    {
        var x = T.DVector("x");
        var y = T.DVector("y");
        var ex = Assert.Throws<UnusedInputException>(() => Function.Compile([x, y], [x * 2.0]));
        Assert.That(ex!.Message, Does.Contain("index 1").And.Contain("y"));
        var f = Function.Compile([x, y], [x * 2.0], new CompileOptions { OnUnusedInput = UnusedInputPolicy.Ignore });
        Assert.That(Values(f.Call(Vec(1), Vec(5, 6))[0]), Is.EqualTo(new[] { 2.0 }));
    }

    [Test]
    public void A_shared_variable_cannot_be_an_explicit_input()
    {
        using var w = new SharedVariable(Vec(0, 0), "w");
        var ex = Assert.Throws<ArgumentException>(() => Function.Compile([w], [w * 2.0]));
        Assert.That(ex!.Message, Does.Contain("shared variable"));
    }

    [Test]
    public void Compiling_does_not_change_the_users_graph()
    {
        var x = T.DVector("x");
        var y = T.Tanh(x) * 2.0;
        var before = GraphOrder.Toposort([y]).Select(n => n.ToString()).ToArray();
        var replacement = T.DVector("r");
        Function.Compile([replacement], [y], new CompileOptions
        {
            Givens = new Dictionary<Variable, Variable> { [x] = replacement },
        });
        Assert.That(GraphOrder.Toposort([y]).Select(n => n.ToString()), Is.EqualTo(before));
        Assert.That(y.Owner!.Inputs[0].Owner!.Inputs[0], Is.SameAs(x));
    }

    [Test]
    public void Allow_input_downcast_converts_lossy_arguments()
    {
        var x = T.FVector("x");
        var strict = Function.Compile([x], [x * 2.0]);
        Assert.Throws<ArgumentException>(() => strict.Call(Vec(0.5)));
        var lenient = Function.Compile([x], [x * 2.0], new CompileOptions { AllowInputDowncast = true });
        var result = lenient.Call(Vec(0.5))[0];
        Assert.That(result.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(result.data<float>().ToArray(), Is.EqualTo(new[] { 1f }));
    }

    [Test]
    public void Dotnet_arrays_and_numbers_are_accepted_as_arguments_and_shared_values()
    {
        var m = T.DMatrix("m");
        var v = T.DVector("v");
        var s = T.FScalar("s");
        using var w = Shared.Create(new[] { 1.0, 2.0 }, "w");
        var f = Function.Compile([m, v, s], [T.Dot(m, v + w) * s]);
        var result = f.Call(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } }, new[] { 1.0, 1.0 }, 2)[0];
        Assert.That(result.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(Values(result), Is.EqualTo(new[] { 4.0, 6.0, 10.0 }));
        Assert.Throws<ArgumentException>(() => f.Call(new[,] { { "a" } }, new[] { 1.0 }, 2));
        Assert.Throws<ArgumentException>(() => f.Call(new double[,] { { 1, 0 } }, new[] { 1.0, 1.0 }, 0.1));
        Assert.That(Shared.Create(3L).DType, Is.EqualTo(DType.Int64));
    }
}
