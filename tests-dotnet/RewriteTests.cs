using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Ops;
using Gradient.Rewrites;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// Each rewrite of the default pipeline fires — the compiled graph's op list changes as expected — and the rewritten
/// function computes what the unrewritten one computes (or, for the stabilising rewrites, the correct finite value
/// where the unrewritten one overflows).
/// </summary>
public sealed class RewriteTests
{
    private static readonly CompileOptions NoRewrites = new() { Rewrites = [] };

    /// <summary>The compiled graph's ops, in run order, as Aesara prints them.</summary>
    private static string[] Ops(Function f) => f.Toposort().Select(n => n.Op.ToString()!).ToArray();

    /// <summary>Aesara class names of the compiled graph's ops, in run order.</summary>
    private static string[] Classes(Function f) => f.Toposort().Select(n => n.Op.ClassName).ToArray();

    /// <summary>
    /// Compiles <paramref name="outputs"/> with and without the default rewrites, checks that both give the same
    /// values on <paramref name="args"/>, and returns the rewritten function.
    /// </summary>
    private static Function Same(Variable[] inputs, Variable[] outputs, params Tensor[] args)
    {
        var plain = Function.Compile(inputs, outputs, NoRewrites);
        var rewritten = Function.Compile(inputs, outputs);
        var expected = plain.Call(args);
        var actual = rewritten.Call(args);
        for (int i = 0; i < outputs.Length; i++)
        {
            Assert.That(actual[i].dtype, Is.EqualTo(expected[i].dtype), $"output {i} dtype");
            GradCheck.AssertClose(GradCheck.Doubles(actual[i]), actual[i].shape, GradCheck.Doubles(expected[i]),
                expected[i].shape, 1e-14, $"output {i}");
        }
        return rewritten;
    }

    private static Tensor Vec(params double[] values) => torch.tensor(values);

    // ---------------------------------------------------------------- merge

    [Test]
    public void Merge_makes_identical_subgraphs_one()
    {
        using var scope = NewDisposeScope();
        var (x, y) = (T.DVector("x"), T.DVector("y"));
        // Built twice, as separate nodes.
        var a = T.Tanh(x * y);
        var b = T.Tanh(x * y);
        var plain = Function.Compile([x, y], [a + b], NoRewrites);
        Assert.That(Ops(plain), Is.EqualTo(new[] { "Elemwise{mul}", "Elemwise{tanh}", "Elemwise{mul}", "Elemwise{tanh}", "Elemwise{add}" }));
        var f = Same([x, y], [a + b], Vec(1, 2), Vec(3, -4));
        Assert.That(Ops(f), Is.EqualTo(new[] { "Elemwise{mul}", "Elemwise{tanh}", "Elemwise{add}" }));
        var add = f.Toposort()[^1];
        Assert.That(add.Inputs[0], Is.SameAs(add.Inputs[1]), "both operands are one variable");
    }

    [Test]
    public void Merge_alone_merges_equal_constants_and_nodes_that_become_identical()
    {
        using var scope = NewDisposeScope();
        var x = T.DVector("x");
        var two = T.Constant(torch.tensor(new[] { 2.0, 2.0 }));
        var twoAgain = T.Constant(torch.tensor(new[] { 2.0, 2.0 }));
        var other = T.Constant(torch.tensor(new[] { 2.0, 3.0 }));
        // x*two and x*twoAgain differ only by their (equal) constants: merging the constants makes them identical.
        var outputs = new[] { x * two + x * twoAgain, x * other };
        var f = Function.Compile([x], outputs, new CompileOptions { Rewrites = [Rewriter.MergeOnly] });
        Assert.That(Ops(f), Is.EqualTo(new[] { "Elemwise{mul}", "Elemwise{add}", "Elemwise{mul}" }));
        var constants = f.Toposort().SelectMany(n => n.Inputs).OfType<Constant>().Distinct().ToArray();
        Assert.That(constants, Has.Length.EqualTo(2), "equal constants are one; different values stay apart");
        Same([x], outputs, Vec(1, 5));
    }

    [Test]
    public void Merge_keeps_ops_with_different_props_apart()
    {
        using var scope = NewDisposeScope();
        var x = T.DMatrix("x");
        var f = Same([x], [T.Sum(x, 0), T.Sum(x, 1), T.Sum(x, 0)], torch.ones(2, 3, dtype: ScalarType.Float64));
        Assert.That(Ops(f), Is.EqualTo(new[] { "Sum{axis=[0]}", "Sum{axis=[1]}" }));
        Assert.That(f.Graph.Outputs[0], Is.SameAs(f.Graph.Outputs[2]));
        var outs = f.Call(torch.ones(2, 3, dtype: ScalarType.Float64));
        outs[0].add_(1);
        Assert.That(GradCheck.Doubles(outs[2]), Is.EqualTo(new[] { 2.0, 2, 2 }), "merged outputs are still separate arrays");
    }

    // ---------------------------------------------------------------- constant folding

    [Test]
    public void Constant_subgraphs_are_computed_at_compile_time()
    {
        using var scope = NewDisposeScope();
        var x = T.DVector("x");
        var c = T.Constant(torch.tensor(new[] { 1.0, 2.0 }));
        var folded = T.Exp(c) * 3.0 + T.Sum(c);          // no input: computed once, when compiling
        var f = Same([x], [x + folded], Vec(10, 20));
        Assert.That(Ops(f), Is.EqualTo(new[] { "Elemwise{add}" }));
        var constant = f.Toposort()[0].Inputs.OfType<Constant>().Single();
        Assert.That(GradCheck.Doubles(constant.Value),
            Is.EqualTo(new[] { Math.Exp(1) * 3 + 3, Math.Exp(2) * 3 + 3 }).Within(1e-12));
    }

    [Test]
    public void Outputs_that_are_constant_fold_to_a_returned_copy()
    {
        using var scope = NewDisposeScope();
        var x = T.DScalar("x");
        var f = Function.Compile([x], [x * 1.0, T.Exp(T.Constant(torch.tensor(0.0))) * 2.0]);
        Assert.That(f.Toposort(), Is.Empty);
        var outs = f.Call(torch.tensor(4.0));
        Assert.That(outs.Select(o => o.item<double>()), Is.EqualTo(new[] { 4.0, 2.0 }));
        outs[1].add_(1);
        Assert.That(f.Call(torch.tensor(4.0))[1].item<double>(), Is.EqualTo(2.0), "the folded constant is not exposed");
    }

    [Test]
    public void Folding_skips_outputs_over_the_size_limit()
    {
        using var scope = NewDisposeScope();
        var x = T.DMatrix("x");
        var big = T.Second(T.Constant(torch.zeros(20, 30, dtype: ScalarType.Float64)), T.Constant(1.5));
        var limited = new CompileOptions
        {
            Rewrites = [new EquilibriumRewrite("fold", [new ConstantFolding(maxElements: 100)])],
        };
        var f = Function.Compile([x], [x + big], limited);
        Assert.That(Ops(f), Does.Contain("Elemwise{second}"), "600 elements > 100: left to run time");
        var g = Function.Compile([x], [x + big]);
        Assert.That(Ops(g), Is.EqualTo(new[] { "Elemwise{add}" }), "under the default limit (1e6 elements) it folds");
        var arg = torch.ones(20, 30, dtype: ScalarType.Float64);
        Assert.That(f.Call(arg)[0].sum().item<double>(), Is.EqualTo(g.Call(arg)[0].sum().item<double>()));
    }

    // ---------------------------------------------------------------- canonicalisation

    private static IEnumerable<TestCaseData> NeutralCases()
    {
        (string, Func<Variable, Variable>)[] cases =
        [
            ("x * 1", x => x * 1.0),
            ("1 * x", x => 1.0 * x),
            ("x + 0", x => x + 0.0),
            ("0 + x", x => 0.0 + x),
            ("x - 0", x => x - 0.0),
            ("x / 1", x => x / 1.0),
            ("x ** 1", x => x.Pow(1.0)),
            ("--x", x => -(-x)),
            ("----x", x => -(-(-(-x)))),
            ("x * ones(1, 1) on a matrix", x => x * T.Constant(torch.ones(1, 1, dtype: ScalarType.Float64))),
            ("second(x, x * 1)", x => T.Second(x, x * 1.0)),
            ("((x + 0) * 1 - 0) / 1", x => ((x + 0.0) * 1.0 - 0.0) / 1.0),
            ("dimshuffle(dimshuffle(x, [1, 0]), [1, 0])", x => T.Transpose(T.Transpose(x))),
            ("identity dimshuffle", x => new DimShuffle([0, 1]).Call(x)),
        ];
        return cases.Select(c => new TestCaseData(c.Item2).SetArgDisplayNames(c.Item1));
    }

    [TestCaseSource(nameof(NeutralCases))]
    public void Neutral_operations_disappear(Func<Variable, Variable> build)
    {
        using var scope = NewDisposeScope();
        var x = T.DMatrix("x");
        var y = build(x);
        Assert.That(Ops(Function.Compile([x], [y], NoRewrites)), Is.Not.Empty);
        var f = Same([x], [y], torch.tensor(new[,] { { 1.0, -2.0 }, { 3.5, 0.25 } }));
        Assert.That(Ops(f), Is.Empty);
        Assert.That(f.Graph.Outputs[0], Is.SameAs(x));
    }

    [Test]
    public void A_replacement_that_would_change_the_type_is_not_made()
    {
        using var scope = NewDisposeScope();
        var x = T.DVector("x");
        var ones = T.Constant(torch.ones(3, dtype: ScalarType.Float64));
        // x * ones(3) has static shape (3,) while x is (None,): replacing it by x would lose the static length.
        var f = Same([x], [x * ones], Vec(1, 2, 3));
        Assert.That(Ops(f), Is.EqualTo(new[] { "Elemwise{mul}" }));
        // A row of ones broadcasts a vector to a matrix: not an identity either.
        var g = Same([x], [x * T.Constant(torch.ones(2, 1, dtype: ScalarType.Float64))], Vec(1, 2, 3));
        Assert.That(Classes(g), Does.Contain("Elemwise"));
        Assert.That(g.Call(Vec(1, 2, 3))[0].shape, Is.EqualTo(new long[] { 2, 3 }));
    }

    [Test]
    public void A_neutral_operation_that_changes_the_dtype_becomes_a_cast()
    {
        using var scope = NewDisposeScope();
        var i = T.Tensor(DType.Int32, [null], "i");
        var f = Same([i], [i * 1.0, i + 0], torch.tensor(new[] { 1, -2, 3 }));
        Assert.That(Ops(f), Is.EqualTo(new[] { "Elemwise{cast{float64}}" }));
        Assert.That(f.Graph.Outputs[1], Is.SameAs(i), "int32 + 0 keeps int32: no cast needed");
    }

    [Test]
    public void Fill_of_a_value_that_already_has_the_shape_is_the_value()
    {
        using var scope = NewDisposeScope();
        var (x, y) = (T.DVector("x"), T.DVector("y"));
        var f = Same([x, y], [T.Second(x, T.Exp(y)), T.Second(x, T.Constant(2.0))], Vec(1, 2), Vec(3, 4));
        // second(x, exp(y)) is exp(y); second(x, 2.0) really broadcasts and stays.
        Assert.That(Ops(f), Is.EquivalentTo(new[] { "Elemwise{exp}", "Elemwise{second}" }));
        Assert.That(f.Graph.Outputs[0].Owner!.Op.ToString(), Is.EqualTo("Elemwise{exp}"));
    }

    [Test]
    public void Dimshuffles_of_dimshuffles_become_one()
    {
        using var scope = NewDisposeScope();
        var x = T.DMatrix("x");
        // transpose, then add an axis in front, then move it to the back: one dimshuffle {1, 0, x}.
        var y = T.DimShuffle(T.DimShuffle(T.Transpose(x), [-1, 0, 1]), [1, 2, 0]);
        var f = Same([x], [y], torch.tensor(new[,] { { 1.0, 2, 3 }, { 4, 5, 6 } }));
        Assert.That(Ops(f), Is.EqualTo(new[] { "DimShuffle{1,0,x}" }));
    }

    [Test]
    public void Gradients_shrink_and_stay_correct()
    {
        using var scope = NewDisposeScope();
        var x = T.DVector("x");
        var cost = T.Sum(T.Tanh(x) * 1.0 + 0.0);
        var g = Autodiff.Grad(cost, x);
        var plain = Function.Compile([x], [g], NoRewrites);
        var f = Same([x], [g], Vec(0.5, -1, 2));
        Assert.That(plain.Toposort().Count, Is.GreaterThan(6));
        // d/dx Σ tanh(x) = 1 - tanh(x)²: the seed's fill (second), the neutral * 1 and + 0 and the sum's
        // broadcast all go, and 1 - y·y is one fused kernel.
        Assert.That(Ops(f), Is.EqualTo(new[] { "Elemwise{tanh}", "Elemwise{subcmul}" }));
    }

    // ---------------------------------------------------------------- shape inference

    [Test]
    public void Static_shapes_fold_to_constants()
    {
        using var scope = NewDisposeScope();
        var x = T.Tensor(DType.Float64, [2, 3], "x");
        var v = T.Tensor(DType.Float64, [null, 4], "v");
        var outputs = new[] { T.Shape(x), T.ShapeI(v, 1), T.ShapeI(v, 0) };
        Assert.That(Classes(Function.Compile([x, v], outputs, NoRewrites)), Is.EqualTo(new[] { "Shape", "Shape_i", "Shape_i" }));
        var f = Same([x, v], outputs, torch.zeros(2, 3, dtype: ScalarType.Float64), torch.zeros(5, 4, dtype: ScalarType.Float64));
        Assert.That(Ops(f), Is.EqualTo(new[] { "Shape_i{0}" }), "only the unknown length is left to run time");
        var outs = f.Call(torch.zeros(2, 3, dtype: ScalarType.Float64), torch.zeros(5, 4, dtype: ScalarType.Float64));
        Assert.That(outs[0].data<long>().ToArray(), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(outs[1].item<long>(), Is.EqualTo(4));
        Assert.That(outs[2].item<long>(), Is.EqualTo(5));
    }

    [Test]
    public void A_shape_is_read_from_the_inputs_without_computing_the_values()
    {
        using var scope = NewDisposeScope();
        var (x, y) = (T.DMatrix("x"), T.DVector("y"));
        // exp(x) + y has the length of x on axis 0 and of x (or y) on axis 1; the sum keeps axis 1.
        var z = T.Sum(T.Transpose(T.Exp(x) + y), 1);
        var f = Same([x, y], [T.ShapeI(z, 0) * 1L], torch.zeros(2, 3, dtype: ScalarType.Float64), torch.zeros(3, dtype: ScalarType.Float64));
        Assert.That(Ops(f), Is.EqualTo(new[] { "Shape_i{1}" }));
        Assert.That(f.Toposort()[0].Inputs[0], Is.SameAs(x));
        Assert.That(f.Call(torch.zeros(2, 3, dtype: ScalarType.Float64), torch.zeros(3, dtype: ScalarType.Float64))[0].item<long>(),
            Is.EqualTo(3));
    }

    [Test]
    public void A_reshape_to_its_own_shape_goes()
    {
        using var scope = NewDisposeScope();
        var x = T.DMatrix("x");
        var same = T.Reshape(x, T.MakeVector(T.ShapeI(x, 0), T.ShapeI(T.Tanh(x), 1)));
        var swapped = T.Reshape(x, T.MakeVector(T.ShapeI(x, 1), T.ShapeI(x, 0)));
        var m = torch.arange(6.0, dtype: float64).reshape(2, 3);
        Assert.That(Classes(Same([x], [same * 2.0], m)), Does.Not.Contain("Reshape"));
        // 3 × 2 from 2 × 3: a real reshape, kept.
        Assert.That(Classes(Same([x], [swapped * 2.0], m)), Does.Contain("Reshape"));
    }

    // ---------------------------------------------------------------- products with a diagonal

    [Test]
    public void A_product_with_a_diagonal_scales_rows_or_columns()
    {
        using var scope = NewDisposeScope();
        var (a, v) = (T.DMatrix("a"), T.DVector("v"));
        var eye = T.Eye(T.ShapeI(v, 0), dtype: DType.Float64);
        var byRow = eye * T.DimShuffle(v, [-1, 0]);
        var byColumn = eye * T.DimShuffle(T.Exp(v), [0, -1]);
        var outputs = new[] { T.MatMul(byRow, a), T.MatMul(byColumn, a), T.MatMul(T.Transpose(a), byRow), T.Dot(T.Transpose(a), byColumn) };
        var f = Same([a, v], outputs, torch.randn(4, 3, dtype: float64), torch.randn(4, dtype: float64));
        Assert.That(Classes(f), Does.Not.Contain("MatMul").And.Not.Contain("Dot").And.Not.Contain("Eye"));
        // diag(v) A = v[:, None] * A and Aᵀ diag(v) = Aᵀ * v[None, :], written out.
        var (am, vm) = (torch.randn(4, 3, dtype: float64), torch.randn(4, dtype: float64));
        var got = f.Call(am, vm);
        GradCheck.AssertClose(GradCheck.Doubles(got[0]), got[0].shape, GradCheck.Doubles(vm.unsqueeze(1) * am), [4, 3], 1e-15, "rows");
        GradCheck.AssertClose(GradCheck.Doubles(got[3]), got[3].shape, GradCheck.Doubles(am.T * vm.exp().unsqueeze(0)), [3, 4],
            1e-15, "columns");
    }

    [Test]
    public void A_diagonal_product_computes_in_the_products_dtype()
    {
        using var scope = NewDisposeScope();
        var (a, v) = (T.FMatrix("a"), T.FVector("v"));
        // A float64 eye makes the product float64: v and a are multiplied as float64, not rounded to float32 first.
        var product = T.MatMul(T.Eye(T.ShapeI(v, 0), dtype: DType.Float64) * T.DimShuffle(v, [-1, 0]), a);
        var (am, vm) = (torch.rand(3, 2, dtype: float32) + 1, torch.rand(3, dtype: float32) + 1);
        var f = Same([a, v], [product], am, vm);
        Assert.That(Classes(f), Does.Not.Contain("MatMul"));
        var got = f.Call(am, vm)[0];
        Assert.That(got.dtype, Is.EqualTo(float64));
        GradCheck.AssertClose(GradCheck.Doubles(got), got.shape,
            GradCheck.Doubles(vm.to(float64).unsqueeze(1) * am.to(float64)), [3, 2], 1e-15, "in float64");
    }

    [Test]
    public void An_eye_not_shown_to_match_the_row_is_kept()
    {
        using var scope = NewDisposeScope();
        var (a, w, n) = (T.DMatrix("a"), T.DVector("w"), T.LScalar("n"));
        // n is an input: nothing shows it is w's length, and the product must still refuse n != len(w) at run time.
        var product = T.MatMul(T.Eye(n, dtype: DType.Float64) * T.DimShuffle(w, [-1, 0]), a);
        var (am, wm) = (torch.randn(3, 2, dtype: float64), torch.randn(3, dtype: float64));
        var f = Same([a, w, n], [product], am, wm, torch.tensor(3L));
        Assert.That(Classes(f), Does.Contain("MatMul"));
        var got = f.Call(am, wm, torch.tensor(3L))[0];
        GradCheck.AssertClose(GradCheck.Doubles(got), got.shape, GradCheck.Doubles(wm.unsqueeze(1) * am), [3, 2], 1e-15, "diag(w) a");
        Assert.Throws<ArgumentException>(() => f.Call(am, wm, torch.tensor(2L)));
    }

    [Test]
    public void The_jacobian_of_an_elementwise_function_of_a_product_needs_no_second_product()
    {
        using var scope = NewDisposeScope();
        var (a, x) = (T.DMatrix("a"), T.DVector("x"));
        var jacobian = Autodiff.Jacobian(T.Tanh(T.Dot(a, x)), [x])[0];
        var (am, xm) = (torch.randn(5, 4, dtype: float64), torch.randn(4, dtype: float64));
        var f = Same([a, x], [jacobian], am, xm);
        Assert.That(Classes(f).Count(c => c is "Dot" or "MatMul"), Is.EqualTo(1), string.Join(" ", Classes(f)));
        // d tanh(A x) / dx = (1 - tanh²(A x))[:, None] * A.
        var expected = (1 - am.matmul(xm).tanh().square()).unsqueeze(1) * am;
        var got = f.Call(am, xm)[0];
        GradCheck.AssertClose(GradCheck.Doubles(got), got.shape, GradCheck.Doubles(expected), [5, 4], 1e-14, "jacobian");
    }

    // ---------------------------------------------------------------- removal of run-time identities

    /// <summary>A gradient-control op for the test: the identity at run time, zero gradient (Aesara's zero_grad).</summary>
    private sealed class ZeroGradForTest : Op, IRemovableOp
    {
        public override Apply MakeNode(params Variable[] inputs) => new(this, inputs, [inputs[0].Type]);

        public override Tensor[] Perform(Apply node, Tensor[] inputs) => [inputs[0].alias()];

        public override Variable?[] Pullback(Apply node, Variable[] outputGradients) => [T.ZerosLike(node.Inputs[0])];

        public override Variable?[] Pushforward(Apply node, Variable?[] inputTangents) => [null];
    }

    [Test]
    public void Ops_that_declare_themselves_removable_leave_the_compiled_graph()
    {
        using var scope = NewDisposeScope();
        var x = T.DVector("x");
        var stopped = new ZeroGradForTest().Call(x);
        var cost = T.Sum(stopped * x);
        Assert.That(Classes(Function.Compile([x], [cost], NoRewrites)), Does.Contain("ZeroGradForTest"));
        var f = Same([x], [cost], Vec(1, 2, 3));
        Assert.That(Classes(f), Does.Not.Contain("ZeroGradForTest"));
        // Its gradient rule still applied when the gradient was built: d/dx Σ stop(x)·x = stop(x) = x.
        var g = Same([x], [Autodiff.Grad(cost, x)], Vec(1, 2, 3));
        Assert.That(GradCheck.Doubles(g.Call(Vec(1, 2, 3))[0]), Is.EqualTo(new[] { 1.0, 2, 3 }));
        Assert.That(Classes(g), Does.Not.Contain("ZeroGradForTest"));
    }

    // ---------------------------------------------------------------- stabilisation

    [Test]
    public void Log_of_softmax_becomes_log_softmax_and_stays_finite()
    {
        using var scope = NewDisposeScope();
        var x = T.DMatrix("x");
        var y = T.Log(T.Softmax(x, 1));
        var naive = Function.Compile([x], [y], NoRewrites);
        var f = Same([x], [y], torch.tensor(new[,] { { 0.5, -1, 2 }, { 3, 0, 1 } }));
        Assert.That(Classes(naive), Is.EqualTo(new[] { "Softmax", "Elemwise" }));
        Assert.That(Ops(f), Is.EqualTo(new[] { "LogSoftmax{axis=1}" }));
        var huge = torch.tensor(new[,] { { 1000.0, 0, -1000 } });
        Assert.That(GradCheck.Doubles(naive.Call(huge)[0]), Has.Some.EqualTo(double.NegativeInfinity));
        Assert.That(GradCheck.Doubles(f.Call(huge)[0]), Is.EqualTo(new[] { 0.0, -1000, -2000 }));
    }

    [Test]
    public void Hand_written_softmax_is_recognised_and_its_log_stabilised()
    {
        using var scope = NewDisposeScope();
        var x = T.DMatrix("x");
        var softmax = T.Exp(x) / T.Sum(T.Exp(x), 1, keepdims: true);
        var all = T.Exp(x) / T.Sum(T.Exp(x), keepdims: true);
        var arg = torch.tensor(new[,] { { 0.5, -1, 2 }, { 3, 0, 1 } });
        var f = Same([x], [softmax, all], arg);
        Assert.That(Ops(f), Is.EquivalentTo(new[] { "Softmax{axis=1}", "Softmax{axis=None}" }));
        var g = Same([x], [T.Log(softmax)], arg);
        Assert.That(Ops(g), Is.EqualTo(new[] { "LogSoftmax{axis=1}" }));
        var huge = torch.tensor(new[,] { { 1000.0, 0, -1000 } });
        Assert.That(GradCheck.Doubles(Function.Compile([x], [softmax], NoRewrites).Call(huge)[0]), Has.Some.NaN);
        Assert.That(GradCheck.Doubles(g.Call(huge)[0]), Is.EqualTo(new[] { 0.0, -1000, -2000 }));
    }

    [Test]
    public void Log_of_one_plus_exp_becomes_softplus()
    {
        using var scope = NewDisposeScope();
        var x = T.DVector("x");
        var outputs = new[] { T.Log(1.0 + T.Exp(x)), T.Log(T.Exp(x) + 1.0), T.Log1p(T.Exp(x)) };
        var arg = Vec(-3, -0.5, 0, 0.5, 3);
        var f = Same([x], outputs, arg);
        Assert.That(Ops(f), Is.EqualTo(new[] { "Elemwise{softplus}" }), "three spellings, one merged softplus");
        var huge = Vec(-1000, 1000);
        var naive = Function.Compile([x], outputs, NoRewrites).Call(huge);
        Assert.That(GradCheck.Doubles(naive[0])[1], Is.EqualTo(double.PositiveInfinity));
        var stable = f.Call(huge);
        Assert.That(GradCheck.Doubles(stable[0]), Is.EqualTo(new[] { 0.0, 1000.0 }));
    }

    [Test]
    public void Log_of_one_plus_x_becomes_log1p()
    {
        using var scope = NewDisposeScope();
        var x = T.DVector("x");
        var y = T.Log(1.0 + x);
        var f = Function.Compile([x], [y]);
        Assert.That(Ops(f), Is.EqualTo(new[] { "Elemwise{log1p}" }));
        var tiny = f.Call(Vec(1e-18))[0].item<double>();
        Assert.That(tiny, Is.EqualTo(1e-18).Within(1e-30), "log(1 + 1e-18) is 0 in doubles; log1p keeps it");
        Assert.That(Function.Compile([x], [y], NoRewrites).Call(Vec(1e-18))[0].item<double>(), Is.EqualTo(0.0));
    }

    [Test]
    public void Log_of_sum_of_exp_becomes_logsumexp()
    {
        using var scope = NewDisposeScope();
        var x = T.DMatrix("x");
        var outputs = new[]
        {
            T.Log(T.Sum(T.Exp(x))),
            T.Log(T.Sum(T.Exp(x), 1)),
            T.Log(T.Sum(T.Exp(x), 0, keepdims: true)),
        };
        var f = Same([x], outputs, torch.tensor(new[,] { { 0.5, -1, 2 }, { 3, 0, 1 } }));
        Assert.That(Ops(f), Is.EquivalentTo(new[]
        {
            "LogSumExp{axis=None, keepdims=False}", "LogSumExp{axis=[1], keepdims=False}",
            "LogSumExp{axis=[0], keepdims=True}",
        }));
        var huge = torch.tensor(new[,] { { 1000.0, 1000 }, { -1000, -1000 } });
        var naive = Function.Compile([x], outputs, NoRewrites).Call(huge);
        Assert.That(naive[0].item<double>(), Is.EqualTo(double.PositiveInfinity));
        var stable = f.Call(huge);
        Assert.That(stable[0].item<double>(), Is.EqualTo(1000 + Math.Log(2)).Within(1e-12));
        Assert.That(GradCheck.Doubles(stable[1]), Is.EqualTo(new[] { 1000 + Math.Log(2), -1000 + Math.Log(2) }).Within(1e-12));
        Assert.That(stable[2].shape, Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(GradCheck.Doubles(stable[2]), Is.EqualTo(new[] { 1000.0, 1000.0 }).Within(1e-12));
    }

    [Test]
    public void Stabilised_cost_is_finite_where_the_naive_one_overflows()
    {
        using var scope = NewDisposeScope();
        var x = T.DVector("x");
        var cost = T.Sum(T.Log(1.0 + T.Exp(x)));
        var f = Function.Compile([x], [cost]);
        Assert.That(Ops(f), Is.EqualTo(new[] { "Elemwise{softplus}", "Sum" }));
        Assert.That(f.Call(Vec(-1000, 0, 1000))[0].item<double>(), Is.EqualTo(1000 + Math.Log(2)).Within(1e-12));
        Assert.That(Function.Compile([x], [cost], NoRewrites).Call(Vec(-1000, 0, 1000))[0].item<double>(),
            Is.EqualTo(double.PositiveInfinity));
        // The gradient of softplus itself (sigmoid) is finite everywhere.
        var g = Function.Compile([x], [Autodiff.Grad(T.Sum(T.Softplus(x)), x)]).Call(Vec(-1000, 0, 1000))[0];
        Assert.That(GradCheck.Doubles(g), Is.EqualTo(new[] { 0.0, 0.5, 1.0 }));
    }

    // ---------------------------------------------------------------- the driver

    [Test]
    public void Rewrites_do_not_look_through_the_function_inputs()
    {
        using var scope = NewDisposeScope();
        var x = T.DVector("x");
        var z = T.Exp(x);
        // z is an input: log(1 + z) may become log1p(z), but not softplus(x), since x is not available.
        var f = Function.Compile([z], [T.Log(1.0 + z)]);
        Assert.That(Ops(f), Is.EqualTo(new[] { "Elemwise{log1p}" }));
        Assert.That(f.Call(Vec(1e-3))[0].item<double>(), Is.EqualTo(Math.Log(1.001)).Within(1e-15));
    }

    [Test]
    public void The_users_graph_is_not_changed()
    {
        var x = T.DVector("x");
        var y = T.Log(1.0 + T.Exp(x * 1.0));
        var before = GraphOrder.Toposort([y]).Select(n => n.Op.ToString()).ToArray();
        Function.Compile([x], [y]);
        Assert.That(GraphOrder.Toposort([y]).Select(n => n.Op.ToString()), Is.EqualTo(before));
    }

    [Test]
    public void Updates_and_givens_are_rewritten_too()
    {
        using var scope = NewDisposeScope();
        var x = T.DVector("x");
        var g = T.DVector("g");
        using var w = new SharedVariable(torch.tensor(new[] { 1.0, 2.0 }), "w");
        var f = Function.Compile([x], [T.Sum(x * 1.0)], new CompileOptions
        {
            Updates = [new(w, w * 1.0 + T.Log(T.Sum(T.Exp(g))))],
            Givens = new Dictionary<Variable, Variable> { [g] = x },
        });
        Assert.That(Ops(f), Is.EquivalentTo(new[] { "Sum", "LogSumExp{axis=None, keepdims=False}", "DimShuffle{x}", "Elemwise{add}" }));
        f.Call(Vec(0, 0));
        Assert.That(GradCheck.Doubles(w.GetValue()), Is.EqualTo(new[] { 1 + Math.Log(2), 2 + Math.Log(2) }).Within(1e-14));
    }

    [Test]
    public void A_graph_of_100k_nodes_is_rewritten_to_its_essential_nodes()
    {
        using var scope = NewDisposeScope();
        var x = T.DVector("x");
        var y = x;
        // Per step: mul by one, add zero, a duplicated tanh and product, an add, and a dimshuffle per scalar constant:
        // 11 nodes, of which 8 go (folded, merged or neutral).
        for (int i = 0; i < 10_000; i++)
        {
            var t = y * 1.0 + 0.0;
            y = T.Tanh(t) * 0.5 + T.Tanh(t) * 0.5;
        }
        var graph = FunctionGraph.Clone([x], [y]);
        int before = graph.Toposort().Count;
        Assert.That(before, Is.GreaterThan(100_000));
        // Its time is measured by `make bench` (compile scaling), never asserted in a test.
        Rewriter.Run(graph);
        int after = graph.Toposort().Count;
        Assert.That(after, Is.EqualTo(10_000 * 3), "per step: tanh, mul, add");
    }

    // ---------------------------------------------------------------- fusion

    [Test]
    public void A_sum_of_a_product_read_once_becomes_one_addcmul_that_runs_in_place()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var y = x;
        for (int i = 0; i < 3; i++)
        {
            y = T.Tanh(y) * 0.5 + y;
        }
        var f = Same([x], [y], Vec(0.3, -1.2, 2.0));
        Assert.That(Ops(f), Is.EqualTo(new[]
        {
            "Elemwise{tanh}", "Elemwise{addcmul}", "Elemwise{tanh}", "Elemwise{addcmul}", "Elemwise{tanh}", "Elemwise{addcmul}",
        }));
        // The first link reads the argument, which is never overwritten; the others update y in place.
        Assert.That(f.InPlaceCount, Is.EqualTo(2));
    }

    [Test]
    public void Tanh_gradient_uses_subcmul_and_stays_exact()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var g = T.DMatrix("g");
        var y = T.Tanh(x);
        var f = Same([x, g], [Autodiff.Lop([y], [x], [g])[0]], torch.tensor(new[,] { { 0.3, -1.2 }, { 2.0, 0.1 } }),
            torch.tensor(new[,] { { 1.0, 2.0 }, { -0.5, 3.0 } }));
        Assert.That(Ops(f), Does.Contain("Elemwise{subcmul}"));
        Assert.That(Ops(f), Does.Not.Contain("Elemwise{sub}"));
    }

    [Test]
    public void A_dense_layer_and_its_gradients_become_gemms_without_transposes()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var w = T.DMatrix("W");
        var b = T.DVector("b");
        var cost = T.Sum(T.Sqr(T.Tanh(T.Dot(x, w) + b)));
        var grads = Autodiff.Grad(cost, [x, w, b]);
        torch.manual_seed(3);
        var f = Same([x, w, b], [cost, .. grads], torch.randn(4, 3, dtype: ScalarType.Float64),
            torch.randn(3, 2, dtype: ScalarType.Float64), torch.randn(2, dtype: ScalarType.Float64));
        var ops = Ops(f);
        Assert.That(ops, Does.Contain("Gemm{NN}").And.Contain("Gemm{TN}").And.Contain("Gemm{NT}"));
        Assert.That(ops, Does.Not.Contain("Dot").And.Not.Contain("DimShuffle{1,0}").And.Not.Contain("DimShuffle{x,0}"));
    }

    [Test]
    public void A_bias_that_does_not_broadcast_statically_is_checked_at_run_time()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DMatrix("x");
        var c = T.DMatrix("c");
        var f = Function.Compile([x, c], [T.Dot(x, x) + c]);
        Assert.That(Ops(f), Is.EqualTo(new[] { "Gemm{NN}" }));
        // c (1, 2) is not broadcastable by its type: Aesara refuses it, and so does the fused kernel.
        Assert.Throws<ArgumentException>(() => f.Call(torch.ones(2, 2, dtype: ScalarType.Float64),
            torch.ones(1, 2, dtype: ScalarType.Float64)));
    }

    [Test]
    public void A_bias_wider_than_a_statically_one_by_one_product_is_added_not_fused()
    {
        // Found by make stress: (1, 1) + a row of 2 is a (1, 2) sum; addmm broadcasts only its bias to the product.
        using var scope = torch.NewDisposeScope();
        var a = T.Tensor(DType.Float64, [1, 3], "a");
        var b = T.Tensor(DType.Float64, [3, 1], "b");
        var c = T.DVector("c");
        var f = Same([a, b, c], [T.Dot(a, b) + T.DimShuffle(c, [-1, 0])],
            torch.tensor(new[,] { { 0.5, -1.0, 2.0 } }), torch.tensor(new[,] { { 1.5 }, { 0.25 }, { -2.0 } }), Vec(0.3, -1.2));
        Assert.That(Ops(f), Does.Not.Contain("Gemm{NN}"));
    }

    [Test]
    public void A_transpose_that_drops_a_broadcastable_axis_is_not_read_as_a_matrix_transpose()
    {
        // Found by make stress: DimShuffle{1,0} of a (3, 3, 1) tensor drops its last axis; gemm must not take the
        // (3, 3, 1) tensor itself as a transposed matrix.
        using var scope = torch.NewDisposeScope();
        var x = T.Tensor(DType.Float64, [null, null, 1], "x");
        var m = T.DMatrix("m");
        var f = Same([x, m], [T.Dot(T.DimShuffle(x, [1, 0]), m), T.Dot(m, T.DimShuffle(x, [1, 0]))],
            torch.arange(9, dtype: ScalarType.Float64).reshape(3, 3, 1) * 0.5 - 1.0,
            torch.arange(9, dtype: ScalarType.Float64).reshape(3, 3) * 0.25 + 0.1);
        Assert.That(f.Toposort().Where(n => n.Op is Gemm).Select(n => n.Inputs[0].Ndim), Is.All.EqualTo(2));
    }

    [Test]
    public void A_product_with_other_readers_or_in_another_dtype_is_not_fused()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var p = x * x;
        var shared = Same([x], [p + x, p], Vec(0.3, -1.2));
        Assert.That(Ops(shared), Does.Not.Contain("Elemwise{addcmul}"));
        var f = T.FVector("f");
        var narrow = Same([x, f], [x + f * f], Vec(0.3, -1.2), torch.tensor(new[] { 1.5f, 2f }));
        Assert.That(Ops(narrow), Does.Not.Contain("Elemwise{addcmul}"), "the float32 product is rounded before the sum");
    }

    [Test]
    public void Default_pipeline_lists_its_rules()
    {
        Assert.That(Rewriter.Default.Select(r => r.Name), Is.EqualTo(new[] { "merge+canonicalize+stabilize", "scan_save_mem", "local_dot_to_gemm", "local_fuse_multiply_add" }));
        Assert.That(Rewriter.DefaultRules.Select(r => r.Name), Is.SupersetOf(new[]
        {
            "constant_folding", "local_useless_elemwise", "local_fill_sink", "local_shape_to_constant", "local_dimshuffle_merge", "remove_identity_ops",
            "local_log1p", "local_log1p_exp_to_softplus", "local_softmax_simplifier", "local_logsoftmax",
            "local_log_sum_exp", "local_subtensor_merge", "scan_pushout_non_seqs",
        }));
    }
}
