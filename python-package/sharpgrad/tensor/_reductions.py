"""Reductions and products beyond sum/mean/max (Aesara's ``aesara.tensor.math``).

prod, var, std, min, argmax, argmin, max_and_argmax, all, any, and the
products matmul, outer, tensordot, batched_dot and ``dot`` for any rank.
Re-exported by :mod:`sharpgrad.tensor.math`.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._bridge import System, api, call
from .. import _args
from .var import as_tensor_variable, wrap

__all__ = ["prod", "var", "std", "min", "argmax", "argmin", "max_and_argmax", "all", "any", "matmul", "outer",
           "tensordot", "batched_dot", "dot"]


def _axes(axis):
    """None, or a .NET int array, from Aesara's ``axis`` (None, an int, or a sequence of ints)."""
    items = _args.axes(axis)
    return None if items is None else System.Array[System.Int32](items)


def _reduce(op, x, axis, keepdims):
    return wrap(call(api.Reduce2, op, as_tensor_variable(x)._v, _axes(axis), bool(keepdims)))


def prod(input, axis=None, dtype=None, keepdims=False, acc_dtype=None,  # noqa: A002 - Aesara's names
         no_zeros_in_input=False):
    """The product over all axes, one axis or several (Aesara's ``prod``).

    Integers and booleans multiply to int64, floats keep their dtype. The
    gradient is exact when some factors are zero (one zero: the product of the
    others at the zero; two or more: zero); it never divides by the product.

    Parameters
    ----------
    input : TensorVariable
    axis : int or sequence of int, optional
        Axes to reduce (negative count from the end); all when None.
    dtype : str, optional
        The dtype of the result.
    keepdims : bool
        Keep the reduced axes with length 1.
    acc_dtype : str, optional
        Not supported (the accumulator is the output dtype).
    no_zeros_in_input : bool
        Accepted for compatibility; the gradient is exact either way.

    Returns
    -------
    TensorVariable
        The product over ``axis``.
    """
    if acc_dtype is not None:
        raise NotImplementedError("prod: acc_dtype is not implemented")
    out = _reduce("prod", input, axis, keepdims)
    if dtype is not None and out.dtype != _args.dtype(dtype):
        from .math import cast
        out = cast(out, _args.dtype(dtype))
    return out


def _variance(input, axis, ddof, keepdims, corrected, std):
    if isinstance(ddof, bool):
        raise ValueError("Parameter keepdims is now at index 3: (input, axis=None, ddof=0, keepdims=False, "
                         "corrected=False)")
    return wrap(call(api.Variance, as_tensor_variable(input)._v, _axes(axis), _args.integer(ddof, 'ddof'), bool(keepdims),
                     bool(corrected), std))


def var(input, axis=None, ddof=0, keepdims=False, corrected=False):  # noqa: A002 - Aesara's name
    """The variance along the given axes (Aesara's ``var``).

    Parameters
    ----------
    input : TensorVariable
    axis : None, int or sequence of int
        The axes to reduce; all when None.
    ddof : int
        Degrees of freedom: the sum of squares is divided by ``shape[i] - ddof``
        for each reduced axis ``i``, as Aesara does (for one axis this is
        numpy's ``ddof``).
    keepdims : bool
        Keep the reduced axes with length 1.
    corrected : bool
        Use the corrected two-pass algorithm.

    Returns
    -------
    TensorVariable
        The variance over ``axis``.
    """
    return _variance(input, axis, ddof, keepdims, corrected, False)


def std(input, axis=None, ddof=0, keepdims=False, corrected=False):  # noqa: A002 - Aesara's name
    """The standard deviation, ``sqrt(var(...))``; see :func:`var`.

    Parameters
    ----------
    input : TensorVariable or array_like
        The tensor to reduce.
    axis : int or sequence of int, optional
        The axes to reduce (negative counts from the end); all axes when None.
    ddof : int
        Degrees of freedom, as for :func:`var`.
    keepdims : bool
        Keep the reduced axes, with length 1, so the result broadcasts against the input.
    corrected : bool
        Use the corrected two-pass algorithm.

    Returns
    -------
    TensorVariable
        The standard deviation over ``axis``.
    """
    return _variance(input, axis, ddof, keepdims, corrected, True)


def min(x, axis=None, keepdims=False):  # noqa: A001 - Aesara's name
    """The minimum over all axes, one axis or several, built as ``-max(-x)`` (as Aesara does).

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
        The minimum over ``axis``, of ``x``'s dtype.
    """
    return _reduce("min", x, axis, keepdims)


def argmax(x, axis=None, keepdims=False):
    """The position of the maximum (int64); over the flattened tensor when ``axis`` is None.

    It has no gradient: ``grad`` through it raises ``DisconnectedInputError``
    under the default policy, as in Aesara.

    Parameters
    ----------
    x : TensorVariable or array_like
        The tensor to search.
    axis : int or sequence of int, optional
        The axes to search along; the flattened tensor when None.
    keepdims : bool
        Keep the reduced axes, with length 1, so the result broadcasts against the input.

    Returns
    -------
    TensorVariable
        The positions (int64) of the maximum.
    """
    return _reduce("argmax", x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """The position of the minimum (int64), as ``argmax(-x)``; no gradient.

    Parameters
    ----------
    x : TensorVariable or array_like
        The tensor to search.
    axis : int or sequence of int, optional
        The axes to search along; the flattened tensor when None.
    keepdims : bool
        Keep the reduced axes, with length 1, so the result broadcasts against the input.

    Returns
    -------
    TensorVariable
        The positions (int64) of the minimum.
    """
    return _reduce("argmin", x, axis, keepdims)


def max_and_argmax(a, axis=None, keepdims=False):
    """The maximum and its position, two outputs of one ``MaxAndArgmax`` node.

    Parameters
    ----------
    a : TensorVariable or array_like
        The tensor to reduce.
    axis : int or sequence of int, optional
        The axes to reduce (negative counts from the end); all axes when None.
    keepdims : bool
        Keep the reduced axes, with length 1, so the result broadcasts against the input.

    Returns
    -------
    list of TensorVariable
        ``[max, argmax]``; only the maximum carries a gradient.
    """
    outs = call(api.MaxAndArgmax, as_tensor_variable(a)._v, _axes(axis), bool(keepdims))
    return [wrap(outs[0]), wrap(outs[1])]


def all(x, axis=None, keepdims=False):  # noqa: A001 - Aesara's name
    """True where every element along the axes is non-zero (bool); no gradient.

    Parameters
    ----------
    x : TensorVariable or array_like
        The tensor to test.
    axis : int or sequence of int, optional
        The axes to reduce (negative counts from the end); all axes when None.
    keepdims : bool
        Keep the reduced axes, with length 1, so the result broadcasts against the input.

    Returns
    -------
    TensorVariable
        A bool tensor: whether every element along ``axis`` is non-zero.
    """
    return _reduce("all", x, axis, keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001 - Aesara's name
    """True where some element along the axes is non-zero (bool); no gradient.

    Parameters
    ----------
    x : TensorVariable or array_like
        The tensor to test.
    axis : int or sequence of int, optional
        The axes to reduce (negative counts from the end); all axes when None.
    keepdims : bool
        Keep the reduced axes, with length 1, so the result broadcasts against the input.

    Returns
    -------
    TensorVariable
        A bool tensor: whether some element along ``axis`` is non-zero.
    """
    return _reduce("any", x, axis, keepdims)


def _product(op, a, b):
    return wrap(call(api.Product, op, as_tensor_variable(a)._v, as_tensor_variable(b)._v))


def matmul(x1, x2, dtype=None):
    """numpy's ``matmul``: matrix products over the last two axes, broadcasting the leading (batch) axes.

    A 1-d ``x1`` is a row and a 1-d ``x2`` a column, dropped from the result.
    A batch axis broadcasts where its static length is 1 or where the operand
    lacks it.

    Parameters
    ----------
    x1, x2 : TensorVariable or array_like
        The operands, each of rank 1 or more.
    dtype : str, optional
        The dtype of the result; the promoted dtype when None.

    Returns
    -------
    TensorVariable
        The (batched) matrix product.

    Raises
    ------
    ValueError
        For scalars, or shapes that do not align (checked before the native call).
    """
    out = _product("matmul", x1, x2)
    if dtype is not None and out.dtype != _args.dtype(dtype):
        from .math import cast
        out = cast(out, _args.dtype(dtype))
    return out


def outer(x, y):
    """The outer product of ``x`` and ``y``, flattened first when not vectors (Aesara's ``outer``).

    Parameters
    ----------
    x, y : TensorVariable or array_like
        The operands; flattened when they are not vectors.

    Returns
    -------
    TensorVariable
        The matrix ``x[i] * y[j]``.
    """
    return _product("outer", x, y)


def tensordot(a, b, axes=2):
    """numpy's ``tensordot``.

    Parameters
    ----------
    a, b : TensorVariable
    axes : int or pair of sequences of int
        An int ``n`` sums over the last ``n`` axes of ``a`` and the first ``n``
        of ``b``; a pair ``[axes_a, axes_b]`` lists the paired axes (negative
        count from the end).

    Returns
    -------
    TensorVariable
        The sum of products over the paired axes: ``a``'s free axes, then ``b``'s.
    """
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if isinstance(axes, (numbers.Integral, np.integer)) and not isinstance(axes, bool):
        return wrap(call(api.TensorDot, a._v, b._v, int(axes)))
    if len(axes) != 2:
        raise ValueError(f"tensordot: axes must be an int or a pair of axis lists; got {axes!r}")
    first, second = axes
    first = [first] if isinstance(first, (numbers.Integral, np.integer)) else list(first)
    second = [second] if isinstance(second, (numbers.Integral, np.integer)) else list(second)
    if len(first) != len(second):
        raise ValueError(f"tensordot: axes must pair as many axes of a as of b; got {axes!r}")
    return wrap(call(api.TensorDot, a._v, b._v, System.Array[System.Int32]([int(i) for i in first]),
                     System.Array[System.Int32]([int(i) for i in second])))


def batched_dot(a, b):
    """The dot product of each pair of slices along the first axis (Aesara's ``batched_dot``).

    Vectors multiply element-wise along the batch; ranks 2 and 3 use the
    ``BatchedDot`` op. Ranks above 3 are not supported.

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands, with the same length along their first (batch) axis.

    Returns
    -------
    TensorVariable
        ``dot(a[i], b[i])`` stacked along the first axis.
    """
    return _product("batched_dot", a, b)


def dot(l, r):  # noqa: E741 - Aesara's name
    """Aesara's ``dot``: numpy's ``dot`` for any rank.

    Element-wise product when an operand is a scalar; the ``Dot`` op for
    vectors and matrices; otherwise ``tensordot`` over the last axis of ``l``
    and the second-to-last axis of ``r``.

    Parameters
    ----------
    l, r : TensorVariable or array_like
        The left and right operands.

    Returns
    -------
    TensorVariable
        The product.

    Raises
    ------
    ValueError
        When the inner lengths differ.
    """
    return _product("dot", l, r)
