"""``sharpgrad.scan`` as Aesara code uses it: values against numpy loops, gradients (one reverse loop), R-ops (one
forward loop) and second derivatives against central finite differences in float64, and the API around it
(taps, ``until``, shared variables and updates, the ``scan`` package being callable, ``map``/``reduce``)."""

from collections import OrderedDict

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.gradient import Rop
from sharpgrad.scan.utils import until

RNG = np.random.default_rng(1234)


def numeric_grad(f, values, i, eps=1e-6):
    """Central differences of the scalar f(*values) with respect to values[i]."""
    x = np.array(values[i], dtype=np.float64)
    g = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        plus, minus = [v.copy() for v in values], [v.copy() for v in values]
        plus[i] = x.copy()
        plus[i][k] += eps
        minus[i] = x.copy()
        minus[i][k] -= eps
        g[k] = (f(*plus) - f(*minus)) / (2 * eps)
    return g


def numeric_jvp(f, values, directions, eps=1e-6):
    """Central differences of f along the directions (one per value)."""
    plus = [v + eps * d for v, d in zip(values, directions)]
    minus = [v - eps * d for v, d in zip(values, directions)]
    return (np.asarray(f(*plus)) - np.asarray(f(*minus))) / (2 * eps)


def check_grad_and_rop(inputs, output, values, atol=1e-6):
    """grad of sum(output * C) and Rop of output, each against central differences."""
    f = aesara.function(inputs, output)
    shape = np.shape(f(*values))
    c = RNG.uniform(-1, 1, size=shape)
    cost = (output * c).sum()
    cost_f = aesara.function(inputs, cost)
    grads = aesara.function(inputs, aesara.grad(cost, inputs))(*values)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g, numeric_grad(cost_f, values, i), atol=atol, rtol=atol)
    eval_points = [v.type() for v in inputs]
    directions = [RNG.uniform(-1, 1, size=np.shape(v)) for v in values]
    jvp = aesara.function(inputs + eval_points, Rop(output, inputs, eval_points))(*values, *directions)
    np.testing.assert_allclose(jvp, numeric_jvp(f, values, directions), atol=atol, rtol=atol)


# --- the five cases of the issue -----------------------------------------------------------------------------------

def test_cumulative_sum():
    x = at.dvector("x")
    out, updates = aesara.scan(lambda v, acc: acc + v, sequences=[x], outputs_info=[at.zeros_like(x[0])])
    assert updates == OrderedDict()
    xv = RNG.uniform(-1, 1, size=7)
    np.testing.assert_allclose(aesara.function([x], out)(xv), np.cumsum(xv), rtol=1e-12)
    check_grad_and_rop([x], out, [xv])


def _rnn_reference(xv, h0v, wv, uv, vv):
    hs = [h0v[0], h0v[1]]
    for t in range(len(xv)):
        hs.append(np.tanh(xv[t] @ uv + hs[-1] @ wv + hs[-2] @ vv))
    return np.array(hs[2:])


def test_tanh_rnn_with_taps_and_shared_weights():
    wv = RNG.uniform(-0.5, 0.5, size=(4, 4))
    uv = RNG.uniform(-1, 1, size=(3, 4))
    vv = RNG.uniform(-0.5, 0.5, size=(4, 4))
    W = aesara.shared(wv, name="W")
    U = aesara.shared(uv, name="U")
    x = at.dmatrix("x")
    h0 = at.dmatrix("h0")
    V = at.dmatrix("V")

    def step(x_t, h_tm2, h_tm1, V):
        # W and U are read implicitly, V is passed as a non-sequence.
        return at.tanh(at.dot(x_t, U) + at.dot(h_tm1, W) + at.dot(h_tm2, V))

    h, _ = aesara.scan(step, sequences=x, outputs_info=dict(initial=h0, taps=[-2, -1]), non_sequences=V)
    xv, h0v = RNG.uniform(-1, 1, size=(6, 3)), RNG.uniform(-1, 1, size=(2, 4))
    np.testing.assert_allclose(aesara.function([x, h0, V], h)(xv, h0v, vv), _rnn_reference(xv, h0v, wv, uv, vv),
                               rtol=1e-12)
    check_grad_and_rop([x, h0, V], h, [xv, h0v, vv])

    # The gradient with respect to the shared weights.
    loss = (h[-1] ** 2).sum() + (h ** 2).sum()
    gw, gu = aesara.function([x, h0, V], aesara.grad(loss, [W, U]))(xv, h0v, vv)

    def loss_of(w, u):
        hs = _rnn_reference(xv, h0v, w, u, vv)
        return (hs[-1] ** 2).sum() + (hs ** 2).sum()

    np.testing.assert_allclose(gw, numeric_grad(loss_of, [wv, uv], 0), atol=1e-6)
    np.testing.assert_allclose(gu, numeric_grad(loss_of, [wv, uv], 1), atol=1e-6)


def test_loop_with_until():
    x0 = at.dscalar("x0")
    a = at.dscalar("a")
    s = at.dvector("s")

    def step(s_t, x_tm1, a):
        nxt = a * x_tm1 + s_t
        return nxt, until(nxt > 4.0)

    xs, _ = aesara.scan(step, sequences=s, outputs_info=x0, non_sequences=a)
    sv = RNG.uniform(0, 0.2, size=30)
    values = [np.array(0.7), np.array(1.6), sv]

    def reference(x, a, s):
        out = []
        for t in range(len(s)):
            x = a * x + s[t]
            out.append(x)
            if x > 4.0:
                break
        return np.array(out)

    f = aesara.function([x0, a, s], xs)
    np.testing.assert_allclose(f(*values), reference(*values), rtol=1e-12)
    assert len(f(*values)) < 30
    # Aesara 2.9 shifts this gradient by one step; here it matches finite differences.
    check_grad_and_rop([x0, a, s], xs, values)


def test_scan_inside_scan():
    X = at.dmatrix("X")
    h0 = at.dscalar("h0")

    def outer_step(row, h):
        inner, _ = aesara.scan(lambda e, s, h: 0.5 * s + e * h, sequences=row, outputs_info=at.zeros_like(h),
                               non_sequences=h)
        return at.tanh(h + inner[-1])

    hs, _ = aesara.scan(outer_step, sequences=X, outputs_info=h0)
    Xv, h0v = RNG.uniform(-1, 1, size=(4, 3)), np.array(0.3)

    def reference(X, h):
        out = []
        for row in X:
            s = 0.0
            for e in row:
                s = 0.5 * s + e * h
            h = np.tanh(h + s)
            out.append(h)
        return np.array(out)

    np.testing.assert_allclose(aesara.function([X, h0], hs)(Xv, h0v), reference(Xv, h0v), rtol=1e-12)
    check_grad_and_rop([X, h0], hs, [Xv, h0v])


def test_second_derivative_through_scan():
    """Hessian-vector products of an RNN loss that reads every step (Aesara 2.9 gets this wrong): grad of grad,
    and R-op of grad, against finite differences of the gradient."""
    x = at.dmatrix("x")
    W = at.dmatrix("W")
    h0 = at.dvector("h0")
    h, _ = aesara.scan(lambda x_t, h: at.tanh(x_t + at.dot(h, W)), sequences=x, outputs_info=h0)
    loss = (h ** 2).sum() + h[-1].sum()
    gW = aesara.grad(loss, W)
    V = at.dmatrix("V")
    hvp_reverse = aesara.grad((gW * V).sum(), W)
    hvp_forward = Rop(gW, W, V)
    xv, wv, h0v = RNG.uniform(-1, 1, size=(5, 3)), RNG.uniform(-0.6, 0.6, size=(3, 3)), RNG.uniform(-1, 1, size=3)
    vv = RNG.uniform(-1, 1, size=(3, 3))
    f = aesara.function([x, W, h0, V], [hvp_reverse, hvp_forward])
    rev, fwd = f(xv, wv, h0v, vv)
    grad_f = aesara.function([x, W, h0], gW)
    expected = numeric_jvp(lambda w: grad_f(xv, w, h0v), [wv], [vv])
    np.testing.assert_allclose(rev, expected, atol=1e-6)
    np.testing.assert_allclose(fwd, expected, atol=1e-6)


# --- API -------------------------------------------------------------------------------------------------------------

def test_scan_is_callable_and_a_package():
    import sharpgrad.scan
    import sharpgrad.scan.utils as utils

    assert callable(aesara.scan)
    assert aesara.scan.until is until and utils.until is until
    assert aesara.scan.scan is aesara.scan.basic.scan
    assert sharpgrad.scan is aesara.scan


def test_several_outputs_maps_and_return_list():
    x = at.dvector("x")
    (acc, sq), updates = aesara.scan(lambda v, a: [a + v, v ** 2], sequences=x, outputs_info=[np.float64(0), None])
    xv = np.arange(1.0, 5.0)
    a, s = aesara.function([x], [acc, sq])(xv)
    np.testing.assert_allclose(a, np.cumsum(xv))
    np.testing.assert_allclose(s, xv ** 2)
    single, _ = aesara.scan(lambda v: v * 2, sequences=x, return_list=True)
    assert isinstance(single, list) and len(single) == 1


def test_sequence_taps_and_output_taps():
    x = at.dvector("x")
    f0 = at.dvector("f0")
    # A Fibonacci recurrence with taps [-2, -1], and a centred difference of x with taps [-1, 0, 1].
    fib, _ = aesara.scan(lambda a, b: a + b, outputs_info=dict(initial=f0, taps=[-2, -1]), n_steps=6)
    diff, _ = aesara.scan(lambda xm, x0, xp: xp - 2 * x0 + xm, sequences=dict(input=x, taps=[-1, 0, 1]))
    np.testing.assert_allclose(aesara.function([f0], fib)(np.array([1.0, 1.0])), [2, 3, 5, 8, 13, 21])
    check_grad_and_rop([f0], fib, [np.array([0.5, -0.25])])
    xv = RNG.uniform(-1, 1, size=8)
    np.testing.assert_allclose(aesara.function([x], diff)(xv), xv[2:] - 2 * xv[1:-1] + xv[:-2], rtol=1e-12)
    check_grad_and_rop([x], diff, [xv])


def test_go_backwards_and_n_steps():
    x = at.dvector("x")
    back, _ = aesara.scan(lambda v, a: a + v, sequences=x, outputs_info=np.float64(0), go_backwards=True)
    first3, _ = aesara.scan(lambda v, a: a * v, sequences=x, outputs_info=np.float64(1), n_steps=3)
    xv = np.arange(1.0, 6.0)
    b, p = aesara.function([x], [back, first3])(xv)
    np.testing.assert_allclose(b, np.cumsum(xv[::-1]))
    np.testing.assert_allclose(p, np.cumprod(xv[:3]))
    check_grad_and_rop([x], back, [xv])


def test_updates_from_the_step_and_shared_state():
    counter = aesara.shared(np.float64(0), name="counter")
    x = at.dvector("x")
    out, updates = aesara.scan(lambda v: (v * counter, {counter: counter + 1}), sequences=x)
    assert list(updates.keys()) == [counter]
    f = aesara.function([x], out, updates=updates)
    np.testing.assert_allclose(f(np.ones(3)), [0, 1, 2])
    assert counter.get_value() == 3
    only_updates, updates = aesara.scan(lambda: {counter: counter * 2}, n_steps=3)
    assert only_updates is None
    aesara.function([], [], updates=updates)()
    assert counter.get_value() == 24


def test_truncated_gradient():
    x = at.dvector("x")
    a = at.dscalar("a")
    h, _ = aesara.scan(lambda v, h, a: a * h + v, sequences=x, outputs_info=np.float64(0), non_sequences=a,
                       truncate_gradient=2)
    g = aesara.function([x, a], aesara.grad(h[-1], x))(np.ones(5), 0.5)
    np.testing.assert_allclose(g, [0, 0, 0, 0.5, 1])


def test_map_reduce_foldl_foldr():
    x = at.dvector("x")
    squares, _ = aesara.map(lambda v: v ** 2, sequences=x)
    total, _ = aesara.reduce(lambda v, acc: acc + v, sequences=x, outputs_info=np.float64(0))
    left, _ = aesara.foldl(lambda v, acc: acc * 2 + v, sequences=x, outputs_info=np.float64(0))
    right, _ = aesara.foldr(lambda v, acc: acc * 2 + v, sequences=x, outputs_info=np.float64(0))
    xv = np.array([1.0, 2.0, 3.0])
    s, t, lft, rgt = aesara.function([x], [squares, total, left, right])(xv)
    np.testing.assert_allclose(s, xv ** 2)
    assert t == 6 and lft == 11 and rgt == 17


def test_errors_users_meet():
    x = at.dvector("x")
    with pytest.raises(ValueError, match="No information about the number of steps|no information"):
        aesara.scan(lambda: at.constant(1.0), outputs_info=[None])
    with pytest.raises(ValueError, match="n_steps must be an int"):
        aesara.scan(lambda v: v, sequences=x, n_steps=at.dscalar())
    with pytest.raises(ValueError, match="Please provide None as outputs_info"):
        aesara.scan(lambda v: [v, v], sequences=x, outputs_info=[None])
    with pytest.raises(TypeError, match="has dtype float32, while the result of the inner function"):
        aesara.scan(lambda v, h: h + v, sequences=x, outputs_info=at.fscalar())
    with pytest.raises(ValueError, match="may only be made of"):
        aesara.scan(lambda v: 3, sequences=x)
    out, _ = aesara.scan(lambda v: v * 2, sequences=x, n_steps=5)
    with pytest.raises(ValueError, match="fewer than the 5 steps"):
        aesara.function([x], out)(np.ones(2))


def test_last_step_only_is_stored_when_only_it_is_read():
    x = at.dmatrix("x")
    h0 = at.dvector("h0")
    h, _ = aesara.scan(lambda v, h: at.tanh(v + h), sequences=x, outputs_info=h0)
    f = aesara.function([x, h0], h[-1])
    loops = [n.op for n in f.maker.fgraph.toposort() if type(n.op).__name__ == "Scan"]
    assert len(loops) == 1 and loops[0].last_only == (True,)
    xv, h0v = RNG.uniform(-1, 1, size=(5, 3)), RNG.uniform(-1, 1, size=3)
    np.testing.assert_allclose(f(xv, h0v), aesara.function([x, h0], h)(xv, h0v)[-1])


def test_graph_with_scan_round_trips_through_json():
    from sharpgrad.graph.serialize import dump, load

    x = at.dvector("x")
    h, _ = aesara.scan(lambda v, h: at.tanh(v * h), sequences=x, outputs_info=np.float64(0.5))
    g = aesara.grad(h.sum(), x)
    inputs, outputs = load(dump([x], [h, g]))
    xv = RNG.uniform(-1, 1, size=5)
    expected = aesara.function([x], [h, g])(xv)
    actual = aesara.function(inputs, outputs)(xv)
    for e, a in zip(expected, actual):
        np.testing.assert_array_equal(a, e)


def test_jacobian_and_hessian_through_scan():
    """Vectorized (one batched reverse loop), not a scan over rows as in Aesara."""
    from sharpgrad.gradient import hessian, jacobian

    x = at.dvector("x")
    a = at.dscalar("a")
    h, _ = aesara.scan(lambda v, h, a: at.tanh(a * h + v), sequences=x, outputs_info=np.float64(0.1),
                       non_sequences=a)
    J = jacobian(h, x)
    H = hessian((h ** 2).sum(), x)
    xv, av = RNG.uniform(-1, 1, size=5), np.array(0.8)
    jv, hv = aesara.function([x, a], [J, H])(xv, av)
    f = aesara.function([x, a], h)
    g = aesara.function([x, a], aesara.grad((h ** 2).sum(), x))
    eye = np.eye(5)
    np.testing.assert_allclose(jv, np.stack([numeric_jvp(lambda v: f(v, av), [xv], [eye[i]]) for i in range(5)],
                                            axis=1), atol=1e-6)
    np.testing.assert_allclose(hv, np.stack([numeric_jvp(lambda v: g(v, av), [xv], [eye[i]]) for i in range(5)],
                                            axis=1), atol=1e-6)
