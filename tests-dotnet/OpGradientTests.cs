using Gradient.Graph;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>One symbolic input of a case: static shape (null: unknown, 1: broadcastable), run-time shape, value range.</summary>
public sealed record Arg(long?[] Type, long[] Shape, double Low = -2, double High = 2, DType DType = DType.Float64)
{
    /// <summary>A 0-d input.</summary>
    public static Arg Scalar() => new([], []);

    /// <summary>A vector of unknown length, given <paramref name="n"/> values.</summary>
    public static Arg Vector(long n) => new([null], [n]);

    /// <summary>A matrix of unknown shape, given an r×c value.</summary>
    public static Arg Matrix(long r, long c) => new([null, null], [r, c]);

    /// <summary>A rank-3 tensor of unknown shape.</summary>
    public static Arg Tensor3(long a, long b, long c) => new([null, null, null], [a, b, c]);

    /// <summary>A matrix whose first axis is statically 1 (broadcastable), as Aesara's <c>row</c>.</summary>
    public static Arg Row(long c) => new([1, null], [1, c]);

    /// <summary>Values in [0.5, 2): the domain of log, of fractional powers and of denominators.</summary>
    public Arg Positive => this with { Low = 0.5, High = 2 };

    /// <summary>The symbolic type.</summary>
    public TensorType TensorType => new(DType, Type);
}

/// <summary>
/// A function to check: how to build it, the same function written directly in torch, and its inputs. Linear ops
/// are included in the second-derivative checks too (their Hessian is zero).
/// </summary>
public sealed record OpCase(string Name, Func<Variable[], Variable> Build, Func<Tensor[], Tensor> Reference, params Arg[] Args)
{
    /// <summary>Finite-difference step.</summary>
    public double Step { get; init; } = GradCheck.Step;

    /// <summary>Tolerance of the derivative checks.</summary>
    public double Tolerance { get; init; } = GradCheck.Tolerance;

    /// <summary>The symbolic types of the inputs.</summary>
    public TensorType[] Types => Args.Select(a => a.TensorType).ToArray();

    /// <summary>Reproducible input values (call inside a dispose scope).</summary>
    public Tensor[] Values() =>
        Args.Select((a, i) => GradCheck.Uniform(a.Shape, a.Low, a.High, seed: 17 + 31 * i, dtype: a.DType)).ToArray();

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// Every op's value against torch, and its pullback, pushforward and second derivatives against central finite
/// differences, including the broadcasting patterns the pullbacks have to undo.
/// </summary>
public sealed class OpGradientTests : OpTableTests<OpGradientTests.Table>
{
    private static readonly Arg M34 = Arg.Matrix(3, 4), V4 = Arg.Vector(4), V3 = Arg.Vector(3), S = Arg.Scalar();

    private static IEnumerable<OpCase> All()
    {
        // add / sub, with every broadcasting pattern
        yield return new("add(matrix, matrix)", v => v[0] + v[1], t => t[0] + t[1], M34, M34);
        yield return new("add(matrix, vector)", v => v[0] + v[1], t => t[0] + t[1], M34, V4);
        yield return new("add(matrix, row via dimshuffle)", v => v[0] + T.DimShuffle(v[1], [-1, 0]),
            t => t[0] + t[1].unsqueeze(0), M34, V4);
        yield return new("add(matrix, column via dimshuffle)", v => v[0] + T.DimShuffle(v[1], [0, -1]),
            t => t[0] + t[1].unsqueeze(1), M34, V3);
        yield return new("add(matrix, static row)", v => v[0] + v[1], t => t[0] + t[1], M34, Arg.Row(4));
        yield return new("add(scalar, matrix)", v => v[0] + v[1], t => t[0] + t[1], S, M34);
        yield return new("add(matrix, 1.5)", v => v[0] + 1.5, t => t[0] + 1.5, M34);
        yield return new("sub(vector, vector)", v => v[0] - v[1], t => t[0] - t[1], V4, V4);
        yield return new("sub(matrix, vector)", v => v[0] - v[1], t => t[0] - t[1], M34, V4);
        yield return new("sub(2.0, matrix)", v => 2.0 - v[0], t => 2.0 - t[0], M34);

        // mul / true_div
        yield return new("mul(matrix, matrix)", v => v[0] * v[1], t => t[0] * t[1], M34, M34);
        yield return new("mul(scalar, matrix)", v => v[0] * v[1], t => t[0] * t[1], S, M34);
        yield return new("mul(matrix, 2.0)", v => v[0] * 2.0, t => t[0] * 2.0, M34);
        yield return new("mul(x, x)", v => v[0] * v[0], t => t[0] * t[0], M34);
        yield return new("mul(matrix, column via dimshuffle)", v => v[0] * T.DimShuffle(v[1], [0, -1]),
            t => t[0] * t[1].unsqueeze(1), M34, V3);
        yield return new("true_div(matrix, matrix)", v => v[0] / v[1], t => t[0] / t[1], M34, M34.Positive);
        yield return new("true_div(matrix, 2.0)", v => v[0] / 2.0, t => t[0] / 2.0, M34);
        yield return new("true_div(1.0, vector)", v => 1.0 / v[0], t => 1.0 / t[0], V4.Positive);
        yield return new("true_div(matrix, scalar)", v => v[0] / v[1], t => t[0] / t[1], M34, S.Positive);
        yield return new("true_div(vector, matrix)", v => v[0] / v[1], t => t[0] / t[1], V4, M34.Positive);

        // pow
        yield return new("pow(x, 3)", v => v[0].Pow(3), t => t[0].pow(3.0), M34);
        yield return new("pow(x, 2.5)", v => v[0].Pow(2.5), t => t[0].pow(2.5), M34.Positive);
        yield return new("pow(x, -1.5)", v => v[0].Pow(-1.5), t => t[0].pow(-1.5), V4.Positive);
        yield return new("pow(x, y)", v => T.Pow(v[0], v[1]), t => t[0].pow(t[1]), M34.Positive, M34);
        yield return new("pow(matrix, vector)", v => T.Pow(v[0], v[1]), t => t[0].pow(t[1]), M34.Positive, V4);
        yield return new("pow(2.0, x)", v => T.Pow(T.Constant(2.0), v[0]), t => torch.pow(2.0, t[0]), V4);

        // unary
        yield return new("neg(matrix)", v => -v[0], t => -t[0], M34);
        yield return new("exp(matrix)", v => T.Exp(v[0]), t => t[0].exp(), M34);
        yield return new("exp(scalar)", v => T.Exp(v[0]), t => t[0].exp(), S);
        yield return new("log(matrix)", v => T.Log(v[0]), t => t[0].log(), M34.Positive);
        yield return new("tanh(matrix)", v => T.Tanh(v[0]), t => t[0].tanh(), M34);
        yield return new("sqr(matrix)", v => T.Sqr(v[0]), t => t[0].square(), M34);

        // sum
        yield return new("sum(matrix)", v => T.Sum(v[0]), t => t[0].sum(), M34);
        yield return new("sum(vector)", v => T.Sum(v[0]), t => t[0].sum(), V4);
        yield return new("sum(matrix, axis=0)", v => T.Sum(v[0], 0), t => t[0].sum(0L), M34);
        yield return new("sum(matrix, axis=1)", v => T.Sum(v[0], 1), t => t[0].sum(1L), M34);
        yield return new("sum(matrix, axis=-1, keepdims)", v => T.Sum(v[0], -1, keepdims: true),
            t => t[0].sum(1L, keepdim: true), M34);
        yield return new("sum(matrix, axis=0, keepdims)", v => T.Sum(v[0], 0, keepdims: true),
            t => t[0].sum(0L, keepdim: true), M34);
        yield return new("sum(matrix, keepdims)", v => T.Sum(v[0], keepdims: true),
            t => t[0].sum().reshape(1, 1), M34);
        yield return new("sum(tensor3, axes=[0, 2])", v => T.Sum(v[0], [0, 2]),
            t => t[0].sum([0L, 2L]), Arg.Tensor3(2, 3, 4));
        yield return new("sum(sqr(tensor3), axis=1)", v => T.Sum(T.Sqr(v[0]), 1),
            t => t[0].square().sum(1L), Arg.Tensor3(2, 3, 4));

        // dot
        yield return new("dot(vector, vector)", v => T.Dot(v[0], v[1]), t => t[0].dot(t[1]), V4, V4);
        yield return new("dot(matrix, vector)", v => T.Dot(v[0], v[1]), t => t[0].mv(t[1]), M34, V4);
        yield return new("dot(vector, matrix)", v => T.Dot(v[0], v[1]), t => t[1].t().mv(t[0]), V3, M34);
        yield return new("dot(matrix, matrix)", v => T.Dot(v[0], v[1]), t => t[0].mm(t[1]), M34, Arg.Matrix(4, 2));
        yield return new("dot(transpose(matrix), matrix)", v => T.Dot(T.Transpose(v[0]), v[1]),
            t => t[0].t().mm(t[1]), M34, Arg.Matrix(3, 2));
        yield return new("dot(x, x)", v => T.Dot(v[0], v[0]), t => t[0].dot(t[0]), V4);
        yield return new("dot(matrix, x) * x", v => T.Dot(v[0], v[1]) * v[1], t => t[0].mv(t[1]) * t[1],
            Arg.Matrix(4, 4), V4);

        // dimshuffle
        yield return new("transpose(matrix)", v => T.Transpose(v[0]), t => t[0].t(), M34);
        yield return new("dimshuffle(matrix, [1, x, 0])", v => T.DimShuffle(v[0], [1, -1, 0]),
            t => t[0].t().unsqueeze(1), M34);
        yield return new("dimshuffle(row, [1]) drops the broadcastable axis", v => T.DimShuffle(v[0], [1]),
            t => t[0].reshape(4), Arg.Row(4));
        yield return new("dimshuffle(tensor3, [2, 0, 1])", v => T.DimShuffle(v[0], [2, 0, 1]),
            t => t[0].permute(2, 0, 1), Arg.Tensor3(2, 3, 4));
        yield return new("outer product column * row", v => T.DimShuffle(v[0], [0, -1]) * T.DimShuffle(v[1], [-1, 0]),
            t => torch.outer(t[0], t[1]), V3, V4);
        yield return new("dimshuffle(tensor3 with static 1, [2, x, 0])", v => T.DimShuffle(v[0], [2, -1, 0]),
            t => t[0].squeeze(1).permute(1, 0).unsqueeze(1), new Arg([null, 1, null], [2, 1, 3]));
        yield return new("sum(exp(tensor3 with static 1), axis=1, keepdims) * x",
            v => T.Sum(T.Exp(v[0]), 1, keepdims: true) * v[0], t => t[0].exp().sum(1L, keepdim: true) * t[0],
            new Arg([null, 1, null], [2, 1, 3]));
        yield return new("transpose(matrix) * matrix", v => T.Transpose(v[0]) * v[1],
            t => t[0].t() * t[1], M34, Arg.Matrix(4, 3));

        // cast: float32 rounding needs a coarse step; central differences are exact on quadratics, so only
        // rounding (~1e-5 relative at this step) remains.
        yield return new("cast(sqr(x), float32)", v => T.Cast(T.Sqr(v[0]), DType.Float32),
            t => t[0].square().to_type(ScalarType.Float32), V4) { Step = 1e-2, Tolerance = 1e-4 };
        yield return new("sqr(cast(fvector, float64))", v => T.Sqr(T.Cast(v[0], DType.Float64)),
            t => t[0].to_type(ScalarType.Float64).square(), V4 with { DType = DType.Float32 })
            { Step = 1e-2, Tolerance = 1e-4 };

        // composites
        yield return new("logistic loss sum(log(1 + exp(-y * dot(X, w))))",
            v => T.Sum(T.Log(1.0 + T.Exp(-v[2] * T.Dot(v[0], v[1])))),
            t => (1.0 + (-t[2] * t[0].mv(t[1])).exp()).log().sum(),
            Arg.Matrix(5, 3), V3, Arg.Vector(5));
        yield return new("mlp layer tanh(dot(X, W) + b)", v => T.Tanh(T.Dot(v[0], v[1]) + v[2]),
            t => (t[0].mm(t[1]) + t[2]).tanh(), Arg.Matrix(4, 3), Arg.Matrix(3, 2), Arg.Vector(2));
        yield return new("softmax rows exp(x) / sum(exp(x), axis=1, keepdims)",
            v => T.Exp(v[0]) / T.Sum(T.Exp(v[0]), 1, keepdims: true),
            t => t[0].exp() / t[0].exp().sum(1L, keepdim: true), M34);
        yield return new("squared error sum(sqr(dot(X, w) - y))", v => T.Sum(T.Sqr(T.Dot(v[0], v[1]) - v[2])),
            t => (t[0].mv(t[1]) - t[2]).square().sum(), Arg.Matrix(5, 3), V3, Arg.Vector(5));
    }

    /// <summary>This file's cases.</summary>
    public sealed class Table : IOpTable
    {
        /// <inheritdoc/>
        public IEnumerable<OpCase> All() => OpGradientTests.All();
    }
}
