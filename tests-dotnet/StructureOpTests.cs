using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// SpecifyShape, Unbroadcast, Alloc, Eye, Join/stack, Split, ARange, ScalarFromTensor/TensorFromScalar, AllocDiag,
/// roll, Repeat, tile and PermuteRowElements: values against torch, pullbacks, pushforwards and second derivatives
/// against central differences, and bad shapes rejected with exceptions that name the op.
/// </summary>
public sealed class StructureOpTests : OpTableTests<StructureOpTests.Table>
{
    private static readonly Arg M34 = Arg.Matrix(3, 4), V4 = Arg.Vector(4), V5 = Arg.Vector(5), S = Arg.Scalar(),
        T234 = Arg.Tensor3(2, 3, 4);

    private static Tensor L(params long[] values) => torch.tensor(values, ScalarType.Int64);

    private static Tensor EyeRef(long n, long m, long k) =>
        torch.ones(n, m, dtype: ScalarType.Float64).triu(k).tril(k);

    private static IEnumerable<OpCase> All()
    {
        // specify_shape / unbroadcast: identities with a static type
        yield return new("specify_shape(x, (3, 4)) * 2", v => T.SpecifyShape(v[0], [3, 4]) * 2.0, t => t[0] * 2.0, M34);
        yield return new("specify_shape(x, (None, 4)) * x", v => T.SpecifyShape(v[0], [null, 4]) * v[0],
            t => t[0] * t[0], M34);
        yield return new("unbroadcast(row, 0) * row", v => T.Unbroadcast(v[0], 0) * v[1], t => t[0] * t[1],
            Arg.Row(4), Arg.Row(4));

        // alloc: broadcast to a symbolic shape
        yield return new("alloc(vector, 3, 4)", v => T.Alloc(v[0], 3, 4), t => t[0].expand(3, 4), V4);
        yield return new("alloc(scalar, x.shape[0], x.shape[1]) * x",
            v => T.Alloc(v[0], T.ShapeI(v[1], 0), T.ShapeI(v[1], 1)) * v[1], t => t[0].expand(3, 4) * t[1], S, M34);
        yield return new("alloc(row, 3, 4)", v => T.Alloc(v[0], 3, 4), t => t[0].expand(3, 4), Arg.Row(4));
        yield return new("alloc(col, 2, 3, 4)", v => T.Alloc(v[0], 2, 3, 4), t => t[0].expand(2, 3, 4),
            new Arg([null, 1], [3, 1]));
        yield return new("join(0, alloc(vector, 0, 4), alloc(vector, 1, 4)) (empty)", v => T.Join(0, T.Alloc(v[0], 0, 4), T.Alloc(v[0], 1, 4)),
            t => t[0].expand(1, 4), V4);

        // eye / identity_like
        yield return new("x * eye(3, 4, 1)", v => v[0] * T.Eye(3, 4, 1, DType.Float64), t => t[0] * EyeRef(3, 4, 1), M34);
        yield return new("x * eye(3, 4, -2)", v => v[0] * T.Eye(3, 4, -2, DType.Float64), t => t[0] * EyeRef(3, 4, -2), M34);
        yield return new("x + identity_like(x)", v => v[0] + T.IdentityLike(v[0]), t => t[0] + EyeRef(3, 3, 0),
            Arg.Matrix(3, 3));

        // join / concatenate / stack
        yield return new("join(0, x, y)", v => T.Join(0, v[0], v[1]), t => torch.cat([t[0], t[1]], 0), M34, Arg.Matrix(2, 4));
        yield return new("join(-1, x, y, empty)", v => T.Join(-1, v[0], v[1], v[0][":, 4:"]),
            t => torch.cat([t[0], t[1], t[0].slice(1, 4, 4, 1)], 1), M34, Arg.Matrix(3, 1));
        yield return new("concatenate([x, exp(x)], axis=1)", v => T.Concatenate([v[0], T.Exp(v[0])], 1),
            t => torch.cat([t[0], t[0].exp()], 1), M34);
        yield return new("stack([x, y], axis=1)", v => T.Stack([v[0], v[1]], 1), t => torch.stack([t[0], t[1]], 1), V4, V4);
        yield return new("stack([x, y, x], axis=-1)", v => T.Stack([v[0], v[1], v[0]], -1),
            t => torch.stack([t[0], t[1], t[0]], 2), M34, M34);

        // split: outputs without gradient get zeros
        yield return new("split(x, [1, 2])[1]", v => T.Split(v[0], [1, 2], 0)[1], t => t[0].narrow(0, 1, 2), M34);
        yield return new("split(x, [2, 0, 2], axis=1): p0 * p2", v =>
        {
            var p = T.Split(v[0], new long[] { 2, 0, 2 }, 1);
            return p[0] * p[2] + T.Sum(p[1]);
        }, t => t[0].narrow(1, 0, 2) * t[0].narrow(1, 2, 2), M34);
        yield return new("split(x, [3, 1], axis=-1) joined back reversed", v =>
        {
            var p = T.Split(v[0], new long[] { 3, 1 }, -1);
            return T.Join(1, p[1], T.Exp(p[0]));
        }, t => torch.cat([t[0].narrow(1, 3, 1), t[0].narrow(1, 0, 3).exp()], 1), M34);

        // arange: integer constants fold; a float arange is differentiable in start and step
        yield return new("x * arange(4)", v => v[0] * T.Cast(T.ARange(4), DType.Float64),
            t => t[0] * torch.arange(4, dtype: ScalarType.Float64), V4);
        yield return new("arange(start, 5.0, step) (float)", v => T.ARange(v[0], T.Constant(5.0), v[1]), t =>
        {
            double a = t[0].item<double>(), s = t[1].item<double>();
            long n = (long)Math.Ceiling((5.0 - a) / s);
            return a + s * torch.arange(n, dtype: ScalarType.Float64);
        }, S with { Low = -1.3, High = -1.1 }, S with { Low = 0.7, High = 0.8 });

        // scalar_from_tensor / tensor_from_scalar: identities that keep Aesara's names
        yield return new("tensor_from_scalar(scalar_from_tensor(s)) * x", v => T.TensorFromScalar(T.ScalarFromTensor(v[0])) * v[1],
            t => t[0] * t[1], S, M34);

        // diag: vector → matrix (AllocDiag), matrix → vector (ExtractDiag)
        yield return new("diag(vector)", v => T.Diag(v[0]), t => torch.diag(t[0]), V4);
        yield return new("diag(vector, 2)", v => T.Diag(v[0], 2), t => torch.diag(t[0], 2), V4);
        yield return new("diag(vector, -1)", v => T.Diag(v[0], -1), t => torch.diag(t[0], -1), V4);
        yield return new("diag(matrix, 1)", v => T.Diag(v[0], 1), t => torch.diag(t[0], 1), M34);
        yield return new("diag(diag(vector)) * vector", v => T.Diag(T.Diag(v[0])) * v[0], t => t[0] * t[0], V4);

        // roll
        yield return new("roll(vector, 2)", v => T.Roll(v[0], 2), t => t[0].roll(2), V5);
        yield return new("roll(vector, -7)", v => T.Roll(v[0], -7), t => t[0].roll(-7), V5);
        yield return new("roll(matrix, 1, axis=1)", v => T.Roll(v[0], 1, 1), t => t[0].roll(1, 1), M34);
        yield return new("roll(matrix, 5, axis=-2)", v => T.Roll(v[0], 5, -2), t => t[0].roll(5, 0), M34);
        yield return new("roll(tensor3, 3) (flattened)", v => T.Roll(v[0], 3), t => t[0].flatten().roll(3).reshape(2, 3, 4), T234);

        // repeat, scalar and vector counts (Aesara has no gradient for the latter)
        yield return new("repeat(vector, 3)", v => T.Repeat(v[0], 3, 0), t => t[0].repeat_interleave(3L, 0, null), V4);
        yield return new("repeat(matrix, [1, 0, 2], axis=0)", v => T.Repeat(v[0], T.Constant(L(1, 0, 2)), 0),
            t => t[0].repeat_interleave(L(1, 0, 2), 0, null), M34);
        yield return new("repeat(matrix, 2, axis=-1)", v => T.Repeat(v[0], 2, -1), t => t[0].repeat_interleave(2L, 1, null), M34);
        yield return new("repeat(matrix, 2) (flattened)", v => T.Repeat(v[0], 2), t => t[0].flatten().repeat_interleave(2L, 0, null), M34);

        // tile
        yield return new("tile(matrix, (2, 3))", v => T.Tile(v[0], 2, 3), t => t[0].tile([2, 3]), M34);
        yield return new("tile(vector, (2, 1, 2))", v => T.Tile(v[0], 2, 1, 2), t => t[0].tile([2, 1, 2]), V4);

        // permute_row_elements
        yield return new("permute_row_elements(x, [2, 0, 3, 1])", v => T.PermuteRowElements(v[0], T.Constant(L(2, 0, 3, 1))),
            t => t[0].index_select(1, L(2, 0, 3, 1)), M34);
        yield return new("permute_row_elements(x, [2, 0, 3, 1], inverse)",
            v => T.PermuteRowElements(v[0], T.Constant(L(2, 0, 3, 1)), inverse: true),
            t => t[0].index_select(1, L(1, 3, 0, 2)), M34);
        yield return new("permute_row_elements(vector, 2 permutations)",
            v => T.PermuteRowElements(v[0], T.Constant(torch.tensor(new long[,] { { 3, 2, 1, 0 }, { 1, 0, 3, 2 } }))),
            t => t[0].unsqueeze(0).expand(2, 4).gather(1, torch.tensor(new long[,] { { 3, 2, 1, 0 }, { 1, 0, 3, 2 } })), V4);
    }

    /// <summary>This file's cases.</summary>
    public sealed class Table : IOpTable
    {
        /// <inheritdoc/>
        public IEnumerable<OpCase> All() => StructureOpTests.All();
    }

    /// <summary>Static shapes are inferred where the lengths are known before running.</summary>
    [Test]
    public void Static_shapes_are_inferred()
    {
        var x = T.Tensor(DType.Float64, [3, 4]);
        Assert.That(T.Alloc(T.DScalar(), T.ShapeI(x, 0), T.Constant(2L)).Type.Shape, Is.EqualTo(new long?[] { 3, 2 }));
        Assert.That(T.Join(0, x, x).Type.Shape, Is.EqualTo(new long?[] { 6, 4 }));
        Assert.That(T.Join(1, x, T.DMatrix()).Type.Shape, Is.EqualTo(new long?[] { 3, null }));
        Assert.That(T.Split(x, [1, 3], 1).Select(p => p.Type.Shape[1]), Is.EqualTo(new long?[] { 1, 3 }));
        Assert.That(T.SpecifyShape(T.DMatrix(), [null, 5]).Type.Shape, Is.EqualTo(new long?[] { null, 5 }));
        Assert.That(T.Unbroadcast(T.DRow(), 0).Type.Shape, Is.EqualTo(new long?[] { null, null }));
        Assert.That(T.Eye(2, 5).Type.Shape, Is.EqualTo(new long?[] { 2, 5 }));
        Assert.That(T.Diag(T.Tensor(DType.Float64, [4]), -1).Type.Shape, Is.EqualTo(new long?[] { 5, 5 }));
        Assert.That(T.Repeat(x, 3, 1).Type.Shape, Is.EqualTo(new long?[] { 3, 12 }));
        Assert.That(T.Stack([x, x], 1).Type.Shape, Is.EqualTo(new long?[] { 3, 2, 4 }));
        Assert.That(T.ARange(T.DScalar(), T.Constant(3.0), T.Constant(1.0)).Type.Shape, Is.EqualTo(new long?[] { null }));
    }

    /// <summary>An integer arange of constants is a constant (AESARA-SEMANTICS); Aesara's dtype is the inputs' promotion.</summary>
    [Test]
    public void Integer_arange_of_constants_is_a_constant()
    {
        var r = T.ARange(2, 11, 3);
        Assert.That(r, Is.InstanceOf<Constant>());
        Assert.That(r.DType, Is.EqualTo(DType.Int8));
        Assert.That(GradCheck.Doubles(((Constant)r).Value), Is.EqualTo(new[] { 2.0, 5, 8 }));
        Assert.That(T.ARange(T.Constant(0.0), T.Constant(1.0), T.Constant(0.25)), Is.Not.InstanceOf<Constant>());
    }

    /// <summary>An integer arange with a symbolic stop: start and step get zero gradients, stop is disconnected.</summary>
    [Test]
    public void Integer_arange_gradients_follow_aesara()
    {
        var (start, stop) = (T.LScalar("start"), T.LScalar("stop"));
        var cost = T.Sum(T.Cast(T.ARange(start, stop, T.Constant(1L)), DType.Float64));
        var g = Autodiff.Grad(cost, start);
        using var a = torch.tensor(1L);
        using var b = torch.tensor(4L);
        var outs = Function.Compile([start, stop], [cost, g], new CompileOptions { OnUnusedInput = UnusedInputPolicy.Ignore })
            .Call(a, b);
        Assert.That(outs[0].item<double>(), Is.EqualTo(6.0));
        Assert.That(outs[1].item<double>(), Is.EqualTo(0.0));
        Assert.That(DTypes.FromTorch(outs[1].dtype), Is.EqualTo(Config.FloatX));
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Grad(cost, stop));
    }

    /// <summary>Symbolic shift, repeats and split sizes work at run time.</summary>
    [Test]
    public void Symbolic_shift_repeats_and_splits()
    {
        var x = T.DVector("x");
        var (shift, reps, sizes) = (T.LScalar("shift"), T.LVector("reps"), T.LVector("sizes"));
        var pieces = T.Split(x, sizes, 2);
        var f = Function.Compile([x, shift, reps, sizes],
            [T.Roll(x, shift), T.Repeat(x, reps, 0), pieces[1], T.Alloc(x, T.ShapeI(reps, 0), T.ShapeI(x, 0))]);
        using var xv = torch.tensor(new[] { 1.0, 2, 3, 4 });
        using var sv = torch.tensor(-1L);
        using var rv = L(0, 2, 1, 1);
        using var zv = L(3, 1);
        var outs = f.Call(xv, sv, rv, zv);
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new[] { 2.0, 3, 4, 1 }));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new[] { 2.0, 2, 3, 4 }));
        Assert.That(GradCheck.Doubles(outs[2]), Is.EqualTo(new[] { 4.0 }));
        Assert.That(outs[3].shape, Is.EqualTo(new long[] { 4, 4 }));
        var g = Autodiff.Grad(T.Sum(T.Repeat(x, reps, 0) * T.Repeat(x, reps, 0)), x);
        var grad = Function.Compile([x, reps], [g]).Call(xv, rv)[0];
        Assert.That(GradCheck.Doubles(grad), Is.EqualTo(new[] { 0.0, 8, 6, 8 }), "d/dx sum(repeat(x)^2) = 2 r x");
    }

    /// <summary>Bad shapes, lengths and arguments raise exceptions naming the op; nothing aborts the process.</summary>
    [Test]
    public void Bad_shapes_and_arguments_are_rejected()
    {
        var (x, y) = (T.DMatrix("x"), T.DMatrix("y"));
        using var m34 = torch.ones(3, 4, dtype: ScalarType.Float64);
        using var m24 = torch.ones(2, 4, dtype: ScalarType.Float64);
        using var m25 = torch.ones(2, 5, dtype: ScalarType.Float64);
        Expect<ArgumentException>(() => Function.Compile([x, y], [T.Join(0, x, y)]).Call(m34, m25), "Join");
        Expect<ArgumentException>(() => Function.Compile([x, y], [T.Join(0, x, T.DVector())]), "Join");
        Expect<ArgumentException>(() => Function.Compile([x], [T.Split(x, [1, 1], 0)[0]]).Call(m34), "Split");
        Expect<ArgumentException>(() => T.Split(T.Tensor(DType.Float64, [3]), [1, 1]), "Split");
        Expect<ArgumentException>(() => Function.Compile([x], [T.SpecifyShape(x, [2, 4])]).Call(m34), "SpecifyShape");
        Expect<ArgumentException>(() => T.SpecifyShape(T.Tensor(DType.Float64, [3]), [4]), "SpecifyShape");
        Expect<ArgumentException>(() => Function.Compile([x], [T.Alloc(x, 3, 5)]).Call(m24), "Alloc");
        Expect<ArgumentException>(() => T.Alloc(T.Tensor(DType.Float64, [3]), 2, 4), "Alloc");
        var n = T.LScalar("n");
        using var minus = torch.tensor(-2L);
        Expect<ArgumentException>(() => Function.Compile([n], [T.Eye(n)]).Call(minus), "Eye");
        Expect<ArgumentException>(() => Function.Compile([n], [T.Alloc(T.Constant(1.0), n)]).Call(minus), "Alloc");
        var step = T.DScalar("step");
        using var zero = torch.tensor(0.0);
        Expect<ArgumentException>(() => Function.Compile([step], [T.ARange(T.Constant(0.0), T.Constant(3.0), step)]).Call(zero), "ARange");
        var r = T.LVector("r");
        using var negative = L(1, -1, 2);
        using var tooShort = L(1, 2);
        Expect<ArgumentException>(() => Function.Compile([x, r], [T.Repeat(x, r, 0)]).Call(m34, negative), "Repeat");
        Expect<ArgumentException>(() => Function.Compile([x, r], [T.Repeat(x, r, 0)]).Call(m34, tooShort), "Repeat");
        Expect<ArgumentException>(() => T.Repeat(x, 1, 2), "Repeat");
        var p = T.LVector("p");
        using var notPermutation = L(0, 0, 1, 2);
        Expect<ArgumentException>(() => Function.Compile([x, p], [T.PermuteRowElements(x, p)]).Call(m34, notPermutation),
            "PermuteRowElements");
        Expect<ArgumentException>(() => T.Diag(T.DTensor3()), "diag");
        Expect<ArgumentException>(() => T.Stack([x, T.DVector()]), "stack");
    }

    /// <summary>Every new op reports Aesara's class name and is rebuilt equal from its props.</summary>
    [Test]
    public void Ops_report_aesara_names_and_props()
    {
        var x = T.DMatrix("x");
        var v = T.DVector("v");
        var ops = new (Variable Out, string Name)[]
        {
            (T.SpecifyShape(x, [3, null]), "SpecifyShape"), (T.Unbroadcast(T.DRow(), 0), "Unbroadcast"),
            (T.Alloc(v, 3, 4), "Alloc"), (T.Eye(T.LScalar()), "Eye"), (T.Join(1, x, x), "Join"),
            (T.Split(x, [1, 2], 1)[0], "Split"), (T.ARange(T.DScalar(), T.DScalar(), T.DScalar()), "ARange"),
            (T.ScalarFromTensor(T.DScalar()), "ScalarFromTensor"), (T.TensorFromScalar(T.DScalar()), "TensorFromScalar"),
            (T.Diag(v, 1), "AllocDiag"), (T.Repeat(x, 2, 1), "Repeat"),
            (T.PermuteRowElements(x, T.LMatrix()), "PermuteRowElements"),
        };
        foreach (var (y, name) in ops)
        {
            var op = y.Owner!.Op;
            Assert.That(op.ClassName, Is.EqualTo(name));
            var args = op.Props.Select(p => p.Value is System.Collections.IEnumerable list && p.Value is not string
                ? list.Cast<int>().ToList()
                : p.Value).ToArray();
            var ctor = op.GetType().GetConstructors().Single(c => c.GetParameters().Length == args.Length
                && c.GetParameters().Zip(args).All(pa => pa.Second is null || pa.First.ParameterType.IsInstanceOfType(pa.Second)));
            Assert.That(ctor.Invoke(args), Is.EqualTo(op), $"{name} rebuilt from its props");
        }
    }

    /// <summary>Asserts that <paramref name="action"/> throws <typeparamref name="TException"/> mentioning <paramref name="op"/>.</summary>
    internal static void Expect<TException>(TestDelegate action, string op) where TException : Exception
    {
        var e = Assert.Catch<TException>(action);
        Assert.That(e!.Message, Does.Contain(op), "the message names the op");
    }
}
