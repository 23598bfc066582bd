using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Serialization;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// The linear-algebra ops against torch.linalg (values) and central finite differences (pullback, pushforward,
/// second derivatives), on well-conditioned inputs built inside the graph (X + cI, X Xᵀ + cI); and their refusals of
/// singular, non-positive-definite and mis-shaped inputs as exceptions, never a native abort.
/// </summary>
public sealed class LinalgOpTests : OpTableTests<LinalgOpTests.Table>
{
    private static readonly Arg M3 = Arg.Matrix(3, 3), M34 = Arg.Matrix(3, 4), M32 = Arg.Matrix(3, 2), V3 = Arg.Vector(3),
        V4 = Arg.Vector(4);

    private static Variable Eye(double c, int n = 3) => T.Constant(torch.eye(n, dtype: ScalarType.Float64) * c);

    private static Tensor TEye(double c, int n = 3) => torch.eye(n, dtype: ScalarType.Float64) * c;

    private static Variable Spd(Variable x) => T.Dot(x, T.Transpose(x)) + Eye(3);

    private static Tensor TSpd(Tensor x) => x.matmul(x.T) + TEye(3);

    private static Tensor SymLower(Tensor x) => x.tril() + x.tril(-1).T;

    private static Tensor SymUpper(Tensor x) => x.triu() + x.triu(1).T;

    private static IEnumerable<OpCase> Smooth()
    {
        yield return new("matrix_inverse(X + 4I)", v => T.MatrixInverse(v[0] + Eye(4)), t => linalg.inv(t[0] + TEye(4)), M3);
        yield return new("det(X + 4I)", v => T.Det(v[0] + Eye(4)), t => linalg.det(t[0] + TEye(4)), M3);
        yield return new("solve(X + 4I, vector)", v => T.Solve(v[0] + Eye(4), v[1]),
            t => linalg.solve(t[0] + TEye(4), t[1]), M3, V3);
        yield return new("solve(X + 4I, matrix)", v => T.Solve(v[0] + Eye(4), v[1]),
            t => linalg.solve(t[0] + TEye(4), t[1]), M3, M32);
        yield return new("solve(X + 6I, b, sym, lower) reads the lower triangle",
            v => T.Solve(v[0] + Eye(6), v[1], "sym", lower: true),
            t => linalg.solve(SymLower(t[0] + TEye(6)), t[1]), M3, V3);
        yield return new("solve(X + 8I, B, pos, upper) reads the upper triangle",
            v => T.Solve(v[0] + Eye(8), v[1], "pos", lower: false),
            t => linalg.solve(SymUpper(t[0] + TEye(8)), t[1]), M3, M32);
        yield return new("cholesky(X Xᵀ + 3I)", v => T.Cholesky(Spd(v[0])), t => linalg.cholesky(TSpd(t[0])), M3);
        yield return new("cholesky(X Xᵀ + 3I, lower=False)", v => T.Cholesky(Spd(v[0]), lower: false),
            t => linalg.cholesky(TSpd(t[0])).T, M3);
        yield return new("cholesky(X + 8I) reads the lower triangle", v => T.Cholesky(v[0] + Eye(8)),
            t => linalg.cholesky(SymLower(t[0] + TEye(8))), M3);
    }

    private static IEnumerable<OpCase> FirstOrder()
    {
        foreach (var c in Smooth())
        {
            yield return c;
        }
        yield return new("eigh(X + Xᵀ).w", v => T.Eigh(v[0] + T.Transpose(v[0])).W,
            t => linalg.eigh(t[0] + t[0].T).Item1, M3);
        yield return new("eigh(X + Xᵀ).v²", v => T.Sqr(T.Eigh(v[0] + T.Transpose(v[0])).V),
            t => linalg.eigh(t[0] + t[0].T).Item2.square(), M3);
        yield return new("eigh(X).w reads the lower triangle", v => T.Eigh(v[0]).W,
            t => linalg.eigh(SymLower(t[0])).Item1, M3);
        yield return new("eigh(X, 'U').v² reads the upper triangle", v => T.Sqr(T.Eigh(v[0], "U").V),
            t => linalg.eigh(SymUpper(t[0])).Item2.square(), M3);
        yield return new("trace(X) of a 3×4 matrix", v => T.Trace(v[0]), t => t[0].diagonal().sum(), M34);
        yield return new("extract_diag(X, offset=1)", v => T.ExtractDiag(v[0], 1), t => t[0].diagonal(1), M34);
        yield return new("extract_diag(X, offset=-1)", v => T.ExtractDiag(v[0], -1), t => t[0].diagonal(-1), M34);
        yield return new("norm(vector)", v => T.Norm(v[0]), t => linalg.vector_norm(t[0], 2, null, false), V4);
        yield return new("norm(vector, 3)", v => T.Norm(v[0], 3.0), t => linalg.vector_norm(t[0], 3, null, false), V4);
        yield return new("norm(vector, inf)", v => T.Norm(v[0], "inf"), t => t[0].abs().max(), V4);
        yield return new("norm(matrix, fro)", v => T.Norm(v[0], "fro"), t => linalg.matrix_norm(t[0], "fro", null, false), M34);
        yield return new("norm(matrix, 1)", v => T.Norm(v[0], 1), t => linalg.matrix_norm(t[0], 1.0, null, false), M34);
        yield return new("norm(matrix, inf)", v => T.Norm(v[0], "inf"),
            t => linalg.matrix_norm(t[0], double.PositiveInfinity, null, false), M34);
    }

    private static IEnumerable<OpCase> SmoothSecondOrder()
    {
        foreach (var c in Smooth())
        {
            yield return c with { Tolerance = 1e-5 };
        }
        yield return new("eigh(X + Xᵀ).w", v => T.Eigh(v[0] + T.Transpose(v[0])).W,
            t => linalg.eigh(t[0] + t[0].T).Item1, M3) { Tolerance = 1e-5 };
        yield return new("trace(X)", v => T.Trace(v[0]), t => t[0].diagonal().sum(), M34);
    }

    /// <summary>This file's cases.</summary>
    public sealed class Table : IOpTable
    {
        /// <inheritdoc/>
        public IEnumerable<OpCase> All() => FirstOrder();

        /// <inheritdoc/>
        public IEnumerable<OpCase> SecondOrder() => SmoothSecondOrder();

        /// <inheritdoc/>
        public double ValueTolerance => 1e-10;
    }

    /// <summary>A float32 matrix keeps float32 values and gradients.</summary>
    [Test]
    public void Float32_stays_float32()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.FMatrix("x");
        var y = T.Det(x) + T.Sum(T.MatrixInverse(x)) + T.Sum(T.Cholesky(T.Dot(x, T.Transpose(x))));
        var g = Autodiff.Grad(y, [x])[0];
        Assert.That(y.DType, Is.EqualTo(DType.Float32));
        Assert.That(g.DType, Is.EqualTo(DType.Float32));
        var value = torch.tensor(new float[] { 3, 1, 0, 1, 4, 1, 0, 1, 5 }).reshape(3, 3);
        var results = Function.Compile([x], [y, g]).Call(value);
        Assert.That(results[0].dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(results[1].dtype, Is.EqualTo(ScalarType.Float32));
    }

    /// <summary>Integer matrices are converted to float64, as numpy.linalg does.</summary>
    [Test]
    public void Integer_matrices_become_float64()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.LMatrix("x");
        var d = T.Det(x);
        Assert.That(d.DType, Is.EqualTo(DType.Float64));
        var value = torch.tensor(new long[] { 2, 1, 1, 3 }).reshape(2, 2);
        Assert.That(Function.Compile([x], [d]).Call(value)[0].item<double>(), Is.EqualTo(5.0).Within(1e-12));
    }

    private static Tensor M(int n, params double[] values) => torch.tensor(values, dtype: ScalarType.Float64).reshape(n, values.Length / n);

    /// <summary>Singular, non-positive-definite, non-square and mis-shaped inputs raise, naming the op.</summary>
    [Test]
    public void Bad_inputs_raise_clear_exceptions()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var b = T.DVector("b");
        var singular = M(2, 1, 2, 2, 4);
        var inv = Function.Compile([x], [T.MatrixInverse(x)]);
        Assert.That(() => inv.Call(singular), Throws.ArgumentException.With.Message.Contains("singular"));
        Assert.That(() => inv.Call(M(2, 1, 2, 3, 4, 5, 6)), Throws.ArgumentException.With.Message.Contains("square"));
        var chol = Function.Compile([x], [T.Cholesky(x)]);
        Assert.That(() => chol.Call(M(2, 1, 2, 2, 1)), Throws.ArgumentException.With.Message.Contains("positive definite"));
        Assert.That(() => chol.Call(M(2, double.NaN, 0, 0, 1)), Throws.ArgumentException.With.Message.Contains("NaN"));
        var solve = Function.Compile([x, b], [T.Solve(x, b)]);
        Assert.That(() => solve.Call(M(2, 1, 0, 0, 1), torch.ones(3, ScalarType.Float64)),
            Throws.ArgumentException.With.Message.Contains("rows"));
        Assert.That(() => solve.Call(singular, torch.ones(2, ScalarType.Float64)),
            Throws.ArgumentException.With.Message.Contains("singular"));
        var pos = Function.Compile([x, b], [T.Solve(x, b, "pos")]);
        Assert.That(() => pos.Call(M(2, 1, 2, 2, 1), torch.ones(2, ScalarType.Float64)),
            Throws.ArgumentException.With.Message.Contains("positive definite"));
        var eigh = Function.Compile([x], [T.Eigh(x).W]);
        Assert.That(() => eigh.Call(M(2, double.PositiveInfinity, 0, 0, 1)), Throws.ArgumentException);
        // Static shapes are checked when the node is built.
        Assert.That(() => T.Det(T.Tensor(DType.Float64, [2, 3])), Throws.ArgumentException.With.Message.Contains("square"));
        Assert.That(() => T.Solve(T.Tensor(DType.Float64, [3, 3]), T.Tensor(DType.Float64, [4])),
            Throws.ArgumentException.With.Message.Contains("rows"));
        Assert.That(() => T.MatrixInverse(T.DVector()), Throws.ArgumentException.With.Message.Contains("matrix"));
        Assert.That(() => T.Trace(T.DVector()), Throws.ArgumentException);
        Assert.That(() => T.Norm(T.DMatrix(), 2.0), Throws.ArgumentException);
        Assert.That(() => T.Solve(x, b, "banded"), Throws.ArgumentException);
        // The value of a singular matrix's determinant is defined; a NaN Cholesky is available on request.
        Assert.That(Function.Compile([x], [T.Det(x)]).Call(singular)[0].item<double>(), Is.EqualTo(0.0).Within(1e-12));
        var nan = Function.Compile([x], [T.Cholesky(x, onError: "nan")]).Call(M(2, 1, 2, 2, 1))[0];
        Assert.That(nan.isnan().all().item<bool>(), Is.True);
    }

    /// <summary>Eigenvalues and eigenvectors reconstruct the matrix, ascending, like numpy.linalg.eigh.</summary>
    [Test]
    public void Eigh_reconstructs_the_matrix()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var (w, v) = T.Eigh(x);
        var a = M(3, 2, 1, 0, 1, 3, 1, 0, 1, 4);
        var r = Function.Compile([x], [w, v]).Call(a);
        var rebuilt = r[1].matmul(torch.diag(r[0])).matmul(r[1].T);
        Assert.That(rebuilt.allclose(a, 1e-12, 1e-12), Is.True);
        Assert.That(r[0][0].item<double>() < r[0][1].item<double>(), Is.True);
    }

    /// <summary>Graphs with linear-algebra ops are written as JSON and read back to the same values.</summary>
    [Test]
    public void Linalg_graphs_round_trip_through_json()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var b = T.DVector("b");
        var spd = T.Dot(x, T.Transpose(x)) + Eye(3);
        var y = T.Det(spd) + T.Trace(T.MatrixInverse(spd)) + T.Sum(T.Solve(spd, b, "pos", true))
                + T.Sum(T.Cholesky(spd, lower: false)) + T.Sum(T.Eigh(spd).W) + T.Norm(x, "fro");
        var g = Autodiff.Grad(y, [x])[0];
        var loaded = GraphJson.Read(GraphJson.Write([x, b], [y, g]));
        var args = new[] { GradCheck.Uniform([3, 3], seed: 5), GradCheck.Uniform([3], seed: 6) };
        var expected = Function.Compile([x, b], [y, g]).Call(args);
        var actual = Function.Compile(loaded.Inputs, loaded.Outputs).Call(args);
        for (int i = 0; i < 2; i++)
        {
            Assert.That(actual[i].allclose(expected[i], 1e-12, 1e-12), Is.True, $"output {i}");
        }
    }
}
