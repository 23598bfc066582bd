using Gradient.Compile;
using Gradient.Graph;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// The VM writes an output into a dead input's buffer where it can, and never where someone could still see it:
/// inputs, constants, shared values, returned outputs and buffers with live views stay intact.
/// </summary>
public sealed class InPlaceTests : ScopedTests
{
    private static void AssertClose(Tensor actual, Tensor expected) =>
        Assert.That(actual.allclose(expected, rtol: 1e-14, atol: 1e-14), Is.True,
            $"got {actual.str()}, expected {expected.str()}");

    [Test]
    public void A_chain_reuses_its_buffers_and_gives_the_same_values()
    {
        var x = T.DVector("x");
        var y = T.Tanh(T.Exp(x) * 2.0 + 1.0) - x;
        var f = Function.Compile([x], [y]);
        Assert.That(f.InPlaceCount, Is.GreaterThanOrEqualTo(2));
        var xs = Vec(-1, 0, 0.5);
        var before = xs.clone();
        AssertClose(f.Call(xs)[0], torch.tanh(torch.exp(before) * 2.0 + 1.0) - before);
        AssertClose(xs, before);  // the input itself is never written
    }

    [Test]
    public void Returned_outputs_are_not_overwritten_by_later_nodes()
    {
        var x = T.DVector("x");
        var e = T.Exp(x);
        var f = Function.Compile([x], [e, T.Tanh(e), T.Neg(e)]);
        var xs = Vec(0.1, 0.2);
        var outs = f.Call(xs);
        AssertClose(outs[0], torch.exp(xs));
        AssertClose(outs[1], torch.tanh(torch.exp(xs)));
        AssertClose(outs[2], -torch.exp(xs));
    }

    [Test]
    public void A_buffer_with_a_live_view_is_not_overwritten()
    {
        var x = T.DVector("x");
        var e = T.Exp(x);
        var column = T.DimShuffle(e, [0, -1]);          // a view of e, made before tanh(e) and read after it
        var t = T.Tanh(e);
        var y = column + T.DimShuffle(t, [0, -1]);
        var f = Function.Compile([x], [y]);
        var xs = Vec(0.3, -0.7);
        var expected = (torch.tanh(torch.exp(xs)) + torch.exp(xs)).unsqueeze(1);
        AssertClose(f.Call(xs)[0], expected);
    }

    [Test]
    public void A_node_reading_a_buffer_twice_still_computes_correctly()
    {
        var x = T.DVector("x");
        var e = T.Exp(x);
        var f = Function.Compile([x], [e * e + e]);
        var xs = Vec(0.5, 1.5);
        var ex = torch.exp(xs);
        AssertClose(f.Call(xs)[0], ex * ex + ex);
    }

    [Test]
    public void A_buffer_is_not_overwritten_while_another_input_of_the_node_views_it()
    {
        var x = T.DMatrix("x");
        var e = T.Exp(x);
        var f = Function.Compile([x], [e + T.Transpose(e)]);
        var xs = torch.tensor(new[] { 0.1, 0.2, 0.3, 0.4 }, [2, 2], ScalarType.Float64);
        AssertClose(f.Call(xs)[0], torch.exp(xs) + torch.exp(xs).T);
    }

    [Test]
    public void Constants_and_shared_values_are_never_written()
    {
        using var w = new SharedVariable(Vec(1, 2), "w");
        var c = T.Constant(Vec(3, 4));
        var x = T.DVector("x");
        var f = Function.Compile([x], [T.Exp(w) + T.Exp(c) + x]);
        for (int i = 0; i < 3; i++)
        {
            AssertClose(f.Call(Vec(0, 0))[0], torch.exp(Vec(1, 2)) + torch.exp(Vec(3, 4)));
        }
        AssertClose(w.GetValue(), Vec(1, 2));
        AssertClose(c.Value, Vec(3, 4));
    }

    [Test]
    public void A_broadcast_input_is_never_the_destination()
    {
        var x = T.DVector("x");
        var m = T.DMatrix("m");
        var e = T.Exp(x);                               // shape (n,), broadcast against (k, n)
        var f = Function.Compile([x, m], [e + m]);
        var xs = Vec(0.1, 0.2);
        var ms = torch.ones(3, 2, dtype: ScalarType.Float64);
        AssertClose(f.Call(xs, ms)[0], torch.exp(xs) + ms);
    }

    [Test]
    public void A_gradient_is_unchanged_by_buffer_reuse()
    {
        var x = T.DVector("x");
        var cost = (T.Tanh(x * 3.0) * T.Exp(x)).Sum();
        var g = Autodiff.Grad(cost, x);
        var reuse = Function.Compile([x], [g]);
        Assert.That(reuse.InPlaceCount, Is.GreaterThan(0));
        var xs = Vec(-0.4, 0.1, 0.9);
        var expected = 3.0 * (1 - torch.tanh(3.0 * xs).square()) * torch.exp(xs) + torch.tanh(3.0 * xs) * torch.exp(xs);
        AssertClose(reuse.Call(xs)[0], expected);
    }
}
