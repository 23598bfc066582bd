"""sharpgrad.sparse: values against dense numpy, gradients against central differences, R-op against directional differences."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad import sparse

from conftest import central_grad

RNG = np.random.default_rng(3)
PATTERN = np.array([[1, 0, 1, 0], [0, 1, 1, 0], [1, 0, 0, 1]], dtype=float)


def sparse_value():
    return RNG.uniform(0.5, 2, (3, 4)) * PATTERN


def structured_grad(f, values, index):
    """Central differences that perturb only the stored (nonzero) entries of ``values[index]``."""
    return central_grad(f, values, index) * (np.asarray(values[index]) != 0)


def test_csr_and_csc_round_trip():
    x = at.matrix("x")
    a = sparse_value()
    for conv in (sparse.csr_from_dense, sparse.csc_from_dense):
        s = conv(x)
        assert sparse.is_sparse_variable(s)
        np.testing.assert_array_equal(aesara.function([x], sparse.dense_from_sparse(s))(a), a)
    assert sparse.sparse_format(sparse.csc_from_dense(x)) == "csc"


def test_structured_dot_value_and_gradients():
    s = sparse.csr_matrix("s")
    y = at.matrix("y")
    a, b = sparse_value(), RNG.normal(size=(4, 2))
    z = sparse.structured_dot(s, y)
    np.testing.assert_allclose(aesara.function([s, y], z)(a, b), a @ b, rtol=1e-12)
    cost = (z * np.arange(6.0).reshape(3, 2)).sum()
    f = aesara.function([s, y], cost)
    gs, gy = aesara.function([s, y], aesara.grad(cost, [s, y]))(a, b)
    np.testing.assert_allclose(gs, structured_grad(f, [a, b], 0), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(gy, central_grad(f, [a, b], 1), rtol=1e-6, atol=1e-7)
    assert np.all(gs[PATTERN == 0] == 0)


def test_structured_dot_rop():
    s = sparse.csr_matrix("s")
    y = at.vector("y")
    ds, dy = at.matrix("ds"), at.vector("dy")
    a, b = sparse_value(), RNG.normal(size=4)
    ta, tb = RNG.normal(size=(3, 4)), RNG.normal(size=4)
    z = sparse.structured_dot(s, y)
    r = aesara.function([s, y, ds, dy], aesara.gradient.Rop(z, [s, y], [ds, dy]))(a, b, ta, tb)
    np.testing.assert_allclose(r, (ta * PATTERN) @ b + a @ tb, rtol=1e-12)


def test_add_sparse_sparse_and_sparse_dense():
    s, t = sparse.csr_matrix("s"), sparse.csr_matrix("t")
    d = at.matrix("d")
    a, c = sparse_value(), RNG.normal(size=(3, 4))
    b = sparse_value()[::-1].copy()
    ss = sparse.add(s, t)
    assert sparse.is_sparse_variable(ss)
    np.testing.assert_allclose(aesara.function([s, t], sparse.dense_from_sparse(ss))(a, b), a + b)
    sd = sparse.add(s, d)
    assert not sparse.is_sparse_variable(sd)
    np.testing.assert_allclose(aesara.function([s, d], sd)(a, c), a + c)
    gs, gd = aesara.function([s, d], aesara.grad((sd ** 2).sum(), [s, d]))(a, c)
    np.testing.assert_allclose(gs, 2 * (a + c))
    np.testing.assert_allclose(gd, 2 * (a + c))


def test_structured_mul_gradients_and_rop():
    s, d = sparse.csr_matrix("s"), at.matrix("d")
    a, c = sparse_value(), RNG.normal(size=(3, 4))
    z = sparse.dense_from_sparse(sparse.mul(s, d))
    np.testing.assert_allclose(aesara.function([s, d], z)(a, c), a * c)
    cost = (z ** 2).sum()
    f = aesara.function([s, d], cost)
    gs, gd = aesara.function([s, d], aesara.grad(cost, [s, d]))(a, c)
    np.testing.assert_allclose(gs, structured_grad(f, [a, c], 0), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(gd, central_grad(f, [a, c], 1), rtol=1e-6, atol=1e-7)
    ds, dd = at.matrix("ds"), at.matrix("dd")
    ta, tc = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))
    r = aesara.function([s, d, ds, dd], aesara.gradient.Rop(z, [s, d], [ds, dd]))(a, c, ta, tc)
    np.testing.assert_allclose(r, (ta * PATTERN) * c + a * tc, rtol=1e-12)


def test_sparse_times_sparse_keeps_the_common_entries_and_differentiates():
    s, t = sparse.csr_matrix("s"), sparse.csr_matrix("t")
    a = sparse_value()
    b = RNG.normal(size=(3, 4)) * (RNG.random((3, 4)) < 0.6)
    z = sparse.dense_from_sparse(sparse.mul(s, t))
    np.testing.assert_allclose(aesara.function([s, t], z)(a, b), a * b)
    cost = (z ** 2).sum()
    gs, gt = aesara.function([s, t], aesara.grad(cost, [s, t]))(a, b)
    np.testing.assert_allclose(gs, (2 * a * b * b) * (a != 0), rtol=1e-12)
    np.testing.assert_allclose(gt, (2 * a * b * a) * (b != 0), rtol=1e-12)


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("sparse_grad", [False, True])
def test_sp_sum(axis, sparse_grad):
    s = sparse.csr_matrix("s")
    a = sparse_value()
    z = sparse.sp_sum(s, axis=axis, sparse_grad=sparse_grad)
    np.testing.assert_allclose(aesara.function([s], z)(a), a.sum(axis=axis))
    w = np.arange(1.0, 1.0 + np.prod(np.shape(a.sum(axis=axis)))).reshape(np.shape(a.sum(axis=axis)))
    g = aesara.function([s], aesara.grad((z * w).sum(), s))(a)
    expected = np.broadcast_to(w if axis != 1 else w[:, None], a.shape) if axis is not None else np.full(a.shape, w)
    if sparse_grad:
        expected = expected * PATTERN
    np.testing.assert_allclose(g, expected)
    ds = at.matrix("ds")
    t = RNG.normal(size=(3, 4))
    r = aesara.function([s, ds], aesara.gradient.Rop(z, s, ds), on_unused_input="ignore")(a, t)
    np.testing.assert_allclose(r, (t * PATTERN if sparse_grad else t).sum(axis=axis), rtol=1e-12)
    with pytest.raises(ValueError):
        sparse.sp_sum(s, axis=2)


def test_a_sparse_output_comes_back_as_a_dense_array():
    x = at.dmatrix("x")
    s = sparse.csr_from_dense(x)
    out = aesara.function([x], s)(np.array([[0.0, 2.0], [3.0, 0.0]]))
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, [[0.0, 2.0], [3.0, 0.0]])


def test_sparse_nodes_of_constants_are_computed_not_folded_and_identical_ones_merge():
    c = np.array([[0.0, 1.0], [2.0, 0.0]])
    folded = sparse.dense_from_sparse(sparse.csr_from_dense(at.constant(c))) * 2.0
    np.testing.assert_array_equal(aesara.function([], folded)(), 2 * c)
    x = at.dmatrix("x")
    twice = sparse.dense_from_sparse(sparse.csr_from_dense(x)) + sparse.dense_from_sparse(sparse.csr_from_dense(x))
    f = aesara.function([x], twice)
    names = [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    assert names.count("SparseFromDense") == 1
    np.testing.assert_array_equal(f(c), 2 * c)


def test_sparse_graphs_round_trip_through_json():
    from sharpgrad.graph import serialize

    x = at.dmatrix("x")
    y = sparse.dense_from_sparse(sparse.mul(sparse.csr_from_dense(x), x)) + sparse.sp_sum(sparse.csr_from_dense(x), axis=0)
    inputs, outputs = serialize.load(serialize.dump([x], [y]))
    c = np.array([[0.0, 2.0], [3.0, 0.0]])
    np.testing.assert_array_equal(aesara.function(inputs, outputs[0])(c), aesara.function([x], y)(c))
