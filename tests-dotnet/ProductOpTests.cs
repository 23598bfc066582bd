using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Serialization;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// matmul, tensordot, batched_dot, outer and Aesara's dense dot against torch, with pullbacks, pushforwards and
/// second derivatives against central differences; bad shapes raise <see cref="ArgumentException"/> before libtorch
/// could abort the process.
/// </summary>
public sealed class ProductOpTests : OpTableTests<ProductOpTests.Table>
{
    private static readonly Arg M34 = Arg.Matrix(3, 4), M45 = Arg.Matrix(4, 5), V4 = Arg.Vector(4), V3 = Arg.Vector(3);

    private static IEnumerable<OpCase> All()
    {
        // matmul: numpy semantics.
        yield return new("matmul(matrix, matrix)", v => T.MatMul(v[0], v[1]), t => t[0].matmul(t[1]), M34, M45);
        yield return new("matmul(vector, matrix)", v => T.MatMul(v[0], v[1]), t => t[0].matmul(t[1]), V3, M34);
        yield return new("matmul(matrix, vector)", v => T.MatMul(v[0], v[1]), t => t[0].matmul(t[1]), M34, V4);
        yield return new("matmul(vector, vector)", v => T.MatMul(v[0], v[1]), t => t[0].matmul(t[1]), V4, V4);
        yield return new("matmul(tensor3, matrix)", v => T.MatMul(v[0], v[1]), t => t[0].matmul(t[1]),
            Arg.Tensor3(2, 3, 4), M45);
        yield return new("matmul(matrix, tensor3)", v => T.MatMul(v[0], v[1]), t => t[0].matmul(t[1]),
            M34, Arg.Tensor3(2, 4, 5));
        yield return new("matmul(tensor3, tensor3)", v => T.MatMul(v[0], v[1]), t => t[0].matmul(t[1]),
            Arg.Tensor3(2, 3, 4), Arg.Tensor3(2, 4, 5));
        yield return new("matmul(tensor3, vector)", v => T.MatMul(v[0], v[1]), t => t[0].matmul(t[1]),
            Arg.Tensor3(2, 3, 4), V4);
        yield return new("matmul(vector, tensor3)", v => T.MatMul(v[0], v[1]), t => t[0].matmul(t[1]),
            V3, Arg.Tensor3(2, 3, 4));
        yield return new("matmul(static-1 batch, tensor3) broadcasts", v => T.MatMul(v[0], v[1]), t => t[0].matmul(t[1]),
            new Arg([1, null, null], [1, 3, 4]), Arg.Tensor3(2, 4, 5));
        yield return new("matmul(tensor4 (2,1,3,4), tensor3 (3,4,2))", v => T.MatMul(v[0], v[1]), t => t[0].matmul(t[1]),
            new Arg([null, 1, null, null], [2, 1, 3, 4]), Arg.Tensor3(3, 4, 2));
        yield return new("matmul(x, x)", v => T.MatMul(v[0], v[0]), t => t[0].matmul(t[0]), Arg.Tensor3(2, 3, 3));

        // tensordot
        yield return new("tensordot(tensor3, tensor3, axes=2)", v => T.TensorDot(v[0], v[1], 2),
            t => torch.tensordot(t[0], t[1], [1L, 2L], [0L, 1L]), Arg.Tensor3(2, 3, 4), Arg.Tensor3(3, 4, 5));
        yield return new("tensordot(matrix, matrix, axes=1)", v => T.TensorDot(v[0], v[1], 1), t => t[0].mm(t[1]), M34, M45);
        yield return new("tensordot(vector, matrix, axes=0) (outer)", v => T.TensorDot(v[0], v[1], 0),
            t => t[0].reshape(3, 1, 1) * t[1].unsqueeze(0), V3, M34);
        yield return new("tensordot(tensor3, tensor3, [[2, 0], [0, 1]])", v => T.TensorDot(v[0], v[1], [2, 0], [0, 1]),
            t => torch.tensordot(t[0], t[1], [2L, 0L], [0L, 1L]), Arg.Tensor3(2, 3, 4), Arg.Tensor3(4, 2, 5));
        yield return new("tensordot(tensor3, matrix, [[-1], [0]])", v => T.TensorDot(v[0], v[1], [-1], [0]),
            t => torch.tensordot(t[0], t[1], [2L], [0L]), Arg.Tensor3(2, 3, 4), M45);
        yield return new("tensordot(matrix, tensor3, [[0, 1], [2, 0]])", v => T.TensorDot(v[0], v[1], [0, 1], [2, 0]),
            t => torch.tensordot(t[0], t[1], [0L, 1L], [2L, 0L]), M34, Arg.Tensor3(4, 2, 3));

        // batched_dot
        yield return new("batched_dot(tensor3, tensor3)", v => T.BatchedDot(v[0], v[1]), t => t[0].bmm(t[1]),
            Arg.Tensor3(2, 3, 4), Arg.Tensor3(2, 4, 5));
        yield return new("batched_dot(matrix, matrix)", v => T.BatchedDot(v[0], v[1]), t => (t[0] * t[1]).sum(1L),
            M34, M34);
        yield return new("batched_dot(tensor3, matrix)", v => T.BatchedDot(v[0], v[1]),
            t => t[0].bmm(t[1].unsqueeze(2)).squeeze(2), Arg.Tensor3(2, 3, 4), Arg.Matrix(2, 4));
        yield return new("batched_dot(matrix, tensor3)", v => T.BatchedDot(v[0], v[1]),
            t => t[0].unsqueeze(1).bmm(t[1]).squeeze(1), Arg.Matrix(2, 3), Arg.Tensor3(2, 3, 4));
        yield return new("batched_dot(vector, tensor3)", v => T.BatchedDot(v[0], v[1]),
            t => t[0].reshape(2, 1, 1) * t[1], Arg.Vector(2), Arg.Tensor3(2, 3, 4));

        // gemm: op(a)·op(b) [+ c], what the compiler fuses dense layers into
        yield return new("Gemm{NN}(matrix, matrix)", v => new Ops.Gemm(false, false).Call(v[0], v[1]),
            t => t[0].mm(t[1]), M34, M45);
        yield return new("Gemm{TN}(matrix, matrix, bias vector)", v => new Ops.Gemm(true, false).Call(v[0], v[1], v[2]),
            t => t[0].t().mm(t[1]) + t[2], Arg.Matrix(4, 3), M45, Arg.Vector(5));
        yield return new("Gemm{NT}(matrix, matrix, bias matrix)", v => new Ops.Gemm(false, true).Call(v[0], v[1], v[2]),
            t => t[0].mm(t[1].t()) + t[2], M34, Arg.Matrix(5, 4), Arg.Matrix(3, 5));
        yield return new("Gemm{TT}(matrix, matrix, bias column)", v => new Ops.Gemm(true, true).Call(v[0], v[1], v[2]),
            t => t[0].t().mm(t[1].t()) + t[2], Arg.Matrix(4, 3), Arg.Matrix(5, 4), new Arg([null, 1], [3, 1]));
        yield return new("Gemm{NN}(matrix, matrix, bias row)", v => new Ops.Gemm(false, false).Call(v[0], v[1], v[2]),
            t => t[0].mm(t[1]) + t[2], M34, M45, Arg.Row(5));
        yield return new("Gemm{NN}(x, x, bias vector of static length 1)",
            v => new Ops.Gemm(false, false).Call(v[0], v[0], v[1]), t => t[0].mm(t[0]) + t[1], Arg.Matrix(3, 3),
            new Arg([1], [1]));

        // outer and Aesara's dense dot
        yield return new("outer(vector, vector)", v => T.Outer(v[0], v[1]), t => torch.outer(t[0], t[1]), V3, V4);
        yield return new("outer(matrix, vector) flattens", v => T.Outer(v[0], v[1]),
            t => torch.outer(t[0].reshape(-1), t[1]), M34, V3);
        yield return new("dot(tensor3, matrix) = tensordot over last/second-to-last",
            v => T.DenseDot(v[0], v[1]), t => torch.tensordot(t[0], t[1], [2L], [0L]), Arg.Tensor3(2, 3, 4), M45);
        yield return new("dot(tensor3, tensor3)", v => T.DenseDot(v[0], v[1]),
            t => torch.tensordot(t[0], t[1], [2L], [1L]), Arg.Tensor3(2, 3, 4), Arg.Tensor3(2, 4, 5));
        yield return new("dot(scalar, matrix) multiplies", v => T.DenseDot(v[0], v[1]), t => t[0] * t[1], Arg.Scalar(), M34);
        yield return new("dot(matrix, matrix) uses Dot", v => T.DenseDot(v[0], v[1]), t => t[0].mm(t[1]), M34, M45);
        yield return new("sum(matmul(x, y) * tanh(tensordot(x, y, 1)))",
            v => T.Sum(T.MatMul(v[0], v[1]) * T.Tanh(T.TensorDot(v[0], v[1], 1))),
            t => (t[0].mm(t[1]) * t[0].mm(t[1]).tanh()).sum(), M34, M45);
    }

    /// <summary>This file's cases.</summary>
    public sealed class Table : IOpTable
    {
        /// <inheritdoc/>
        public IEnumerable<OpCase> All() => ProductOpTests.All();

        /// <inheritdoc/>
        public double ValueTolerance => 1e-12;
    }

    private static IEnumerable<TestCaseData> BadShapes()
    {
        TestCaseData Case(string name, Func<Variable, Variable, Variable> f, long[] a, long[] b) =>
            new TestCaseData(f, a, b).SetArgDisplayNames(name);
        yield return Case("matmul (3,4)·(5,6)", T.MatMul, [3, 4], [5, 6]);
        yield return Case("matmul (4,)·(3,)", T.MatMul, [4], [3]);
        yield return Case("matmul batch (2,3,4)·(3,4,5)", T.MatMul, [2, 3, 4], [3, 4, 5]);
        yield return Case("matmul batch (2,1,3,4)·(2,4,5) where axis 1 of a is not static 1", T.MatMul, [2, 2, 3, 4], [3, 4, 5]);
        yield return Case("tensordot axes=1 (3,4)·(5,6)", (a, b) => T.TensorDot(a, b, 1), [3, 4], [5, 6]);
        yield return Case("tensordot [[0],[1]] (3,4)·(4,5)", (a, b) => T.TensorDot(a, b, [0], [1]), [3, 4], [4, 5]);
        yield return Case("batched_dot batch (2,3,4)·(3,4,5)", T.BatchedDot, [2, 3, 4], [3, 4, 5]);
        yield return Case("batched_dot inner (2,3,4)·(2,5,6)", T.BatchedDot, [2, 3, 4], [2, 5, 6]);
        yield return Case("dot (2,3,4)·(5,6)", T.DenseDot, [2, 3, 4], [5, 6]);
        yield return Case("gemm (3,4)·(5,6)", (a, b) => new Ops.Gemm(false, false).Call(a, b), [3, 4], [5, 6]);
        yield return Case("gemm (3,4)ᵀ·(4,6)", (a, b) => new Ops.Gemm(true, false).Call(a, b), [3, 4], [4, 6]);
        yield return Case("gemm (3,4)·(5,4) + c (4,)", (a, b) => new Ops.Gemm(false, true).Call(a, b, T.Sum(b, [0])), [3, 4], [5, 4]);
    }

    /// <summary>With unknown static lengths the mismatch is found at run time, before the native call.</summary>
    [TestCaseSource(nameof(BadShapes))]
    public void Bad_shapes_raise_ArgumentException_at_run_time(Func<Variable, Variable, Variable> f, long[] sa, long[] sb)
    {
        using var scope = torch.NewDisposeScope();
        var a = T.Tensor(DType.Float64, sa.Select(_ => (long?)null).ToArray(), "a");
        var b = T.Tensor(DType.Float64, sb.Select(_ => (long?)null).ToArray(), "b");
        var fn = Function.Compile([a, b], [f(a, b)]);
        var e = Assert.Throws<ArgumentException>(() => fn.Call(torch.ones(sa, ScalarType.Float64), torch.ones(sb, ScalarType.Float64)));
        Assert.That(e!.Message, Does.Contain("matmul").Or.Contain("tensordot").Or.Contain("batched_dot").Or.Contain("gemm")
            .Or.Contain("Gemm"));
    }

    /// <summary>With known static lengths the mismatch is found when the graph is built.</summary>
    [TestCaseSource(nameof(BadShapes))]
    public void Bad_static_shapes_raise_ArgumentException_when_building(Func<Variable, Variable, Variable> f, long[] sa, long[] sb)
    {
        var a = T.Tensor(DType.Float64, sa.Select(n => (long?)n).ToArray(), "a");
        var b = T.Tensor(DType.Float64, sb.Select(n => (long?)n).ToArray(), "b");
        Assert.Throws<ArgumentException>(() => f(a, b));
    }

    [Test]
    public void Kernels_check_shapes_before_libtorch()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones(2, 3, 4, dtype: ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => Kernels.Kernels.MatMul(a, torch.ones(3, 4, 5, dtype: ScalarType.Float64)));
        Assert.Throws<ArgumentException>(() => Kernels.Kernels.MatMul(a, torch.ones(2, 5, 5, dtype: ScalarType.Float64)));
        Assert.Throws<ArgumentException>(() => Kernels.Kernels.MatMul(a, torch.ones(4, dtype: ScalarType.Float32)));
        Assert.Throws<ArgumentException>(() => Kernels.Kernels.MatMul(torch.ones(0, dtype: ScalarType.Float64).sum(), a));
        Assert.Throws<ArgumentException>(() => Kernels.Kernels.TensorDot(a, a, [0, 1], [0]));
        Assert.Throws<ArgumentException>(() => Kernels.Kernels.TensorDot(a, a, [0, 0], [0, 0]));
        Assert.Throws<ArgumentException>(() => Kernels.Kernels.TensorDot(a, a, [3], [0]));
        Assert.Throws<ArgumentException>(() => Kernels.Kernels.BatchedDot(a, torch.ones(2, 4, dtype: ScalarType.Float64).unsqueeze(0).unsqueeze(0)));
        Assert.That(Kernels.Kernels.MatMul(a, torch.ones(1, 4, 2, dtype: ScalarType.Float64)).shape, Is.EqualTo(new long[] { 2, 3, 2 }));
    }

    [Test]
    public void Static_shapes_dtypes_and_integer_operands()
    {
        var a = T.Tensor(DType.Float32, [2, 3, 4]);
        var b = T.Tensor(DType.Float32, [1, 4, null]);
        Assert.That(T.MatMul(a, b).Type.Shape, Is.EqualTo(new long?[] { 2, 3, null }));
        Assert.That(T.MatMul(a, T.FVector()).Type.Shape, Is.EqualTo(new long?[] { 2, 3 }));
        Assert.That(T.TensorDot(a, T.Tensor(DType.Float32, [4, 5]), 1).Type.Shape, Is.EqualTo(new long?[] { 2, 3, 5 }));
        Assert.That(T.BatchedDot(a, T.Tensor(DType.Float32, [2, 4])).Type.Shape, Is.EqualTo(new long?[] { 2, 3 }));
        Assert.That(T.Outer(T.FVector(), T.FMatrix()).DType, Is.EqualTo(DType.Float32));
        var i = T.Tensor(DType.Int32, [null, null], "i");
        var x = T.DMatrix("x");
        Assert.That(T.MatMul(i, x).DType, Is.EqualTo(DType.Float64));
        var g = Autodiff.Grad(T.Sum(T.MatMul(a, b)), [a, b]);
        Assert.That(g.Select(v => v.DType), Is.All.EqualTo(DType.Float32));
        Assert.That(g[1].Type.Broadcastable[0], Is.True, "the broadcast batch axis is summed back");
        using var scope = torch.NewDisposeScope();
        var iv = torch.tensor(new[,] { { 1, 2 }, { 3, 4 } });
        var xv = torch.tensor(new double[,] { { 1, 0 }, { 0.5, 2 } });
        var result = Function.Compile([i, x], [T.MatMul(i, x), Autodiff.Grad(T.Sum(T.MatMul(i, x)), [x])[0]]).Call(iv, xv);
        Assert.That(GradCheck.Doubles(result[0]), Is.EqualTo(new[] { 2.0, 4, 5, 8 }));
        Assert.That(GradCheck.Doubles(result[1]), Is.EqualTo(new[] { 4.0, 4, 6, 6 }));
    }

    /// <summary>Products with a length-0 axis: numpy's shapes and zeros, and gradients of the operands' shapes.</summary>
    [TestCase(new long[] { 0, 3 }, new long[] { 3, 4 })]
    [TestCase(new long[] { 3, 0 }, new long[] { 0, 2 })]
    [TestCase(new long[] { 2, 3, 0 }, new long[] { 2, 0, 5 })]
    public void Empty_axes_follow_numpy(long[] sa, long[] sb)
    {
        using var scope = torch.NewDisposeScope();
        var a = T.Tensor(DType.Float64, sa.Select(_ => (long?)null).ToArray(), "a");
        var b = T.Tensor(DType.Float64, sb.Select(_ => (long?)null).ToArray(), "b");
        var (va, vb) = (torch.ones(sa, ScalarType.Float64), torch.ones(sb, ScalarType.Float64));
        Variable[] products = sa.Length == 3
            ? [T.MatMul(a, b), T.BatchedDot(a, b), T.TensorDot(a, b, [2], [1])]
            : [T.MatMul(a, b), T.TensorDot(a, b, 1), T.DenseDot(a, b)];
        foreach (var y in products)
        {
            var grads = Autodiff.Grad(T.Sum(y * 3.0), [a, b]);
            var outs = Function.Compile([a, b], [y, .. grads]).Call(va, vb);
            using var expected = y.Owner?.Op is Ops.TensorDot td
                ? torch.tensordot(va, vb, td.AxesA.Select(i => (long)i).ToArray(), td.AxesB.Select(i => (long)i).ToArray())
                : va.matmul(vb);
            Assert.That(outs[0].shape, Is.EqualTo(expected.shape), y.ToString());
            Assert.That(outs[0].abs().sum().item<double>(), Is.EqualTo(0.0), "an empty sum is 0");
            Assert.That(outs[1].shape, Is.EqualTo(sa));
            Assert.That(outs[2].shape, Is.EqualTo(sb));
        }
    }

    [Test]
    public void Ops_round_trip_through_graph_json()
    {
        var a = T.Tensor(DType.Float64, [null, null, null], "a");
        var b = T.Tensor(DType.Float64, [null, null, null], "b");
        var outputs = new[] { T.MatMul(a, b), T.TensorDot(a, b, [2, 0], [1, 0]), T.BatchedDot(a, b) };
        var loaded = GraphJson.Read(GraphJson.Write([a, b], outputs));
        Assert.That(loaded.Outputs.Select(o => o.Owner!.Op), Is.EqualTo(outputs.Select(o => o.Owner!.Op)));
        Assert.That(loaded.Outputs.Select(o => o.Owner!.Op.ClassName), Is.EqualTo(new[] { "MatMul", "TensorDot", "BatchedDot" }));
    }
}
