"""``sharpgrad.gradient`` behaves as Aesara 2.9's ``aesara.gradient``: options, kinds, names, errors, examples."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.gradient import (DisconnectedType, GradientError, NullType, NullTypeGradError, Lop, Rop,
                                disconnected_grad, grad_clip, grad_scale, numeric_grad, undefined_grad,
                                verify_grad, zero_grad)


def value(outputs, inputs, *args):
    return aesara.function(inputs, outputs, on_unused_input="ignore")(*args)


# --- grad's options -------------------------------------------------------------------------------------------------

def test_container_kinds_follow_wrt_and_rop_follows_f():
    x, y = at.dvector("x"), at.dvector("y")
    cost = (x * y).sum()
    assert isinstance(aesara.grad(cost, [x, y]), list)
    assert isinstance(aesara.grad(cost, (x, y)), tuple)
    assert isinstance(aesara.grad(cost, x), at.TensorVariable)
    v = at.dvector("v")
    assert isinstance(Lop([x * 2.0], (x, y), [v], disconnected_inputs="ignore"), tuple)
    assert isinstance(Rop((x * 2.0,), [x], [v]), tuple)
    assert isinstance(Rop(x * 2.0, [x], [v]), at.TensorVariable)


def test_rop_of_the_variable_itself_is_the_eval_point():
    x, v = at.dvector("x"), at.dvector("v")
    assert Rop(x, x, v) is v


def test_names_and_no_names():
    x = at.dvector("x")
    cost = (x ** 2).sum()
    cost.name = "cost"
    assert aesara.grad(cost, x).name == "(dcost/dx)"
    assert aesara.grad(cost, x, add_names=False).name is None


def test_cost_must_be_a_scalar_and_something_must_be_given():
    x = at.dvector("x")
    with pytest.raises(TypeError, match="cost must be a scalar"):
        aesara.grad(x * 2.0, x)
    with pytest.raises(ValueError, match="can't both be None"):
        aesara.grad(None, x)


def test_disconnected_policies_and_return_kinds():
    x, y = at.dvector("x"), at.dvector("y")
    cost = x.sum()
    with pytest.raises(aesara.gradient.DisconnectedInputError, match="not part of the computational graph"):
        aesara.grad(cost, y)
    with pytest.warns(UserWarning, match="not part of the computational graph"):
        g = aesara.grad(cost, y, disconnected_inputs="warn")
    np.testing.assert_array_equal(value(g, [y], [1.0, 2.0]), [0.0, 0.0])
    assert aesara.grad(cost, y, disconnected_inputs="ignore", return_disconnected="None") is None
    placeholder = aesara.grad(cost, y, disconnected_inputs="ignore", return_disconnected="Disconnected")
    assert isinstance(placeholder.type, DisconnectedType)
    with pytest.raises(ValueError, match="disconnected_inputs"):
        aesara.grad(cost, y, disconnected_inputs="loud")


def test_integer_inputs_get_float_gradients():
    i = at.iscalar("i")
    g = aesara.grad(i, i)
    assert g.dtype == "float64"
    assert value(g, [i], 3) == 1.0
    iv = at.ivector("iv")
    gi = aesara.grad((iv * 2.5).sum(), iv)
    assert gi.dtype == "float64"
    np.testing.assert_array_equal(value(gi, [iv], [1, 2]), [2.5, 2.5])


def test_float32_wrt_keeps_float32_gradient_under_a_float64_cost():
    x = at.fvector("x")
    cost = (at.cast(x, "float64") ** 2).sum()
    assert aesara.grad(cost, x).dtype == "float32"


def test_known_grads_replace_on_intermediates_and_on_the_cost():
    x = at.dvector("x")
    y = x * 2.0
    cost = (y * y).sum()
    g = at.dvector("g")
    gx = aesara.grad(cost, x, known_grads={y: g})
    np.testing.assert_array_equal(value(gx, [x, g], [1.0, 2.0], [10.0, 20.0]), [20.0, 40.0])
    g3 = aesara.grad(cost, x, known_grads={cost: np.float64(3.0)})
    np.testing.assert_array_equal(value(g3, [x], [1.0, 2.0]), [24.0, 48.0])


def test_known_grads_at_every_layer_of_an_mlp_equal_the_full_gradient():
    rng = np.random.default_rng(0)
    X = at.dmatrix("X")
    Ws = [at.dmatrix(f"W{i}") for i in range(3)]
    hs = [X]
    for W in Ws:
        hs.append(at.tanh(at.dot(hs[-1], W)))
    cost = (hs[-1] ** 2).sum()
    values = [rng.normal(size=(4, 3))] + [rng.normal(size=(3, 3)) for _ in Ws]
    full = value(aesara.grad(cost, Ws), [X] + Ws, *values)
    for layer in range(1, 4):
        g_h = aesara.grad(cost, hs[layer])
        # The gradient flowing into layer `layer`, given as known and with no cost: the same gradients below it.
        below = aesara.grad(None, Ws[:layer], known_grads={hs[layer]: g_h})
        got = value(below, [X] + Ws, *values)
        for a, b in zip(got, full[:layer]):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_consider_constant():
    x = at.dvector("x")
    c = x * 2.0
    cost = (c * x).sum()
    g = aesara.grad(cost, x, consider_constant=[c])
    np.testing.assert_array_equal(value(g, [x], [1.0, 3.0]), [2.0, 6.0])


def test_lop_is_the_vector_jacobian_product():
    x, v = at.dvector("x"), at.dvector("v")
    y = at.tanh(x)
    g = Lop(y, x, v)
    xs, vs = np.array([0.2, -0.3]), np.array([1.5, 2.0])
    np.testing.assert_allclose(value(g, [x, v], xs, vs), vs * (1 - np.tanh(xs) ** 2), rtol=1e-15)


def test_rop_through_a_matrix_product_matches_finite_differences():
    W, x, v = at.dmatrix("W"), at.dvector("x"), at.dvector("v")
    y = at.tanh(at.dot(W, x))
    jvp = Rop(y, x, v)
    rng = np.random.default_rng(1)
    Ws, xs, vs = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=2)
    f = aesara.function([W, x], y)
    h = 1e-6
    expected = (f(Ws, xs + h * vs) - f(Ws, xs - h * vs)) / (2 * h)
    np.testing.assert_allclose(value(jvp, [W, x, v], Ws, xs, vs), expected, rtol=1e-7, atol=1e-9)


def test_rop_disconnected_outputs():
    x, y, v = at.dvector("x"), at.dmatrix("y"), at.dvector("v")
    with pytest.raises(aesara.gradient.DisconnectedInputError):
        Rop(y * 2.0, x, v)
    zeros = Rop(y * 2.0, x, v, disconnected_outputs="ignore")
    np.testing.assert_array_equal(value(zeros, [y], np.ones((2, 3))), np.zeros((2, 3)))
    assert Rop(y * 2.0, x, v, disconnected_outputs="ignore", return_disconnected="None") is None
    with pytest.raises(ValueError, match="mismatched dimensionality"):
        Rop(x * 2.0, x, y)


# --- gradient-control functions -------------------------------------------------------------------------------------

def test_grad_clip_example_from_aesaras_documentation():
    x = aesara.tensor.type.scalar()
    z = aesara.gradient.grad(grad_clip(x, -1, 1) ** 2, x)
    z2 = aesara.gradient.grad(x ** 2, x)
    f = aesara.function([x], outputs=[z, z2])
    result = f(2.0)
    assert [float(r) for r in result] == [1.0, 4.0]
    assert repr(result) == "[array(1.), array(4.)]"


def test_grad_scale_flips_the_gradient():
    x = aesara.tensor.fscalar()
    fx = at.tanh(x)
    fprime = aesara.function([x], aesara.grad(fx, wrt=x))
    fpprime = aesara.function([x], aesara.grad(grad_scale(fx, -1.0), wrt=x))
    assert fprime(2) == pytest.approx(1 - np.tanh(2.0) ** 2, rel=1e-6)
    assert fpprime(2) == -fprime(2)


def test_zero_grad_and_disconnected_grad():
    x = at.dvector("x")
    cost = (zero_grad(x) * x).sum()
    g = aesara.grad(cost, x)
    np.testing.assert_array_equal(value(g, [x], [1.0, 2.0]), [1.0, 2.0])
    f = aesara.function([x], cost)
    assert "ZeroGrad" not in [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    assert f([1.0, 2.0]) == 5.0
    second = aesara.grad(g.sum(), x)
    np.testing.assert_array_equal(value(second, [x], [1.0, 2.0]), [0.0, 0.0])
    with pytest.raises(aesara.gradient.DisconnectedInputError):
        aesara.grad(disconnected_grad(x).sum(), x)


def test_undefined_grad_raises_null_type_grad_error():
    x = at.dvector("x")
    cost = undefined_grad(x).sum()
    with pytest.raises(NullTypeGradError, match="tensor.grad encountered a NaN"):
        aesara.grad(cost, x)
    assert issubclass(NullTypeGradError, TypeError)
    g = aesara.grad(cost, x, null_gradients="return")
    assert isinstance(g.type, NullType)
    with pytest.raises(NullTypeGradError):
        aesara.function([x], g)


# --- subgraph_grad --------------------------------------------------------------------------------------------------

def test_subgraph_grad_chained_equals_grad():
    rng = np.random.default_rng(5)
    x, t = at.fvector("x"), at.fvector("t")
    w1 = aesara.shared(rng.standard_normal((3, 4)))
    w2 = aesara.shared(rng.standard_normal((4, 2)))
    a1 = at.tanh(at.dot(x, w1))
    a2 = at.tanh(at.dot(a1, w2))
    cost2 = at.sqr(a2 - t).sum()
    cost2 += at.sqr(w2.sum())
    cost1 = at.sqr(w1.sum())

    params = [[w2], [w1]]
    costs = [cost2, cost1]
    grad_ends = [[a1], [x]]
    next_grad = None
    param_grads = []
    for i in range(2):
        param_grad, next_grad = aesara.subgraph_grad(wrt=params[i], end=grad_ends[i], start=next_grad, cost=costs[i])
        next_grad = dict(zip(grad_ends[i], next_grad))
        param_grads.extend(param_grad)

    full = aesara.grad(cost1 + cost2, [w2, w1])
    xs = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    ts = np.array([0.1, 0.2], dtype=np.float32)
    chained = value(param_grads, [x, t], xs, ts)
    direct = value(full, [x, t], xs, ts)
    for a, b in zip(chained, direct):
        np.testing.assert_allclose(a, b, rtol=1e-12)


# --- numeric checks -------------------------------------------------------------------------------------------------

def test_numeric_grad_uses_forward_differences_and_aesaras_error_measure():
    ng = numeric_grad(lambda a: float(np.sum(a ** 2)), np.array([1.0, 2.0]))
    np.testing.assert_allclose(ng.gf, [2.0 + 1e-7, 4.0 + 1e-7], rtol=0, atol=1e-6)
    abs_err, rel_err = numeric_grad.abs_rel_err(np.array([1.0, 0.0]), np.array([1.5, 0.0]))
    np.testing.assert_allclose(abs_err, [0.5, 0.0])
    np.testing.assert_allclose(rel_err, [0.5 / 2.5, 0.0])
    arg, pos, a, r = ng.max_err([np.array([2.0, 4.5])], 1e-4, 1e-4)
    assert (arg, pos) == (0, 1) and a == pytest.approx(0.5, abs=1e-5)


def test_verify_grad_accepts_tanh_as_in_aesaras_documentation():
    verify_grad(aesara.tensor.tanh, (np.asarray([[2, 3, 4], [-1, 3.3, 9.9]]),), rng=np.random.default_rng(23098))
    verify_grad(lambda a, b: at.dot(a, b) ** 2, [np.ones((2, 3)), np.full(3, 0.5)])


def test_verify_grad_detects_a_wrong_gradient():
    x = at.dvector("x")

    def wrong(v):
        # The value is v**2 but the gradient is the one of 3 v: zero_grad hides v**2 - 3v from differentiation.
        return zero_grad(v ** 2 - 3.0 * v) + 3.0 * v

    with pytest.raises(GradientError) as info:
        verify_grad(wrong, [np.array([1.0, 2.0, 3.0])], rng=np.random.default_rng(1))
    error = info.value
    assert error.arg == 0 and error.shape == (3,)
    assert error.abs_err > error.abs_tol and error.rel_err > error.rel_tol
    assert "GradientError: numeric gradient and analytic gradient exceed tolerance" in str(error)
    with pytest.raises(TypeError, match="floating point"):
        verify_grad(at.tanh, [np.array([1, 2])])
    del x


# --- jacobian and hessian -------------------------------------------------------------------------------------------

def test_jacobian_of_tanh_of_a_matrix_product():
    A, x = at.dmatrix("A"), at.dvector("x")
    J = aesara.gradient.jacobian(at.tanh(at.dot(A, x)), x)
    rng = np.random.default_rng(2)
    Av, xv = rng.normal(size=(4, 3)), rng.normal(size=3)
    expected = (1 - np.tanh(Av @ xv) ** 2)[:, None] * Av
    np.testing.assert_allclose(value(J, [A, x], Av, xv), expected, rtol=1e-12, atol=1e-14)


def test_jacobian_keeps_the_kind_of_wrt_and_falls_back_to_grad_for_a_scalar():
    x, y = at.dvector("x"), at.dvector("y")
    both = aesara.gradient.jacobian(x * y, [x, y])
    assert isinstance(both, list) and len(both) == 2
    np.testing.assert_allclose(value(both[0], [x, y], [1.0, 2.0], [3.0, 4.0]), np.diag([3.0, 4.0]))
    g = aesara.gradient.jacobian((x ** 2).sum(), x)
    np.testing.assert_allclose(value(g, [x], [1.0, 2.0]), [2.0, 4.0])


def test_hessian_of_a_quadratic_is_twice_the_identity_and_has_no_cross_terms():
    x, y = at.dvector("x"), at.dvector("y")
    cost = (x ** 2).sum() + (x * y).sum()
    Hx, Hy = aesara.gradient.hessian(cost, [x, y])
    np.testing.assert_allclose(value(Hx, [x, y], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0]), 2 * np.eye(3))
    np.testing.assert_allclose(value(Hy, [x, y], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0]), np.zeros((3, 3)))


def test_hessian_vector_product_matches_the_hessian():
    x, v = at.dvector("x"), at.dvector("v")
    cost = at.exp(x).sum() * (x ** 2).sum()
    hv = aesara.gradient.hessian_vector_product(cost, x, v)
    H = aesara.gradient.hessian(cost, x)
    xs, vs = np.array([0.1, -0.2, 0.3]), np.array([1.0, 2.0, -1.0])
    out_hv, out_H = value([hv, H], [x, v], xs, vs)
    np.testing.assert_allclose(out_hv, out_H @ vs, rtol=1e-12)


# --- functional forms and forward-mode checks -----------------------------------------------------------------------

def test_jvp_vjp_and_linearize_agree_with_rop_and_lop():
    x, w, t, c = at.dvector("x"), at.dvector("w"), at.dvector("t"), at.dvector("c")

    def fun(a, b):
        return at.tanh(a * b)

    out, tangent = aesara.gradient.jvp(fun, [x, w], [t, at.zeros_like(w)])
    out2, vjp_fun = aesara.gradient.vjp(fun, x, w)
    gx, gw = vjp_fun(c)
    out3, f_jvp = aesara.gradient.linearize(fun, x, w)
    tangent3 = f_jvp(t, at.zeros_like(w))
    xs, ws, ts, cs = np.array([0.3, -0.2]), np.array([1.5, 0.5]), np.array([1.0, 2.0]), np.array([0.7, -1.0])
    d = 1 - np.tanh(xs * ws) ** 2
    got = value([out, tangent, gx, gw, tangent3], [x, w, t, c], xs, ws, ts, cs)
    np.testing.assert_allclose(got[0], np.tanh(xs * ws), rtol=1e-15)
    np.testing.assert_allclose(got[1], d * ws * ts, rtol=1e-14)
    np.testing.assert_allclose(got[2], cs * d * ws, rtol=1e-14)
    np.testing.assert_allclose(got[3], cs * d * xs, rtol=1e-14)
    np.testing.assert_allclose(got[4], got[1], rtol=1e-15)


def test_verify_grad_checks_the_forward_mode_too():
    verify_grad(lambda a, b: at.tanh(at.dot(a, b)), [np.ones((2, 3)) * 0.3, np.full(3, 0.5)],
                rng=np.random.default_rng(3), modes=("rev", "fwd"))

    # grad_scale changes the gradient only: the reverse check catches it, the forward one rightly does not.
    scaled = [np.array([1.0, 2.0])]
    with pytest.raises(GradientError):
        verify_grad(lambda v: grad_scale(v * v, 2.0), scaled)
    verify_grad(lambda v: grad_scale(v * v, 2.0), scaled, modes=("fwd",))
    # zero_grad declares a zero derivative in both directions: the forward check catches it (arg -1).
    with pytest.raises(GradientError) as info:
        verify_grad(lambda v: zero_grad(v * v), scaled, modes=("fwd",))
    assert info.value.arg == -1
    with pytest.raises(ValueError, match="modes"):
        verify_grad(at.tanh, [np.array([1.0])], modes=("sideways",))


def test_disconnected_type_makes_a_placeholder_as_in_aesara():
    placeholder = DisconnectedType()()
    assert isinstance(placeholder.type, DisconnectedType)


def test_jacobian_in_chunks_and_row_by_row_equals_the_single_batch():
    A = at.tensor("float64", shape=(6, 3), name="A")
    x = at.dvector("x")
    y = at.tanh(at.dot(A, x))
    rng = np.random.default_rng(9)
    Av, xv = rng.normal(size=(6, 3)), rng.normal(size=3)
    whole = value(aesara.gradient.jacobian(y, x), [A, x], Av, xv)
    chunked = value(aesara.gradient.jacobian(y, x, chunk_size=4), [A, x], Av, xv)
    rows = value(aesara.gradient.jacobian(y, x, vectorize=False), [A, x], Av, xv)
    np.testing.assert_allclose(chunked, whole, rtol=0, atol=1e-12)
    np.testing.assert_allclose(rows, whole, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="chunk_size"):
        aesara.gradient.jacobian(y, x, chunk_size=0)


def test_integer_inputs_of_matrix_products_get_the_float_gradient():
    m, A = at.imatrix("m"), at.dmatrix("A")
    g = aesara.grad(at.matmul(m, A).sum(), m)
    assert g.dtype == "float64"
    mf = at.dmatrix("mf")
    expected = aesara.grad(at.matmul(mf, A).sum(), mf)
    mv, Av = np.array([[1, 2], [3, 4]], dtype=np.int32), np.array([[0.5, -1.0], [2.0, 3.0]])
    np.testing.assert_allclose(value(g, [m, A], mv, Av), value(expected, [mf, A], mv.astype(float), Av))
