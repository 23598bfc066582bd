using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// Advanced indexing — AdvancedSubtensor1, AdvancedIncSubtensor1, AdvancedSubtensor, AdvancedIncSubtensor and take —
/// with integer arrays (negative, repeated, empty, broadcast), boolean masks and slices mixed in: values against torch,
/// pullbacks, pushforwards and second derivatives against central differences; bad indices raise
/// <see cref="IndexOutOfRangeException"/> (IndexError) or <see cref="ArgumentException"/> before any native call.
/// </summary>
public sealed class IndexingOpTests : OpTableTests<IndexingOpTests.Table>
{
    private static readonly Arg M34 = Arg.Matrix(3, 4), V5 = Arg.Vector(5), T234 = Arg.Tensor3(2, 3, 4);

    private static Tensor L(params long[] values) => torch.tensor(values, ScalarType.Int64);

    private static TensorIndex I(params long[] values) => TensorIndex.Tensor(L(values));

    /// <summary>numpy's <c>x[idx] = y</c> one write after the other (the last write wins), along axis 0.</summary>
    private static Tensor SetRows(Tensor x, long[] idx, Tensor y)
    {
        var result = x.clone();
        var rows = y.expand(idx.Length, x.shape[1]);
        for (int j = 0; j < idx.Length; j++)
        {
            result[idx[j] < 0 ? idx[j] + x.shape[0] : idx[j]] = rows[j];
        }
        return result;
    }

    private static IEnumerable<OpCase> All()
    {
        // AdvancedSubtensor1: x[int vector]
        yield return new("x[[2, 0, 2]]", v => T.Index(v[0], new long[] { 2, 0, 2 }), t => t[0].index_select(0, L(2, 0, 2)), M34);
        yield return new("x[[-1, 0]]", v => T.Index(v[0], new long[] { -1, 0 }), t => t[0].index_select(0, L(2, 0)), M34);
        yield return new("join(0, x[[]], x) (empty index)", v => T.Join(0, T.Index(v[0], Array.Empty<long>()), v[0]),
            t => torch.cat([t[0].index_select(0, L()), t[0]], 0), M34);
        yield return new("vector[[1, 1, 1, 3]] * 2", v => T.Index(v[0], new long[] { 1, 1, 1, 3 }) * 2.0,
            t => t[0].index_select(0, L(1, 1, 1, 3)) * 2.0, V5);
        yield return new("take(x, [1, -1], axis=0)", v => T.Take(v[0], T.Constant(L(1, -1)), 0),
            t => t[0].index_select(0, L(1, 2)), M34);

        // AdvancedIncSubtensor1: repeated indices accumulate for inc; the last write wins for set
        yield return new("inc_subtensor(x[[0, 2, 0]], y)", v => T.IncIndexed(T.Index(v[0], new long[] { 0, 2, 0 }), v[1]),
            t => t[0].clone().index_add_(0, L(0, 2, 0), t[1], 1), M34, M34);
        yield return new("set_subtensor(x[[0, 2, 0]], y)", v => T.SetIndexed(T.Index(v[0], new long[] { 0, 2, 0 }), v[1]),
            t => SetRows(t[0], [0, 2, 0], t[1]), M34, M34);
        yield return new("inc_subtensor(x[[1, -1]], row)", v => T.AdvancedIncSubtensor1(v[0], v[1], T.Constant(L(1, -1))),
            t => t[0].clone().index_add_(0, L(1, 2), t[1].expand(2, 4), 1), M34, Arg.Row(4));
        yield return new("set_subtensor(x[[1, 1]], vector)", v => T.AdvancedSetSubtensor1(v[0], v[1], T.Constant(L(1, 1))),
            t => SetRows(t[0], [1, 1], t[1]), M34, Arg.Vector(4));
        yield return new("inc_subtensor(x[[]], row) (empty index)", v => T.AdvancedIncSubtensor1(v[0], v[1], T.Constant(L())),
            t => t[0].clone(), M34, Arg.Row(4));

        // AdvancedSubtensor: arrays mixed with slices, broadcast arrays, masks, new axes
        yield return new("x[:, [3, 0]]", v => T.Index(v[0], ":", new long[] { 3, 0 }), t => t[0].index_select(1, L(3, 0)), M34);
        yield return new("x[[0, 2], [1, 3]]", v => T.Index(v[0], new long[] { 0, 2 }, new long[] { 1, 3 }),
            t => t[0].index(I(0, 2), I(1, 3)), M34);
        yield return new("x[[[0], [2]], [1, 3, 3]] (broadcast)",
            v => T.Index(v[0], new long[,] { { 0 }, { 2 } }, new long[] { 1, 3, 3 }),
            t => t[0].index(TensorIndex.Tensor(torch.tensor(new long[,] { { 0 }, { 2 } })), I(1, 3, 3)), M34);
        yield return new("t3[[0, 1], :, [2, 0]] (axes first)", v => T.Index(v[0], new long[] { 0, 1 }, ":", new long[] { 2, 0 }),
            t => t[0].index(I(0, 1), TensorIndex.Colon, I(2, 0)), T234);
        yield return new("t3[:, [2, 0], [1, 1]] (axes in place)", v => T.Index(v[0], ":", new long[] { 2, 0 }, new long[] { 1, 1 }),
            t => t[0].index(TensorIndex.Colon, I(2, 0), I(1, 1)), T234);
        yield return new("t3[1, :, [0, 3]] (an integer is an array)", v => T.Index(v[0], 1L, ":", new long[] { 0, 3 }),
            t => t[0].index(I(1), TensorIndex.Colon, I(0, 3)), T234);
        yield return new("x[1:, [0, -1]]", v => T.Index(v[0], "1:", new long[] { 0, -1 }),
            t => t[0].slice(0, 1, 3, 1).index_select(1, L(0, 3)), M34);
        yield return new("x[::-1, [1]]", v => T.Index(v[0], "::-1", new long[] { 1 }), t => t[0].flip(0).index_select(1, L(1)), M34);
        yield return new("x[mask]", v => T.Index(v[0], new[,] { { true, false, true, false }, { false, false, false, true }, { true, true, false, false } }),
            t => t[0].index(I(0, 0, 1, 2, 2), I(0, 2, 3, 0, 1)), M34);
        yield return new("x[row mask, 1:]", v => T.Index(v[0], new[] { true, false, true }, "1:"),
            t => t[0].index_select(0, L(0, 2)).slice(1, 1, 4, 1), M34);
        yield return new("t3[..., [1, 2]]", v => T.Index(v[0], "...", new long[] { 1, 2 }), t => t[0].index_select(2, L(1, 2)), T234);
        yield return new("x[None, [0, 2]]", v => T.Index(v[0], null, new long[] { 0, 2 }),
            t => t[0].index_select(0, L(0, 2)).unsqueeze(0), M34);
        yield return new("take(x, [[0, 5], [11, 2]]) (flattened)", v => T.Take(v[0], T.Constant(torch.tensor(new long[,] { { 0, 5 }, { 11, 2 } }))),
            t => t[0].flatten().index(TensorIndex.Tensor(torch.tensor(new long[,] { { 0, 5 }, { 11, 2 } }))), M34);
        yield return new("take(x, [1, -1], axis=1)", v => T.Take(v[0], T.Constant(L(1, -1)), 1), t => t[0].index_select(1, L(1, 3)), M34);
        yield return new("take(x, 2, axis=0)", v => T.Take(v[0], T.Constant(2L), 0), t => t[0][2], M34);
        yield return new("take(x, [5, -6], axis=1, mode='wrap')", v => T.Take(v[0], T.Constant(L(5, -6)), 1, "wrap"),
            t => t[0].index_select(1, L(1, 2)), M34);

        // AdvancedIncSubtensor
        yield return new("inc_subtensor(x[[0, 0, 2], [1, 1, 3]], y)",
            v => T.AdvancedIncSubtensor(v[0], [new long[] { 0, 0, 2 }, new long[] { 1, 1, 3 }], v[1]),
            t => t[0].clone().index_put_(t[1], [L(0, 0, 2), L(1, 1, 3)], true), M34, Arg.Vector(3));
        yield return new("set_subtensor(x[[0, 0], [1, 1]], y)",
            v => T.AdvancedSetSubtensor(v[0], [new long[] { 0, 0 }, new long[] { 1, 1 }], v[1]),
            t =>
            {
                var r = t[0].clone();
                r[0, 1] = t[1][1];
                return r;
            }, M34, Arg.Vector(2));
        yield return new("inc_subtensor(x[:, [1, 1]], y)", v => T.AdvancedIncSubtensor(v[0], [":", new long[] { 1, 1 }], v[1]),
            t => t[0].clone().index_add_(1, L(1, 1), t[1], 1), M34, Arg.Matrix(3, 2));
        yield return new("set_subtensor(x[mask], scalar)", v => T.AdvancedSetSubtensor(v[0], [new[] { false, true, true }], v[1]),
            t =>
            {
                var r = t[0].clone();
                r[1] = t[1].expand(4);
                r[2] = t[1].expand(4);
                return r;
            }, M34, Arg.Scalar());
        yield return new("inc_subtensor(t3[[0, 1], :, [2, 0]], y)",
            v => T.AdvancedIncSubtensor(v[0], [new long[] { 0, 1 }, ":", new long[] { 2, 0 }], v[1]),
            t => t[0].clone().index_put_(t[1], [L(0, 1).unsqueeze(1).expand(2, 3), L(0, 1, 2).unsqueeze(0).expand(2, 3),
                L(2, 0).unsqueeze(1).expand(2, 3)], true), T234, Arg.Matrix(2, 3));
        yield return new("set_subtensor(x[1, [0, 3]], y) * x",
            v => T.AdvancedSetSubtensor(v[0], [1L, new long[] { 0, 3 }], v[1]) * v[0],
            t =>
            {
                var r = t[0].clone();
                r[1, 0] = t[1][0];
                r[1, 3] = t[1][1];
                return r * t[0];
            }, M34, Arg.Vector(2));
    }

    /// <summary>This file's cases.</summary>
    public sealed class Table : IOpTable
    {
        /// <inheritdoc/>
        public IEnumerable<OpCase> All() => IndexingOpTests.All();
    }

    /// <summary>Index arrays and masks may be symbolic inputs; gradients scatter-add into x.</summary>
    [Test]
    public void Symbolic_index_arrays_and_masks()
    {
        var (x, w) = (T.DMatrix("x"), T.DMatrix("w"));
        var (i, j, mask) = (T.LVector("i"), T.IVector("j"), T.Tensor(DType.Bool, [null, null], "mask"));
        var rows = x[i];
        var pairs = x[i, j];
        var masked = x[mask];
        var cost = T.Sum(rows * w) + T.Sum(pairs) + T.Sum(masked * masked);
        var g = Autodiff.Grad(cost, x);
        var f = Function.Compile([x, w, i, j, mask], [rows, pairs, masked, g]);
        using var xv = GradCheck.Uniform([3, 4]);
        using var wv = GradCheck.Uniform([3, 4], seed: 5);
        using var iv = L(2, -3, 2);
        using var jv = torch.tensor(new[] { 1, 1, 0 });
        using var mv = xv.gt(0);
        var outs = f.Call(xv, wv, iv, jv, mv);
        using var rowsRef = xv.index_select(0, L(2, 0, 2));
        GradCheck.AssertClose(GradCheck.Doubles(outs[0]), outs[0].shape, GradCheck.Doubles(rowsRef), rowsRef.shape, 1e-12, "x[i]");
        using var pairsRef = xv.index(I(2, 0, 2), I(1, 1, 0));
        GradCheck.AssertClose(GradCheck.Doubles(outs[1]), outs[1].shape, GradCheck.Doubles(pairsRef), pairsRef.shape, 1e-12, "x[i, j]");
        using var maskedRef = xv.masked_select(mv);
        GradCheck.AssertClose(GradCheck.Doubles(outs[2]), outs[2].shape, GradCheck.Doubles(maskedRef), maskedRef.shape, 1e-12, "x[mask]");
        using var gRef = torch.zeros(3, 4, dtype: ScalarType.Float64).index_add_(0, L(2, 0, 2), wv, 1)
            .index_put_(torch.ones(3, dtype: ScalarType.Float64), [L(2, 0, 2), L(1, 1, 0)], true)
            .add(xv.mul(2).mul(mv.to_type(ScalarType.Float64)));
        GradCheck.AssertClose(GradCheck.Doubles(outs[3]), outs[3].shape, GradCheck.Doubles(gRef), gRef.shape, 1e-12, "gradient");
        Assert.That(x[i].Owner!.Op.ClassName, Is.EqualTo("AdvancedSubtensor1"));
        Assert.That(x[i, j].Owner!.Op.ClassName, Is.EqualTo("AdvancedSubtensor"));
    }

    /// <summary>A symbolic integer scalar index acts as an integer (the axis is dropped), and can be written to.</summary>
    [Test]
    public void Symbolic_scalar_index()
    {
        var (x, k) = (T.DMatrix("x"), T.LScalar("k"));
        var row = x[k];
        Assert.That(row.Ndim, Is.EqualTo(1));
        var set = T.SetIndexed(x[":", k], T.Constant(0.0));
        using var xv = GradCheck.Uniform([3, 4]);
        using var kv = torch.tensor(-1L);
        var outs = Function.Compile([x, k], [row, set]).Call(xv, kv);
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(GradCheck.Doubles(xv[2])));
        using var expected = xv.clone();
        expected[TensorIndex.Colon, 3] = torch.tensor(0.0);
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(GradCheck.Doubles(expected)));
    }

    /// <summary>
    /// A 0-d index gives fresh memory, as the op declares (torch alone would return a view): an in-place consumer must
    /// not write through into x.
    /// </summary>
    [Test]
    public void Scalar_index_result_is_not_a_view()
    {
        var (x, k) = (T.DVector("x"), T.LScalar("k"));
        var f = Function.Compile([x, k], [T.Exp(x[k]) + 1.0, x * 2.0]);
        using var xv = torch.tensor(new[] { 1.0, 2, 3 });
        using var kv = torch.tensor(1L);
        var outs = f.Call(xv, kv);
        Assert.That(outs[0].item<double>(), Is.EqualTo(Math.Exp(2) + 1));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new[] { 2.0, 4, 6 }));
    }

    /// <summary>Static shapes follow numpy's placement of the array axes.</summary>
    [Test]
    public void Static_shapes_follow_numpy_placement()
    {
        var x = T.Tensor(DType.Float64, [2, 3, 4, 5]);
        var i = T.Tensor(DType.Int64, [6]);
        var j = T.Tensor(DType.Int64, [2, 1]);
        Assert.That(x[":", i, j].Type.Shape, Is.EqualTo(new long?[] { 2, 2, 6, 5 }));
        Assert.That(x[i, ":", j].Type.Shape, Is.EqualTo(new long?[] { 2, 6, 3, 5 }));
        Assert.That(x[1L, "1:", i].Type.Shape, Is.EqualTo(new long?[] { 6, 2, 5 }));
        Assert.That(x[null, i].Type.Shape, Is.EqualTo(new long?[] { 1, 6, 3, 4, 5 }));
        Assert.That(x[T.Tensor(DType.Bool, [2, 3])].Type.Shape, Is.EqualTo(new long?[] { null, 4, 5 }));
        Assert.That(T.Index(x, new[] { true, false }).Type.Shape, Is.EqualTo(new long?[] { 1, 3, 4, 5 }));
    }

    /// <summary>Bad indices raise IndexOutOfRange (Python's IndexError) or ArgumentException; nothing aborts.</summary>
    [Test]
    public void Bad_indices_are_rejected()
    {
        var x = T.DMatrix("x");
        var i = T.LVector("i");
        using var xv = torch.ones(3, 4, dtype: ScalarType.Float64);
        using var tooBig = L(0, 3);
        using var tooSmall = L(-4);
        var rows = Function.Compile([x, i], [x[i]]);
        StructureOpTests.Expect<IndexOutOfRangeException>(() => rows.Call(xv, tooBig), "AdvancedSubtensor1");
        StructureOpTests.Expect<IndexOutOfRangeException>(() => rows.Call(xv, tooSmall), "AdvancedSubtensor1");
        var cols = Function.Compile([x, i], [x[":", i]]);
        StructureOpTests.Expect<IndexOutOfRangeException>(() => cols.Call(xv, L(4)), "AdvancedSubtensor");
        var inc = Function.Compile([x, i], [T.IncIndexed(x[i], T.Constant(1.0))]);
        StructureOpTests.Expect<IndexOutOfRangeException>(() => inc.Call(xv, tooBig), "AdvancedIncSubtensor1");
        var j = T.LVector("j");
        var pairs = Function.Compile([x, i, j], [x[i, j]]);
        StructureOpTests.Expect<IndexOutOfRangeException>(() => pairs.Call(xv, L(0, 1), L(0, 1, 2)), "shape mismatch");
        var mask = T.Tensor(DType.Bool, [null], "mask");
        var masked = Function.Compile([x, mask], [x[mask]]);
        using var wrongMask = torch.tensor(new[] { true, false });
        StructureOpTests.Expect<IndexOutOfRangeException>(() => masked.Call(xv, wrongMask), "boolean index");
        var fixedX = T.Tensor(DType.Float64, [3, 4]);
        StructureOpTests.Expect<IndexOutOfRangeException>(() => T.Index(fixedX, new long[] { 0, 3 }), "out of bounds");
        StructureOpTests.Expect<IndexOutOfRangeException>(() => T.Index(fixedX, ":", new long[] { -5 }), "out of bounds");
        StructureOpTests.Expect<IndexOutOfRangeException>(() => T.Index(fixedX, new[] { true, false }), "boolean index");
        StructureOpTests.Expect<IndexOutOfRangeException>(() => T.Index(x, 0L, 0L, new long[] { 0 }), "too many indices");
        StructureOpTests.Expect<IndexOutOfRangeException>(() => T.Index(x, T.DVector()), "valid indices");
        var y = T.DMatrix("y");
        var set = Function.Compile([x, y, i], [T.SetIndexed(x[i], y)]);
        using var wrongValue = torch.ones(2, 3, dtype: ScalarType.Float64);
        StructureOpTests.Expect<ArgumentException>(() => set.Call(xv, wrongValue, L(0, 1)), "AdvancedIncSubtensor1");
        StructureOpTests.Expect<ArgumentException>(() => T.SetIndexed(x[i], T.DTensor3()), "AdvancedSetSubtensor1");
        StructureOpTests.Expect<ArgumentException>(() => T.SetIndexed(x + 1.0, y), "set_subtensor");
        StructureOpTests.Expect<ArgumentException>(() => T.IncIndexed(T.Cast(x, DType.Int32)[i], y), "without loss");
    }

    /// <summary>The indexing ops report Aesara's class names and are rebuilt equal from their props.</summary>
    [Test]
    public void Ops_report_aesara_names_and_props()
    {
        var x = T.DMatrix("x");
        var i = T.LVector("i");
        var ops = new (Variable Out, string Name)[]
        {
            (x[i], "AdvancedSubtensor1"), (T.IncIndexed(x[i], T.DScalar()), "AdvancedIncSubtensor1"),
            (x["::-1", i], "AdvancedSubtensor"), (T.SetIndexed(x["1:", i], T.DScalar()), "AdvancedIncSubtensor"),
        };
        foreach (var (y, name) in ops)
        {
            var op = y.Owner!.Op;
            Assert.That(op.ClassName, Is.EqualTo(name));
            var ctor = op.GetType().GetConstructors().Single(c => c.GetParameters().Length == op.Props.Count);
            var args = op.Props.Select(p => p.Value is System.Collections.IEnumerable list && p.Value is not string
                ? list.Cast<string>().ToList()
                : p.Value).ToArray();
            Assert.That(ctor.Invoke(args), Is.EqualTo(op), $"{name} rebuilt from its props");
        }
    }
}
