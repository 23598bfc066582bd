using Gradient.Compile;
using Gradient.Graph;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// The sparse ops against dense torch references (values) and central finite differences (pullback, pushforward,
/// second derivatives). Structured ops differentiate only the stored entries, so their sparse operand is built as
/// <c>S(x) = mul_s_d(csr_from_dense(P), x)</c> with a constant 0/1 pattern P: its entries are x on P's pattern and
/// exactly zero elsewhere, so perturbing any entry of x perturbs only stored entries and central differences of x
/// measure the structured gradient.
/// </summary>
public sealed class SparseOpTests : OpTableTests<SparseOpTests.Table>
{
    private static readonly Arg M34 = Arg.Matrix(3, 4), M42 = Arg.Matrix(4, 2), M32 = Arg.Matrix(3, 2), V4 = Arg.Vector(4),
        V3 = Arg.Vector(3);

    private static readonly double[] s_pattern = [1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1];
    private static readonly double[] s_pattern2 = [0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0];

    private static Tensor P(double[] p) => tensor(p, [3, 4], ScalarType.Float64);

    private static Variable S(Variable x, double[]? p = null) =>
        T.MulSD(T.SparseFromDense(T.Constant(P(p ?? s_pattern))), x);

    private static Tensor TS(Tensor x, double[]? p = null) => x * P(p ?? s_pattern);

    private static IEnumerable<OpCase> All()
    {
        yield return new("dense_from_sparse(csr_from_dense(x))", v => T.DenseFromSparse(T.SparseFromDense(v[0])),
            t => t[0] * 1, M34);
        yield return new("dense_from_sparse(csc_from_dense(x))", v => T.DenseFromSparse(T.SparseFromDense(v[0], "csc")),
            t => t[0] * 1, M34);
        yield return new("dense_from_sparse(S(x))", v => T.DenseFromSparse(S(v[0])), t => TS(t[0]), M34);
        yield return new("structured_dot(S(x), matrix)", v => T.StructuredDot(S(v[0]), v[1]),
            t => TS(t[0]).matmul(t[1]), M34, M42);
        yield return new("structured_dot(S(x), vector)", v => T.StructuredDot(S(v[0]), v[1]),
            t => TS(t[0]).matmul(t[1]), M34, V4);
        yield return new("structured_dot(S(x)ᵀ, matrix)", v => T.StructuredDot(S(v[0]), v[1], transposeSparse: true),
            t => TS(t[0]).T.matmul(t[1]), M34, M32);
        yield return new("structured_dot(S(x)ᵀ, vector)", v => T.StructuredDot(S(v[0]), v[1], transposeSparse: true),
            t => TS(t[0]).T.matmul(t[1]), M34, V3);
        yield return new("structured_dot(csr_from_dense(x), matrix)", v => T.StructuredDot(T.SparseFromDense(v[0]), v[1]),
            t => t[0].matmul(t[1]), M34, M42);
        yield return new("add_s_s(S(x), S2(y))", v => T.DenseFromSparse(T.AddSS(S(v[0]), S(v[1], s_pattern2))),
            t => TS(t[0]) + TS(t[1], s_pattern2), M34, M34);
        yield return new("add_s_d(S(x), y)", v => T.AddSD(S(v[0]), v[1]), t => TS(t[0]) + t[1], M34, M34);
        yield return new("mul_s_d(S(x), y)", v => T.DenseFromSparse(T.MulSD(S(v[0]), v[1])),
            t => TS(t[0]) * t[1], M34, M34);
        yield return new("mul_s_s(S(x), S2(y))", v => T.DenseFromSparse(T.MulSS(S(v[0]), S(v[1], s_pattern2))),
            t => TS(t[0]) * TS(t[1], s_pattern2), M34, M34);
        yield return new("mul_s_s(S(x), S2(x))", v => T.DenseFromSparse(T.MulSS(S(v[0]), S(v[0], s_pattern2))),
            t => TS(t[0]) * TS(t[0], s_pattern2), M34);
        yield return new("mul_s_d(S(x), y) * y", v => T.DenseFromSparse(T.MulSD(S(v[0]), v[1])) * v[1],
            t => TS(t[0]) * t[1] * t[1], M34, M34);
        foreach (var sparseGrad in new[] { false, true })
        {
            yield return new($"sp_sum(S(x), sparse_grad={sparseGrad})", v => T.SpSum(S(v[0]), null, sparseGrad),
                t => TS(t[0]).sum(), M34);
            yield return new($"sp_sum(S(x), 0, sparse_grad={sparseGrad})", v => T.SpSum(S(v[0]), 0, sparseGrad),
                t => TS(t[0]).sum(new long[] { 0 }, false), M34);
            yield return new($"sp_sum(S(x), 1, sparse_grad={sparseGrad})", v => T.SpSum(S(v[0]), 1, sparseGrad),
                t => TS(t[0]).sum(new long[] { 1 }, false), M34);
        }
        yield return new("sp_sum(csr_from_dense(x), 1)", v => T.SpSum(T.SparseFromDense(v[0]), 1),
            t => t[0].sum(new long[] { 1 }, false), M34);
    }

    /// <summary>The table.</summary>
    public sealed class Table : IOpTable
    {
        /// <inheritdoc/>
        public IEnumerable<OpCase> All() => SparseOpTests.All();
    }

    /// <summary>Sparse values really are sparse: csr_from_dense of a matrix with zeros stores only its nonzeros.</summary>
    [Test]
    public void Csr_from_dense_stores_only_nonzeros()
    {
        using var scope = NewDisposeScope();
        var x = new Variable(new TensorType(Kernels.DType.Float64, [null, null]));
        var s = T.SparseFromDense(x);
        var value = Function.Compile([x], [s]).Call([P(s_pattern)])[0];
        Assert.That(value.is_sparse, Is.True);
        Assert.That(value.SparseValues.shape[0], Is.EqualTo(s_pattern.Count(p => p != 0)));
    }

    /// <summary>The gradient with respect to the sparse operand of structured_dot is zero off its pattern.</summary>
    [Test]
    public void Structured_dot_gradient_is_restricted_to_the_pattern()
    {
        using var scope = NewDisposeScope();
        var x = new Variable(new TensorType(Kernels.DType.Float64, [null, null]));
        var b = new Variable(new TensorType(Kernels.DType.Float64, [null, null]));
        var cost = T.Sum(T.StructuredDot(T.SparseFromDense(x), b));
        var g = Autodiff.Grad(cost, [x])[0];
        var result = Function.Compile([x, b], [g]).Call([P(s_pattern), ones(4, 2, dtype: ScalarType.Float64)])[0];
        Assert.That(GradCheck.Doubles(result), Is.EqualTo(s_pattern.Select(p => p * 2).ToArray()));
    }

    /// <summary>Mis-shaped operands are exceptions when the graph is built or run, never a native abort.</summary>
    [Test]
    public void Misaligned_shapes_are_refused()
    {
        using var scope = NewDisposeScope();
        var a = new Variable(new TensorType(Kernels.DType.Float64, [null, null]));
        var b = new Variable(new TensorType(Kernels.DType.Float64, [null, null]));
        var f = Function.Compile([a, b], [T.StructuredDot(T.SparseFromDense(a), b)]);
        Assert.Throws<ArgumentException>(() => f.Call([ones(3, 4, dtype: ScalarType.Float64), ones(5, 2, dtype: ScalarType.Float64)]));
        Assert.Throws<ArgumentException>(() => T.StructuredDot(T.Constant(ones(3, 4, dtype: ScalarType.Float64)),
            T.Constant(ones(5, dtype: ScalarType.Float64))));
        Assert.Throws<ArgumentException>(() => T.SparseFromDense(a, "bsr"));
        Assert.Throws<ArgumentException>(() => T.SpSum(a, 2));
    }
}
