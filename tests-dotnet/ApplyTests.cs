using Gradient.Graph;
using NUnit.Framework;

namespace Gradient.Tests;

/// <summary>A node's outputs, kept without an array when there is one.</summary>
public sealed class ApplyTests
{
    [Test]
    public void Outputs_lists_one_output_or_several_in_order()
    {
        var x = T.DMatrix("x");
        var one = T.Tanh(x).Owner!;
        Assert.That(one.Outputs.Count, Is.EqualTo(1));
        Assert.That(one.Outputs[0], Is.SameAs(one.Output));
        Assert.That(one.Outputs.ToArray(), Is.EqualTo(new[] { one.Output }));
        Assert.That(one.Output.Owner, Is.SameAs(one));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = one.Outputs[1]);

        var (max, argmax) = T.MaxAndArgmax(x, [1]);
        var two = max.Owner!;
        Assert.That(argmax.Owner, Is.SameAs(two));
        Assert.That(two.Outputs.Count, Is.EqualTo(2));
        var listed = new List<Variable>();
        foreach (var output in two.Outputs)
        {
            listed.Add(output);
        }
        Assert.That(listed, Is.EqualTo(new[] { max, argmax }));
        Assert.That(((IReadOnlyList<Variable>)two.Outputs).Select(o => o.Index), Is.EqualTo(new[] { 0, 1 }));
        Assert.Throws<InvalidOperationException>(() => _ = two.Output);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = two.Outputs[2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = two.Outputs[-1]);
    }

    [Test]
    public void A_clone_copies_each_output_with_its_name()
    {
        var x = T.DMatrix("x");
        var (max, argmax) = T.MaxAndArgmax(x, [1]);
        max.Name = "m";
        var y = T.Tanh(x);
        y.Name = "t";
        var graph = FunctionGraph.Clone([x], [max, argmax, y]);
        Assert.That(graph.Outputs.Select(o => o.Name), Is.EqualTo(new[] { "m", null, "t" }));
        Assert.That(graph.Outputs[0].Owner, Is.SameAs(graph.Outputs[1].Owner));
        Assert.That(graph.Outputs[0].Owner, Is.Not.SameAs(max.Owner));
        Assert.That(graph.Outputs[2].Owner!.Outputs.Count, Is.EqualTo(1));
    }
}
