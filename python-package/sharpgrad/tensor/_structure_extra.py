"""``repeat`` and ``squeeze`` (Aesara's ``aesara.tensor.extra_ops``)."""

from __future__ import annotations

import numpy as np

from .. import _args
from .._bridge import api, call
from .var import TensorVariable, as_tensor_variable, constant, wrap

__all__ = ["repeat", "squeeze"]


def repeat(x, repeats, axis=None):
    """numpy's ``repeat``: each element of ``x`` repeated ``repeats`` times along ``axis``.

    ``repeats`` is a non-negative integer, a sequence of counts (one per
    element along the axis), or a symbolic integer scalar or vector. With
    ``axis=None`` the flattened ``x`` is repeated. Unlike Aesara, vector
    ``repeats`` have a gradient too.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    repeats : int, sequence of int or TensorVariable
        The counts: one for all elements, or one per element along ``axis``.
    axis : int, optional
        The axis to repeat along; the flattened ``x`` when None.

    Returns
    -------
    TensorVariable
        The repeated tensor.
    """
    x = as_tensor_variable(x)
    if isinstance(repeats, TensorVariable):
        counts = repeats
    else:
        array = _args.array(repeats, "repeats")
        if array.dtype.kind not in "iu" or array.ndim > 1:
            raise TypeError(f"repeat: repeats must be an integer or a vector of integers; got {repeats!r}")
        counts = constant(array.astype("int64"))
    if counts.ndim > 1 or not counts.dtype.startswith(("int", "uint")):
        raise TypeError(f"repeat: repeats must be an integer scalar or vector; got {counts.type}")
    return wrap(call(api.Repeat, x._v, counts._v, _args.optional_axis(axis)))


def squeeze(x, axis=None):
    """Drop the broadcastable axes of ``x`` (static length 1), or only those in ``axis``.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    axis : int or sequence of int, optional
        The axes to drop; every broadcastable axis when None.

    Returns
    -------
    TensorVariable
        ``x`` without those axes (a ``DimShuffle``).

    Raises
    ------
    ValueError
        When an axis in ``axis`` is not broadcastable.
    """
    x = as_tensor_variable(x)
    if axis is None:
        axes = [a for a, b in enumerate(x.broadcastable) if b]
    else:
        axes = [a + x.ndim if a < 0 else a for a in _args.axes(axis, "squeeze")]
        for a in axes:
            if not 0 <= a < x.ndim or not x.broadcastable[a]:
                raise ValueError(f"squeeze: cannot select an axis to squeeze out which has size not equal to one "
                                 f"(axis {a} of {x.type})")
    return x.dimshuffle(*[a for a in range(x.ndim) if a not in axes])
