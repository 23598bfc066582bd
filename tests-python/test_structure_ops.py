"""Structure ops under Aesara's names: values against numpy, gradients against central differences."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.tensor import basic, extra_ops

RNG = np.random.default_rng(11)
X34 = RNG.normal(size=(3, 4))
X33 = RNG.normal(size=(3, 3))
V4 = RNG.normal(size=4)
V5 = RNG.normal(size=5)
X234 = RNG.normal(size=(2, 3, 4))


def symbolic(value):
    return at.tensor("float64", shape=(None,) * np.ndim(value))


def run(build, *values):
    xs = [symbolic(v) for v in values]
    return aesara.function(xs, build(*xs))(*values)


CASES = [
    ("alloc(v, 3, 4)", lambda v: at.alloc(v, 3, 4), lambda v: np.broadcast_to(v, (3, 4)), (V4,)),
    ("alloc(s, x.shape[0], 2) via zeros_like", lambda x: at.alloc(x[0, 0], x.shape[0], 2),
     lambda x: np.full((3, 2), x[0, 0]), (X34,)),
    ("zeros((2, x.shape[1])) + x[0]", lambda x: at.zeros((2, x.shape[1]), dtype="float64") + x[0],
     lambda x: np.zeros((2, 4)) + x[0], (X34,)),
    ("ones(x.shape) * x", lambda x: at.ones(x.shape, dtype="float64") * x, lambda x: np.ones((3, 4)) * x, (X34,)),
    ("x * eye(3, 4, k=1)", lambda x: x * at.eye(3, 4, k=1, dtype="float64"), lambda x: x * np.eye(3, 4, k=1), (X34,)),
    ("x + identity_like(x)", lambda x: x + at.identity_like(x), lambda x: x + np.eye(3), (X33,)),
    ("tril(x)", lambda x: at.tril(x), np.tril, (X34,)),
    ("tril(x, -1)", lambda x: at.tril(x, -1), lambda x: np.tril(x, -1), (X34,)),
    ("triu(x, 1)", lambda x: at.triu(x, 1), lambda x: np.triu(x, 1), (X34,)),
    ("triu(tensor3)", lambda x: at.triu(x), np.triu, (X234,)),
    ("concatenate([x, y], axis=0)", lambda x, y: at.concatenate([x, y], axis=0),
     lambda x, y: np.concatenate([x, y], axis=0), (X34, X234[0, :2])),
    ("join(1, x, x, x)", lambda x: at.join(1, x, x * 2, x), lambda x: np.concatenate([x, 2 * x, x], 1), (X34,)),
    ("join(-1, x, empty)", lambda x: at.join(-1, x, x[:, 4:]), lambda x: np.concatenate([x, x[:, 4:]], -1), (X34,)),
    ("stack([v, w], axis=1)", lambda v, w: at.stack([v, w], axis=1), lambda v, w: np.stack([v, w], 1), (V4, V4 * 2)),
    ("stack(a, b, c) (old form)", lambda v: at.stack(v, v * 2, v), lambda v: np.stack([v, 2 * v, v]), (V4,)),
    ("split(x, [1, 2], 2)[1]", lambda x: at.split(x, [1, 2], 2)[1], lambda x: x[1:3], (X34,)),
    ("split(x, [3, 1], 2, axis=1)[0] * 2", lambda x: at.split(x, [3, 1], 2, axis=1)[0] * 2,
     lambda x: x[:, :3] * 2, (X34,)),
    ("x * arange(4)", lambda v: v * at.arange(4), lambda v: v * np.arange(4), (V4,)),
    ("arange(1, 10, 3) * 1.5", lambda v: v[:3] * at.arange(1, 10, 3), lambda v: v[:3] * np.arange(1, 10, 3), (V4,)),
    ("diag(v)", lambda v: at.diag(v), np.diag, (V4,)),
    ("diag(v, 2)", lambda v: at.diag(v, 2), lambda v: np.diag(v, 2), (V4,)),
    ("diag(v, -1)", lambda v: at.diag(v, -1), lambda v: np.diag(v, -1), (V4,)),
    ("diag(x)", lambda x: at.diag(x), np.diag, (X34,)),
    ("diag(x, -1)", lambda x: at.diag(x, -1), lambda x: np.diag(x, -1), (X34,)),
    ("x.diagonal(1)", lambda x: x.diagonal(1), lambda x: x.diagonal(1), (X34,)),
    ("roll(v, 2)", lambda v: at.roll(v, 2), lambda v: np.roll(v, 2), (V5,)),
    ("roll(v, -7)", lambda v: at.roll(v, -7), lambda v: np.roll(v, -7), (V5,)),
    ("roll(x, 1, axis=1)", lambda x: at.roll(x, 1, axis=1), lambda x: np.roll(x, 1, axis=1), (X34,)),
    ("roll(x, -2, axis=0)", lambda x: at.roll(x, -2, axis=0), lambda x: np.roll(x, -2, axis=0), (X34,)),
    ("roll(t3, 5)", lambda x: at.roll(x, 5), lambda x: np.roll(x, 5), (X234,)),
    ("repeat(v, 3)", lambda v: extra_ops.repeat(v, 3), lambda v: np.repeat(v, 3), (V4,)),
    ("x.repeat([1, 0, 2], axis=0)", lambda x: x.repeat([1, 0, 2], axis=0), lambda x: x.repeat([1, 0, 2], axis=0),
     (X34,)),
    ("repeat(x, 2, axis=-1)", lambda x: at.repeat(x, 2, axis=-1), lambda x: np.repeat(x, 2, axis=-1), (X34,)),
    ("repeat(x, 2) (flattened)", lambda x: at.repeat(x, 2), lambda x: np.repeat(x, 2), (X34,)),
    ("tile(x, (2, 3))", lambda x: at.tile(x, (2, 3)), lambda x: np.tile(x, (2, 3)), (X34,)),
    ("tile(v, (2, 1, 2))", lambda v: at.tile(v, (2, 1, 2)), lambda v: np.tile(v, (2, 1, 2)), (V4,)),
    ("tile(x, 2)", lambda x: at.tile(x, 2), lambda x: np.tile(x, 2), (X34,)),
    ("permute_row_elements(x, [2, 0, 3, 1])",
     lambda x: at.permute_row_elements(x, np.array([2, 0, 3, 1])), lambda x: x[:, [2, 0, 3, 1]], (X34,)),
    ("permute_row_elements(x, p, inverse=True)",
     lambda x: at.permute_row_elements(x, np.array([2, 0, 3, 1]), inverse=True),
     lambda x: x[:, np.argsort([2, 0, 3, 1])], (X34,)),
    ("specify_shape(x, (3, None)) * 2", lambda x: at.specify_shape(x, (3, None)) * 2, lambda x: x * 2, (X34,)),
    ("scalar/tensor_from_scalar", lambda x: basic.tensor_from_scalar(basic.scalar_from_tensor(x.sum())) * x,
     lambda x: x.sum() * x, (X34,)),
]


@pytest.mark.parametrize("name, build, reference, values", CASES, ids=[c[0] for c in CASES])
def test_value_matches_numpy(name, build, reference, values):
    out = run(build, *values)
    expected = reference(*values)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name, build, reference, values", CASES, ids=[c[0] for c in CASES])
def test_gradient_matches_finite_differences(name, build, reference, values, check_grad):
    xs = [symbolic(v) for v in values]
    weights = RNG.normal(size=np.shape(reference(*values)))

    def cost(*args):
        return (build(*args) * weights).sum()

    check_grad(cost, xs, list(values))


def test_static_shapes_and_dtypes():
    x = at.tensor("float64", shape=(3, 4))
    assert at.alloc(at.dscalar(), x.shape[0], 2).static_shape == (3, 2)
    assert at.eye(3).dtype == aesara.config.floatX
    assert at.eye(2, 5, dtype="int32").type == at.tensor("int32", shape=(2, 5)).type
    assert at.join(0, x, x).static_shape == (6, 4)
    assert at.concatenate([at.ivector(), at.dvector()]).dtype == "float64"
    assert [p.static_shape for p in at.split(x, [1, 3], 2, axis=1)] == [(3, 1), (3, 3)]
    assert at.stack([x, x], axis=-1).static_shape == (3, 4, 2)
    assert at.arange(5).dtype == "int8"
    assert at.arange(0.0, 1.0, 0.25).dtype == "float32"
    assert at.specify_shape(at.dmatrix(), (None, 5)).static_shape == (None, 5)
    assert at.unbroadcast(at.drow(), 0).broadcastable == (False, False)
    assert extra_ops.squeeze(at.tensor("float64", shape=(1, 3, 1))).static_shape == (3,)
    assert at.diag(at.tensor("float64", shape=(4,)), 1).static_shape == (5, 5)


def test_integer_arange_of_constants_is_a_constant():
    r = at.arange(2, 11, 3)
    assert r.owner is None
    assert aesara.function([], r)().tolist() == [2, 5, 8]


def test_symbolic_lengths_shift_and_repeats():
    x, n = at.dvector("x"), at.lscalar("n")
    reps = at.lvector("reps")
    f = aesara.function([x, n, reps], [at.roll(x, n), at.repeat(x, reps), at.zeros((n, 2)), at.arange(n),
                                       at.tile(x, (n,)), at.eye(n, k=1)])
    v = np.array([1.0, 2.0, 3.0])
    roll, rep, zeros, rng, tile, eye = f(v, 2, np.array([0, 3, 1]))
    np.testing.assert_array_equal(roll, np.roll(v, 2))
    np.testing.assert_array_equal(rep, np.repeat(v, [0, 3, 1]))
    assert zeros.shape == (2, 2)
    np.testing.assert_array_equal(rng, np.arange(2))
    np.testing.assert_array_equal(tile, np.tile(v, 2))
    np.testing.assert_array_equal(eye, np.eye(2, k=1))


def test_split_gradient_gives_zeros_for_unused_outputs(check_grad):
    x = at.dvector("x")
    g = check_grad(lambda x: (at.split(x, [2, 3], 2)[1] ** 2).sum(), [x], [V5])
    np.testing.assert_allclose(g[0], np.r_[0.0, 0.0, 2 * V5[2:]])


def test_arange_float_gradients(check_grad):
    start, step = at.dscalar("start"), at.dscalar("step")
    check_grad(lambda a, s: (at.arange(a, 4.0, s) ** 2).sum(), [start, step], [np.array(-1.2), np.array(0.75)])


def test_bad_arguments_raise():
    x, y = at.dmatrix("x"), at.dmatrix("y")
    with pytest.raises(ValueError, match="Join"):
        aesara.function([x, y], at.join(0, x, y))(X34, np.ones((2, 5)))
    with pytest.raises(ValueError, match="Split"):
        aesara.function([x], at.split(x, [1, 1], 2)[0])(X34)
    with pytest.raises(ValueError, match="SpecifyShape"):
        aesara.function([x], at.specify_shape(x, (2, 4)))(X34)
    with pytest.raises(ValueError, match="Alloc"):
        aesara.function([x], at.alloc(x, 3, 5))(X34)
    with pytest.raises(ValueError, match="Repeat"):
        aesara.function([x], at.repeat(x, [1, -1, 2], axis=0))(X34)
    with pytest.raises(ValueError, match="PermuteRowElements"):
        p = at.lvector("p")
        aesara.function([x, p], at.permute_row_elements(x, p))(X34, np.array([0, 0, 1, 2]))
    with pytest.raises(ValueError, match="1- or 2-d"):
        at.diag(at.dtensor3())
    with pytest.raises(ValueError, match="squeeze"):
        extra_ops.squeeze(x, 0)


def test_ops_keep_aesara_class_names():
    x = at.dmatrix("x")
    names = {
        "Alloc": at.alloc(at.dscalar(), 2, 3), "Eye": at.eye(at.lscalar()), "Join": at.join(0, x, x),
        "Split": at.split(x, [1, 1], 2)[0], "ARange": at.arange(at.dscalar(), 3.0, 1.0),
        "SpecifyShape": at.specify_shape(x, (None, 2)), "Unbroadcast": at.unbroadcast(at.drow(), 0),
        "AllocDiag": at.diag(at.dvector()), "ExtractDiag": at.diag(x), "Repeat": at.repeat(x, 2, axis=0),
        "PermuteRowElements": at.permute_row_elements(x, at.lmatrix()),
        "ScalarFromTensor": basic.scalar_from_tensor(at.dscalar()),
        "TensorFromScalar": basic.tensor_from_scalar(at.dscalar()),
    }
    for name, v in names.items():
        assert v.owner.op.__class__.__name__ == name


def test_graphs_with_structure_and_indexing_ops_serialize():
    from sharpgrad.graph import serialize
    x, i, n = at.dmatrix("x"), at.lvector("i"), at.lscalar("n")
    outs = [at.join(1, x, x[:, i]), at.split(x, [1, 2], 2)[1], at.set_subtensor(x[x > 0], 0.0),
            at.inc_subtensor(x[i], 1.0), at.eye(n, dtype="float32"), at.arange(n), at.alloc(x[0, 0], n, 2),
            at.repeat(x, 2, axis=1), at.diag(x[0]), at.specify_shape(x, (3, None)), at.roll(x, n, axis=1),
            at.permute_row_elements(x, np.array([3, 2, 1, 0])), at.tile(x, (n, 1)), at.stack([x, x])]
    inputs, outputs = serialize.load(serialize.dump([x, i, n], outs))
    args = (X34, np.array([2, 0]), 2)
    for a, b in zip(aesara.function([x, i, n], outs)(*args), aesara.function(inputs, outputs)(*args)):
        np.testing.assert_array_equal(a, b)
