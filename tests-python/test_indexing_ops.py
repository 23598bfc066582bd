"""numpy-style advanced indexing: values against numpy, gradients against central differences, writes with
repeated indices, and errors."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.tensor import subtensor

RNG = np.random.default_rng(5)
X34 = RNG.normal(size=(3, 4))
X234 = RNG.normal(size=(2, 3, 4))
V5 = RNG.normal(size=5)
MASK34 = X34 > 0
I = np.array([2, 0, 2])


def symbolic(value):
    return at.tensor("float64", shape=(None,) * np.ndim(value))


KEYS = [
    ("[[2, 0, 2]]", ([2, 0, 2],), X34),
    ("[[-1, 0]]", ([-1, 0],), X34),
    ("[np.array([], int)]", (np.array([], dtype=int),), X34),
    ("[:, [3, 0]]", (slice(None), [3, 0]), X34),
    ("[[0, 2], [1, 3]]", ([0, 2], [1, 3]), X34),
    ("[[[0], [2]], [1, 3, 3]]", ([[0], [2]], [1, 3, 3]), X34),
    ("[[0, 1], :, [2, 0]] (axes first)", ([0, 1], slice(None), [2, 0]), X234),
    ("[:, [2, 0], [1, 1]] (axes in place)", (slice(None), [2, 0], [1, 1]), X234),
    ("[1, :, [0, 3]] (int is advanced)", (1, slice(None), [0, 3]), X234),
    ("[1:, [0, -1]]", (slice(1, None), [0, -1]), X34),
    ("[::-1, [1]]", (slice(None, None, -1), [1]), X34),
    ("[::-2, [[1], [2]], 1:3]", (slice(None, None, -2), [[1], [2]], slice(1, 3)), X234),
    ("[mask]", (MASK34,), X34),
    ("[row mask, 1:]", (np.array([True, False, True]), slice(1, None)), X34),
    ("[:, col mask]", (slice(None), np.array([False, True, True, False])), X34),
    ("[mask2d] of tensor3", (X234[:, :, 0] > 0,), X234),
    ("[..., [1, 2]]", (Ellipsis, [1, 2]), X234),
    ("[None, [0, 2]]", (None, [0, 2]), X34),
    ("[[0, 2], None, 1:]", ([0, 2], None, slice(1, None)), X34),
    ("[np.int64 array 0-d, [1, 2]]", (np.array(1), [1, 2]), X34),
]


@pytest.mark.parametrize("name, key, value", KEYS, ids=[k[0] for k in KEYS])
def test_indexing_matches_numpy(name, key, value):
    x = symbolic(value)
    out = aesara.function([x], x[key])(value)
    expected = value[key]
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("name, key, value", KEYS, ids=[k[0] for k in KEYS])
def test_indexing_gradient_matches_finite_differences(name, key, value, check_grad):
    x = symbolic(value)
    weights = RNG.normal(size=value[key].shape)
    check_grad(lambda x: (x[key] * weights).sum(), [x], [value])


@pytest.mark.parametrize("name, key, value", KEYS, ids=[k[0] for k in KEYS])
def test_rop_of_indexing(name, key, value):
    x, v = symbolic(value), symbolic(value)
    jvp = aesara.gradient.Rop(x[key] * x[key], x, v)
    direction = RNG.normal(size=value.shape)
    out = aesara.function([x, v], jvp)(value, direction)
    np.testing.assert_allclose(out, 2 * value[key] * direction[key], rtol=1e-12)


def np_inc(x, key, y):
    out = x.copy()
    np.add.at(out, key, y)
    return out


def np_set(x, key, y):
    out = x.copy()
    out[key] = y
    return out


WRITES = [
    ("inc [[0, 2, 0]] (repeated)", ([0, 2, 0],), X34, RNG.normal(size=(3, 4))),
    ("inc [[1, -1]] vector", ([1, -1],), X34, RNG.normal(size=4)),
    ("inc [[0, 0, 2], [1, 1, 3]]", ([0, 0, 2], [1, 1, 3]), X34, RNG.normal(size=3)),
    ("inc [:, [1, 1]]", (slice(None), [1, 1]), X34, RNG.normal(size=(3, 2))),
    ("inc [mask]", (MASK34,), X34, RNG.normal(size=int(MASK34.sum()))),
    ("inc [[0, 1], :, [2, 0]]", ([0, 1], slice(None), [2, 0]), X234, RNG.normal(size=(2, 3))),
    ("inc [1, [0, 3]] scalar", (1, [0, 3]), X34, np.array(0.7)),
]


@pytest.mark.parametrize("name, key, xv, yv", WRITES, ids=[w[0] for w in WRITES])
def test_inc_subtensor_accumulates_repeated_indices(name, key, xv, yv, check_grad):
    x, y = symbolic(xv), symbolic(yv)
    out = aesara.function([x, y], at.inc_subtensor(x[key], y))(xv, yv)
    np.testing.assert_allclose(out, np_inc(xv, key, yv), rtol=1e-12)
    weights = RNG.normal(size=xv.shape)
    check_grad(lambda x, y: (at.inc_subtensor(x[key], y) * weights).sum(), [x, y], [xv, yv])


SETS = [
    ("set [[0, 2, 0]] (repeated: last wins)", ([0, 2, 0],), X34, RNG.normal(size=(3, 4))),
    ("set [[1, 1]] vector", ([1, 1],), X34, RNG.normal(size=4)),
    ("set [[0, 0], [1, 1]]", ([0, 0], [1, 1]), X34, RNG.normal(size=2)),
    ("set [mask] scalar", (MASK34,), X34, np.array(1.5)),
    ("set [:, [3, 0]]", (slice(None), [3, 0]), X34, RNG.normal(size=(3, 2))),
    ("set [::-1, [1, 1]]", (slice(None, None, -1), [1, 1]), X34, RNG.normal(size=(3, 2))),
]


@pytest.mark.parametrize("name, key, xv, yv", SETS, ids=[s[0] for s in SETS])
def test_set_subtensor_on_advanced_indices(name, key, xv, yv, check_grad):
    x, y = symbolic(xv), symbolic(yv)
    out = aesara.function([x, y], at.set_subtensor(x[key], y))(xv, yv)
    np.testing.assert_allclose(out, np_set(xv, key, yv), rtol=1e-12)
    weights = RNG.normal(size=xv.shape)
    check_grad(lambda x, y: (at.set_subtensor(x[key], y) * weights * x).sum(), [x, y], [xv, yv])


def test_symbolic_index_arrays(check_grad):
    x, i, j = at.dmatrix("x"), at.lvector("i"), at.ivector("j")
    mask = at.tensor("bool", shape=(None, None), name="mask")
    f = aesara.function([x, i, j, mask], [x[i], x[i, j], x[:, j], x[mask], at.inc_subtensor(x[i], 1.0)])
    iv, jv = np.array([2, -3, 2]), np.array([1, 1, 0], dtype="int32")
    rows, pairs, cols, masked, inc = f(X34, iv, jv, MASK34)
    np.testing.assert_array_equal(rows, X34[iv])
    np.testing.assert_array_equal(pairs, X34[iv, jv])
    np.testing.assert_array_equal(cols, X34[:, jv])
    np.testing.assert_array_equal(masked, X34[MASK34])
    np.testing.assert_array_equal(inc, np_inc(X34, iv, 1.0))
    g = aesara.function([x, i], aesara.grad((x[i] ** 2).sum(), x))(X34, iv)
    np.testing.assert_allclose(g, np_inc(np.zeros_like(X34), iv, 2 * X34[iv]))


def test_symbolic_scalar_index_acts_like_an_integer():
    x, k = at.dmatrix("x"), at.lscalar("k")
    assert x[k].ndim == 1 and x[:, k].ndim == 1
    f = aesara.function([x, k], [x[k], x[:, k], at.set_subtensor(x[:, k], 0.0)])
    row, col, zeroed = f(X34, -1)
    np.testing.assert_array_equal(row, X34[-1])
    np.testing.assert_array_equal(col, X34[:, -1])
    np.testing.assert_array_equal(zeroed, np_set(X34, (slice(None), -1), 0.0))


def test_list_of_symbolic_scalars_as_index():
    x, a, b = at.dvector("x"), at.lscalar("a"), at.lscalar("b")
    np.testing.assert_array_equal(aesara.function([x, a, b], x[[a, b]])(V5, 4, 0), V5[[4, 0]])


def test_advanced_subtensor_functions(check_grad):
    x, y = at.dmatrix("x"), at.dmatrix("y")
    f = aesara.function([x, y], [subtensor.advanced_subtensor1(x, [2, 0]),
                                 subtensor.advanced_inc_subtensor1(x, y, [0, 0, 1]),
                                 subtensor.advanced_set_subtensor1(x, y, [0, 0, 1]),
                                 subtensor.advanced_subtensor(x, [0, 1], slice(1, None)),
                                 subtensor.advanced_inc_subtensor(x, 1.0, slice(None), [1, 1])])
    yv = RNG.normal(size=(3, 4))
    a, b, c, d, e = f(X34, yv)
    np.testing.assert_array_equal(a, X34[[2, 0]])
    np.testing.assert_allclose(b, np_inc(X34, [0, 0, 1], yv))
    np.testing.assert_allclose(c, np_set(X34, [0, 0, 1], yv))
    np.testing.assert_array_equal(d, X34[[0, 1], 1:])
    np.testing.assert_allclose(e, np_inc(X34, (slice(None), [1, 1]), 1.0))
    assert x[[2, 0]].owner.op.__class__.__name__ == "AdvancedSubtensor1"
    assert x[:, [2, 0]].owner.op.__class__.__name__ == "AdvancedSubtensor"
    assert at.inc_subtensor(x[[2, 0]], 1.0).owner.op.__class__.__name__ == "AdvancedIncSubtensor1"
    assert at.set_subtensor(x[MASK34], 1.0).owner.op.__class__.__name__ == "AdvancedIncSubtensor"


TAKES = [
    ("take(x, [[0, 5], [11, 2]])", lambda a: at.take(a, np.array([[0, 5], [11, 2]])),
     lambda a: np.take(a, [[0, 5], [11, 2]])),
    ("take(x, [1, -1], axis=1)", lambda a: at.take(a, [1, -1], axis=1), lambda a: np.take(a, [1, -1], axis=1)),
    ("take(x, 2, axis=0)", lambda a: at.take(a, 2, axis=0), lambda a: np.take(a, 2, axis=0)),
    ("x.take([[0], [2]], axis=0)", lambda a: a.take([[0], [2]], axis=0), lambda a: a.take([[0], [2]], axis=0)),
    ("take(x, [5, -6], axis=1, mode='wrap')", lambda a: at.take(a, [5, -6], axis=1, mode="wrap"),
     lambda a: np.take(a, [5, -6], axis=1, mode="wrap")),
    ("take(x, [5, -6], axis=1, mode='clip')", lambda a: at.take(a, [5, -6], axis=1, mode="clip"),
     lambda a: np.take(a, [5, -6], axis=1, mode="clip")),
]


@pytest.mark.parametrize("name, build, reference", TAKES, ids=[t[0] for t in TAKES])
def test_take_matches_numpy(name, build, reference, check_grad):
    x = at.dmatrix("x")
    np.testing.assert_array_equal(aesara.function([x], build(x))(X34), reference(X34))
    weights = RNG.normal(size=np.shape(reference(X34)))
    check_grad(lambda x: (build(x) * weights).sum(), [x], [X34])


def test_bad_indices_raise_index_error():
    x, i = at.dmatrix("x"), at.lvector("i")
    f = aesara.function([x, i], x[i])
    with pytest.raises(IndexError, match="out of bounds"):
        f(X34, np.array([0, 3]))
    with pytest.raises(IndexError, match="out of bounds"):
        f(X34, np.array([-4]))
    with pytest.raises(IndexError, match="out of bounds"):
        at.tensor("float64", shape=(3, 4))[[0, 3]]
    with pytest.raises(IndexError, match="shape mismatch"):
        j = at.lvector("j")
        aesara.function([x, i, j], x[i, j])(X34, np.array([0, 1]), np.array([0, 1, 2]))
    with pytest.raises(IndexError, match="boolean index"):
        mask = at.tensor("bool", shape=(None,))
        aesara.function([x, mask], x[mask])(X34, np.array([True, False]))
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, [0]]
    with pytest.raises(IndexError, match="integer"):
        x[np.array([0.5])]
    with pytest.raises(IndexError):
        x[at.dvector()]
    with pytest.raises(ValueError, match="does not broadcast"):
        aesara.function([x, i], at.set_subtensor(x[i], np.ones((2, 3))))(X34, np.array([0, 1]))
    with pytest.raises(TypeError, match="subtensor"):
        at.set_subtensor(x + 1, 0.0)
