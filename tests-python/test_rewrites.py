"""Rewrites before execution, seen from Python: each fires (the compiled graph's op list changes as expected) and
the results stay the same — or, for the stabilising ones, become finite where the naive graph overflows."""

import warnings

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.tensor.math import log1p, logsumexp, sigmoid, softplus
from sharpgrad.tensor.special import log_softmax, softmax


def classes(f):
    """Aesara class names of the compiled graph's ops, in run order."""
    return [type(node.op).__name__ for node in f.maker.fgraph.toposort()]


def ops(f):
    """The compiled graph's ops as printed, in run order."""
    return [str(node.op) for node in f.maker.fgraph.toposort()]


def test_merge_makes_duplicated_subgraphs_one():
    x, y = at.dvector("x"), at.dvector("y")
    f = aesara.function([x, y], at.tanh(x * y) + at.tanh(x * y))
    assert ops(f) == ["Elemwise{mul}", "Elemwise{tanh}", "Elemwise{add}"]
    last = f.maker.fgraph.toposort()[-1]
    assert last.inputs[0] is last.inputs[1]
    a, b = np.array([1.0, 2.0]), np.array([3.0, -4.0])
    np.testing.assert_allclose(f(a, b), 2 * np.tanh(a * b), rtol=1e-15)


def test_constants_fold_at_compile_time():
    x = at.dvector("x")
    c = at.constant(np.array([1.0, 2.0]))
    f = aesara.function([x], x + at.exp(c) * 3.0)
    assert ops(f) == ["Elemwise{add}"]
    np.testing.assert_allclose(f([10.0, 20.0]), [10 + 3 * np.e, 20 + 3 * np.e ** 2], rtol=1e-15)


@pytest.mark.parametrize("build", [
    lambda x: x * 1.0, lambda x: 1.0 * x, lambda x: x + 0.0, lambda x: 0 + x, lambda x: x - 0.0,
    lambda x: x / 1.0, lambda x: x ** 1, lambda x: -(-x), lambda x: x.T.T,
], ids=["x*1", "1*x", "x+0", "0+x", "x-0", "x/1", "x**1", "--x", "x.T.T"])
def test_neutral_operations_disappear(build):
    x = at.dmatrix("x")
    f = aesara.function([x], build(x))
    assert classes(f) == []
    value = np.array([[1.0, -2.0], [3.5, 0.25]])
    out = f(value)
    np.testing.assert_array_equal(out, value)
    assert out is not value


def test_a_neutral_operation_that_would_change_the_static_shape_stays():
    x = at.dvector("x")
    f = aesara.function([x], x * np.ones(3))
    assert classes(f) == ["Elemwise"]
    np.testing.assert_array_equal(f([1.0, 2.0, 3.0]), [1.0, 2.0, 3.0])


def test_int_times_one_point_zero_becomes_a_cast():
    i = at.ivector("i")
    f = aesara.function([i], i * 1.0)
    assert ops(f) == ["Elemwise{cast{float64}}"]
    out = f(np.array([1, -2], dtype=np.int32))
    assert out.dtype == np.float64 and list(out) == [1.0, -2.0]


def test_log_of_softmax_becomes_log_softmax_and_is_finite():
    x = at.dmatrix("x")
    f = aesara.function([x], at.log(softmax(x, axis=1)))
    assert classes(f) == ["LogSoftmax"]
    assert f.maker.fgraph.toposort()[0].op.axis == 1
    np.testing.assert_array_equal(f([[1000.0, 0.0, -1000.0]]), [[0.0, -1000.0, -2000.0]])
    v = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, 1.0]])
    expected = v - np.log(np.exp(v).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(f(v), expected, rtol=1e-14)


def test_hand_written_softmax_is_recognised():
    x = at.dmatrix("x")
    e = at.exp(x)
    f = aesara.function([x], e / e.sum(axis=1, keepdims=True))
    assert classes(f) == ["Softmax"]
    g = aesara.function([x], at.log(e / e.sum(axis=1, keepdims=True)))
    assert classes(g) == ["LogSoftmax"]
    assert np.all(np.isfinite(g([[1000.0, 0.0, -1000.0]])))


def test_log_one_plus_exp_becomes_softplus():
    x = at.dvector("x")
    f = aesara.function([x], at.log(1 + at.exp(x)))
    assert ops(f) == ["Elemwise{softplus}"]
    np.testing.assert_allclose(f([-1000.0, 0.0, 1000.0]), [0.0, np.log(2.0), 1000.0], rtol=1e-15)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert np.isinf(np.log(1 + np.exp(1000.0)))  # what the naive graph computes


def test_log_of_sum_of_exp_becomes_logsumexp():
    x = at.dmatrix("x")
    f = aesara.function([x], [at.log(at.exp(x).sum(axis=1)), at.log(at.exp(x).sum())])
    assert classes(f) == ["LogSumExp", "LogSumExp"]
    big = np.array([[1000.0, 1000.0], [-1000.0, -1000.0]])
    rows, total = f(big)
    np.testing.assert_allclose(rows, [1000 + np.log(2), -1000 + np.log(2)], rtol=1e-15)
    np.testing.assert_allclose(total, 1000 + np.log(2), rtol=1e-15)


def test_special_functions_values_and_gradients(check_grad):
    x = at.dmatrix("x")
    v = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, 1.0]])
    sm = np.exp(v) / np.exp(v).sum(axis=1, keepdims=True)
    f = aesara.function([x], [softmax(x, axis=-1), log_softmax(x, axis=1), logsumexp(x, axis=0, keepdims=True),
                              softplus(x), sigmoid(x), log1p(x * x), softmax(x)])
    out = f(v)
    np.testing.assert_allclose(out[0], sm, rtol=1e-14)
    np.testing.assert_allclose(out[1], np.log(sm), rtol=1e-14)
    np.testing.assert_allclose(out[2], np.log(np.exp(v).sum(axis=0, keepdims=True)), rtol=1e-14)
    np.testing.assert_allclose(out[3], np.log1p(np.exp(v)), rtol=1e-14)
    np.testing.assert_allclose(out[4], 1 / (1 + np.exp(-v)), rtol=1e-14)
    np.testing.assert_allclose(out[5], np.log1p(v * v), rtol=1e-14)
    np.testing.assert_allclose(out[6], np.exp(v) / np.exp(v).sum(), rtol=1e-14)  # axis=None: all elements
    w = np.array([[0.3, -0.2, 0.1], [0.5, 0.4, -0.6]])
    check_grad(lambda a: (softmax(a, axis=1) * w).sum() + logsumexp(a) + (softplus(a) * w).sum(), [x], [v])
    check_grad(lambda a: (log_softmax(a, axis=0) * w).sum() + (sigmoid(a) * w).sum(), [x], [v])


def test_nnet_and_tensor_aliases():
    assert at.nnet.softmax is softmax and at.special.log_softmax is log_softmax
    assert at.softplus is softplus and at.sigmoid is sigmoid and at.log1p is log1p and at.logsumexp is logsumexp


def test_gradient_graphs_shrink():
    x = at.dvector("x")
    cost = (at.tanh(x) * 1.0 + 0.0).sum()
    g = aesara.grad(cost, x)
    f = aesara.function([x], g)
    assert "Elemwise" in classes(f)
    value = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(f(value), 1 - np.tanh(value) ** 2, rtol=1e-14)
    assert ops(f) == ["Elemwise{tanh}", "Elemwise{subcmul}"]  # 1 - tanh(x)**2 in one kernel, fills gone


def test_static_shapes_fold_and_dynamic_ones_are_read_from_inputs():
    x = at.tensor("float64", shape=(2, 3), name="x")
    m = at.dmatrix("m")
    f = aesara.function([x, m], [x.shape, at.exp(m).shape[1]])
    assert classes(f) == ["Shape_i"]
    assert f.maker.fgraph.toposort()[0].inputs[0] is m  # exp(m) is not computed for its shape
    static, dynamic = f(np.zeros((2, 3)), np.zeros((4, 5)))
    assert list(static) == [2, 3] and int(dynamic) == 5
