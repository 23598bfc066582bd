"""``sharpgrad.scan(..., checkpoint=k)``: the values are the plain loop's bit for bit, the gradients the plain loop's
to 1e-12 and those of central differences (first and second order) in float64, for block lengths that divide the
number of steps, that do not, 1 and beyond the end; and the gradient of a 1,000-step RNN checkpointed every 32 steps
holds at most a quarter of the plain one's memory (``MemoryProbe``)."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.ad_checkpoint import MemoryProbe
from sharpgrad.gradient import Rop
from sharpgrad.scan.utils import until

from test_scan import check_grad_and_rop, numeric_grad, numeric_jvp

RNG = np.random.default_rng(4321)
BLOCKS = [1, 2, 3, 4, 5, 11, 20]


def assert_same_as_plain(build, inputs, values, extra=()):
    """The loop's output equal to the plain loop's, and the loss's gradients equal to 1e-12, for every block length."""
    plain = None
    for k in [None] + BLOCKS:
        out, loss = build(k)
        f = aesara.function(inputs, [out] + aesara.grad(loss, list(inputs) + list(extra)))
        results = f(*values)
        if plain is None:
            plain = results
            continue
        np.testing.assert_array_equal(results[0], plain[0], err_msg=f"checkpoint={k}: values")
        for i, (a, b) in enumerate(zip(results[1:], plain[1:])):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=f"checkpoint={k}: gradient {i}")


def test_cumulative_sum():
    x = at.dvector("x")
    c = RNG.uniform(-1, 1, size=11)

    def build(k):
        out, _ = aesara.scan(lambda v, acc: acc + v, sequences=[x], outputs_info=[at.zeros_like(x[0])], checkpoint=k)
        return out, (out * out * c).sum()

    xv = RNG.uniform(-1, 1, size=11)
    assert_same_as_plain(build, [x], [xv])
    np.testing.assert_allclose(aesara.function([x], build(3)[0])(xv), np.cumsum(xv), rtol=1e-12)
    check_grad_and_rop([x], build(4)[0], [xv])


@pytest.mark.parametrize("truncate_gradient, go_backwards", [(-1, False), (-1, True), (4, False), (11, False)])
def test_tanh_rnn_with_taps_and_shared_weights(truncate_gradient, go_backwards):
    wv = RNG.uniform(-0.5, 0.5, size=(4, 4))
    uv = RNG.uniform(-1, 1, size=(3, 4))
    W = aesara.shared(wv, name="W")
    U = aesara.shared(uv, name="U")
    x, h0, V = at.dmatrix("x"), at.dmatrix("h0"), at.dmatrix("V")

    def step(x_t, h_tm2, h_tm1, V):
        return at.tanh(at.dot(x_t, U) + at.dot(h_tm1, W) + at.dot(h_tm2, V))

    def build(k):
        h, _ = aesara.scan(step, sequences=x, outputs_info=dict(initial=h0, taps=[-2, -1]), non_sequences=V,
                           truncate_gradient=truncate_gradient, go_backwards=go_backwards, checkpoint=k)
        return h, (h ** 2).sum() + h[-1].sum()

    values = [RNG.uniform(-1, 1, size=(11, 3)), RNG.uniform(-1, 1, size=(2, 4)), RNG.uniform(-0.5, 0.5, size=(4, 4))]
    assert_same_as_plain(build, [x, h0, V], values, extra=[W, U])
    if truncate_gradient >= 0:
        return  # truncated gradients are not derivatives: equal to the plain loop's is the check
    h, loss = build(3)
    check_grad_and_rop([x, h0, V], h, values)
    gw, gu = aesara.function([x, h0, V], aesara.grad(loss, [W, U]))(*values)
    loss_f = aesara.function([x, h0, V], loss)

    def loss_of(w, u):
        W.set_value(w)
        U.set_value(u)
        return loss_f(*values)

    numeric_w, numeric_u = numeric_grad(loss_of, [wv, uv], 0), numeric_grad(loss_of, [wv, uv], 1)
    W.set_value(wv)
    U.set_value(uv)
    np.testing.assert_allclose(gw, numeric_w, atol=1e-6)
    np.testing.assert_allclose(gu, numeric_u, atol=1e-6)


def test_loop_with_until():
    x0, a, s = at.dscalar("x0"), at.dscalar("a"), at.dvector("s")

    def step(s_t, x_tm1, a):
        nxt = a * x_tm1 + s_t
        return [nxt, at.sin(nxt) * s_t], until(nxt > 4.0)

    def build(k):
        (xs, ys), _ = aesara.scan(step, sequences=s, outputs_info=[x0, None], non_sequences=a, checkpoint=k)
        return xs, (xs ** 2).sum() + ys.sum()

    values = [np.array(0.7), np.array(1.6), RNG.uniform(0, 0.2, size=30)]
    assert_same_as_plain(build, [x0, a, s], values)
    xs, loss = build(3)
    assert len(aesara.function([x0, a, s], xs)(*values)) < 30
    check_grad_and_rop([x0, a, s], xs, values)
    loss_f = aesara.function([x0, a, s], loss)
    grads = aesara.function([x0, a, s], aesara.grad(loss, [x0, a, s]))(*values)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g, numeric_grad(loss_f, values, i), atol=1e-6)


def test_hessian_vector_product_of_an_rnn_loss():
    x, W, h0, V = at.dmatrix("x"), at.dmatrix("W"), at.dvector("h0"), at.dmatrix("V")
    xv, wv, h0v = RNG.uniform(-1, 1, size=(7, 3)), RNG.uniform(-0.6, 0.6, size=(3, 3)), RNG.uniform(-1, 1, size=3)
    vv = RNG.uniform(-1, 1, size=(3, 3))
    results = {}
    for k in [None, 3]:
        h, _ = aesara.scan(lambda x_t, h: at.tanh(x_t + at.dot(h, W)), sequences=x, outputs_info=h0, checkpoint=k)
        loss = (h ** 2).sum() + h[-1].sum()
        gW = aesara.grad(loss, W)
        f = aesara.function([x, W, h0, V], [aesara.grad((gW * V).sum(), W), Rop(gW, W, V)])
        results[k] = f(xv, wv, h0v, vv)
        grad_f = aesara.function([x, W, h0], gW)
    expected = numeric_jvp(lambda w: grad_f(xv, w, h0v), [wv], [vv])
    for rev, fwd in [results[3]]:
        np.testing.assert_allclose(rev, expected, atol=1e-6)
        np.testing.assert_allclose(fwd, expected, atol=1e-6)
    np.testing.assert_allclose(results[3][0], results[None][0], rtol=1e-12, atol=1e-12)


def _rnn_gradient(k, steps, hidden=64, batch=16, features=32):
    """The RNN of docs/scan.md's memory figures, its loss summed in the loop; returns (peak bytes, results)."""
    x, h0 = at.tensor3("x", dtype="float32"), at.fmatrix("h0")
    W, U, b = at.fmatrix("W"), at.fmatrix("U"), at.fvector("b")

    def step(x_t, h):
        h_t = at.tanh(at.dot(x_t, U) + at.dot(h, W) + b)
        return h_t, (h_t * h_t).mean()

    (_, losses), _ = aesara.scan(step, sequences=x, outputs_info=[h0, None], checkpoint=k)
    loss = losses.mean()
    f = aesara.function([x, h0, W, U, b], [loss] + aesara.grad(loss, [W, U, b, h0]))
    rng = np.random.default_rng(17)
    values = [rng.standard_normal((steps, batch, features)).astype("float32"),
              rng.standard_normal((batch, hidden)).astype("float32"),
              (rng.standard_normal((hidden, hidden)) / 8).astype("float32"),
              (rng.standard_normal((features, hidden)) / np.sqrt(features)).astype("float32"),
              np.zeros(hidden, dtype="float32")]
    f(*values)  # compiles the inner functions
    with MemoryProbe() as probe:
        results = f(*values)
    return probe.peak_bytes, results


def test_gradient_of_a_1000_step_rnn_checkpointed_every_32_steps_holds_a_quarter_of_the_memory():
    steps, state = 1000, 16 * 64 * 4
    plain_peak, plain = _rnn_gradient(None, steps)
    checkpoint_peak, checkpointed = _rnn_gradient(32, steps)
    assert plain_peak > steps * state, "the plain gradient keeps every state"
    assert checkpoint_peak <= plain_peak / 4, (plain_peak, checkpoint_peak)
    assert checkpointed[0] == plain[0]
    for a, b in zip(checkpointed[1:], plain[1:]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("bad", [0, -2, 2.5, True, "3", np.float64(4.0)])
def test_invalid_checkpoint_is_a_value_error(bad):
    x = at.dvector("x")
    with pytest.raises(ValueError, match="checkpoint must be None or an int >= 1"):
        aesara.scan(lambda v: v * 2, sequences=x, checkpoint=bad)


def test_numpy_integer_checkpoint_and_the_callable_package():
    x = at.dvector("x")
    out, _ = aesara.scan(lambda v, acc: acc * v, sequences=x, outputs_info=at.ones_like(x[0]),
                         checkpoint=np.int64(2))
    xv = RNG.uniform(0.5, 1.5, size=5)
    np.testing.assert_allclose(aesara.function([x], out)(xv), np.cumprod(xv), rtol=1e-12)
    assert aesara.scan.__call__.__doc__ == aesara.scan.basic.scan.__doc__


def test_vectorized_jacobian_and_hessian_through_a_checkpointed_loop():
    from sharpgrad.gradient import hessian, jacobian

    x, W, h0 = at.dmatrix("x"), at.dmatrix("W"), at.dvector("h0")
    values = [RNG.uniform(-1, 1, (5, 3)), RNG.uniform(-0.6, 0.6, (3, 3)), RNG.uniform(-1, 1, 3)]
    results = {}
    for k in [None, 2]:
        h, _ = aesara.scan(lambda x_t, h: at.tanh(x_t + at.dot(h, W)), sequences=x, outputs_info=h0, checkpoint=k)
        results[k] = aesara.function([x, W, h0], [jacobian(h[-1], W), hessian((h ** 2).sum(), h0)])(*values)
    for a, b in zip(results[2], results[None]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
