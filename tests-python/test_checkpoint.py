"""Gradient checkpointing (``sharpgrad.checkpoint``, JAX's ``jax.checkpoint``): checkpointed graphs give the
gradients of the plain ones, and their gradient calls hold less memory (peak live tensor bytes, measured with
``sharpgrad.ad_checkpoint.MemoryProbe``)."""

import numpy as np
import pytest

import sharpgrad
import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.ad_checkpoint import MemoryProbe
from sharpgrad.compile.builders import OpFromGraph
from sharpgrad.gradient import verify_grad

LAYERS, EVERY, BATCH, WIDTH = 100, 10, 256, 32


def _values(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (BATCH, WIDTH))
    ws = [rng.uniform(-1, 1, (WIDTH, WIDTH)) * 1.5 / np.sqrt(WIDTH) for _ in range(LAYERS)]
    return x, ws


def _mlp(every, form="expression"):
    x = at.dmatrix("x")
    ws = [at.dmatrix(f"w{i}") for i in range(LAYERS)]
    h = x
    if every and form == "function":
        def block(h, *block_ws):
            for w in block_ws:
                h = at.tanh(at.dot(h, w))
            return h

        block = sharpgrad.checkpoint(block)
        for start in range(0, LAYERS, every):
            h = block(h, *ws[start:start + every])
    else:
        for i, w in enumerate(ws):
            h = at.tanh(at.dot(h, w))
            if every and (i + 1) % every == 0:
                h = sharpgrad.checkpoint(h)
    cost = (h ** 2).sum()
    return x, ws, cost


def _gradient_call(every, form="expression"):
    x, ws, cost = _mlp(every, form)
    f = aesara.function([x] + ws, [cost] + aesara.grad(cost, [x] + ws))
    xv, wvs = _values()
    f(xv, *wvs)  # the first call compiles the segments' inner functions
    with MemoryProbe() as probe:
        results = f(xv, *wvs)
    return results, probe.peak_bytes


def test_checkpointed_gradients_equal_the_plain_ones_and_use_less_memory():
    plain, plain_peak = _gradient_call(0)
    checkpointed, checkpoint_peak = _gradient_call(EVERY)
    for a, b in zip(plain, checkpointed):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-15)
    activation = BATCH * WIDTH * 8
    gradients = (LAYERS * WIDTH * WIDTH + BATCH * WIDTH + 1) * 8
    # The plain backward keeps (at least) one activation per layer; checkpointing one per segment plus one segment.
    assert plain_peak - gradients > LAYERS * activation * 0.9
    assert checkpoint_peak - gradients < (LAYERS // EVERY + EVERY) * activation * 1.5
    assert checkpoint_peak < plain_peak / 2


def test_the_function_form_gives_the_same_segments_and_results():
    by_expression, peak1 = _gradient_call(EVERY)
    by_function, peak2 = _gradient_call(EVERY, form="function")
    for a, b in zip(by_expression, by_function):
        np.testing.assert_array_equal(a, b)
    assert peak1 == peak2


def test_segments_are_checkpoint_ops_that_stop_at_the_previous_checkpoint():
    x, ws, cost = _mlp(EVERY)
    nodes = [v.owner for v in aesara.graph.basic.ancestors([cost])
             if v.owner is not None and isinstance(v.owner.op, OpFromGraph)]
    assert len({id(n.op) for n in nodes}) == LAYERS // EVERY
    assert all(str(n.op) == "checkpoint{inline=False}" for n in nodes)
    second = [n for n in nodes if ws[EVERY] in n.inputs][0]
    assert len(second.inputs) == EVERY + 1
    assert isinstance(second.inputs[0].owner.op, OpFromGraph)


def test_a_checkpointed_function_checks_numerically_in_both_modes():
    rng = np.random.default_rng(3)

    @sharpgrad.checkpoint
    def layer(h, w1, w2):
        return at.tanh(at.dot(at.exp(at.dot(h, w1) * 0.5), w2))

    verify_grad(layer, [rng.uniform(-1, 1, (3, 4)), rng.uniform(-1, 1, (4, 5)), rng.uniform(-1, 1, (5, 2))],
                rng=rng, modes=("rev", "fwd"))


def test_closures_static_arguments_nested_outputs_and_remat():
    w = at.dvector("w")

    def fun(x, power, scale):
        return {"a": (x * w) ** power, "b": [at.sin(x) * scale]}

    checkpointed = sharpgrad.remat(fun, static_argnums=(1,))
    x = at.dvector("x")
    out = checkpointed(x, 2, 3.0)
    cost = out["a"].sum() + out["b"][0].sum()
    gx, gw = aesara.grad(cost, [x, w])
    xv, wv = np.array([0.5, -1.0]), np.array([2.0, 3.0])
    values = aesara.function([x, w], [cost, gx, gw])(xv, wv)
    np.testing.assert_allclose(values[0], ((xv * wv) ** 2).sum() + (np.sin(xv) * 3).sum())
    np.testing.assert_allclose(values[1], 2 * xv * wv ** 2 + 3 * np.cos(xv))
    np.testing.assert_allclose(values[2], 2 * wv * xv ** 2)


def test_expression_form_with_explicit_inputs_and_containers():
    x = at.dvector("x")
    e = at.exp(x)
    a, b = sharpgrad.checkpoint([at.sin(e), e * 2.0], inputs=[x])
    assert isinstance(a.owner.op, OpFromGraph) and a.owner.outputs == [a, b]
    pair = sharpgrad.checkpoint((at.sin(e),))
    assert isinstance(pair, tuple)
    g = aesara.grad((a + b).sum(), x)
    xv = np.array([0.1, 0.7])
    np.testing.assert_allclose(aesara.function([x], g)(xv), np.cos(np.exp(xv)) * np.exp(xv) + 2 * np.exp(xv))


def test_what_is_not_supported_is_said():
    x = at.dvector("x")
    with pytest.raises(NotImplementedError, match="policies"):
        sharpgrad.checkpoint(lambda v: v, policy="dots_saveable")
    with pytest.raises(TypeError, match="expected a function or variables"):
        sharpgrad.checkpoint(3)
    from sharpgrad.tensor.random.utils import RandomStream

    noisy = x + RandomStream(seed=1).normal(size=(2,))
    with pytest.raises(NotImplementedError, match="not deterministic"):
        sharpgrad.checkpoint(noisy, inputs=[x])


def test_the_probe_measures_nested_functions_and_closes():
    x = at.dvector("x")
    op = OpFromGraph([x], [at.exp(x) * at.exp(x + 1.0)])
    f = aesara.function([x], op(x).sum())
    f(np.ones(1000))
    with MemoryProbe() as probe:
        f(np.ones(1000))
        assert probe.live_bytes == 0
    assert probe.peak_bytes >= 2 * 8000
    assert probe.peak_buffers >= 2
    assert probe.live_bytes == 0
