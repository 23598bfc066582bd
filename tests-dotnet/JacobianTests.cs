using Gradient.Compile;
using Gradient.Graph;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Gradient.Tests;

/// <summary>
/// Vectorized Jacobians and Hessians (one batched pullback / pushforward) against closed forms, finite differences
/// and the row-by-row construction.
/// </summary>
public sealed class JacobianTests : ScopedTests
{
    private static readonly CompileOptions Lenient = new() { OnUnusedInput = UnusedInputPolicy.Ignore };
    private static Tensor Eval(Variable[] inputs, Variable output, params Tensor[] values) =>
        Function.Compile(inputs, [output], Lenient).Call(values)[0];

    private static void AssertClose(Tensor actual, Tensor expected, double tolerance = 1e-12)
    {
        Assert.That(actual.shape, Is.EqualTo(expected.shape));
        double error = actual.NumberOfElements == 0 ? 0 : (actual - expected).abs().max().item<double>();
        Assert.That(error, Is.LessThanOrEqualTo(tolerance));
    }

    [Test]
    public void Jacobian_of_tanh_of_a_matrix_product_matches_the_closed_form()
    {
        var a = T.DMatrix("A");
        var x = T.DVector("x");
        var y = T.Tanh(T.Dot(a, x));
        var jac = Autodiff.Jacobian(y, [x, a]);
        torch.manual_seed(3);
        var av = torch.randn(4, 3, dtype: ScalarType.Float64);
        var xv = torch.randn(3, dtype: ScalarType.Float64);
        var d = 1 - torch.tanh(av.matmul(xv)).square();                    // (4,)
        AssertClose(Eval([a, x], jac[0], av, xv), d.unsqueeze(1) * av);      // J_x = diag(d) A
        var expectedA = torch.zeros(4, 4, 3, dtype: ScalarType.Float64);     // J_A[i, k, l] = d_i δ_ik x_l
        for (int i = 0; i < 4; i++)
        {
            expectedA[i, i] = d[i] * xv;
        }
        AssertClose(Eval([a, x], jac[1], av, xv), expectedA);
    }

    [Test]
    public void Jacobian_agrees_with_row_by_row_pullbacks()
    {
        var x = T.DVector("x");
        var w = T.DMatrix("W");
        var y = T.Tanh(T.Dot(w, x)) * T.Exp(x.Sum()) + T.Dot(w, x * x);
        var jac = Autodiff.Jacobian(y, [x])[0];
        torch.manual_seed(4);
        const int n = 5;
        var wv = torch.randn(n, 3, dtype: ScalarType.Float64) * 0.5;
        var xv = torch.randn(3, dtype: ScalarType.Float64) * 0.5;
        var rows = new List<Tensor>();
        for (int i = 0; i < n; i++)
        {
            var e = torch.zeros(n, dtype: ScalarType.Float64);
            e[i] = torch.tensor(1.0);
            rows.Add(Eval([w, x], Autodiff.Lop([y], [x], [T.Constant(e)])[0], wv, xv));
        }
        AssertClose(Eval([w, x], jac, wv, xv), torch.stack(rows));
    }

    [Test]
    public void Jacobian_of_a_matrix_valued_expression_has_both_shapes_and_matches_finite_differences()
    {
        var m = T.DMatrix("m");
        var v = T.DVector("v");
        var y = T.Exp(m * v) - m;                                          // (2, 3), depends on v (3,)
        var jac = Autodiff.Jacobian(y, [v])[0];
        torch.manual_seed(5);
        var mv = torch.randn(2, 3, dtype: ScalarType.Float64);
        var vv = torch.randn(3, dtype: ScalarType.Float64);
        var actual = Eval([m, v], jac, mv, vv);
        Assert.That(actual.shape, Is.EqualTo(new long[] { 2, 3, 3 }));
        var f = Function.Compile([m, v], [y]);
        const double h = 1e-6;
        for (int k = 0; k < 3; k++)
        {
            var step = torch.zeros(3, dtype: ScalarType.Float64);
            step[k] = torch.tensor(h);
            var fd = (f.Call(mv, vv + step)[0] - f.Call(mv, vv - step)[0]) / (2 * h);
            AssertClose(actual[TensorIndex.Ellipsis, k], fd, 1e-8);
        }
    }

    [Test]
    public void Jacobian_of_a_scalar_is_the_gradient_and_of_an_unrelated_variable_is_disconnected()
    {
        var x = T.DVector("x");
        var y = T.DVector("y");
        var g = Autodiff.Jacobian((x * x).Sum(), [x])[0];
        AssertClose(Eval([x], g, torch.tensor(new[] { 1.0, 2.0 })), torch.tensor(new[] { 2.0, 4.0 }));
        Assert.Throws<DisconnectedInputException>(() => Autodiff.Jacobian(x * 2.0, [y]));
        var zeros = Autodiff.Jacobian(x * 2.0, [y], DisconnectedPolicy.Ignore)[0];
        var value = Eval([x, y], zeros, torch.ones(2, dtype: ScalarType.Float64), torch.ones(3, dtype: ScalarType.Float64));
        AssertClose(value, torch.zeros(2, 3, dtype: ScalarType.Float64));
    }

    [Test]
    public void Hessian_of_a_sum_of_squares_is_twice_the_identity()
    {
        var x = T.DVector("x");
        var h = Autodiff.Hessian((x * x).Sum(), [x])[0];
        AssertClose(Eval([x], h, torch.randn(4, dtype: ScalarType.Float64)), 2 * torch.eye(4, dtype: ScalarType.Float64));
    }

    [Test]
    public void Hessian_matches_finite_differences_of_the_gradient_for_a_matrix_argument()
    {
        var w = T.DMatrix("W");
        var x = T.DVector("x");
        var cost = T.Tanh(T.Dot(w, x)).Sum() + (w * w * w).Sum();
        var hess = Autodiff.Hessian(cost, [w])[0];
        torch.manual_seed(6);
        var wv = torch.randn(2, 3, dtype: ScalarType.Float64);
        var xv = torch.randn(3, dtype: ScalarType.Float64);
        var actual = Eval([w, x], hess, wv, xv);
        Assert.That(actual.shape, Is.EqualTo(new long[] { 2, 3, 2, 3 }));
        var gradient = Function.Compile([w, x], [Autodiff.Grad(cost, w)]);
        const double h = 1e-6;
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                var step = torch.zeros(2, 3, dtype: ScalarType.Float64);
                step[i, j] = torch.tensor(h);
                var fd = (gradient.Call(wv + step, xv)[0] - gradient.Call(wv - step, xv)[0]) / (2 * h);
                AssertClose(actual[TensorIndex.Ellipsis, i, j], fd, 1e-7);
            }
        }
    }

    [Test]
    public void Hessian_vector_product_equals_the_hessian_times_the_vector()
    {
        var x = T.DVector("x");
        var v = T.DVector("v");
        var cost = T.Exp(x).Sum() * (x * x).Sum();
        var hv = Autodiff.HessianVectorProduct(cost, x, v);
        var hess = Autodiff.Hessian(cost, [x])[0];
        torch.manual_seed(7);
        var xv = torch.randn(4, dtype: ScalarType.Float64);
        var vv = torch.randn(4, dtype: ScalarType.Float64);
        var outs = Function.Compile([x, v], [hv, hess]).Call(xv, vv);
        AssertClose(outs[0], outs[1].matmul(vv), 1e-12);
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(5)]
    public void Chunked_and_row_by_row_jacobians_equal_the_single_batch(int chunk)
    {
        var a = T.Tensor(Kernels.DType.Float64, [5, 3], "A");
        var x = T.DVector("x");
        var y = T.Tanh(T.Dot(a, x)) * T.Exp(x.Sum());
        var whole = Autodiff.Jacobian(y, [x, a])[0];
        var chunked = Autodiff.Jacobian(y, [x, a], chunkSize: chunk);
        torch.manual_seed(8);
        var av = torch.randn(5, 3, dtype: ScalarType.Float64);
        var xv = torch.randn(3, dtype: ScalarType.Float64) * 0.3;
        var outs = Function.Compile([a, x], [whole, chunked[0], chunked[1]]).Call(av, xv);
        AssertClose(outs[1], outs[0], 1e-12);
        Assert.That(outs[2].shape, Is.EqualTo(new long[] { 5, 5, 3 }));
        Assert.Throws<NotSupportedException>(() => Autodiff.Jacobian(T.Tanh(x), [x], chunkSize: 2));
    }
}
