"""RandomStream: reproducible, new samples per call, statistics, shapes and dtypes, undefined gradients."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.tensor.random.utils import RandomStream


def _sequence(seed, calls=3):
    rs = RandomStream(seed=seed)
    f = aesara.function([], rs.normal(0, 1, size=(4,)))
    return [f() for _ in range(calls)]


def test_same_seed_same_sequence_new_samples_per_call():
    a, b, c = _sequence(7), _sequence(7), _sequence(8)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], a[1])
    assert not np.array_equal(a[0], c[0])


def test_seed_replays_and_state_round_trips():
    rs = RandomStream(seed=1)
    f = aesara.function([], rs.uniform(size=(5,)))
    first = f()
    state = rs.get_state()
    second = f()
    rs.set_state(state)
    np.testing.assert_array_equal(f(), second)
    rs.seed(1)
    np.testing.assert_array_equal(f(), first)
    assert rs.updates() == []


def test_two_draws_are_not_merged():
    rs = RandomStream(seed=2)
    x = rs.normal(size=(6,))
    y = rs.normal(size=(6,))
    diff, same = aesara.function([], [x - y, x - x])()
    assert np.all(diff != 0)
    assert np.all(same == 0)


def test_statistics_of_large_samples():
    rs = RandomStream(seed=3)
    n = 100_000
    normal, uniform, binom = aesara.function(
        [], [rs.normal(2.0, 3.0, size=(n,)), rs.uniform(-1.0, 1.0, size=(n,)), rs.binomial(20, 0.25, size=(n,))])()
    assert abs(normal.mean() - 2.0) < 0.05 and abs(normal.std() - 3.0) < 0.05
    assert abs(uniform.mean()) < 0.02 and uniform.min() >= -1 and uniform.max() < 1
    assert abs(binom.mean() - 5.0) < 0.05 and abs(binom.var() - 3.75) < 0.1


def test_shapes_and_dtypes():
    rs = RandomStream(seed=4)
    loc = at.dvector("loc")
    n = at.lscalar("n")
    x = rs.normal(loc, 1.0)
    u = rs.uniform(size=(2, 3), dtype="float32")
    m = rs.multinomial(10, np.array([0.1, 0.2, 0.7]), size=(4,))
    c = rs.choice(np.array([1.5, 2.5, 3.5]), size=(2, 2), p=np.array([0.5, 0.5, 0.0]))
    p = rs.permutation(n)
    assert x.type.dtype == "float64" and x.ndim == 1
    assert u.dtype == "float32" and u.type.shape == (2, 3)
    assert m.dtype == "int64" and m.type.shape == (4, 3)
    xv, uv, mv, cv, pv = aesara.function([loc, n], [x, u, m, c, p])(np.array([-100.0, 100.0]), 5)
    assert xv.shape == (2,) and xv[0] < -90 < 90 < xv[1]
    assert uv.dtype == np.float32 and uv.shape == (2, 3)
    np.testing.assert_array_equal(mv.sum(axis=1), 10)
    assert cv.shape == (2, 2) and set(cv.ravel()) <= {1.5, 2.5}
    np.testing.assert_array_equal(np.sort(pv), np.arange(5))


def test_symbolic_size():
    rs = RandomStream(seed=5)
    x = at.dmatrix("x")
    noise = rs.normal(size=x.shape)
    out = aesara.function([x], x + noise)(np.zeros((3, 2)))
    assert out.shape == (3, 2)


def test_gradient_through_a_sample_is_undefined():
    rs = RandomStream(seed=6)
    mu = at.dscalar("mu")
    w = at.dscalar("w")
    sample = rs.normal(mu, 1.0, size=(3,))
    with pytest.raises(aesara.gradient.NullTypeGradError, match="undefined"):
        aesara.grad(sample.sum(), mu)
    g = aesara.grad((sample * w).sum(), w)
    gv, sv = aesara.function([mu, w], [g, sample.sum()])(0.0, 2.0)
    assert gv != 0


def test_bad_parameters_raise():
    rs = RandomStream(seed=7)
    s = at.dscalar("s")
    f = aesara.function([s], rs.normal(0.0, s, size=(2,)))
    with pytest.raises(ValueError, match="scale"):
        f(-1.0)
    g = aesara.function([], rs.choice(3, size=(5,), replace=False))
    with pytest.raises(ValueError, match="replace=False"):
        g()


def test_random_ops_keep_aesara_class_names():
    rs = RandomStream(seed=8)
    cases = {"NormalRV": rs.normal(), "UniformRV": rs.uniform(), "BinomialRV": rs.binomial(3, 0.5),
             "MultinomialRV": rs.multinomial(3, np.array([0.5, 0.5])), "ChoiceRV": rs.choice(3),
             "PermutationRV": rs.permutation(3)}
    for name, v in cases.items():
        assert v.owner.op.__class__.__name__ == name
    assert cases["NormalRV"].owner.op.dtype == aesara.config.floatX


def test_graphs_with_random_variables_are_not_serializable():
    from sharpgrad.graph import serialize

    rs = RandomStream(seed=9)
    x = at.dvector("x")
    with pytest.raises(NotImplementedError, match="draws random numbers"):
        serialize.dump([x], [x + rs.normal(size=(3,))])
