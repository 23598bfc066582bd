"""Comparisons, integer division, modulo, abs, bitwise operations and reductions over several axes.

Re-exported by :mod:`sharpgrad.tensor.math`, where Aesara has them.
"""

from __future__ import annotations

import numpy as np

from .._bridge import api, call
from .. import _args
from .var import as_tensor_variable, wrap

__all__ = ["lt", "gt", "le", "ge", "eq", "neq", "less", "greater", "less_equal", "greater_equal", "int_div",
           "floor_div", "mod", "abs", "abs_", "sgn", "and_", "or_", "xor", "invert", "bitwise_and", "bitwise_or",
           "bitwise_xor", "bitwise_not", "mean", "max"]


def _b(op, a, b):
    return wrap(call(api.Binary2, op, as_tensor_variable(a)._v, as_tensor_variable(b)._v))


def _u(op, x):
    return wrap(call(api.Unary2, op, as_tensor_variable(x)._v))


def lt(a, b):
    """Element-wise ``a < b`` (bool).

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        ``a < b`` of dtype bool, with the broadcast shape of ``a`` and ``b``.
    """
    return _b("lt", a, b)


def gt(a, b):
    """Element-wise ``a > b`` (bool).

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        ``a > b`` of dtype bool, with the broadcast shape of ``a`` and ``b``.
    """
    return _b("gt", a, b)


def le(a, b):
    """Element-wise ``a <= b`` (bool).

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        ``a <= b`` of dtype bool, with the broadcast shape of ``a`` and ``b``.
    """
    return _b("le", a, b)


def ge(a, b):
    """Element-wise ``a >= b`` (bool).

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        ``a >= b`` of dtype bool, with the broadcast shape of ``a`` and ``b``.
    """
    return _b("ge", a, b)


def eq(a, b):
    """Element-wise ``a == b`` (bool). The ``==`` operator on variables is identity, as in Aesara.

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        ``a == b`` of dtype bool, with the broadcast shape of ``a`` and ``b``.
    """
    return _b("eq", a, b)


def neq(a, b):
    """Element-wise ``a != b`` (bool).

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        ``a != b`` of dtype bool, with the broadcast shape of ``a`` and ``b``.
    """
    return _b("neq", a, b)


less, greater, less_equal, greater_equal = lt, gt, le, ge


def int_div(a, b):
    """Element-wise floor division ``a // b`` in the promoted dtype (no gradient).

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        ``a // b``, with the broadcast shape of ``a`` and ``b``.
    """
    return _b("int_div", a, b)


floor_div = int_div


def mod(a, b):
    """Element-wise ``a % b`` with the sign of ``b`` (numpy's and Python's rule).

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        ``a % b``, with the broadcast shape of ``a`` and ``b``.
    """
    return _b("mod", a, b)


def abs(a):  # noqa: A001 - Aesara's name
    """Element-wise absolute value; its derivative is ``sgn(a)``.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``|a|``, with ``a``'s shape.
    """
    return _u("abs", a)


abs_ = abs


def sgn(a):
    """Element-wise sign: -1, 0 or 1.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        The signs, of ``a``'s dtype, with ``a``'s shape.
    """
    return _u("sgn", a)


def and_(a, b):
    """Element-wise bitwise and (logical on bools), for integer and bool tensors.

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        ``a & b``, with the broadcast shape of ``a`` and ``b``.
    """
    return _b("and_", a, b)


def or_(a, b):
    """Element-wise bitwise or (logical on bools).

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        ``a | b``, with the broadcast shape of ``a`` and ``b``.
    """
    return _b("or_", a, b)


def xor(a, b):
    """Element-wise bitwise exclusive or (logical on bools).

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        ``a ^ b``, with the broadcast shape of ``a`` and ``b``.
    """
    return _b("xor", a, b)


def invert(a):
    """Element-wise bitwise not (logical on bools).

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``~a``, with ``a``'s shape.
    """
    return _u("invert", a)


bitwise_and, bitwise_or, bitwise_xor, bitwise_not = and_, or_, xor, invert


def _axes(axis):
    """None, or a list of ints, from Aesara's ``axis`` argument (None, an int, or a sequence of ints)."""
    return _args.axes(axis)


def mean(input, axis=None, dtype=None, keepdims=False, acc_dtype=None):  # noqa: A002 - Aesara's name
    """The mean over all axes, one axis or several (Aesara's ``mean``).

    The sum divided by the element count, computed in float32 for float16,
    float32 and complex64 sums and in float64 otherwise: integer inputs give
    float64, float32 stays float32.

    Parameters
    ----------
    input : TensorVariable or array_like
        The tensor to average.
    axis : int or sequence of int, optional
        The axes to reduce (negative counts from the end); all axes when None.
    dtype : str, optional
        The dtype of the result (a cast of the reduction).
    keepdims : bool
        Keep the reduced axes, with length 1, so the result broadcasts against the input.
    acc_dtype : str, optional
        Not supported: must be None (the accumulator is the output dtype).

    Returns
    -------
    TensorVariable
        The mean over ``axis``.
    """
    if acc_dtype is not None:
        raise NotImplementedError("mean: acc_dtype is not implemented")
    out = wrap(call(api.Mean, as_tensor_variable(input)._v, _axes(axis), bool(keepdims)))
    return out if dtype is None or out.dtype == _args.dtype(dtype) else out.astype(_args.dtype(dtype))


def max(x, axis=None, keepdims=False):  # noqa: A001 - Aesara's name
    """The maximum over all axes, one axis or several; the dtype is kept.

    The gradient goes to every position equal to the maximum (Aesara's rule).

    Parameters
    ----------
    x : TensorVariable or array_like
        The tensor to reduce.
    axis : int or sequence of int, optional
        The axes to reduce (negative counts from the end); all axes when None.
    keepdims : bool
        Keep the reduced axes, with length 1, so the result broadcasts against the input.

    Returns
    -------
    TensorVariable
        The maximum over ``axis``, of ``x``'s dtype.
    """
    return wrap(call(api.Max, as_tensor_variable(x)._v, _axes(axis), bool(keepdims)))
