using Gradient.Compile;
using System.Runtime;
using System.Runtime.CompilerServices;
using Gradient.Graph;
using Gradient.Rewrites;
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
    /// The tables of a clone and of the merge pass, and the graph's order, are large arrays on a graph of thousands of
    /// nodes, which only a full collection frees: left full, they would keep every node the pass dropped alive through
    /// the cheap collections, which then copy it into the old generation (compiling graphs in a loop spent a third of
    /// its time there).
    /// </summary>
    [Test]
    public void Nodes_a_rewrite_drops_go_in_a_young_collection()
    {
        // No collection while the graph is made and rewritten, so that the dropped nodes are young when the pass ends.
        GC.Collect();
        Assert.That(GC.TryStartNoGCRegion(256L << 20), Is.True);
        FunctionGraph graph;
        WeakReference[] dropped;
        try
        {
            (graph, dropped) = TwinsDropped(3000);
            Assert.That(GCSettings.LatencyMode, Is.EqualTo(GCLatencyMode.NoGCRegion), "a collection ran meanwhile");
        }
        finally
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
        Assert.That(dropped.Select(w => GC.GetGeneration(w.Target!)).Max(), Is.EqualTo(0));
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        Assert.That(dropped.Count(w => w.IsAlive), Is.EqualTo(0), "dropped nodes kept alive");
        GC.KeepAlive(graph);
    }

    // A chain reading each step twice as two identical nodes; the merge keeps the first of each pair.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (FunctionGraph Graph, WeakReference[] Dropped) TwinsDropped(int steps)
    {
        var x = T.DVector("x");
        var y = x;
        for (int i = 0; i < steps; i++)
        {
            y = T.Tanh(y) + T.Tanh(y);
        }
        var graph = FunctionGraph.Clone([x], [y]);
        // Found by walking down the chain: a list of every node would itself be a large array naming them.
        var twins = new WeakReference[steps];
        var sum = graph.Outputs[0].Owner!;
        for (int i = 0; i < steps; i++)
        {
            twins[i] = new WeakReference(sum.Inputs[1].Owner!);
            sum = sum.Inputs[0].Owner!.Inputs[0].Owner ?? sum;
        }
        new EquilibriumRewrite("merge", [], merge: true).Apply(graph);
        Assert.That(graph.Outputs[0].Owner!.Inputs[1], Is.SameAs(graph.Outputs[0].Owner!.Inputs[0]));
        return (graph, twins);
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
