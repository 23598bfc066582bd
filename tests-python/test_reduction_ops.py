"""prod, var, std, min, argmax, argmin, max_and_argmax, all, any, cumsum, cumprod: values against numpy,
gradients against central differences, Aesara's names and signatures."""

import inspect

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.tensor.extra_ops import cumprod, cumsum
from sharpgrad.tensor.math import argmax, argmin, max_and_argmax, prod, std, var

RNG = np.random.default_rng(11)
X34 = RNG.normal(size=(3, 4))
X234 = RNG.normal(size=(2, 3, 4))
ZEROS = np.array([[1.5, 0.0, 3.0, -4.0], [0.0, 2.0, 0.0, 5.0], [1.0, -2.0, 3.0, 0.5]])


def run(build, *values):
    xs = [at.tensor(str(np.asarray(v).dtype), shape=(None,) * np.ndim(v)) for v in values]
    return aesara.function(xs, build(*xs))(*values)


VALUE_CASES = [
    ("prod()", lambda x: at.prod(x), lambda x: x.prod(), X34),
    ("prod(axis=1)", lambda x: x.prod(axis=1), lambda x: x.prod(axis=1), X34),
    ("prod(axis=-1, keepdims)", lambda x: x.prod(axis=-1, keepdims=True), lambda x: x.prod(axis=-1, keepdims=True), X234),
    ("prod(axis=(0, 2))", lambda x: at.prod(x, axis=(0, 2)), lambda x: x.prod(axis=(0, 2)), X234),
    ("prod(zeros, axis=1)", lambda x: x.prod(axis=1), lambda x: x.prod(axis=1), ZEROS),
    ("prod(empty, axis=0)", lambda x: x.prod(axis=0), lambda x: x.prod(axis=0), np.zeros((0, 3))),
    ("var()", lambda x: at.var(x), lambda x: x.var(), X34),
    ("var(axis=0)", lambda x: x.var(axis=0), lambda x: x.var(axis=0), X34),
    ("var(axis=1, ddof=1)", lambda x: x.var(axis=1, ddof=1), lambda x: x.var(axis=1, ddof=1), X34),
    ("var(axis=(0, 2), keepdims)", lambda x: x.var(axis=(0, 2), keepdims=True),
     lambda x: x.var(axis=(0, 2), keepdims=True), X234),
    ("var(axis=1, corrected)", lambda x: at.var(x, axis=1, corrected=True), lambda x: x.var(axis=1), X34),
    ("std()", lambda x: at.std(x), lambda x: x.std(), X34),
    ("std(axis=-1, ddof=1, keepdims)", lambda x: x.std(axis=-1, ddof=1, keepdims=True),
     lambda x: x.std(axis=-1, ddof=1, keepdims=True), X234),
    ("min()", lambda x: at.min(x), lambda x: x.min(), X234),
    ("min(axis=0)", lambda x: x.min(axis=0), lambda x: x.min(axis=0), X234),
    ("min(axis=1)", lambda x: x.min(axis=1), lambda x: x.min(axis=1), X234),
    ("min(axis=2)", lambda x: x.min(axis=2), lambda x: x.min(axis=2), X234),
    ("min(axis=(0, 1), keepdims)", lambda x: x.min(axis=(0, 1), keepdims=True),
     lambda x: x.min(axis=(0, 1), keepdims=True), X234),
    ("argmax()", lambda x: at.argmax(x), lambda x: np.argmax(x), X234),
    ("argmax(axis=1)", lambda x: x.argmax(axis=1), lambda x: x.argmax(axis=1), X234),
    ("argmax(axis=-1, keepdims)", lambda x: x.argmax(axis=-1, keepdims=True),
     lambda x: x.argmax(axis=-1, keepdims=True), X234),
    ("argmin()", lambda x: at.argmin(x), lambda x: np.argmin(x), X234),
    ("argmin(axis=0)", lambda x: x.argmin(axis=0), lambda x: x.argmin(axis=0), X234),
    ("max_and_argmax(axis=1)[0]", lambda x: max_and_argmax(x, axis=1)[0], lambda x: x.max(axis=1), X234),
    ("max_and_argmax(axis=1)[1]", lambda x: max_and_argmax(x, axis=1)[1], lambda x: x.argmax(axis=1), X234),
    ("all()", lambda x: at.all(x > -3), lambda x: np.all(x > -3), X34),
    ("all(axis=1)", lambda x: (x > -1).all(axis=1), lambda x: (x > -1).all(axis=1), X34),
    ("any(axis=0, keepdims)", lambda x: (x > 1).any(axis=0, keepdims=True),
     lambda x: (x > 1).any(axis=0, keepdims=True), X34),
    ("any() of floats", lambda x: at.any(x), lambda x: np.any(x), ZEROS),
    ("all(axis=1) of floats", lambda x: at.all(x, axis=1), lambda x: np.all(x, axis=1), ZEROS),
    ("cumsum()", lambda x: cumsum(x), lambda x: np.cumsum(x), X234),
    ("cumsum(axis=1)", lambda x: x.cumsum(axis=1), lambda x: np.cumsum(x, axis=1), X234),
    ("cumsum(axis=-1)", lambda x: at.cumsum(x, axis=-1), lambda x: np.cumsum(x, axis=-1), X234),
    ("cumprod()", lambda x: cumprod(x), lambda x: np.cumprod(x), X234),
    ("cumprod(axis=0)", lambda x: x.cumprod(axis=0), lambda x: np.cumprod(x, axis=0), X234),
    ("cumprod(axis=2)", lambda x: at.cumprod(x, axis=2), lambda x: np.cumprod(x, axis=2), X234),
]


@pytest.mark.parametrize("build, reference, value", [c[1:] for c in VALUE_CASES], ids=[c[0] for c in VALUE_CASES])
def test_values_match_numpy(build, reference, value):
    got = run(build, value)
    want = np.asarray(reference(value))
    assert got.dtype == want.dtype
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_integer_and_boolean_dtypes():
    i = np.array([[3, -7, 2], [1, 4, -1]], dtype=np.int32)
    x = at.imatrix("x")
    outs = aesara.function([x], [x.prod(), x.prod(axis=0), x.min(axis=1), x.argmin(), x.cumsum(axis=1),
                                 x.all(), (x > 0).any(axis=1), at.var(x)])(i)
    assert outs[0].dtype == np.int64 and outs[0] == i.prod()
    np.testing.assert_array_equal(outs[1], i.prod(axis=0))
    assert outs[2].dtype == np.int32
    np.testing.assert_array_equal(outs[2], i.min(axis=1))
    assert outs[3].dtype == np.int64 and outs[3] == i.argmin()
    assert outs[4].dtype == np.int32  # Aesara's CumOp keeps the dtype
    np.testing.assert_array_equal(outs[4], np.cumsum(i, axis=1))
    assert outs[5].dtype == np.bool_ and outs[5] == np.all(i)
    np.testing.assert_array_equal(outs[6], (i > 0).any(axis=1))
    assert outs[7].dtype == np.float64
    np.testing.assert_allclose(outs[7], i.var())


def test_var_with_ddof_over_several_axes_divides_per_axis_as_aesara():
    x = at.dtensor3("x")
    got = aesara.function([x], at.var(x, axis=(0, 2), ddof=1))(X234)
    centered = X234 - X234.mean(axis=(0, 2), keepdims=True)
    np.testing.assert_allclose(got, (centered ** 2).sum(axis=(0, 2)) / ((2 - 1) * (4 - 1)), rtol=1e-12)
    with pytest.raises(ValueError, match="keepdims is now at index 3"):
        at.var(x, 0, True)


W34 = RNG.normal(size=(3, 4))
W234 = RNG.normal(size=(2, 3, 4))

GRAD_CASES = [
    ("prod", lambda x: x.prod() + (x.prod(axis=1) * W34[:, 0]).sum(), X34),
    ("prod axes keepdims", lambda x: (at.prod(x, axis=(0, 2), keepdims=True) ** 2).sum(), X234),
    ("prod axis 0 of tensor3", lambda x: (x.prod(axis=0) * W234[0]).sum(), X234),
    ("var", lambda x: at.var(x) + (x.var(axis=0, ddof=1) * W34[0]).sum(), X34),
    ("var corrected", lambda x: (at.var(x, axis=(1, 2), corrected=True) * W234[:, 0, 0]).sum(), X234),
    ("std", lambda x: x.std() + (at.std(x, axis=1) * W34[:, 0]).sum(), X34),
    ("min", lambda x: x.min() + (x.min(axis=2) * W234[:, :, 0]).sum(), X234),
    ("max_and_argmax", lambda x: (max_and_argmax(x, axis=0)[0] * W234[0]).sum(), X234),
    ("cumsum", lambda x: (x.cumsum(axis=1) * W34).sum() + (cumsum(x) ** 2).sum(), X34),
    ("cumprod", lambda x: (x.cumprod(axis=1) * W34).sum() + (cumprod(x) * W34.ravel()).sum(), X34),
    ("cumprod axis 0 of tensor3", lambda x: (cumprod(x, axis=0) * W234).sum(), X234),
]


@pytest.mark.parametrize("build, value", [c[1:] for c in GRAD_CASES], ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_central_differences(build, value, check_grad):
    x = at.tensor("float64", shape=(None,) * value.ndim, name="x")
    check_grad(build, [x], [value], rtol=1e-5, atol=1e-6)


def _others(row, upto):
    """Product of row[:upto + 1] without each position in turn (brute force)."""
    return np.array([np.prod([row[k] for k in range(upto + 1) if k != i]) if i <= upto else 0.0
                     for i in range(len(row))])


def test_prod_gradient_is_exact_with_zeros():
    x = at.dmatrix("x")
    g = aesara.function([x], aesara.grad((x.prod(axis=1) * [0.5, -2.0, 3.0]).sum(), x))(ZEROS)
    want = np.stack([w * _others(row, 3) for w, row in zip([0.5, -2.0, 3.0], ZEROS)])
    np.testing.assert_allclose(g, want, rtol=1e-14)
    assert want[0, 1] == 0.5 * 1.5 * 3.0 * -4.0 and not want[1].any()  # one zero; two zeros
    v = at.dvector("v")
    gv = aesara.function([v], aesara.grad(at.prod(v), v))(np.array([2.0, 0.0, 5.0]))
    np.testing.assert_array_equal(gv, [0.0, 10.0, 0.0])


def test_cumprod_gradient_is_exact_with_zeros():
    x = at.dmatrix("x")
    weights = RNG.normal(size=ZEROS.shape)
    g = aesara.function([x], aesara.grad((x.cumprod(axis=1) * weights).sum(), x))(ZEROS)
    want = np.stack([sum(w[j] * _others(row, j) for j in range(4)) for w, row in zip(weights, ZEROS)])
    np.testing.assert_allclose(g, want, rtol=1e-13, atol=1e-15)


def test_jacobian_vector_products_of_prod_and_cumprod():
    x = at.dvector("x")
    v = at.dvector("v")
    value, direction = np.array([1.5, 0.0, -2.0, 3.0]), np.array([0.3, -1.0, 2.0, 0.5])
    jp, jc = aesara.function([x, v], aesara.Rop([at.prod(x), cumprod(x)], x, v))(value, direction)
    np.testing.assert_allclose(jp, _others(value, 3) @ direction, rtol=1e-14)
    np.testing.assert_allclose(jc, [_others(value, j) @ direction for j in range(4)], rtol=1e-14)


def test_argmax_argmin_are_disconnected_all_any_give_zeros():
    x = at.dmatrix("x")
    for out in [argmax(x, axis=1), argmin(x), max_and_argmax(x, axis=1)[1]]:
        cost = out.astype("float64").sum()
        with pytest.raises(aesara.gradient.DisconnectedInputError):
            aesara.grad(cost, x)
        zeros = aesara.function([x], aesara.grad(cost, x, disconnected_inputs="ignore"))(X34)
        assert zeros.shape == X34.shape and not zeros.any()
    for out in [at.all(x), at.any(x, axis=0)]:  # Aesara's All and Any return zeros
        zeros = aesara.function([x], aesara.grad(out.astype("float64").sum(), x))(X34)
        assert zeros.shape == X34.shape and zeros.dtype == np.float64 and not zeros.any()


def test_max_and_argmax_is_one_node_and_ties_share_the_gradient():
    x = at.dmatrix("x")
    mx, am = max_and_argmax(x, axis=1)
    assert mx.owner is am.owner or mx.owner.outputs[1] is am
    assert (mx.dtype, am.dtype) == ("float64", "int64")
    g = aesara.function([x], aesara.grad(mx.sum(), x))(np.array([[1.0, 5.0, 2.0], [7.0, 7.0, 0.0]]))
    # Tied maxima share the gradient evenly (Aesara gives each the whole of it): the rule adjoint to the R-op, and
    # exact where the ties are copies of one value (max(broadcast(a)) has derivative 1 in a, not the number of copies).
    np.testing.assert_array_equal(g, [[0, 1, 0], [0.5, 0.5, 0]])


def test_float32_gradients_stay_float32():
    x = at.fmatrix("x")
    for cost in [x.prod(axis=1).sum(), x.cumprod(axis=0).sum(), x.std(), x.min(axis=0).sum(), cumsum(x).sum()]:
        assert aesara.grad(cost, x).dtype == "float32"


def test_bad_axes_raise_value_error():
    x = at.dmatrix("x")
    with pytest.raises(ValueError):
        x.prod(axis=2)
    with pytest.raises(ValueError):
        at.argmax(x, axis=(0, -2))
    with pytest.raises(ValueError):
        cumsum(x, axis=-3)
    f = aesara.function([x], at.argmax(x, axis=0))
    with pytest.raises(ValueError, match="argmax"):
        f(np.zeros((0, 3)))


def test_aesara_signatures():
    def params(f):
        return [(p.name, p.default) for p in inspect.signature(f).parameters.values()]

    empty = inspect.Parameter.empty
    assert params(var) == [("input", empty), ("axis", None), ("ddof", 0), ("keepdims", False), ("corrected", False)]
    assert params(std) == params(var)
    assert params(prod) == [("input", empty), ("axis", None), ("dtype", None), ("keepdims", False),
                            ("acc_dtype", None), ("no_zeros_in_input", False)]
    for f in [at.min, argmax, argmin, at.all, at.any]:
        assert params(f) == [("x", empty), ("axis", None), ("keepdims", False)]
    assert params(max_and_argmax) == [("a", empty), ("axis", None), ("keepdims", False)]
    assert params(cumsum) == params(cumprod) == [("x", empty), ("axis", None)]
    assert at.extra_ops.cumsum is cumsum and at.math.prod is prod
