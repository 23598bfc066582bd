"""matmul, outer, tensordot, batched_dot, dot of any rank, relu and the cross-entropies: values against numpy,
gradients against central differences, bad shapes as ValueError, Aesara's names and signatures."""

import inspect

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.tensor.math import batched_dot, dot, matmul, outer, tensordot
from sharpgrad.tensor.nnet import (binary_crossentropy, categorical_crossentropy, relu,
                                   sigmoid_binary_crossentropy)

RNG = np.random.default_rng(5)


def arr(*shape):
    return RNG.normal(size=shape)


def sym(value, static=False):
    shape = value.shape if static else (None,) * value.ndim
    return at.tensor(str(value.dtype), shape=shape)


def run(build, *values, static=False):
    xs = [sym(v, static) for v in values]
    return aesara.function(xs, build(*xs))(*values)


PRODUCT_CASES = [
    ("matmul 2x2", matmul, np.matmul, (arr(3, 4), arr(4, 5))),
    ("matmul 1x2", matmul, np.matmul, (arr(3), arr(3, 4))),
    ("matmul 2x1", matmul, np.matmul, (arr(3, 4), arr(4))),
    ("matmul 1x1", matmul, np.matmul, (arr(4), arr(4))),
    ("matmul 3x3", matmul, np.matmul, (arr(2, 3, 4), arr(2, 4, 5))),
    ("matmul 3x2", matmul, np.matmul, (arr(2, 3, 4), arr(4, 5))),
    ("matmul 1x3", matmul, np.matmul, (arr(3), arr(2, 3, 4))),
    ("matmul 4x3", matmul, np.matmul, (arr(2, 2, 3, 4), arr(2, 4, 1))),
    ("@ 3x3", lambda a, b: a @ b, np.matmul, (arr(2, 3, 4), arr(2, 4, 5))),
    ("@ 2x3", lambda a, b: a @ b, np.matmul, (arr(3, 4), arr(2, 4, 5))),
    ("@ 2x2", lambda a, b: a @ b, np.matmul, (arr(3, 4), arr(4, 5))),
    ("outer", outer, np.outer, (arr(3), arr(4))),
    ("outer of matrices", outer, np.outer, (arr(2, 3), arr(4))),
    ("tensordot axes=2", tensordot, np.tensordot, (arr(2, 3, 4), arr(3, 4, 5))),
    ("tensordot axes=1", lambda a, b: tensordot(a, b, 1), lambda a, b: np.tensordot(a, b, 1), (arr(3, 4), arr(4, 5))),
    ("tensordot axes=0", lambda a, b: tensordot(a, b, axes=0), lambda a, b: np.tensordot(a, b, 0), (arr(3), arr(2, 2))),
    ("tensordot pairs", lambda a, b: tensordot(a, b, [[2, 0], [0, 1]]),
     lambda a, b: np.tensordot(a, b, [[2, 0], [0, 1]]), (arr(2, 3, 4), arr(4, 2, 5))),
    ("tensordot negative single", lambda a, b: tensordot(a, b, [-1, 0]), lambda a, b: np.tensordot(a, b, [-1, 0]),
     (arr(2, 3, 4), arr(4, 5))),
    ("batched_dot 3x3", batched_dot, lambda a, b: np.einsum("bij,bjk->bik", a, b), (arr(2, 3, 4), arr(2, 4, 5))),
    ("batched_dot 2x2", batched_dot, lambda a, b: np.einsum("bi,bi->b", a, b), (arr(3, 4), arr(3, 4))),
    ("batched_dot 3x2", batched_dot, lambda a, b: np.einsum("bij,bj->bi", a, b), (arr(2, 3, 4), arr(2, 4))),
    ("batched_dot 2x3", batched_dot, lambda a, b: np.einsum("bi,bij->bj", a, b), (arr(2, 3), arr(2, 3, 4))),
    ("batched_dot 1x3", batched_dot, lambda a, b: a[:, None, None] * b, (arr(2), arr(2, 3, 4))),
    ("dot 3x2", dot, np.dot, (arr(2, 3, 4), arr(4, 5))),
    ("dot 3x3", dot, np.dot, (arr(2, 3, 4), arr(2, 4, 5))),
    ("dot 1x3", dot, np.dot, (arr(3), arr(2, 3, 4))),
    ("dot 0x2", dot, np.dot, (np.array(1.5), arr(3, 4))),
    ("dot 2x2", dot, np.dot, (arr(3, 4), arr(4, 5))),
    ("x.dot 3x1", lambda a, b: a.dot(b), np.dot, (arr(2, 3, 4), arr(4))),
]


@pytest.mark.parametrize("build, reference, values", [c[1:] for c in PRODUCT_CASES],
                         ids=[c[0] for c in PRODUCT_CASES])
def test_products_match_numpy(build, reference, values):
    got = run(build, *values)
    want = np.asarray(reference(*values))
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("build, reference, values", [c[1:] for c in PRODUCT_CASES if c[0] != "dot 0x2"],
                         ids=[c[0] for c in PRODUCT_CASES if c[0] != "dot 0x2"])
def test_product_gradients_match_central_differences(build, reference, values, check_grad):
    weights = RNG.normal(size=np.shape(reference(*values)))
    xs = [sym(v) for v in values]
    check_grad(lambda *v: (build(*v) * weights).sum(), xs, list(values), rtol=1e-5, atol=1e-6)


def test_matmul_broadcasts_static_batch_axes_and_sums_their_gradient():
    a = at.tensor("float64", shape=(1, None, None), name="a")
    b = at.dtensor3("b")
    va, vb = arr(1, 3, 4), arr(2, 4, 5)
    out, ga = aesara.function([a, b], [matmul(a, b), aesara.grad(matmul(a, b).sum(), a)])(va, vb)
    np.testing.assert_allclose(out, va @ vb, rtol=1e-12)
    np.testing.assert_allclose(ga, (np.ones((2, 3, 5)) @ vb.transpose(0, 2, 1)).sum(axis=0, keepdims=True), rtol=1e-12)
    assert (a @ b).ndim == 3 and (a @ b).static_shape == (None, None, None)


BAD_SHAPES = [
    ("matmul", matmul, (3, 4), (5, 6)),
    ("matmul vectors", matmul, (4,), (3,)),
    ("matmul batch", matmul, (2, 3, 4), (3, 4, 5)),
    ("@ batch", lambda a, b: a @ b, (2, 3, 4), (3, 4, 5)),
    ("tensordot", lambda a, b: tensordot(a, b, 1), (3, 4), (5, 6)),
    ("batched_dot", batched_dot, (2, 3, 4), (3, 4, 5)),
    ("dot 3d", dot, (2, 3, 4), (5, 6)),
]


@pytest.mark.parametrize("build, sa, sb", [c[1:] for c in BAD_SHAPES], ids=[c[0] for c in BAD_SHAPES])
def test_bad_shapes_raise_value_error_and_never_abort(build, sa, sb):
    a, b = np.ones(sa), np.ones(sb)
    with pytest.raises(ValueError):
        run(build, a, b)  # unknown static shapes: checked at run time, before the native call
    with pytest.raises(ValueError):
        build(sym(a, static=True), sym(b, static=True))  # known static shapes: checked when building


def test_product_errors_and_dtypes():
    with pytest.raises(ValueError):
        matmul(at.dscalar(), at.dvector())
    with pytest.raises(ValueError):
        tensordot(at.dmatrix(), at.dmatrix(), [[0, 1], [0]])
    with pytest.raises(NotImplementedError):
        batched_dot(at.dtensor4(), at.dtensor3())
    x = at.fmatrix()
    assert matmul(x, at.ftensor3()).dtype == "float32"
    assert matmul(x, at.dmatrix()).dtype == "float64"
    assert aesara.grad(tensordot(x, x, [[0], [0]]).sum(), x).dtype == "float32"


X = RNG.normal(size=(4, 3))
P = np.exp(X) / np.exp(X).sum(axis=1, keepdims=True)
T1 = np.eye(3)[[2, 0, 1, 1]]
IDX = np.array([2, 0, 1, 1])
Y = RNG.uniform(0.05, 0.95, size=(4, 3))
TARGET = RNG.uniform(size=(4, 3))


def test_relu_values_and_gradient():
    x = at.dmatrix("x")
    alpha = at.dscalar("alpha")
    f = aesara.function([x, alpha], [relu(x), relu(x, 0.2), relu(x, alpha), aesara.grad(relu(x).sum(), x)])
    value = np.array([[-1.0, 0.0, 2.0]])
    r0, r1, r2, g = f(value, 0.3)
    np.testing.assert_array_equal(r0, np.maximum(value, 0))
    np.testing.assert_allclose(r1, np.where(value > 0, value, 0.2 * value), rtol=1e-15)
    np.testing.assert_allclose(r2, np.where(value > 0, value, 0.3 * value), rtol=1e-15)
    np.testing.assert_array_equal(g, [[0.0, 0.5, 1.0]])  # Aesara's 0.5 * (x + abs(x)): slope 0.5 at 0
    assert at.nnet.relu is relu and relu(at.fmatrix()).dtype == "float32"


def test_crossentropy_values_match_numpy():
    c, t, o, y = at.dmatrix("c"), at.dmatrix("t"), at.dmatrix("o"), at.dmatrix("y")
    i = at.lvector("i")
    f = aesara.function([c, t, i, o, y], [categorical_crossentropy(c, t), categorical_crossentropy(c, i),
                                          binary_crossentropy(o, y), sigmoid_binary_crossentropy(o, y)])
    onehot, indices, binary, logits = f(P, T1, IDX, Y, TARGET)
    np.testing.assert_allclose(onehot, -(T1 * np.log(P)).sum(axis=1), rtol=1e-13)
    np.testing.assert_allclose(indices, -np.log(P[np.arange(4), IDX]), rtol=1e-13)
    np.testing.assert_allclose(binary, -(TARGET * np.log(Y) + (1 - TARGET) * np.log(1 - Y)), rtol=1e-13)
    s = 1 / (1 + np.exp(-Y))
    np.testing.assert_allclose(logits, -(TARGET * np.log(s) + (1 - TARGET) * np.log(1 - s)), rtol=1e-13)


def test_sigmoid_binary_crossentropy_is_stable():
    x, t = at.dvector("x"), at.dvector("t")
    loss = sigmoid_binary_crossentropy(x, t)
    values, grads = aesara.function([x, t], [loss, aesara.grad(loss.sum(), x)])(
        np.array([-1000.0, 1000.0, 0.0, 40.0]), np.array([1.0, 0.0, 0.5, 1.0]))
    np.testing.assert_allclose(values, [1000.0, 1000.0, np.log(2), np.log1p(np.exp(-40.0))], rtol=1e-15)
    np.testing.assert_allclose(grads, [-1.0, 1.0, 0.0, -1 / (1 + np.exp(40.0))], rtol=1e-15)


NNET_GRADS = [
    ("categorical one-hot", lambda x, t: categorical_crossentropy(at.special.softmax(x, axis=-1), t).sum(), [X, T1]),
    ("categorical indices", lambda x: categorical_crossentropy(at.special.softmax(x, axis=-1),
                                                              at.constant(IDX)).mean(), [X]),
    ("binary", lambda o, y: binary_crossentropy(o, y).sum(), [Y, TARGET]),
    ("sigmoid binary", lambda o, y: (sigmoid_binary_crossentropy(o, y) * TARGET).sum(), [X, TARGET[:, :3]]),
    ("relu", lambda x: (relu(x) ** 2).sum() + relu(x, 0.1).sum(), [X]),
]


@pytest.mark.parametrize("build, values", [c[1:] for c in NNET_GRADS], ids=[c[0] for c in NNET_GRADS])
def test_nnet_gradients_match_central_differences(build, values, check_grad):
    check_grad(build, [sym(v) for v in values], values, rtol=1e-5, atol=1e-6)


def test_aesara_signatures():
    def params(f):
        return [(p.name, p.default) for p in inspect.signature(f).parameters.values()]

    empty = inspect.Parameter.empty
    assert params(relu) == [("x", empty), ("alpha", 0)]
    assert params(categorical_crossentropy) == [("coding_dist", empty), ("true_dist", empty)]
    assert params(binary_crossentropy) == params(sigmoid_binary_crossentropy) == [("output", empty), ("target", empty)]
    assert params(tensordot) == [("a", empty), ("b", empty), ("axes", 2)]
    assert params(outer) == [("x", empty), ("y", empty)]
    assert params(batched_dot) == [("a", empty), ("b", empty)]
    assert params(matmul) == [("x1", empty), ("x2", empty), ("dtype", None)]
    assert at.tensordot is tensordot and at.dot is dot
