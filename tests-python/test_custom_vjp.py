"""JAX-style custom derivative rules on symbolic functions: ``sharpgrad.custom_vjp`` (``defvjp(fwd, bwd)``) and
``sharpgrad.custom_jvp`` (``defjvp(jvp)``). The rules are called (counted), their results are what ``grad``,
``Lop``, ``Rop``, ``jacobian`` and ``hessian`` return, and functions whose rules are the true derivatives check
against finite differences (float64)."""

import functools

import numpy as np
import pytest

import sharpgrad
import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.gradient import DisconnectedInputError, jacobian, verify_grad

X = np.array([0.3, -1.2, 2.5])
U = np.array([1.0, -2.0, 0.5])


def _f(inputs, outputs, **kwargs):
    return aesara.function(inputs, outputs, **kwargs)


# --- custom_vjp --------------------------------------------------------------------------------------------------------

def make_clip_gradient(calls):
    @sharpgrad.custom_vjp
    def clip_gradient(lo, hi, x):
        return x

    def fwd(lo, hi, x):
        calls.append("fwd")
        return x, (lo, hi)

    def bwd(res, g):
        calls.append("bwd")
        lo, hi = res
        return (None, None, at.clip(g, lo, hi))

    clip_gradient.defvjp(fwd, bwd)
    return clip_gradient


def test_custom_vjp_clips_the_gradient_and_is_called_once():
    calls = []
    clip_gradient = make_clip_gradient(calls)
    x = at.dvector("x")
    lo, hi = at.dscalar("lo"), at.dscalar("hi")
    y = clip_gradient(lo, hi, x)
    cost = (y * y * 5.0).sum()
    g = aesara.grad(cost, x)
    value = _f([x, lo, hi], [y, g])(X, -1.0, 1.0)
    np.testing.assert_array_equal(value[0], X)
    np.testing.assert_allclose(value[1], np.clip(10 * X, -1, 1))
    aesara.grad((y * 2.0).sum(), x)  # the gradient op is built once per node's op
    assert calls.count("bwd") == 1
    assert calls.count("fwd") == 1
    # The bounds get no gradient from the rule (None: disconnected).
    with pytest.raises(DisconnectedInputError):
        aesara.grad(cost, lo)


def test_custom_vjp_rule_is_what_lop_jacobian_and_hessian_use():
    @sharpgrad.custom_vjp
    def f(x):
        return at.sin(x)

    def fwd(x):
        return at.sin(x), at.cos(x)

    def bwd(cos_x, g):
        return (g * cos_x * 2.0,)  # deliberately twice the true derivative

    f.defvjp(fwd, bwd)
    x, u = at.dvector("x"), at.dvector("u")
    y = f(x)
    np.testing.assert_allclose(_f([x, u], aesara.Lop(y, x, u))(X, U), 2 * np.cos(X) * U)
    np.testing.assert_allclose(_f([x], jacobian(y, x))(X), np.diag(2 * np.cos(X)))
    np.testing.assert_allclose(_f([x], aesara.grad(y.sum(), x))(X), 2 * np.cos(X))
    # Second order: the rule's graph is differentiated in turn (d/dx 2 cos x = -2 sin x).
    np.testing.assert_allclose(_f([x], aesara.gradient.hessian(y.sum(), x))(X), np.diag(-2 * np.sin(X)), atol=1e-12)
    # Forward mode is not covered by a VJP rule: it is the true derivative of the function.
    np.testing.assert_allclose(_f([x, u], aesara.Rop(y, x, u))(X, U), np.cos(X) * U)


def test_custom_vjp_with_residuals_saved_from_the_forward_pass_checks_numerically():
    @sharpgrad.custom_vjp
    def softplus(x):
        return at.log1p(at.exp(x))

    def fwd(x):
        e = at.exp(x)
        return at.log1p(e), (e,)

    def bwd(res, g):
        (e,) = res
        return (g * e / (1.0 + e),)

    softplus.defvjp(fwd, bwd)
    verify_grad(lambda x: softplus(x) * x, [X], rng=np.random.default_rng(0))
    # Reverse over reverse: the gradient of the rule's graph flows through the residuals into fwd's graph.
    x = at.dvector("x")
    g = aesara.grad((softplus(x) * x).sum(), x)
    second = aesara.grad((g * at.sin(x)).sum(), x)
    s = 1 / (1 + np.exp(-X))
    expected = (2 * s + X * s * (1 - s)) * np.sin(X) + (np.log1p(np.exp(X)) + X * s) * np.cos(X)
    np.testing.assert_allclose(_f([x], second)(X), expected, rtol=1e-12)


def test_custom_vjp_on_several_arguments_and_nested_outputs():
    @functools.partial(sharpgrad.custom_vjp, nondiff_argnums=(2,))
    def f(x, y, scale):
        return {"sum": x * y * scale, "pair": (x + y, x - y)}

    def fwd(x, y, scale):
        return f(x, y, scale), (x, y)

    def bwd(scale, res, g):
        x, y = res
        gx = g["sum"] * y * scale + g["pair"][0] + g["pair"][1]
        gy = g["sum"] * x * scale + g["pair"][0] - g["pair"][1]
        return gx, gy

    f.defvjp(fwd, bwd)

    def fun(x, y):
        out = f(x, y, 3.0)
        return out["sum"] * 2.0 + at.sin(out["pair"][0]) + out["pair"][1] ** 2

    verify_grad(fun, [X, U], rng=np.random.default_rng(1))


def test_custom_vjp_closing_over_a_variable_differentiates_it_by_the_graph():
    w = at.dvector("w")

    @sharpgrad.custom_vjp
    def f(x):
        return x * w

    f.defvjp(lambda x: (x * w, ()), lambda res, g: (g * 0.0 + 100.0,))
    x = at.dvector("x")
    cost = f(x).sum()
    gx, gw = aesara.grad(cost, [x, w])
    values = _f([x, w], [gx, gw])(X, U)
    np.testing.assert_array_equal(values[0], [100.0, 100.0, 100.0])  # the rule
    np.testing.assert_allclose(values[1], X)  # the graph: d(x * w)/dw


def test_custom_vjp_errors_are_jax_s():
    @sharpgrad.custom_vjp
    def f(x):
        return x

    x = at.dvector("x")
    with pytest.raises(AttributeError, match="No VJP defined"):
        f(x)
    f.defvjp(lambda x: x, lambda res, g: (g,))
    with pytest.raises(TypeError, match="must produce a pair"):
        f(x)
    f.defvjp(lambda x: (x, ()), lambda res, g: g)
    with pytest.raises(TypeError, match="must produce a tuple of length equal to the number of primal inputs"):
        aesara.grad(f(x).sum(), x)


def test_custom_vjp_straight_through_estimator():
    @sharpgrad.custom_vjp
    def round_ste(x):
        return at.round(x)

    round_ste.defvjp(lambda x: (at.round(x), ()), lambda res, g: (g,))
    x = at.dvector("x")
    y = round_ste(x)
    f = _f([x], [y, aesara.grad((y * 3.0).sum(), x)])
    value, grad = f(X)
    np.testing.assert_array_equal(value, np.round(X))
    np.testing.assert_array_equal(grad, [3.0, 3.0, 3.0])


# --- custom_jvp --------------------------------------------------------------------------------------------------------

def test_custom_jvp_rule_is_used_forward_and_transposed_in_reverse():
    calls = []

    @sharpgrad.custom_jvp
    def f(x, y):
        return at.sin(x) * y

    @f.defjvp
    def f_jvp(primals, tangents):
        calls.append(1)
        x, y = primals
        x_dot, y_dot = tangents
        # Deliberately three times the true derivative with respect to x.
        return f(x, y), 3.0 * at.cos(x) * y * x_dot + at.sin(x) * y_dot

    x, y = at.dvector("x"), at.dvector("y")
    u, v = at.dvector("u"), at.dvector("v")
    out = f(x, y)
    rop = _f([x, y, u, v], aesara.Rop(out, [x, y], [u, v]))(X, U, U, X)
    np.testing.assert_allclose(rop, 3 * np.cos(X) * U * U + np.sin(X) * X)
    gx, gy = _f([x, y], aesara.grad(out.sum(), [x, y]))(X, U)
    np.testing.assert_allclose(gx, 3 * np.cos(X) * U)
    np.testing.assert_allclose(gy, np.sin(X))
    np.testing.assert_allclose(_f([x, y], jacobian(out, x))(X, U), np.diag(3 * np.cos(X) * U))
    assert len(calls) == 2  # once for the R-op, once for the transposed gradient


def test_custom_jvp_with_the_true_derivative_checks_numerically_in_both_modes():
    @sharpgrad.custom_jvp
    def logsumexp_stable(x):
        m = at.max(x)
        return m + at.log(at.exp(x - m).sum())

    @logsumexp_stable.defjvp
    def _(primals, tangents):
        (x,), (t,) = primals, tangents
        ans = logsumexp_stable(x)
        return ans, (at.exp(x - ans) * t).sum()

    verify_grad(lambda x: logsumexp_stable(x) * at.sin(x), [X], rng=np.random.default_rng(2), modes=("rev", "fwd"))


def test_custom_jvp_defjvps_and_nondiff_arguments():
    @functools.partial(sharpgrad.custom_jvp, nondiff_argnums=(0,))
    def scaled(k, x, y):
        return k * x * y

    scaled.defjvps(lambda g, ans, x, y: g * y * 10.0, lambda g, ans, x, y: g * x)
    x, y, u = at.dvector("x"), at.dvector("y"), at.dvector("u")
    out = scaled(2.0, x, y)
    np.testing.assert_allclose(_f([x, y], out)(X, U), 2 * X * U)
    np.testing.assert_allclose(_f([x, y, u], aesara.Rop(out, x, u))(X, U, U), U * 10 * U)
    np.testing.assert_allclose(_f([x, y], aesara.grad(out.sum(), y))(X, U), X)


def test_custom_jvp_whose_rule_is_not_linear_cannot_be_transposed():
    @sharpgrad.custom_jvp
    def f(x):
        return x * 1.0

    f.defjvp(lambda p, t: (p[0], t[0] * t[0]))
    x = at.dvector("x")
    with pytest.raises(ValueError, match="not linear"):
        aesara.grad(f(x).sum(), x)
    with pytest.raises(AttributeError, match="No JVP defined"):
        sharpgrad.custom_jvp(lambda x: x)(x)
