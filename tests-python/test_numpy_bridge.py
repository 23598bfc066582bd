"""The numpy bridge: what compiled functions accept, what they return, and that input memory is read in place."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from Gradient.Interop import FastCall  # available once sharpgrad has started .NET


def _last_input_addresses():
    return [int(a) for a in FastCall.LastInputAddresses()]


@pytest.fixture
def double_plus_one():
    x = at.dmatrix("x")
    return aesara.function([x], 2 * x + 1)


def test_float32_array_into_float64_input(double_plus_one):
    value = np.arange(6, dtype=np.float32).reshape(2, 3) / 7
    out = double_plus_one(value)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, 2 * value.astype(np.float64) + 1)


def test_integer_arrays_that_convert_without_loss():
    x = at.ivector("x")
    f = aesara.function([x], x * 3)
    for dtype in ("int8", "uint8", "int16", "uint16"):
        np.testing.assert_array_equal(f(np.array([1, 2, 100], dtype=dtype)), [3, 6, 300])
    with pytest.raises(TypeError, match="int64 values as int32"):
        f(np.array([1, 2], dtype=np.int64))


@pytest.mark.parametrize("make", [
    lambda a: np.asfortranarray(a),
    lambda a: a.T.copy().T,
    lambda a: np.ascontiguousarray(a.T).T,
])
def test_fortran_ordered_input(double_plus_one, make):
    value = np.arange(12.0).reshape(3, 4)
    array = make(value)
    assert not array.flags.c_contiguous
    np.testing.assert_array_equal(double_plus_one(array), 2 * value + 1)
    assert _last_input_addresses() == [array.ctypes.data]  # read in place


@pytest.mark.parametrize("view", [
    lambda a: a[::2],
    lambda a: a[:, 1::3],
    lambda a: a[1:5:2, ::4],
    lambda a: a.T,
    lambda a: np.broadcast_to(a[:1], (4, 10)),
])
def test_strided_views_are_read_in_place(double_plus_one, view):
    base = np.random.default_rng(1).normal(size=(6, 10))
    array = view(base)
    np.testing.assert_array_equal(double_plus_one(array), 2 * np.array(array) + 1)
    assert _last_input_addresses() == [array.ctypes.data]


def test_negative_strides_and_byte_swapped_arrays(double_plus_one):
    base = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(double_plus_one(base[::-1, ::-1]), 2 * base[::-1, ::-1] + 1)
    swapped = base.astype(">f8")
    np.testing.assert_array_equal(double_plus_one(swapped), 2 * base + 1)


def test_unaligned_array(double_plus_one):
    raw = np.zeros(8 * 6 + 1, dtype=np.uint8)
    array = raw[1:].view(np.float64).reshape(2, 3)
    array[...] = np.arange(6.0).reshape(2, 3)
    assert not array.flags.aligned
    np.testing.assert_array_equal(double_plus_one(array), 2 * np.arange(6.0).reshape(2, 3) + 1)


def test_large_contiguous_input_is_not_copied():
    x = at.dvector("x")
    f = aesara.function([x], x.sum())
    value = np.random.default_rng(2).normal(size=1_000_000)
    assert np.isclose(f(value), value.sum(), rtol=1e-12)
    assert _last_input_addresses() == [value.ctypes.data]


def test_input_is_not_modified_and_output_owns_its_memory():
    x = at.dvector("x")
    f = aesara.function([x], [x, x * 2, x.reshape((2, 2)), x[::2]])
    value = np.arange(4.0)
    before = value.copy()
    outs = f(value)
    np.testing.assert_array_equal(value, before)
    for out in outs:
        assert out.flags.owndata and out.flags.writeable and out.base is None
        assert not np.shares_memory(out, value)
    outs[0][:] = -1  # an output views nothing the caller or the engine keeps
    np.testing.assert_array_equal(f(value)[0], before)


def test_numpy_scalars_and_zero_d_arrays_where_python_scalars_go():
    x = at.dscalar("x")
    v = at.dvector("v")
    f = aesara.function([x, v], [x * v, v + np.float64(0.5), v * np.array(3.0), v - np.int64(1)])
    for scalar in (np.float64(2.0), np.array(2.0), np.float32(2.0), np.int32(2), 2, 2.0):
        scaled, plus, times, minus = f(scalar, np.array([1.0, 2.0]))
        np.testing.assert_array_equal(scaled, [2.0, 4.0])
        np.testing.assert_array_equal(plus, [1.5, 2.5])
        np.testing.assert_array_equal(times, [3.0, 6.0])
        np.testing.assert_array_equal(minus, [0.0, 1.0])
    s = aesara.shared(np.float64(1.5), name="s")
    assert aesara.function([], s * 2)() == 3.0
    s.set_value(np.float32(0.25))
    assert aesara.function([], s * 2)() == 0.5
    assert float(at.constant(np.float64(4.0)).eval()) == 4.0


def test_python_lists_and_nested_lists(double_plus_one):
    np.testing.assert_array_equal(double_plus_one([[1, 2], [3, 4]]), [[3.0, 5.0], [7.0, 9.0]])
    x = at.dvector("x")
    np.testing.assert_array_equal(aesara.function([x], x ** 2)([1.5, 2]), [2.25, 4.0])


def test_output_shape_changes_between_calls():
    x = at.dvector("x")
    f = aesara.function([x], [x.sum(), x[:, None] * x])
    for n in (3, 5, 3, 0, 7):
        value = np.arange(float(n))
        total, outer = f(value)
        assert total.shape == () and total == value.sum()
        np.testing.assert_array_equal(outer, np.outer(value, value))


def test_errors_still_name_the_argument(double_plus_one):
    with pytest.raises(TypeError, match="expected 1 argument"):
        double_plus_one(np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="rank"):
        double_plus_one(np.ones(3))
    with pytest.raises(TypeError, match="complex128 values as float64"):
        double_plus_one(np.ones((2, 2), dtype=complex))
    np.testing.assert_array_equal(double_plus_one(np.zeros((1, 1))), [[1.0]])  # still usable


def test_results_nobody_collected_are_freed_by_the_next_call():
    import gc

    from TorchSharp import torch

    from sharpgrad.compile.function import _ENTRY, _NEW_LAYOUT

    x = at.dvector("x")
    f = aesara.function([x], [x * 2, x + 1])
    args = (np.ones(3),)

    def live():
        gc.collect()
        return int(torch.Tensor.TotalCount)

    # With no output arrays given, every call leaves its results waiting (as if Python were interrupted before
    # collecting them); each new call must free the previous call's instead of piling them up.
    assert _ENTRY.call(f._handle, args, ()) == _NEW_LAYOUT
    before = live()
    for _ in range(20):
        assert _ENTRY.call(f._handle, args, ()) == _NEW_LAYOUT
    assert live() == before
    np.testing.assert_array_equal(f(np.arange(3.0))[1], [1.0, 2.0, 3.0])  # and the function still works
