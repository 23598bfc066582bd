using Gradient.Compile;
using Gradient.Graph;
using Gradient.Kernels;
using Gradient.Serialization;
using Gradient.Stress;
using NUnit.Framework;
using TorchSharp;

namespace Gradient.Tests;

/// <summary>
/// The small versions of <c>make stress</c> (random graphs against finite differences, threads, memory) and one
/// regression test per failure those runs found, each fixed at its cause.
/// </summary>
[NonParallelizable]
public sealed class ReliabilityTests
{
    // ---------------------------------------------------------------- the stress runs, small

    /// <summary>500 random graphs: grad, Lop and Rop agree with finite differences (10,000 in <c>make stress</c>).</summary>
    [Test]
    public void Random_graphs_agree_with_finite_differences()
    {
        string folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "random-graph-failures");
        var reports = Enumerable.Range(1, 500).Select(seed => GraphCheck.Check(seed, failures: folder)).ToArray();
        var failures = reports.Where(r => r.Verdict == GraphVerdict.Fail).ToArray();
        TestContext.Out.WriteLine(string.Join(", ", reports.GroupBy(r => r.Verdict).Select(g => $"{g.Key} {g.Count()}")));
        Assert.That(failures.Select(f => $"seed {f.Seed}: {f.Detail} ({f.Reproducer})"), Is.Empty);
        Assert.That(reports.Count(r => r.Verdict == GraphVerdict.Pass), Is.GreaterThan(450), "too few graphs checked");
    }

    /// <summary>One function from 8 threads: the serial results bit for bit, updates as if the calls ran in turn.</summary>
    [Test]
    public void Calls_from_eight_threads_give_the_serial_results_and_atomic_updates()
    {
        var report = ThreadStress.Run(threads: 8, callsPerThread: 100);
        Assert.That(report.Mismatches, Is.Zero);
        Assert.That(report.UpdateViolations, Is.Zero);
    }

    /// <summary>Repeated calls and compile/discard cycles keep the resident size and leave no tensor alive.</summary>
    [Test]
    public void Repeated_calls_and_compilations_hold_memory_and_leave_no_tensor()
    {
        foreach (var report in new[] { MemoryStress.Calls(5_000, 2_000), MemoryStress.CompileCycles(500, 100) })
        {
            TestContext.Out.WriteLine($"{report.What}: {report.DriftPercent:F1} %, {report.TensorsLeaked} tensors");
            Assert.That(report.TensorsLeaked, Is.LessThanOrEqualTo(0), report.What);
            Assert.That(Math.Abs(report.DriftPercent), Is.LessThanOrEqualTo(10), report.What);
        }
    }

    // ---------------------------------------------------------------- regressions: wrong results

    /// <summary>
    /// libtorch's cat of one tensor returns that tensor: Join (which promises new memory) handed it on, and the VM
    /// then wrote an in-place result into the input's buffer (the gradient of a one-piece split came out wrong).
    /// </summary>
    [Test]
    public void Join_of_one_tensor_is_a_copy_and_one_piece_split_differentiates()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.ones(1, dtype: torch.float64).expand(4);
        var joined = Kernels.Kernels.Join([t], 0, DType.Float64);
        Assert.That(Kernels.Kernels.DataAddress(joined), Is.Not.EqualTo(Kernels.Kernels.DataAddress(t)));

        var x = T.DVector("x");
        var y = T.DVector("y");
        var piece = T.Split(x * y, [4], 0)[0];
        var grads = Autodiff.Grad(T.Sum(piece), [x, y]);
        var outs = Function.Compile([x, y], grads).Call(torch.tensor(new[] { 1.0, 2, 3, 4 }),
            torch.tensor(new[] { 10.0, 20, 30, 40 }));
        Assert.That(GradCheck.Doubles(outs[0]), Is.EqualTo(new[] { 10.0, 20, 30, 40 }));
        Assert.That(GradCheck.Doubles(outs[1]), Is.EqualTo(new[] { 1.0, 2, 3, 4 }));
    }

    /// <summary>second(like, value) has the broadcast shape of both; the kernel expanded value to like's shape only.</summary>
    [Test]
    public void Second_broadcasts_both_operands()
    {
        using var scope = torch.NewDisposeScope();
        var like = T.Tensor(DType.Float64, [1, 1, 6, 1], "like");
        var value = T.Tensor(DType.Float64, [1, 2, 1, 3], "value");
        var y = T.Second(like, value);
        Assert.That(y.Type.Shape, Is.EqualTo(new long?[] { 1, 2, 6, 3 }));
        var result = Function.Compile([like, value], [y]).Call(torch.zeros(1, 1, 6, 1, dtype: torch.float64),
            torch.arange(6, dtype: torch.float64).reshape(1, 2, 1, 3))[0];
        Assert.That(result.shape, Is.EqualTo(new long[] { 1, 2, 6, 3 }));
        Assert.That(result[0, 1, 5, 2].item<double>(), Is.EqualTo(5.0));
    }

    /// <summary>
    /// Max over copies of one value (a broadcast): the pullback shares the gradient among the tied copies, so it is
    /// the adjoint of the pushforward and d max(broadcast(a)) / da = 1, not the number of copies.
    /// </summary>
    [Test]
    public void Max_of_copies_differentiates_to_one_and_pullback_is_adjoint_to_pushforward()
    {
        using var scope = torch.NewDisposeScope();
        var a = T.DScalar("a");
        var copies = T.Alloc(a, 4L);
        var g = Autodiff.Grad(T.Max(copies), a);
        Assert.That(Function.Compile([a], [g]).Call(torch.tensor(0.7))[0].item<double>(), Is.EqualTo(1.0));

        var x = T.DMatrix("x");
        var u = T.DVector("u");
        var v = T.DMatrix("v");
        var y = T.Max(x, [1]);
        var lop = Autodiff.Lop([y], [x], [u])[0];
        var rop = Autodiff.Rop([y], [x], [v])[0];
        var outs = Function.Compile([x, u, v], [T.Sum(lop * v), T.Sum(rop * u)]).Call(
            torch.tensor(new double[,] { { 1, 3, 3 }, { 2, 2, 2 } }), torch.tensor(new[] { 0.3, -1.1 }),
            torch.tensor(new double[,] { { 5, 1, 4 }, { 7, 8, -3 } }));
        Assert.That(outs[0].item<double>(), Is.EqualTo(outs[1].item<double>()).Within(1e-12));
    }

    /// <summary>
    /// A derivative computed another way may know less of its static shape than the variable it is for (a solve's
    /// pullback gives (None, None) for a (1, 1) matrix): rules that rely on static lengths (a DimShuffle dropping
    /// a broadcastable axis) failed to build; the derivative now takes the variable's static lengths.
    /// </summary>
    [Test]
    public void Derivatives_take_the_static_shape_of_their_variable()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.Tensor(DType.Float64, [3], "x");
        var y = T.Tensor(DType.Float64, [3, 1], "y");
        var a = T.Dot(T.DimShuffle(x, [-1, 0]), y) + T.Constant(torch.ones(1, 1, dtype: torch.float64));
        var solved = T.Solve(a, T.Constant(torch.ones(1, 1, dtype: torch.float64)), "pos");
        Assert.DoesNotThrow(() => Autodiff.Grad(T.Sum(solved), [x, y]));

        // A user's eval point of unknown static shape for a (1, 3) variable whose axis 0 is dropped.
        var row = T.Tensor(DType.Float64, [1, 3], "row");
        var v = T.DMatrix("v");
        var tangent = Autodiff.Rop([T.DimShuffle(row, [1])], [row], [v])[0];
        var result = Function.Compile([row, v], [tangent], new CompileOptions { OnUnusedInput = UnusedInputPolicy.Ignore })
            .Call(torch.zeros(1, 3, dtype: torch.float64), torch.tensor(new double[,] { { 1, 2, 3 } }))[0];
        Assert.That(GradCheck.Doubles(result), Is.EqualTo(new[] { 1.0, 2, 3 }));
    }

    /// <summary>
    /// 1 - sigmoid(x) is computed as sigmoid(-x) and log(sigmoid(x)) as -softplus(-x): the naive forms lost every
    /// digit for x in the tens (binary_crossentropy of a saturated sigmoid), which the random graphs caught as finite
    /// differences of zero against a correct derivative, and then as a NaN gradient (0 / 0) once the value was
    /// stable.
    /// </summary>
    [Test]
    public void Log_of_sigmoid_and_of_its_complement_and_their_gradients_are_stable()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var y = T.Log(1.0 - T.Sigmoid(x));
        var f = Function.Compile([x], [y, T.Log(T.Sigmoid(x)), Autodiff.Grad(T.Sum(y), x)]);
        var outs = f.Call(torch.tensor(new[] { 30.0, 43.1, -800.0 }));
        Assert.That(GradCheck.Doubles(outs[0])[0], Is.EqualTo(-30.000000000000092).Within(1e-12));
        Assert.That(GradCheck.Doubles(outs[0])[1], Is.EqualTo(-43.1).Within(1e-12));
        Assert.That(GradCheck.Doubles(outs[1])[2], Is.EqualTo(-800.0));
        Assert.That(GradCheck.Doubles(outs[2]).Take(2), Is.EqualTo(new[] { -1.0, -1.0 }).Within(1e-12));
    }

    // ---------------------------------------------------------------- regressions: silent acceptance

    /// <summary>A class index outside 0..k-1 gave -log(0) = inf silently; it is refused, as Aesara's one-hot op does.</summary>
    [Test]
    public void Categorical_crossentropy_refuses_class_indices_out_of_range()
    {
        using var scope = torch.NewDisposeScope();
        var p = T.DMatrix("p");
        var labels = T.LVector("labels");
        var f = Function.Compile([p, labels], [T.CategoricalCrossentropy(p, labels)]);
        var probabilities = torch.full(2, 3, 1.0 / 3, dtype: torch.float64);
        Assert.Throws<IndexOutOfRangeException>(() => f.Call(probabilities, torch.tensor(new long[] { 0, 7 })));
        Assert.That(f.Call(probabilities, torch.tensor(new long[] { 0, 2 }))[0].sum().item<double>(),
            Is.EqualTo(2 * Math.Log(3)).Within(1e-12));
    }

    /// <summary>Enum options outside their names were accepted and acted on as something else.</summary>
    [Test]
    public void Enum_options_out_of_range_are_refused()
    {
        var x = T.DVector("x");
        var d = T.DVector("d");
        Assert.Throws<ArgumentOutOfRangeException>(() => Function.Compile([x, d], [x],
            new CompileOptions { OnUnusedInput = (UnusedInputPolicy)9 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Autodiff.Grad(T.Sum(x), [d],
            new GradOptions { DisconnectedInputs = (DisconnectedPolicy)9 }));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => T.Tensor((DType)99, [null]));
        Assert.That(e!.Message, Does.Contain("dtype").And.Contain("Float64"));
    }

    /// <summary>A sparse tensor given for a dense input, or stored in a shared variable, is refused.</summary>
    [Test]
    public void Sparse_tensors_are_refused_where_dense_ones_are_expected()
    {
        using var scope = torch.NewDisposeScope();
        var x = T.DVector("x");
        var f = Function.Compile([x], [x * 2.0]);
        var e = Assert.Throws<ArgumentException>(() => f.Call(torch.ones(3, dtype: torch.float64).to_sparse()));
        Assert.That(e!.Message, Does.Contain("argument 0").And.Contain("sparse"));
        using var s = new SharedVariable(torch.ones(2, 2, dtype: torch.float64), "s");
        Assert.Throws<ArgumentException>(() => s.SetValue(torch.ones(2, 2, dtype: torch.float64).to_sparse()));
    }

    // ---------------------------------------------------------------- regressions: unclear errors

    /// <summary>Null arguments: the message names the function (or op) and the argument, never a bare NullReference.</summary>
    [Test]
    public void Null_arguments_name_the_function_and_the_argument()
    {
        Assert.That(Assert.Throws<ArgumentNullException>(() => T.Exp(null!))!.Message,
            Does.Contain("Elemwise{exp}").And.Contain("input 0"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => T.Transpose(null!))!.Message,
            Does.StartWith("Transpose: x is null"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => T.Join(0, T.DVector(), null!))!.Message,
            Does.Contain("tensors[1] is null"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => new Ops.Sum(null).MakeNode(null!))!.Message,
            Does.Contain("Sum").And.Contain("inputs is null"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => new SharedVariable(null!, "w"))!.Message,
            Does.Contain("shared w"));
        Assert.Throws<ArgumentNullException>(() => Autodiff.Lop([null!], [T.DVector()], [T.DVector()]));
    }

    /// <summary>Complex inputs to functions defined on real numbers fail at graph building, not in a libtorch kernel.</summary>
    [Test]
    public void Real_only_functions_refuse_complex_inputs_when_the_graph_is_built()
    {
        var z = T.Vector(DType.Complex128, "z");
        foreach (var build in new Func<Variable>[]
                 {
                     () => T.Erf(z), () => T.Gammaln(z), () => T.Deg2Rad(z), () => T.Softplus(z), () => T.Lt(z, z),
                     () => T.Arctan2(z, z), () => T.Softmax(z), () => T.SigmoidBinaryCrossentropy(z, z),
                 })
        {
            var e = Assert.Throws<NotSupportedException>(() => build());
            Assert.That(e!.Message, Does.Contain("complex"));
        }
        Assert.DoesNotThrow(() => T.Exp(z));
    }

    /// <summary>Errors libtorch raises inside kernels name the op and lose the C++ backtrace; too large is a memory error.</summary>
    [Test]
    public void Libtorch_failures_name_the_op_and_too_large_results_are_memory_errors()
    {
        using var scope = torch.NewDisposeScope();
        var m = T.DMatrix("m");
        var f = Function.Compile([m], [T.Exp(m)]);
        var huge = torch.ones(1, 1, dtype: torch.float64).expand(10_000_000, 10_000_000);
        var e = Assert.Throws<InsufficientMemoryException>(() => f.Call(huge));
        Assert.That(e!.Message, Does.StartWith("Elemwise{exp}: the result is too large").And.Not.Contain("frame #"));

        var sparseExp = Function.Compile([m], [T.Exp(T.SparseFromDense(m))]);
        var e2 = Assert.Throws<NotSupportedException>(() => sparseExp.Call(torch.eye(2, dtype: torch.float64)));
        Assert.That(e2!.Message, Does.Contain("Elemwise{exp}").And.Contain("dense_from_sparse"));
    }

    /// <summary>A disposed shared variable says so (it was libtorch's "Tensor invalid -- empty handle").</summary>
    [Test]
    public void Disposed_shared_variables_and_tensors_say_so()
    {
        var s = new SharedVariable(torch.ones(2, dtype: torch.float64), "gone");
        var f = Function.Compile([], [s * 2.0]);
        s.Dispose();
        Assert.That(Assert.Throws<ObjectDisposedException>(() => s.GetValue())!.Message, Does.Contain("gone"));
        Assert.That(Assert.Throws<ObjectDisposedException>(() => f.Call(Array.Empty<torch.Tensor>()))!.Message,
            Does.Contain("gone"));
        var t = torch.ones(2);
        t.Dispose();
        Assert.That(Assert.Throws<ArgumentException>(() => new SharedVariable(t, "s2"))!.Message, Does.Contain("disposed"));
    }

    /// <summary>Functions built from others name themselves, not the function they are built from.</summary>
    [Test]
    public void Min_argmin_std_neg_and_sub_name_themselves()
    {
        var x = T.DMatrix("x");
        Assert.That(Assert.Throws<ArgumentException>(() => T.Min(x, [5]))!.Message, Does.StartWith("min:"));
        Assert.That(Assert.Throws<ArgumentException>(() => T.Argmin(x, [5]))!.Message, Does.StartWith("argmin:"));
        Assert.That(Assert.Throws<ArgumentException>(() => T.Std(x, [5]))!.Message, Does.StartWith("std:"));
        var b = T.Vector(DType.Bool, "b");
        Assert.That(Assert.Throws<ArgumentException>(() => T.Neg(b))!.Message, Does.StartWith("neg:"));
        Assert.That(Assert.Throws<ArgumentException>(() => T.Sub(b, b))!.Message, Does.StartWith("sub:"));
    }

    /// <summary>Graph JSON: a shape whose byte count overflows is a format error naming the field.</summary>
    [Test]
    public void Graph_json_refuses_shapes_that_overflow()
    {
        string doc = GraphJson.WriteValues([torch.ones(2, 2)]).Replace("[2,2]", "[4000000000,4000000000,4000000000]");
        var e = Assert.Throws<GraphJsonException>(() => GraphJson.ReadValues(doc));
        Assert.That(e!.Message, Does.Contain(".shape"));
    }

    /// <summary>Splits into absurdly many pieces, finite-difference steps that are not positive, are refused up front.</summary>
    [Test]
    public void Absurd_counts_and_steps_are_refused()
    {
        var x = T.DVector("x");
        Assert.Throws<ArgumentException>(() => T.Split(x, T.LVector(), int.MaxValue));
        Assert.That(Assert.Throws<ArgumentException>(() =>
                Autodiff.VerifyGrad(v => T.Sum(v[0] * v[0]), [torch.ones(3, dtype: torch.float64)], eps: 0))!.Message,
            Does.Contain("eps"));
    }
}
