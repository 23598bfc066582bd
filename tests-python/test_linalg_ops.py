"""nlinalg / slinalg: values against numpy.linalg, gradients and R-ops against central differences."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.tensor import nlinalg, slinalg

RNG = np.random.default_rng(4)
A = RNG.uniform(-1, 1, (3, 3)) + 4 * np.eye(3)
B = RNG.uniform(-1, 1, (3, 3))
SPD = B @ B.T + 3 * np.eye(3)
b = RNG.uniform(-1, 1, 3)
W = RNG.uniform(-1, 1, (3, 3))  # a fixed cotangent


def _value(build, *values):
    xs = [at.dmatrix() if np.ndim(v) == 2 else at.dvector() for v in values]
    return aesara.function(xs, build(*xs))(*values)


@pytest.mark.parametrize("build, reference, values", [
    (nlinalg.matrix_inverse, np.linalg.inv, (A,)),
    (nlinalg.inv, np.linalg.inv, (A,)),
    (nlinalg.det, np.linalg.det, (A,)),
    (nlinalg.trace, np.trace, (B,)),
    (lambda x: nlinalg.norm(x, None), np.linalg.norm, (B,)),
    (lambda x: nlinalg.norm(x, "fro"), lambda x: np.linalg.norm(x, "fro"), (B,)),
    (lambda x: nlinalg.norm(x, 1), lambda x: np.linalg.norm(x, 1), (B,)),
    (lambda x: nlinalg.norm(x, np.inf), lambda x: np.linalg.norm(x, np.inf), (B,)),
    (lambda x: nlinalg.norm(x, None), np.linalg.norm, (b,)),
    (lambda x: nlinalg.norm(x, "inf"), lambda x: np.linalg.norm(x, np.inf), (b,)),
    (lambda x: nlinalg.norm(x, 3), lambda x: np.linalg.norm(x, 3), (b,)),
    (slinalg.solve, np.linalg.solve, (A, b)),
    (slinalg.solve, np.linalg.solve, (A, B)),
    (lambda a, y: slinalg.solve(a, y, assume_a="pos"), np.linalg.solve, (SPD, b)),
    (slinalg.cholesky, np.linalg.cholesky, (SPD,)),
    (lambda x: slinalg.cholesky(x, lower=False), lambda x: np.linalg.cholesky(x).T, (SPD,)),
    (lambda x: nlinalg.eigh(x)[0], lambda x: np.linalg.eigh(x)[0], (SPD,)),
    (lambda x: abs(nlinalg.eigh(x)[1]), lambda x: abs(np.linalg.eigh(x)[1]), (SPD,)),
])
def test_value_matches_numpy(build, reference, values):
    np.testing.assert_allclose(_value(build, *values), reference(*values), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name, build, values", [
    ("matrix_inverse", lambda x: (nlinalg.matrix_inverse(x) * W).sum(), (A,)),
    ("det", nlinalg.det, (A,)),
    ("trace", nlinalg.trace, (B,)),
    ("norm fro", lambda x: nlinalg.norm(x, "fro"), (B,)),
    ("norm vector", lambda x: nlinalg.norm(x, None), (b,)),
    ("solve vector", lambda a, y: (slinalg.solve(a, y) * b).sum(), (A, b)),
    ("solve matrix", lambda a, y: (slinalg.solve(a, y) * W).sum(), (A, B)),
    ("solve sym lower", lambda a, y: (slinalg.solve(a, y, assume_a="sym", lower=True) * b).sum(), (A, b)),
    ("cholesky of x xT + 3I", lambda x: (slinalg.cholesky(x.dot(x.T) + 3 * np.eye(3)) * W).sum(), (B,)),
    ("cholesky reads the lower triangle", lambda x: (slinalg.cholesky(x) * W).sum(), (SPD,)),
    ("eigh w", lambda x: (nlinalg.eigh(x + x.T)[0] * b).sum(), (B,)),
    ("eigh v squared", lambda x: (nlinalg.eigh(x + x.T)[1] ** 2 * W).sum(), (B,)),
])
def test_gradient_matches_central_differences(check_grad, name, build, values):
    inputs = [at.dmatrix() if np.ndim(v) == 2 else at.dvector() for v in values]
    check_grad(build, inputs, values, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("build, value", [
    (nlinalg.matrix_inverse, A),
    (nlinalg.det, A),
    (lambda x: slinalg.solve(x, b), A),
    (lambda x: slinalg.cholesky(x.dot(x.T) + 3 * np.eye(3)), B),
    (lambda x: nlinalg.eigh(x + x.T)[0], B),
])
def test_rop_matches_central_differences(build, value):
    x, v = at.dmatrix("x"), at.dmatrix("v")
    y = build(x)
    jvp = aesara.function([x, v], aesara.gradient.Rop(y, x, v))(value, W)
    f = aesara.function([x], y)
    eps = 1e-6
    expected = (f(value + eps * W) - f(value - eps * W)) / (2 * eps)
    np.testing.assert_allclose(jvp, expected, rtol=1e-5, atol=1e-7)


def test_second_derivative_of_det():
    x = at.dmatrix("x")
    g = aesara.grad(nlinalg.det(x), x)
    hv = aesara.grad((g * W).sum(), x)
    h = aesara.function([x], hv)(A)
    gf = aesara.function([x], g)
    eps = 1e-6
    np.testing.assert_allclose(h, (gf(A + eps * W) - gf(A - eps * W)) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_float32_stays_float32():
    x = at.fmatrix("x")
    y = nlinalg.det(x)
    g = aesara.grad(y, x)
    assert y.dtype == "float32" and g.dtype == "float32"
    out = aesara.function([x], g)(A.astype("float32"))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.linalg.det(A) * np.linalg.inv(A).T, rtol=1e-4)


def test_bad_inputs_raise_value_error():
    x = at.dmatrix("x")
    y = at.dvector("y")
    with pytest.raises(ValueError, match="singular"):
        aesara.function([x], nlinalg.matrix_inverse(x))(np.array([[1.0, 2], [2, 4]]))
    with pytest.raises(ValueError, match="positive definite"):
        aesara.function([x], slinalg.cholesky(x))(np.array([[1.0, 2], [2, 1]]))
    with pytest.raises(ValueError, match="square"):
        aesara.function([x], nlinalg.det(x))(np.ones((2, 3)))
    with pytest.raises(ValueError, match="rows"):
        aesara.function([x, y], slinalg.solve(x, y))(np.eye(2), np.ones(3))
    with pytest.raises(ValueError):
        nlinalg.norm(x, 2)
    with pytest.raises(ValueError):
        slinalg.solve(x, y, assume_a="banded")


def test_tensor_namespace_exports_the_modules():
    assert at.nlinalg.det is nlinalg.det
    assert at.slinalg.solve is slinalg.solve


def test_ops_keep_aesara_class_names_and_props():
    x = at.dmatrix("x")
    y = at.dvector("y")
    cases = {
        "MatrixInverse": nlinalg.matrix_inverse(x), "Det": nlinalg.det(x), "Eigh": nlinalg.eigh(x)[0],
        "ExtractDiag": nlinalg.extract_diag(x), "Solve": slinalg.solve(x, y), "Cholesky": slinalg.cholesky(x),
    }
    for name, v in cases.items():
        assert v.owner.op.__class__.__name__ == name
    assert cases["Solve"].owner.op.assume_a == "gen" and cases["Solve"].owner.op.lower is False
    assert cases["Cholesky"].owner.op.lower is True and cases["Cholesky"].owner.op.on_error == "raise"
    assert cases["Eigh"].owner.op.UPLO == "L"
    gradient_graph = aesara.grad(slinalg.cholesky(x).sum(), x)
    aesara.printing.debugprint(gradient_graph, file="str")  # the Tri masks print
