"""Element-wise math functions under Aesara's names: values against numpy and closed forms from :mod:`math`,
gradients against central differences, dtypes, the tie/boundary rules and clear errors for bad shapes."""

import math

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.tensor.basic import switch as basic_switch
from sharpgrad.tensor.basic import where as basic_where
from sharpgrad.tensor.math import digamma, fill, psi, tri_gamma

RNG = np.random.default_rng(11)
W = RNG.normal(size=(3, 4))  # fixed cotangent, so that a misplaced gradient cannot pass


def uniform(low, high, shape=(3, 4)):
    return RNG.uniform(low, high, size=shape)


def elementwise(f):
    """numpy-vectorised reference from a scalar function of the ``math`` module."""
    return lambda x: np.vectorize(f, otypes=[float])(x)


def lgamma_derivative(x, h=1e-5):
    """Central difference of math.lgamma: a reference for psi independent of the engine."""
    return (math.lgamma(x + h) - math.lgamma(x - h)) / (2 * h)


def trigamma_sum(x):
    """Σ 1/(x + k)² with an Euler–Maclaurin tail."""
    n = 20000
    z = x + n
    return math.fsum(1.0 / (x + k) ** 2 for k in range(n)) + 1 / z + 1 / (2 * z * z) + 1 / (6 * z ** 3)


# name, sharpgrad function, reference, sampling range, value tolerance
UNARY = [
    ("exp2", at.exp2, np.exp2, (-2, 2), 1e-14),
    ("expm1", at.expm1, np.expm1, (-2, 2), 1e-14),
    ("log2", at.log2, np.log2, (0.5, 3), 1e-14),
    ("log10", at.log10, np.log10, (0.5, 3), 1e-14),
    ("sqrt", at.sqrt, np.sqrt, (0.5, 3), 1e-14),
    ("reciprocal", at.reciprocal, np.reciprocal, (0.5, 3), 1e-14),
    ("sin", at.sin, np.sin, (-3, 3), 1e-14),
    ("cos", at.cos, np.cos, (-3, 3), 1e-14),
    ("tan", at.tan, np.tan, (-1.2, 1.2), 1e-14),
    ("arcsin", at.arcsin, np.arcsin, (-0.9, 0.9), 1e-14),
    ("arccos", at.arccos, np.arccos, (-0.9, 0.9), 1e-14),
    ("arctan", at.arctan, np.arctan, (-3, 3), 1e-14),
    ("sinh", at.sinh, np.sinh, (-2, 2), 1e-14),
    ("cosh", at.cosh, np.cosh, (-2, 2), 1e-14),
    ("arcsinh", at.arcsinh, np.arcsinh, (-2, 2), 1e-14),
    ("arccosh", at.arccosh, np.arccosh, (1.2, 3), 1e-14),
    ("arctanh", at.arctanh, np.arctanh, (-0.9, 0.9), 1e-14),
    ("deg2rad", at.deg2rad, np.deg2rad, (-200, 200), 1e-14),
    ("rad2deg", at.rad2deg, np.rad2deg, (-3, 3), 1e-14),
    ("erf", at.erf, elementwise(math.erf), (-2, 2), 1e-14),
    ("erfc", at.erfc, elementwise(math.erfc), (-2, 2), 1e-14),
    ("erfcx", at.erfcx, elementwise(lambda v: math.exp(v * v) * math.erfc(v)), (-1.5, 3), 1e-12),
    ("gamma", at.gamma, elementwise(math.gamma), (0.3, 4), 1e-13),
    ("gamma (negative)", at.gamma, elementwise(math.gamma), (-0.95, -0.05), 1e-13),
    ("gammaln", at.gammaln, elementwise(math.lgamma), (0.3, 4), 1e-13),
    ("psi", psi, elementwise(lgamma_derivative), (0.5, 3), 1e-8),
    ("tri_gamma", tri_gamma, elementwise(trigamma_sum), (0.5, 3), 1e-12),
    ("log1mexp", at.log1mexp, lambda v: np.log(-np.expm1(v)), (-3, -0.05), 1e-13),
    ("floor", at.floor, np.floor, (-3, 3), 0),
    ("ceil", at.ceil, np.ceil, (-3, 3), 0),
    ("trunc", at.trunc, np.trunc, (-3, 3), 0),
    ("round", at.round, np.round, (-3, 3), 0),
]
UNARY_IDS = [c[0] for c in UNARY]


@pytest.mark.parametrize("name, fn, reference, domain, rtol", UNARY, ids=UNARY_IDS)
def test_unary_values_match_references(name, fn, reference, domain, rtol):
    value = uniform(*domain)
    x = at.dmatrix("x")
    got = aesara.function([x], fn(x))(value)
    want = reference(value)
    assert got.dtype == np.float64 and got.shape == value.shape
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-300)


@pytest.mark.parametrize("name, fn, reference, domain, rtol", UNARY, ids=UNARY_IDS)
def test_unary_gradients_match_central_differences(check_grad, name, fn, reference, domain, rtol):
    x = at.dmatrix("x")
    check_grad(lambda v: (fn(v) * W).sum(), [x], [uniform(*domain)], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name, fn, reference, domain, rtol", UNARY, ids=UNARY_IDS)
def test_unary_rop_matches_central_differences(name, fn, reference, domain, rtol):
    x, v = at.dvector("x"), at.dvector("v")
    point, direction = uniform(*domain, shape=(5,)), RNG.normal(size=5)
    jvp = aesara.function([x, v], aesara.gradient.Rop(fn(x), x, v), on_unused_input="ignore")(point, direction)
    f = aesara.function([x], fn(x))
    eps = 1e-6
    np.testing.assert_allclose(jvp, (f(point + eps * direction) - f(point - eps * direction)) / (2 * eps),
                               rtol=1e-6, atol=1e-6)


BINARY = [
    ("maximum", at.maximum, np.maximum),
    ("minimum", at.minimum, np.minimum),
    ("arctan2", at.arctan2, np.arctan2),
]


@pytest.mark.parametrize("fn, reference", [c[1:] for c in BINARY], ids=[c[0] for c in BINARY])
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((3, 4), (4,)), ((), (3, 4)), ((2, 3, 4), (3, 4))],
                         ids=["same", "matrix-vector", "scalar-matrix", "tensor3-matrix"])
def test_binary_values_and_gradients(check_grad, fn, reference, shapes):
    a_val, b_val = RNG.normal(size=shapes[0]), RNG.normal(size=shapes[1])
    a = at.tensor("float64", shape=(None,) * len(shapes[0]))
    b = at.tensor("float64", shape=(None,) * len(shapes[1]))
    got = aesara.function([a, b], fn(a, b))(a_val, b_val)
    np.testing.assert_allclose(got, reference(a_val, b_val), rtol=1e-14)
    cotangent = RNG.normal(size=got.shape)
    check_grad(lambda x, y: (fn(x, y) * cotangent).sum(), [a, b], [a_val, b_val])


def test_clip_values_gradients_and_boundaries(check_grad):
    x, lo, hi = at.dvector("x"), at.dvector("lo"), at.dscalar("hi")
    xv = RNG.normal(size=6)
    lov = RNG.uniform(-2, -0.3, size=6)
    got = aesara.function([x, lo, hi], at.clip(x, lo, hi))(xv, lov, 0.4)
    np.testing.assert_array_equal(got, np.clip(xv, lov, 0.4))
    check_grad(lambda a, b, c: (at.clip(a, b, c) * np.arange(1.0, 7.0)).sum(), [x, lo, hi], [xv, lov, np.array(0.4)])
    # On a bound the output counts as x: its gradient goes to x, not to min or max.
    g = aesara.function([x, lo, hi], aesara.grad(at.clip(x, lo, hi).sum(), [x, lo, hi]))(
        np.array([-1.0, 1.0, 0.0]), np.array([-1.0, -1.0, -1.0]), 1.0)
    np.testing.assert_array_equal(g[0], [1, 1, 1])
    np.testing.assert_array_equal(g[1], [0, 0, 0])
    assert g[2] == 0
    # The method and Python numbers as bounds, the dtype kept.
    f = at.fvector("f")
    assert f.clip(0, 1).dtype == "float32"
    np.testing.assert_array_equal(aesara.function([f], f.clip(0, 1))(np.array([-1, 0.5, 2], "float32")), [0, 0.5, 1])


def test_maximum_tie_gradient_goes_to_the_first_input():
    a, b = at.dvector("a"), at.dvector("b")
    ga, gb = aesara.function([a, b], aesara.grad(at.maximum(a, b).sum(), [a, b]))([1.0, 2.0], [1.0, 1.0])
    np.testing.assert_array_equal(ga, [1, 1])
    np.testing.assert_array_equal(gb, [0, 0])


def test_switch_and_where(check_grad):
    x = at.dmatrix("x")
    xv = RNG.normal(size=(3, 4))
    build = lambda v: at.switch(v > 0, at.sin(v), v * v)  # noqa: E731
    np.testing.assert_allclose(aesara.function([x], build(x))(xv), np.where(xv > 0, np.sin(xv), xv * xv), rtol=1e-15)
    check_grad(lambda v: (build(v) * W).sum(), [x], [xv])
    assert at.where is at.switch and basic_where is at.switch and basic_switch is at.switch
    b = at.bvector("b")
    y = at.where(b, 1, 2.5)
    assert y.dtype == "float32"
    np.testing.assert_array_equal(aesara.function([b], y)(np.array([1, 0, 3], "int8")), [1, 2.5, 1])


def test_rounding_modes_and_iround():
    x = at.dvector("x")
    halves = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])
    f = aesara.function([x], [at.round(x), at.round(x, "half_away_from_zero"), x.round(), at.iround(x)])
    even, away, method, rounded = f(halves)
    np.testing.assert_array_equal(even, np.round(halves))
    np.testing.assert_array_equal(away, [-3, -2, -1, 1, 2, 3])
    np.testing.assert_array_equal(method, np.round(halves))
    assert rounded.dtype == np.int64
    with pytest.raises(ValueError, match="round mode"):
        at.round(x, "half_up")
    with pytest.raises(ValueError, match="round_half_to_even"):
        at.round(at.ivector())
    floor, ceil, trunc = aesara.function([x], [math.floor(x), math.ceil(x), math.trunc(x)])(np.array([-1.5, 1.5]))
    np.testing.assert_array_equal(floor, [-2, 1])
    np.testing.assert_array_equal(ceil, [-1, 2])
    np.testing.assert_array_equal(trunc, [-1, 1])
    np.testing.assert_array_equal(aesara.function([x], aesara.grad(at.floor(x).sum(), x))([0.3, 1.2]), [0, 0])


@pytest.mark.parametrize("build, dtype", [
    (lambda: at.sqrt(at.bvector()), "float32"),
    (lambda: at.sin(at.ivector()), "float64"),
    (lambda: at.erf(at.fvector()), "float32"),
    (lambda: at.floor(at.lvector()), "float64"),
    (lambda: at.maximum(at.ivector(), at.fvector()), "float64"),
    (lambda: at.minimum(at.bvector(), at.ivector()), "int32"),
    (lambda: at.clip(at.ivector(), 0, 5), "int32"),
    (lambda: at.switch(at.lvector(), at.fvector(), at.fvector()), "float32"),
    (lambda: at.isnan(at.dvector()), "bool"),
    (lambda: at.arctan2(at.fvector(), 2), "float32"),
    (lambda: at.zeros_like(at.ivector()), "int32"),
    (lambda: at.ones_like(at.ivector(), dtype="float32"), "float32"),
    (lambda: at.fill(at.dmatrix(), at.fscalar()), "float32"),
], ids=["sqrt(int8)", "sin(int32)", "erf(float32)", "floor(int64)", "maximum(int32,float32)", "minimum(int8,int32)",
        "clip(int32,0,5)", "switch(int64,f32,f32)", "isnan", "arctan2(f32,2)", "zeros_like(int32)",
        "ones_like(dtype)", "fill"])
def test_output_dtypes_follow_aesara(build, dtype):
    assert build().dtype == dtype


def test_float32_gradient_stays_float32():
    x = at.fvector("x")
    g = aesara.grad((at.gamma(at.sqrt(x * x + 1)) + at.arctan2(x, 2.0) + at.erfc(x)).sum(), x)
    assert g.dtype == "float32"
    assert aesara.function([x], g)(np.array([0.5, -1.0], "float32")).dtype == np.float32


def test_fill_zeros_like_and_predicates():
    m, s = at.dmatrix("m"), at.dscalar("s")
    filled, zeros, ones = aesara.function([m, s], [fill(m, s), at.zeros_like(m), at.ones_like(m)])(np.empty((2, 3)), 7.0)
    np.testing.assert_array_equal(filled, np.full((2, 3), 7.0))
    np.testing.assert_array_equal(zeros, np.zeros((2, 3)))
    np.testing.assert_array_equal(ones, np.ones((2, 3)))
    v = at.dvector("v")
    nan, inf = aesara.function([v], [at.isnan(v), at.isinf(v)])(np.array([np.nan, np.inf, 1.0]))
    np.testing.assert_array_equal(nan, [True, False, False])
    np.testing.assert_array_equal(inf, [False, True, False])
    assert digamma is psi and at.square is at.sqr and v.conj() is v


def test_empty_axes():
    m = at.dmatrix("m")
    out, g = aesara.function([m], [at.arctan2(m, 1.0), aesara.grad(at.sqrt(m).sum() + at.maximum(m, 0).sum(), m)])(
        np.empty((0, 3)))
    assert out.shape == (0, 3) and g.shape == (0, 3)


def test_bad_shapes_raise_naming_the_op():
    with pytest.raises(ValueError, match="maximum"):
        at.maximum(at.tensor("float64", shape=(3,)), at.tensor("float64", shape=(4,)))
    a, b = at.dvector("a"), at.dvector("b")
    f = aesara.function([a, b], at.arctan2(a, b))
    with pytest.raises(ValueError, match="arctan2"):
        f(np.ones(3), np.ones(4))
    c = at.dvector("c")
    g = aesara.function([a, b, c], at.clip(a, b, c))
    with pytest.raises(ValueError, match="clip"):
        g(np.ones(3), np.ones(2), np.ones(3))
