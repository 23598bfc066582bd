using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// Mean, Max, Reshape, Flatten, Subtensor (and the IncSubtensor of its pullback), abs and mod: values against torch,
/// pullbacks, pushforwards and second derivatives against central differences (the table of <see cref="OpGradientTests"/>).
/// </summary>
public sealed class ShapeOpTests : OpTableTests<ShapeOpTests.Table>
{
    private static readonly Arg M34 = Arg.Matrix(3, 4), V5 = Arg.Vector(5), T234 = Arg.Tensor3(2, 3, 4);

    private static IEnumerable<OpCase> All()
    {
        // mean = sum / count
        yield return new("mean(matrix)", v => T.Mean(v[0]), t => t[0].mean(), M34);
        yield return new("mean(matrix, axis=0)", v => T.Mean(v[0], 0), t => t[0].mean([0L]), M34);
        yield return new("mean(tensor3, axes=[0, 2], keepdims)", v => T.Mean(v[0], [0, 2], true),
            t => t[0].mean([0L, 2L], keepdim: true), T234);
        yield return new("mean(sqr(x), axis=-1)", v => T.Mean(T.Sqr(v[0]), -1), t => t[0].square().mean([1L]), M34);

        // max: values are distinct (random), so the derivative is exact
        yield return new("max(vector)", v => T.Max(v[0]), t => t[0].max(), V5);
        yield return new("max(matrix)", v => T.Max(v[0]), t => t[0].max(), M34);
        yield return new("max(matrix, axis=0)", v => T.Max(v[0], 0), t => t[0].amax([0L]), M34);
        yield return new("max(matrix, axis=1, keepdims)", v => T.Max(v[0], 1, true), t => t[0].amax([1L], keepdim: true), M34);
        yield return new("max(tensor3, axes=[0, 2])", v => T.Max(v[0], [0, 2]), t => t[0].amax([0L, 2L]), T234);
        yield return new("max(x * y, axis=1) * x.sum(1)", v => T.Max(v[0] * v[1], 1) * T.Sum(v[0], 1),
            t => (t[0] * t[1]).amax([1L]) * t[0].sum([1L]), M34, M34);

        // reshape / flatten
        yield return new("reshape(matrix, (2, -1))", v => v[0].Reshape(2, -1), t => t[0].reshape(2, 6), M34);
        yield return new("reshape(tensor3, (4, 6))", v => v[0].Reshape(4, 6), t => t[0].reshape(4, 6), T234);
        yield return new("reshape(vector, (5, 1)) * matrix", v => v[0].Reshape(5, 1) * v[1],
            t => t[0].reshape(5, 1) * t[1], V5, Arg.Matrix(5, 2));
        yield return new("reshape(matrix, shape of other)", v => T.Reshape(v[0], T.Shape(v[1])) * v[1],
            t => t[0].reshape(4, 3) * t[1], M34, Arg.Matrix(4, 3));
        yield return new("reshape(x, (x.shape[1], -1))", v => T.Reshape(v[0], T.MakeVector(T.ShapeI(v[0], 1), T.Constant(-1L))),
            t => t[0].reshape(4, 3), M34);
        yield return new("flatten(matrix)", v => v[0].Flatten(), t => t[0].flatten(), M34);
        yield return new("flatten(tensor3, 2)", v => v[0].Flatten(2), t => t[0].reshape(2, 12), T234);
        yield return new("sqr(flatten(tensor3, 3))", v => T.Sqr(v[0].Flatten(3)), t => t[0].square(), T234);

        // subtensor: integers, negative integers, slices with steps of both signs, new axes
        yield return new("x[1]", v => v[0][1], t => t[0][1], M34);
        yield return new("x[-1]", v => v[0]["-1"], t => t[0][2], M34);
        yield return new("x[1:3]", v => v[0]["1:3"], t => t[0].slice(0, 1, 3, 1), M34);
        yield return new("x[:, ::2]", v => v[0][":, ::2"], t => t[0].slice(1, 0, 4, 2), M34);
        yield return new("x[::-1]", v => v[0]["::-1"], t => t[0].flip(0), V5);
        yield return new("x[3:0:-2]", v => v[0]["3:0:-2"], t => t[0].index(new long[] { 3, 1 }), V5);
        yield return new("x[-2::-2, 1:]", v => v[0]["-2::-2, 1:"],
            t => t[0].index(new long[] { 1 }).slice(1, 1, 4, 1), M34);
        yield return new("x[None, 0, :2]", v => v[0]["None, 0, :2"], t => t[0][0].slice(0, 0, 2, 1).unsqueeze(0), M34);
        yield return new("x[1, :, -1]", v => v[0]["1, :, -1"], t => t[0][1].select(1, 3), T234);
        yield return new("x[:, 2:9] (stop clamped)", v => v[0][":, 2:9"], t => t[0].slice(1, 2, 4, 1), M34);
        yield return new("x[1:] * x[:-1]", v => v[0]["1:"] * v[0][":-1"],
            t => t[0].slice(0, 1, 5, 1) * t[0].slice(0, 0, 4, 1), V5);
        yield return new("exp(x[::-1, 1]) * y", v => T.Exp(v[0]["::-1, 1"]) * v[1],
            t => t[0].flip(0).select(1, 1).exp() * t[1], M34, Arg.Vector(3));

        // abs (values away from 0) and mod
        yield return new("abs(x)", v => T.Abs(v[0]), t => t[0].abs(), M34);
        yield return new("abs(x) * x", v => T.Abs(v[0]) * v[0], t => t[0].abs() * t[0], V5);
        yield return new("x % 0.7", v => v[0] % 0.75, t => t[0].remainder(0.75), M34) { Step = 1e-7 };
        yield return new("x % y", v => v[0] % v[1], t => t[0].remainder(t[1]), V5, V5.Positive) { Step = 1e-7 };

        // composite: a max-pooling-like reduction on reshaped, sliced input
        yield return new("max(reshape(x[:, 1:], (3, 3)), axis=1).mean()", v => T.Mean(T.Max(v[0][":, 1:"].Reshape(3, 3), 1)),
            t => t[0].slice(1, 1, 4, 1).reshape(3, 3).amax([1L]).mean(), M34);
    }

    /// <summary>This file's cases.</summary>
    public sealed class Table : IOpTable
    {
        /// <inheritdoc/>
        public IEnumerable<OpCase> All() => ShapeOpTests.All();
    }

    /// <summary>Shapes are disconnected: asking for a gradient through x.shape alone raises.</summary>
    [Test]
    public void Shape_is_disconnected()
    {
        var x = T.DMatrix("x");
        var cost = T.Cast(T.Sum(T.Shape(x)), DType.Float64);
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Grad(cost, x));
        var zeros = Autodiff.Grad(cost, [x], new GradOptions { DisconnectedInputs = DisconnectedPolicy.Ignore })[0];
        using var value = torch.ones(2, 3, dtype: ScalarType.Float64);
        var g = Function.Compile([x], [zeros]).Call(value)[0];
        Assert.That(GradCheck.Doubles(g), Is.All.EqualTo(0.0));
    }

    /// <summary>
    /// Tied maxima share the output gradient evenly, so the pullback is the adjoint of the pushforward (the mean of the
    /// tied tangents). Aesara gives every tie the full gradient, which counts a value copied n times n times.
    /// </summary>
    [Test]
    public void Max_gradient_is_shared_by_tied_maxima()
    {
        var x = T.DVector("x");
        var g = Autodiff.Grad(T.Max(x), x);
        using var value = torch.tensor(new[] { 1.0, 3.0, 3.0, 2.0 });
        Assert.That(GradCheck.Doubles(Function.Compile([x], [g]).Call(value)[0]), Is.EqualTo(new[] { 0.0, 0.5, 0.5, 0 }));
        var v = T.DVector("v");
        var jvp = Autodiff.Rop([T.Max(x)], [x], [v])[0];
        using var direction = torch.tensor(new[] { 5.0, 1.0, 3.0, 7.0 });
        Assert.That(Function.Compile([x, v], [jvp]).Call(value, direction)[0].item<double>(), Is.EqualTo(2.0),
            "ties: the mean of the tied tangents");
    }

    /// <summary>Slices that select nothing give empty results, as numpy.</summary>
    [Test]
    public void Empty_slices_give_empty_results()
    {
        var x = T.DMatrix("x");
        using var value = torch.ones(3, 4, dtype: ScalarType.Float64);
        var outs = Function.Compile([x], [x[":, 5:9"], x["2:0"], x["::-1, 3:1:1"], Autodiff.Grad(T.Sum(x[":, 5:9"]), x)])
            .Call(value);
        Assert.That(outs[0].shape, Is.EqualTo(new long[] { 3, 0 }));
        Assert.That(outs[1].shape, Is.EqualTo(new long[] { 0, 4 }));
        Assert.That(outs[2].shape, Is.EqualTo(new long[] { 3, 0 }));
        Assert.That(outs[3].shape, Is.EqualTo(new long[] { 3, 4 }));
    }

    /// <summary>Bad shapes and indices fail with a clear exception before any native call.</summary>
    [Test]
    public void Bad_reshapes_and_indices_are_rejected()
    {
        var x = T.DMatrix("x");
        Assert.Throws<ArgumentException>(() => T.Reshape(T.Tensor(DType.Float64, [3, 4]), 5, -1));
        Assert.Throws<IndexOutOfRangeException>(() => T.Index(T.Tensor(DType.Float64, [3, 4]), "3"));
        Assert.Throws<IndexOutOfRangeException>(() => T.Index(x, "0, 0, 0"));
        Assert.Throws<ArgumentException>(() => T.Index(x, "::0"));
        using var value = torch.ones(3, 4, dtype: ScalarType.Float64);
        var reshape = Function.Compile([x], [x.Reshape(5, -1)]);
        Assert.Throws<ArgumentException>(() => reshape.Call(value));
        var index = Function.Compile([x], [x["7"]]);
        Assert.Throws<IndexOutOfRangeException>(() => index.Call(value));
        var max = Function.Compile([x], [T.Max(x, 0)]);
        using var empty = torch.ones(0, 4, dtype: ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => max.Call(empty));
        var i = T.IVector("i");
        using var zero = torch.tensor(new[] { 1, 0 });
        Assert.Throws<DivideByZeroException>(() => Function.Compile([i], [i.FloorDiv(i)]).Call(zero));
    }

    /// <summary>set_subtensor and inc_subtensor write into a copy; their derivatives pass through.</summary>
    [Test]
    public void Set_and_inc_subtensor_values_and_gradients()
    {
        var (x, y) = (T.DVector("x"), T.DScalar("y"));
        var entries = new[] { IndexEntry.Parse("::-2") };
        var set = T.SetSubtensor(x, entries, y);
        var inc = T.IncSubtensor(x, entries, y * 2.0);
        var cost = T.Sum(set * set) + T.Sum(inc);
        var grads = Autodiff.Grad(cost, [x, y]);
        using var xv = torch.tensor(new[] { 1.0, 2, 3, 4, 5 });
        using var yv = torch.tensor(10.0);
        var outs = Function.Compile([x, y], [set, inc, .. grads]).Call(xv, yv);
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new[] { 10.0, 2, 10, 4, 10 }));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new[] { 21.0, 2, 23, 4, 25 }));
        Assert.That(GradCheck.Doubles(outs[2]), Is.EqualTo(new[] { 1.0, 5, 1, 9, 1 }), "d/dx");
        Assert.That(outs[3].item<double>(), Is.EqualTo(3 * 2 * 10.0 + 3 * 2), "d/dy");
        Assert.That(GradCheck.Doubles(xv), Is.EqualTo(new[] { 1.0, 2, 3, 4, 5 }), "input untouched");
    }

    /// <summary>Every new op is reconstructible from its class name and props, and reports Aesara's class name.</summary>
    [Test]
    public void Ops_report_aesara_names_and_props()
    {
        var x = T.DMatrix("x");
        var ops = new (Variable Out, string Name)[]
        {
            (T.Shape(x), "Shape"), (T.ShapeI(x, 1), "Shape_i"), (x.Reshape(2, -1), "Reshape"),
            (x.Flatten(), "Flatten"), (T.Max(x, 0), "Max"), (x["1:, ::-1"], "Subtensor"),
            (T.SetSubtensor(x, [IndexEntry.Parse("0")], T.DScalar()), "IncSubtensor"),
            (T.MakeVector(T.ShapeI(x, 0)), "MakeVector"), (T.Lt(x, x), "Elemwise"),
        };
        foreach (var (y, name) in ops)
        {
            var op = y.Owner!.Op;
            Assert.That(op.ClassName, Is.EqualTo(name));
            var ctor = op.GetType().GetConstructors().Single(c => c.GetParameters().Length == op.Props.Count);
            var args = op.Props.Select((p, i) => p.Value is System.Collections.IEnumerable list && p.Value is not string
                ? ToList(list, ctor.GetParameters()[i].ParameterType)
                : p.Value).ToArray();
            if (op is Ops.Elemwise)
            {
                args = [Ops.ScalarOps.ByName((string)op.Props[0].Value!)];
            }
            Assert.That(ctor.Invoke(args), Is.EqualTo(op), $"{name} rebuilt from its props");
        }
    }

    private static object ToList(System.Collections.IEnumerable items, Type type) =>
        type == typeof(IReadOnlyList<string>) ? items.Cast<string>().ToList()
        : type == typeof(IReadOnlyList<int>) ? items.Cast<int>().ToList()
        : items;
}
