"""TensorVariable methods and operators: values against numpy, gradients against central differences."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at

RNG = np.random.default_rng(3)
X34 = RNG.normal(size=(3, 4))
X234 = RNG.normal(size=(2, 3, 4))
W = RNG.normal(size=(3, 4))  # a fixed cotangent so that misplaced gradients cannot pass


def run(build, *values):
    xs = [at.tensor("float64", shape=(None,) * np.ndim(v)) for v in values]
    return aesara.function(xs, build(*xs))(*values)


VALUE_CASES = [
    ("sum()", lambda x: x.sum(), lambda x: x.sum(), X34),
    ("sum(axis=1)", lambda x: x.sum(axis=1), lambda x: x.sum(axis=1), X34),
    ("sum(axis=(0,2), keepdims)", lambda x: x.sum(axis=(0, 2), keepdims=True),
     lambda x: x.sum(axis=(0, 2), keepdims=True), X234),
    ("sum(axis=-1)", lambda x: x.sum(axis=-1), lambda x: x.sum(axis=-1), X234),
    ("mean()", lambda x: x.mean(), lambda x: x.mean(), X34),
    ("mean(axis=0)", lambda x: x.mean(axis=0), lambda x: x.mean(axis=0), X34),
    ("mean(axis=(1,2), keepdims)", lambda x: x.mean(axis=(1, 2), keepdims=True),
     lambda x: x.mean(axis=(1, 2), keepdims=True), X234),
    ("max()", lambda x: x.max(), lambda x: x.max(), X34),
    ("max(axis=1)", lambda x: x.max(axis=1), lambda x: x.max(axis=1), X34),
    ("max(axis=(0,1), keepdims)", lambda x: x.max(axis=(0, 1), keepdims=True),
     lambda x: x.max(axis=(0, 1), keepdims=True), X234),
    ("reshape((4,3))", lambda x: x.reshape((4, 3)), lambda x: x.reshape((4, 3)), X34),
    ("reshape(2, -1)", lambda x: x.reshape(2, -1), lambda x: x.reshape(2, -1), X34),
    ("reshape((x.shape[1], -1))", lambda x: x.reshape((x.shape[1], -1)), lambda x: x.reshape((4, -1)), X34),
    ("reshape(other.shape)", lambda x: x.reshape(x.T.shape), lambda x: x.reshape(4, 3), X34),
    ("flatten()", lambda x: x.flatten(), lambda x: x.flatten(), X234),
    ("flatten(2)", lambda x: x.flatten(2), lambda x: x.reshape(2, 12), X234),
    ("T", lambda x: x.T, lambda x: x.T, X34),
    ("dimshuffle(1, 'x', 0)", lambda x: x.dimshuffle(1, "x", 0), lambda x: x.T[:, None, :], X34),
    ("dimshuffle((2, 0, 1))", lambda x: x.dimshuffle((2, 0, 1)), lambda x: x.transpose(2, 0, 1), X234),
    ("x[1]", lambda x: x[1], lambda x: x[1], X34),
    ("x[-1, 2]", lambda x: x[-1, 2], lambda x: x[-1, 2], X34),
    ("x[1:, ::-1]", lambda x: x[1:, ::-1], lambda x: x[1:, ::-1], X34),
    ("x[::-2, 3:0:-1]", lambda x: x[::-2, 3:0:-1], lambda x: x[::-2, 3:0:-1], X34),
    ("x[None, :, 1]", lambda x: x[None, :, 1], lambda x: x[None, :, 1], X34),
    ("x[..., 1:3]", lambda x: x[..., 1:3], lambda x: x[..., 1:3], X234),
    ("x[np.newaxis, 0, ..., -1]", lambda x: x[np.newaxis, 0, ..., -1], lambda x: x[np.newaxis, 0, ..., -1], X234),
    ("x[5:]", lambda x: x[5:], lambda x: x[5:], X34),
    ("astype('float32')", lambda x: x.astype("float32"), lambda x: x.astype("float32"), X34),
    ("abs(x)", lambda x: abs(x), np.abs, X34),
    ("+x", lambda x: +x, lambda x: +x, X34),
    ("x // 0.5", lambda x: x // 0.5, lambda x: x // 0.5, X34),
    ("x % 0.75", lambda x: x % 0.75, lambda x: x % 0.75, X34),
    ("x @ x.T", lambda x: x @ x.T, lambda x: x @ x.T, X34),
    ("x < 0", lambda x: x < 0, lambda x: x < 0, X34),
    ("x >= x[0]", lambda x: x >= x[0], lambda x: x >= x[0], X34),
    ("(x > 0) & (x < 1)", lambda x: (x > 0) & (x < 1), lambda x: (x > 0) & (x < 1), X34),
    ("(x > 0) | (x < -1)", lambda x: (x > 0) | (x < -1), lambda x: (x > 0) | (x < -1), X34),
    ("(x > 0) ^ (x < 1)", lambda x: (x > 0) ^ (x < 1), lambda x: (x > 0) ^ (x < 1), X34),
    ("~(x > 0)", lambda x: ~(x > 0), lambda x: ~(x > 0), X34),
    ("eq(x, x[1])", lambda x: at.eq(x, x[1]), lambda x: x == x[1], X34),
    ("neq(x, 0)", lambda x: at.neq(x, x.max()), lambda x: x != x.max(), X34),
    ("x.size", lambda x: x.size, lambda x: np.asarray(x.size), X234),
    ("x.shape", lambda x: x.shape, lambda x: np.asarray(x.shape), X234),
]


@pytest.mark.parametrize("build, reference, value", [c[1:] for c in VALUE_CASES], ids=[c[0] for c in VALUE_CASES])
def test_values_match_numpy(build, reference, value):
    got = run(build, value)
    want = np.asarray(reference(value))
    assert got.dtype == want.dtype
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_integer_operators_match_numpy():
    a, b = np.array([7, -7, 5, -3], dtype=np.int32), np.array([2, 2, -3, -4], dtype=np.int32)
    x, y = at.ivector("x"), at.ivector("y")
    outs = aesara.function([x, y], [x // y, x % y, x & y, x | y, x ^ y, ~x, abs(x), x // 2, 7 % y])(a, b)
    for got, want in zip(outs, [a // b, a % b, a & b, a | b, a ^ b, ~a, abs(a), a // 2, 7 % b]):
        assert got.dtype == want.dtype or (got.dtype == np.int32 and want.dtype == np.int64)
        np.testing.assert_array_equal(got, want)


def test_equality_operator_is_identity():
    x = at.dvector("x")
    assert (x == x) is True
    assert (x == at.dvector()) is False
    assert x != at.dvector()
    assert {x: 1}[x] == 1


GRAD_CASES = [
    ("mean", lambda x: (x.mean(axis=0) * W[0]).sum() + x.mean(), X34),
    ("mean keepdims", lambda x: (x.mean(axis=(1, 2), keepdims=True) ** 2).sum(), X234),
    ("max", lambda x: x.max() + (x.max(axis=1) * W[:, 0]).sum(), X34),
    ("max axes", lambda x: (x.max(axis=(0, 2)) ** 2).sum(), X234),
    ("reshape", lambda x: (x.reshape((4, 3)) * W.reshape(4, 3)).sum(), X34),
    ("reshape -1 from shape", lambda x: (x.reshape((x.shape[0], -1)) ** 2).sum(), X234),
    ("flatten", lambda x: (x.flatten() * W.flatten()).sum(), X34),
    ("flatten 2", lambda x: (x.flatten(2) ** 3).sum(), X234),
    ("getitem", lambda x: (x[1:, ::-1] * W[1:]).sum() + x[0, -1] ** 2, X34),
    ("getitem newaxis", lambda x: (x[None, ::2, 1:3] ** 2).sum(), X34),
    ("getitem ellipsis", lambda x: (at.exp(x[..., 0]) * W[:2, :3]).sum(), X234),
    ("dimshuffle", lambda x: (x.dimshuffle(1, "x", 0) * W.T[:, None, :]).sum(), X34),
    ("T", lambda x: (x.T @ W).sum(), X34),
    ("abs", lambda x: (abs(x) * W).sum(), X34),
    ("matmul", lambda x: ((x @ W.T) ** 2).sum(), X34),
    ("mod", lambda x: ((x % 0.75) * W).sum(), X34),
]


@pytest.mark.parametrize("build, value", [c[1:] for c in GRAD_CASES], ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_central_differences(build, value, check_grad):
    x = at.tensor("float64", shape=(None,) * value.ndim, name="x")
    check_grad(build, [x], [value], rtol=1e-5, atol=1e-6)


def test_float32_methods_stay_float32():
    x = at.fmatrix("x")
    cost = (x.mean(axis=0) * 2.0 + x.max(axis=1).sum() - x[1:, ::-1].flatten().sum() / 3).sum()
    g = aesara.grad(cost, x)
    assert (cost.dtype, g.dtype) == ("float32", "float32")
    c, gv = aesara.function([x], [cost, g])(X34.astype(np.float32))
    assert (c.dtype, gv.dtype) == (np.float32, np.float32)


def test_shape_is_disconnected():
    x = at.dmatrix("x")
    with pytest.raises(aesara.gradient.DisconnectedInputError):
        aesara.grad(x.shape.sum().astype("float64"), x)


def test_set_and_inc_subtensor():
    x = at.dvector("x")
    y = at.set_subtensor(x[::2], 0.0)
    z = at.inc_subtensor(x[1:3], [10.0, 20.0])
    g = aesara.grad((y * z).sum(), x)
    a = np.array([1.0, 2.0, 3.0, 4.0])
    yv, zv, gv = aesara.function([x], [y, z, g])(a)
    np.testing.assert_array_equal(yv, [0, 2, 0, 4])
    np.testing.assert_array_equal(zv, [1, 12, 23, 4])
    np.testing.assert_array_equal(gv, [0 + 0, 12 + 2, 0 + 0, 4 + 4])


def test_bad_indices_and_reshapes_raise():
    x = at.dmatrix("x")
    with pytest.raises(IndexError):
        x[0, 0, 0]
    with pytest.raises(NotImplementedError):
        x[at.iscalar():]  # symbolic slice bounds (symbolic integer and array indices are advanced indexing)
    with pytest.raises(ValueError):
        at.tensor("float64", shape=(3, 4)).reshape((5, -1))
    with pytest.raises(ValueError):
        aesara.function([x], x.reshape((5, -1)))(X34)
    with pytest.raises(IndexError):
        aesara.function([x], x[7])(X34)
    with pytest.raises(TypeError):
        list(x)


def test_eval_and_zeros_like_methods_as_in_aesara():
    import sharpgrad.tensor as at

    x = at.dvector("x")
    y = (x * 2.0).sum()
    assert y.eval({x: np.array([1.0, 2.0])}) == 6.0
    assert at.constant(np.array([1.0, 2.0])).sum().eval() == 3.0
    z = x.zeros_like()
    assert z.dtype == "float64"
    np.testing.assert_array_equal(z.eval({x: np.array([5.0, 6.0, 7.0])}), np.zeros(3))
    np.testing.assert_array_equal(x.ones_like(dtype="int64").eval({x: np.array([5.0])}), np.ones(1, dtype=np.int64))
