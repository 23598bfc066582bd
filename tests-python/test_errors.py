"""Bad calls raise clear Python exceptions and the process lives on."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at


@pytest.fixture
def dot_function():
    m, v = at.dmatrix("m"), at.dvector("v")
    return aesara.function([m, v], at.dot(m, v))


def test_wrong_number_of_inputs(dot_function):
    with pytest.raises(TypeError, match="expected 2 argument"):
        dot_function(np.ones((3, 4)))


def test_wrong_rank(dot_function):
    with pytest.raises(ValueError, match="expected rank 1"):
        dot_function(np.ones((3, 4)), np.ones((4, 1)))


def test_mismatched_dot_shapes_then_a_good_call(dot_function):
    with pytest.raises(ValueError, match=r"dot: shapes \(3, 4\) and \(5,\) not aligned"):
        dot_function(np.ones((3, 4)), np.ones(5))
    np.testing.assert_array_equal(dot_function(np.ones((3, 4)), np.ones(4)), [4.0, 4.0, 4.0])


def test_static_dot_mismatch_raises_at_build_time():
    a = at.tensor("float64", shape=(2, 3))
    b = at.tensor("float64", shape=(4,))
    with pytest.raises(ValueError, match="not aligned"):
        at.dot(a, b)


def test_runtime_broadcast_mismatch():
    x, y = at.dvector("x"), at.dvector("y")
    f = aesara.function([x, y], x + y)
    with pytest.raises(ValueError, match="do not match on axis 0"):
        f(np.ones(3), np.ones(4))


def test_downcasting_input_rejected_and_upcast_accepted():
    x = at.fvector("x")
    f = aesara.function([x], x * 2.0)
    with pytest.raises(TypeError, match="losing precision"):
        f(np.ones(2, dtype=np.float64))
    y = at.dvector("y")
    np.testing.assert_array_equal(aesara.function([y], y * 2.0)(np.ones(2, dtype=np.float32)), [2.0, 2.0])


def test_missing_input():
    x, y = at.dvector("x"), at.dvector("y")
    with pytest.raises(aesara.compile.MissingInputError, match="y"):
        aesara.function([x], x + y)


def test_non_scalar_cost():
    x = at.dvector("x")
    with pytest.raises(TypeError, match="scalar"):
        aesara.grad(x * 2.0, x)


def test_unimplemented_options_say_so():
    x = at.dvector("x")
    with pytest.raises(NotImplementedError, match="debugprint"):
        aesara.printing.debugprint(x, depth=2)
