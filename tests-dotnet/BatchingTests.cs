using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// The batching rules (<see cref="Op.Batch"/>): for each op, the vectorized graph equals the graph mapped over the
/// batch member by member; the vectorized Jacobian through the op equals the row-by-row one built from pullbacks of
/// one-hot cotangents; and for smooth ops the vectorized Hessian matches finite differences of the gradient.
/// </summary>
public sealed class BatchingTests : ScopedTests
{
    private static readonly CompileOptions Lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };
    private const int Members = 3;
    /// <summary>
    /// A graph to batch: float64 inputs of the given shapes (static lengths unknown), the outputs built from them, and
    /// whether it is smooth enough for a finite-difference Hessian of <c>sum(sin(output 0))</c> w.r.t. input 0, and the
    /// inputs whose batching has no rule (a nonlinear argument, never batched in a Jacobian or Hessian).
    /// </summary>
    public sealed record Case(string Name, long[][] Shapes, Func<Variable[], Variable[]> Build, bool Smooth = true,
        int[]? NoRule = null)
    {
        /// <inheritdoc/>
        public override string ToString() => Name;
    }

    private static Constant Longs(params long[] values) => T.Constant(torch.tensor(values, ScalarType.Int64));

    private static Variable[] One(Variable v) => [v];

    /// <summary>The ops under test, each in a small expression of its inputs.</summary>
    /// <summary>The cases smooth enough for a finite-difference Hessian.</summary>
    public static IEnumerable<Case> SmoothCases() => Cases().Where(c => c.Smooth);

    /// <summary>All cases.</summary>
    public static IEnumerable<Case> Cases() =>
    [
        new("Max axis 1", [[3, 4]], v => One(T.Max(v[0], 1))),
        new("Max all axes", [[3, 4]], v => One(T.Max(v[0]) * v[0])),
        new("MaxAndArgmax", [[3, 4]], v =>
        {
            var (max, arg) = T.MaxAndArgmax(v[0], [0]);
            return [max, arg];
        }),
        new("Argmax", [[3, 4]], v => [T.Argmax(v[0], [1]), v[0] * 2.0]),
        new("All and Any", [[3, 4]], v => [v[0] * 1.0, T.All(T.Gt(v[0], T.Constant(0.0)), [1]),
            T.Any(T.Gt(v[0], T.Constant(0.0)))]),
        new("Softmax axis 0", [[3, 4]], v => One(T.Softmax(v[0], 0))),
        new("Softmax all axes", [[3, 4]], v => One(T.Softmax(v[0], null))),
        new("LogSoftmax axis 1", [[3, 4]], v => One(T.LogSoftmax(v[0], 1))),
        new("LogSoftmax all axes", [[4]], v => One(T.LogSoftmax(v[0], null))),
        new("LogSumExp", [[3, 4]], v => One(new Ops.LogSumExp([1], false).Call(v[0]))),
        new("LogSumExp all axes, keepdims", [[3, 4]], v => One(new Ops.LogSumExp(null, true).Call(v[0]) * v[0])),
        new("Reshape constant shape", [[3, 4]], v => One(T.Reshape(v[0] * v[0], 2, -1))),
        new("Reshape symbolic shape", [[3, 4]], v => One(T.Reshape(v[0], T.MakeVector(T.ShapeI(v[0], 1), T.ShapeI(v[0], 0))))),
        new("Flatten", [[2, 3, 4]], v => [T.Flatten(v[0], 1), T.Flatten(v[0], 2)]),
        new("Shape", [[3, 4]], v => [T.Shape(v[0]), T.Reshape(v[0] * 3.0, T.Shape(v[0]))]),
        new("Subtensor", [[4, 5]], v => [T.Index(v[0], "1:, ::-2"), T.Index(v[0], "-1")]),
        new("IncSubtensor", [[4, 5], [2, 5]], v => One(new Ops.IncSubtensor(["1:3"], false).Call(v[0], v[1] * v[1]))),
        new("SetSubtensor broadcast value", [[4, 5], [5]], v => One(new Ops.IncSubtensor(["::2", "1"], true).Call(v[0], T.Sum(v[1])))),
        new("AdvancedSubtensor1", [[4, 3]], v => One(new Ops.AdvancedSubtensor1().Call(v[0], Longs(2, 0, 2, -1)))),
        new("AdvancedIncSubtensor1", [[4, 3], [3, 3]], v => One(new Ops.AdvancedIncSubtensor1(false).Call(v[0], v[1], Longs(2, 0, 2)))),
        new("AdvancedSetSubtensor1", [[4, 3], [3]], v => One(new Ops.AdvancedIncSubtensor1(true).Call(v[0], v[1], Longs(2, 0, 2)))),
        new("AdvancedSubtensor adjacent", [[3, 4, 2]], v => One(new Ops.AdvancedSubtensor([":", "*"]).Call(v[0], Longs(3, 0, 3)))),
        new("AdvancedSubtensor non-adjacent", [[3, 4, 2]], v =>
            One(new Ops.AdvancedSubtensor(["*", ":", "*"]).Call(v[0], Longs(2, 0), Longs(1, 1)))),
        new("AdvancedSubtensor mask", [[3, 2]], v =>
            One(new Ops.AdvancedSubtensor(["*"]).Call(v[0], T.Constant(torch.tensor(new[] { true, false, true }))))),
        new("AdvancedIncSubtensor adjacent", [[3, 4, 2], [3, 3, 2]], v =>
            One(new Ops.AdvancedIncSubtensor([":", "*"], false).Call(v[0], v[1], Longs(3, 0, 3)))),
        new("AdvancedSetSubtensor non-adjacent", [[3, 4, 2], [2, 4]], v =>
            One(new Ops.AdvancedIncSubtensor(["*", ":", "*"], true).Call(v[0], v[1], Longs(2, 0), Longs(1, 1)))),
        new("AdvancedIncSubtensor non-adjacent broadcast", [[3, 4, 2], [4]], v =>
            One(new Ops.AdvancedIncSubtensor(["*", ":", "*"], false).Call(v[0], v[1], Longs(2, 2), Longs(1, 1)))),
        new("Join", [[2, 3], [4, 3]], v => [T.Join(0, v[0], v[1]), T.Join(-1, v[1], v[1] * 2.0)]),
        new("Split", [[5, 2]], v => T.Split(v[0] * v[0], [2, 0, 3], 0)),
        new("Alloc", [[4]], v => One(T.Alloc(v[0], T.Constant(3L), T.ShapeI(v[0], 0)))),
        new("Alloc broadcast axis", [[1]], v => One(T.Alloc(T.SpecifyShape(v[0], [1]), 2, 3))),
        new("SpecifyShape", [[3, 4]], v => One(T.SpecifyShape(v[0] * v[0], [3, null]))),
        new("Unbroadcast", [[1, 4]], v => One(T.Unbroadcast(T.SpecifyShape(v[0], [1, 4]), 0))),
        new("Prod", [[3, 4]], v => [T.Prod(v[0], [1]), T.Prod(v[0])]),
        new("CumOp", [[3, 4]], v => [new Ops.CumOp(1, "add").Call(v[0]), new Ops.CumOp(0, "mul").Call(v[0]),
            new Ops.CumOp(null, "mul").Call(v[0])]),
        new("MatMul", [[2, 3, 4], [4, 5]], v => One(Ops.MatMul.Instance.Call(v[0], v[1]))),
        new("MatMul lower-rank first", [[3, 4], [2, 4, 5]], v => One(Ops.MatMul.Instance.Call(v[0], v[1]))),
        new("MatMul vectors", [[4], [4, 2]], v => [T.MatMul(v[0], v[1]), T.MatMul(v[1], T.Index(v[1], ":2, 0"))]),
        new("Gemm with a bias vector", [[3, 4], [4, 2], [2]], v => One(new Ops.Gemm(false, false).Call(v[0], v[1], v[2]))),
        new("Gemm transposed, bias matrix", [[4, 3], [2, 4], [3, 2]], v => One(new Ops.Gemm(true, true).Call(v[0], v[1], v[2]))),
        new("Gemm{NT} without bias", [[3, 4], [2, 4]], v => One(new Ops.Gemm(false, true).Call(v[0], v[1]))),
        new("TensorDot", [[2, 3, 4], [4, 3, 5]], v => One(T.TensorDot(v[0], v[1], [1, 2], [1, 0]))),
        new("BatchedDot matrices", [[3, 2, 4], [3, 4, 5]], v => One(T.BatchedDot(v[0], v[1]))),
        new("BatchedDot vectors", [[3, 4], [3, 4, 2]], v => [T.BatchedDot(v[0], v[1]), T.BatchedDot(v[0], v[0])]),
        new("Repeat", [[3, 2]], v => [new Ops.Repeat(0).Call(v[0], Longs(2, 0, 1)), new Ops.Repeat(-1).Call(v[0], T.Constant(3L))]),
        new("AllocDiag", [[2, 3]], v => One(new Ops.AllocDiag(1, 0, 2).Call(v[0]))),
        new("ExtractDiag", [[3, 2, 4]], v => One(new Ops.Linalg.ExtractDiag(-1, 2, 0).Call(v[0]))),
        new("DiagonalScatter", [[3, 4], [3]], v => One(new Ops.Linalg.DiagonalScatter(0, 1, 0).Call(v[0], v[1] * v[1]))),
        new("Solve vector", [[3, 3], [3]], v => One(T.Solve(v[0] + T.Constant(torch.eye(3, dtype: ScalarType.Float64) * 4.0), v[1])),
            NoRule: [0]),
        new("Solve matrix", [[3, 3], [3, 2]], v => One(T.Solve(v[0] + T.Constant(torch.eye(3, dtype: ScalarType.Float64) * 4.0), v[1])),
            NoRule: [0]),
        new("MakeVector", [[3]], v => One(T.Reshape(v[0], T.MakeVector(T.Constant(1L), T.ShapeI(v[0], 0))))),
    ];

    private static Variable Input(long[] shape, string name) =>
        T.Tensor(DType.Float64, shape.Select(_ => (long?)null).ToArray(), name);

    private static Tensor[] Values(Case c, int seed)
    {
        torch.manual_seed(seed);
        return c.Shapes.Select(s => torch.randn(s, dtype: ScalarType.Float64)).ToArray();
    }

    private static Tensor[] Eval(Variable[] inputs, Variable[] outputs, params Tensor[] values) =>
        Function.Compile(inputs, outputs, Lenient).Call(values);

    private static void AssertClose(Tensor actual, Tensor expected, double tolerance, string what)
    {
        Assert.That(actual.shape, Is.EqualTo(expected.shape), what);
        if (actual.NumberOfElements == 0)
        {
            return;
        }
        var (a, e) = (actual.to_type(ScalarType.Float64), expected.to_type(ScalarType.Float64));
        double error = (a - e).abs().max().item<double>();
        Assert.That(error, Is.LessThanOrEqualTo(tolerance), what);
    }

    /// <summary>
    /// With each input batched alone and then all together, the vectorized outputs equal the outputs of each member
    /// stacked (or, where the rule says unbatched, the same for every member).
    /// </summary>
    [TestCaseSource(nameof(Cases))]
    public void Vectorized_graph_equals_the_graph_mapped_over_the_batch(Case c)
    {
        var inputs = c.Shapes.Select((s, i) => Input(s, $"x{i}")).ToArray();
        var outputs = c.Build(inputs);
        var values = Values(c, 11);
        var masks = Enumerable.Range(0, inputs.Length).Select(i => inputs.Select((_, j) => j == i).ToArray()).ToList();
        if (inputs.Length > 1)
        {
            masks.Add(inputs.Select(_ => true).ToArray());
        }
        foreach (var mask in masks)
        {
            torch.manual_seed(12);
            var stacked = values.Select((v, i) => mask[i]
                ? torch.randn([Members, .. v.shape], dtype: ScalarType.Float64)
                : v).ToArray();
            var batchedInputs = inputs.Select((x, i) => mask[i]
                ? T.Tensor(DType.Float64, [null, .. x.Type.Shape], $"b{i}")
                : x).ToArray();
            var map = new Dictionary<Variable, Variable>();
            for (int i = 0; i < inputs.Length; i++)
            {
                if (mask[i])
                {
                    map[inputs[i]] = batchedInputs[i];
                }
            }
            if (c.NoRule?.Any(i => mask[i]) == true)
            {
                Assert.Throws<NotSupportedException>(() => Batching.Vectorize(outputs, map));
                continue;
            }
            var vectorized = Batching.Vectorize(outputs, map);
            var actual = Eval(batchedInputs, vectorized.Select(r => r.Value).ToArray(), stacked);
            var perMember = Enumerable.Range(0, Members)
                .Select(m => Eval(inputs, outputs, stacked.Select((t, i) => mask[i] ? t[m] : t).ToArray()))
                .ToArray();
            for (int o = 0; o < outputs.Length; o++)
            {
                var what = $"output {o} with inputs [{string.Join(", ", mask)}] batched";
                if (vectorized[o].Batched)
                {
                    AssertClose(actual[o], torch.stack(perMember.Select(r => r[o])), 1e-12, what);
                }
                else
                {
                    foreach (var r in perMember)
                    {
                        AssertClose(actual[o], r[o], 1e-12, what);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The vectorized Jacobian of each float output w.r.t. each input equals the one built row by row from pullbacks
    /// of one-hot constant cotangents.
    /// </summary>
    [TestCaseSource(nameof(Cases))]
    public void Jacobian_agrees_with_row_by_row_pullbacks(Case c)
    {
        var inputs = c.Shapes.Select((s, i) => Input(s, $"x{i}")).ToArray();
        var outputs = c.Build(inputs).Where(y => !y.DType.IsDiscrete() && y.Ndim > 0).ToArray();
        var values = Values(c, 21);
        foreach (var y in outputs)
        {
            var yValue = Eval(inputs, [y], values)[0];
            for (int w = 0; w < inputs.Length; w++)
            {
                var jac = Autodiff.Jacobian(y, [inputs[w]], DisconnectedPolicy.Ignore)[0];
                var actual = Eval(inputs, [jac], values)[0];
                var rows = new List<Tensor>();
                for (long i = 0; i < yValue.NumberOfElements; i++)
                {
                    var e = torch.zeros(yValue.NumberOfElements, dtype: ScalarType.Float64);
                    e[i] = torch.tensor(1.0);
                    var seed = T.Constant(e.reshape(yValue.shape));
                    var row = Autodiff.Lop([y], [inputs[w]], [seed], DisconnectedPolicy.Ignore)[0];
                    rows.Add(Eval(inputs, [row], values)[0]);
                }
                var expected = rows.Count == 0
                    ? torch.zeros([.. yValue.shape, .. values[w].shape], dtype: ScalarType.Float64)
                    : torch.stack(rows).reshape([.. yValue.shape, .. values[w].shape]);
                AssertClose(actual, expected, 1e-12, $"d {y} / d x{w}");
            }
        }
    }

    /// <summary>The vectorized Hessian of <c>sum(sin(y))</c> w.r.t. input 0 matches central differences of its gradient.</summary>
    [TestCaseSource(nameof(SmoothCases))]
    public void Hessian_matches_finite_differences_of_the_gradient(Case c)
    {
        var inputs = c.Shapes.Select((s, i) => Input(s, $"x{i}")).ToArray();
        var y = c.Build(inputs).First(o => !o.DType.IsDiscrete());
        var cost = T.Sum(T.Sin(y));
        var w = inputs[0];
        var hess = Autodiff.Hessian(cost, [w], DisconnectedPolicy.Ignore)[0];
        var values = Values(c, 31);
        var actual = Eval(inputs, [hess], values)[0];
        var gradient = Function.Compile(inputs, [Autodiff.Grad(cost, w)], Lenient);
        const double h = 1e-6;
        var size = values[0].NumberOfElements;
        var columns = new List<Tensor>();
        for (long k = 0; k < size; k++)
        {
            var step = torch.zeros(size, dtype: ScalarType.Float64);
            step[k] = torch.tensor(h);
            step = step.reshape(values[0].shape);
            var plus = gradient.Call([values[0] + step, .. values.Skip(1)])[0];
            var minus = gradient.Call([values[0] - step, .. values.Skip(1)])[0];
            columns.Add(((plus - minus) / (2 * h)).flatten());
        }
        // H[i, k] = d grad_i / d w_k, laid out as (*w.shape, *w.shape).
        var fd = torch.stack(columns, 1).reshape([.. values[0].shape, .. values[0].shape]);
        AssertClose(actual, fd, 1e-6, "hessian");
    }

    /// <summary>An op without a rule is named when a Jacobian through a batched input reaches it.</summary>
    [Test]
    public void Missing_rule_names_the_op()
    {
        var x = T.DMatrix("x");
        var b = T.Tensor(DType.Float64, [null, null, null], "b");
        var ex = Assert.Throws<NotSupportedException>(() =>
            Batching.Vectorize([T.MatrixInverse(x)], new Dictionary<Variable, Variable> { [x] = b }));
        Assert.That(ex!.Message, Does.Contain("MatrixInverse"));
    }
}
