"""Gradients of every skeleton Op, checked against central finite differences in float64."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at

rng = np.random.default_rng(42)
V3 = rng.normal(size=3)
W3 = rng.normal(size=3)
P3 = rng.uniform(0.5, 2.0, size=3)
M23 = rng.normal(size=(2, 3))
M34 = rng.normal(size=(3, 4))

CASES = {
    "add": (lambda x, y: (x + y).sum() * (x * y).sum(), [at.dvector, at.dvector], [V3, W3]),
    "sub": (lambda x, y: ((x - y) * (x - 2.0 * y)).sum(), [at.dvector, at.dvector], [V3, W3]),
    "mul": (lambda x, y: (x * y * x).sum(), [at.dvector, at.dvector], [V3, W3]),
    "true_div": (lambda x, y: (x / y).sum(), [at.dvector, at.dvector], [V3, P3]),
    "rtrue_div": (lambda x: (1.0 / x).sum(), [at.dvector], [P3]),
    "neg": (lambda x: (-x * x).sum(), [at.dvector], [V3]),
    "exp": (lambda x: at.exp(x).sum(), [at.dvector], [V3]),
    "log": (lambda x: at.log(x).sum(), [at.dvector], [P3]),
    "tanh": (lambda x: at.tanh(x).sum(), [at.dvector], [V3]),
    "sqr": (lambda x: at.sqr(x).sum(), [at.dvector], [V3]),
    "pow_int": (lambda x: (x ** 3).sum(), [at.dvector], [V3]),
    "pow_float": (lambda x: (x ** 2.5).sum(), [at.dvector], [P3]),
    "pow_both": (lambda x, y: at.pow(x, y).sum(), [at.dvector, at.dvector], [P3, W3]),
    "sum_all": (lambda m: (m.sum() ** 2), [at.dmatrix], [M23]),
    "sum_axis0": (lambda m: (m.sum(axis=0) ** 2).sum(), [at.dmatrix], [M23]),
    "sum_axis1": (lambda m: (m.sum(axis=1) ** 2).sum(), [at.dmatrix], [M23]),
    "sum_axis_neg": (lambda m: (m.sum(axis=-1) ** 3).sum(), [at.dmatrix], [M23]),
    "sum_keepdims": (lambda m: (m / m.sum(axis=1, keepdims=True)).sum() + (m * m.sum(axis=0, keepdims=True)).sum(),
                     [at.dmatrix], [M23 + 3.0]),
    "dot_vv": (lambda x, y: at.dot(x, y) ** 2, [at.dvector, at.dvector], [V3, W3]),
    "dot_mv": (lambda m, v: (at.dot(m, v) ** 2).sum(), [at.dmatrix, at.dvector], [M23, V3]),
    "dot_vm": (lambda v, m: (at.dot(v, m) ** 2).sum(), [at.dvector, at.dmatrix], [V3, M34]),
    "dot_mm": (lambda a, b: (at.dot(a, b) ** 2).sum(), [at.dmatrix, at.dmatrix], [M23, M34]),
    "broadcast_mv": (lambda m, v: (at.tanh(m + v) * m).sum(), [at.dmatrix, at.dvector], [M23, V3]),
    "broadcast_scalar": (lambda s, m: (s * m * s).sum(), [at.dscalar, at.dmatrix], [np.array(0.7), M23]),
    "broadcast_row": (lambda r, m: (at.exp(m * r)).sum(), [at.drow, at.dmatrix], [V3.reshape(1, 3), M23]),
    "transpose": (lambda m, n: (m.T * n).sum() ** 2, [at.dmatrix, at.dmatrix], [M23, M23.T.copy()]),
    "mlp_layer": (lambda x, w, b: at.tanh(at.dot(x, w) + b).sum(), [at.dmatrix, at.dmatrix, at.dvector],
                  [M23, M34, rng.normal(size=4)]),
    "logistic": (lambda x, w, b: at.log(1.0 + at.exp(-(at.dot(x, w) + b))).sum(),
                 [at.dmatrix, at.dvector, at.dscalar], [M23, V3, np.array(0.3)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_grad_matches_central_differences(name, check_grad):
    build, makers, values = CASES[name]
    inputs = [make(f"x{i}") for i, make in enumerate(makers)]
    check_grad(build, inputs, values)


def test_readme_example_gives_2x():
    x = aesara.tensor.dvector("x")
    f = aesara.function([x], aesara.grad((x ** 2).sum(), x))
    np.testing.assert_array_equal(f([1.0, 2.0, 3.0]), [2.0, 4.0, 6.0])


def test_values_match_numpy():
    x, m = at.dvector("x"), at.dmatrix("m")
    f = aesara.function([x, m], [at.tanh(m + x), at.dot(m, x), (m ** 2).sum(axis=0), at.exp(x) / at.log(x + 3.0)])
    outs = f(V3, M23)
    np.testing.assert_allclose(outs[0], np.tanh(M23 + V3), rtol=1e-15)
    np.testing.assert_allclose(outs[1], M23 @ V3, rtol=1e-14)
    np.testing.assert_allclose(outs[2], (M23 ** 2).sum(axis=0), rtol=1e-14)
    np.testing.assert_allclose(outs[3], np.exp(V3) / np.log(V3 + 3.0), rtol=1e-15)


def test_gradient_names_follow_aesara():
    x = at.dvector("x")
    cost = (x ** 2).sum()
    cost.name = "cost"
    assert aesara.grad(cost, x).name == "(dcost/dx)"


def test_grad_keeps_wrt_container_kind():
    x, y = at.dvector("x"), at.dvector("y")
    cost = (x * y).sum()
    assert isinstance(aesara.grad(cost, [x, y]), list)
    assert isinstance(aesara.grad(cost, (x, y)), tuple)
    assert isinstance(aesara.grad(cost, x), at.TensorVariable)


def test_float32_graph_stays_float32():
    x = at.fvector("x")
    g = aesara.grad((x * 2.0).sum(), x)
    assert g.dtype == "float32"
    out = aesara.function([x], g)(np.ones(3, dtype=np.float32))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [2.0, 2.0, 2.0])


def test_disconnected_input_raises_then_ignores():
    x, y = at.dvector("x"), at.dvector("y")
    cost = (x ** 2).sum()
    with pytest.raises(aesara.gradient.DisconnectedInputError):
        aesara.grad(cost, y)
    assert issubclass(aesara.gradient.DisconnectedInputError, ValueError)
    g = aesara.grad(cost, y, disconnected_inputs="ignore")
    np.testing.assert_array_equal(aesara.function([x, y], g, on_unused_input='ignore')(V3, W3), np.zeros(3))
