using Gradient.Compile;
using Gradient.Graph;
using NUnit.Framework;
using TorchSharp;

namespace Gradient.Tests;

/// <summary>A call leaves no native tensor behind: only the outputs it returns stay alive, until the caller frees them.</summary>
public sealed class LeakTests
{
    [Test]
    public void Calls_leave_no_tensor_handles_behind()
    {
        var x = T.DMatrix("x");
        var w = T.DVector("w");
        using var scale = new SharedVariable(torch.tensor(0.5, dtype: torch.float64), "scale");
        var cost = (T.Tanh(T.Dot(x, w)) * scale).Sum() + T.Log(1.0 + T.Exp(w)).Sum();
        var grads = Autodiff.Grad(cost, [x, w]);
        var f = Function.Compile([x, w], [cost, .. grads], new CompileOptions { Updates = [new(scale, scale * 1.0)] });
        using var xs = torch.randn(4, 3, dtype: torch.float64);
        using var ws = torch.randn(3, dtype: torch.float64);
        Run(f, xs, ws, 5);
        long live = Settled();
        Run(f, xs, ws, 100);
        Assert.That(Settled(), Is.EqualTo(live));
    }

    [Test]
    public void A_failing_call_leaves_no_tensor_handles_behind()
    {
        var a = T.DMatrix("a");
        var b = T.DVector("b");
        var f = Function.Compile([a, b], [T.Exp(T.Dot(a, b))]);
        using var good = torch.ones(2, 3, dtype: torch.float64);
        using var bad = torch.ones(4, dtype: torch.float64);
        Assert.Throws<ArgumentException>(() => f.Call(good, bad));
        long live = Settled();
        for (int i = 0; i < 20; i++)
        {
            Assert.Throws<ArgumentException>(() => f.Call(good, bad));
        }
        Assert.That(Settled(), Is.EqualTo(live));
    }

    /// <summary>
    /// The live tensor count once the finalizers have run: tensors other tests left to the garbage collector must not
    /// be counted while this test runs.
    /// </summary>
    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return torch.Tensor.TotalCount;
    }

    private static void Run(Function f, torch.Tensor x, torch.Tensor w, int calls)
    {
        for (int i = 0; i < calls; i++)
        {
            foreach (var t in f.Call(x, w))
            {
                t.Dispose();
            }
        }
    }
}
