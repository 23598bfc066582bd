"""Softmax and friends (Aesara's ``aesara.tensor.special``), plus ``logsumexp``.

Each builds one node of a numerically stable op. The compiler also finds the
naive spellings (``log(softmax(x))``, ``exp(x) / exp(x).sum(axis, keepdims=True)``,
``log(exp(x).sum(axis))``, ``log(1 + exp(x))``) and puts these ops in their place.
"""

from __future__ import annotations

from .. import _args
from .._bridge import System, api, call
from .var import as_tensor_variable, wrap

__all__ = ["softmax", "log_softmax", "logsoftmax", "logsumexp"]


def _axis(axis):
    items = _args.axes(axis)
    if items is None or len(items) == 1:
        return None if items is None else items[0]
    raise NotImplementedError(f"{_args.entry_point()} over several axes is not implemented; got axis={axis!r}")


def softmax(c, axis=None):
    """``exp(c) / sum(exp(c), axis, keepdims=True)``, computed stably.

    Parameters
    ----------
    c : TensorVariable
        The input.
    axis : int, optional
        The axis to normalise along (negative counts from the end); all
        elements when None, as in Aesara 2.9.

    Returns
    -------
    TensorVariable
        Non-negative values summing to 1 along ``axis``, with ``c``'s shape.
    """
    return wrap(call(api.Softmax, as_tensor_variable(c)._v, _axis(axis)))


def log_softmax(c, axis=None):
    """``log(softmax(c, axis))``, computed stably (finite where softmax underflows).

    Parameters
    ----------
    c : TensorVariable or array_like
        The input.
    axis : int, optional
        The axis to normalise along (negative counts from the end); all elements when None.

    Returns
    -------
    TensorVariable
        The log-probabilities, with ``c``'s shape.
    """
    return wrap(call(api.LogSoftmax, as_tensor_variable(c)._v, _axis(axis)))


logsoftmax = log_softmax


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x), axis, keepdims))``, computed stably (no overflow for large ``x``).

    Parameters
    ----------
    x : TensorVariable
        The input.
    axis : int or tuple of int, optional
        The axes to reduce; all axes when None.
    keepdims : bool
        Keep the reduced axes with length 1.

    Returns
    -------
    TensorVariable
        The reduced tensor.
    """
    items = _args.axes(axis)
    axes = None if items is None else System.Array[System.Int32](items)
    return wrap(call(api.LogSumExp, as_tensor_variable(x)._v, axes, bool(keepdims)))
