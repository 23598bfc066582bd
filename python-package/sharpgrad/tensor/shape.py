"""Symbolic shapes and reshaping (Aesara's ``aesara.tensor.shape``)."""

from __future__ import annotations

import numbers

import numpy as np

from .. import _args
from .._bridge import api, call
from .var import TensorVariable, as_tensor_variable, constant, wrap

__all__ = ["shape", "shape_i", "reshape", "size"]


def shape(x):
    """The run-time shape of ``x`` as a symbolic int64 vector (disconnected for gradients).

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        An int64 vector of length ``x.ndim``.
    """
    return wrap(call(api.Shape, as_tensor_variable(x)._v))


def shape_i(x, i):
    """The run-time length of axis ``i`` of ``x`` as a symbolic int64 scalar.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    i : int
        The axis.

    Returns
    -------
    TensorVariable
        An int64 scalar.
    """
    return wrap(call(api.ShapeI, as_tensor_variable(x)._v, _args.integer(i, "i")))


def size(x):
    """The number of elements of ``x`` as a symbolic int64 scalar.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        An int64 scalar: the product of the lengths.
    """
    x = as_tensor_variable(x)
    total = constant(np.int64(1))
    for i in range(x.ndim):
        total = total * shape_i(x, i)
    return total


def reshape(x, newshape, ndim=None):
    """``x`` reshaped to ``newshape``: a tuple of ints and integer scalars, or a symbolic integer vector.

    One length may be -1 (inferred from the others). ``ndim`` is needed only
    when ``newshape`` is a vector of unknown length.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    newshape : int, sequence of int and integer scalars, or TensorVariable
        The new lengths; one may be -1.
    ndim : int, optional
        The length of ``newshape`` when it is a symbolic vector of unknown length.

    Returns
    -------
    TensorVariable
        ``x``'s elements, in C order, in the new shape.

    Raises
    ------
    ValueError
        When the lengths cannot hold the elements of ``x`` (at build time if
        the shapes are static, else when the function runs).
    """
    x = as_tensor_variable(x)
    if isinstance(newshape, numbers.Integral):
        newshape = (int(newshape),)
    if isinstance(newshape, TensorVariable):
        target = newshape
    else:
        items = list(newshape)
        if all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in items):
            target = constant(np.asarray(items, dtype="int64").reshape(len(items)))
        else:
            target = as_tensor_variable(items)
    if target.ndim != 1:
        raise ValueError(f"reshape: the new shape must be a vector; got {target.type}")
    if ndim is not None and target.static_shape[0] not in (None, ndim):
        raise ValueError(f"reshape: ndim={ndim} does not match the length of the new shape {target.static_shape[0]}")
    return wrap(call(api.Reshape, x._v, target._v))
