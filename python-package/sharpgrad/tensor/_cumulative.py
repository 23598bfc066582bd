"""Cumulative sums and products (Aesara's ``aesara.tensor.extra_ops.cumsum``/``cumprod``)."""

from __future__ import annotations

from .. import _args
from .._bridge import api, call
from .var import as_tensor_variable, wrap

__all__ = ["cumsum", "cumprod"]


def _cumulative(x, axis, product):
    return wrap(call(api.Cumulative, as_tensor_variable(x)._v, _args.optional_axis(axis), product))


def cumsum(x, axis=None):
    """The cumulative sum along ``axis`` (negative counts from the end), or of the flattened ``x`` when None.

    The dtype of ``x`` is kept, as in Aesara's ``CumOp``.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    axis : int, optional
        The axis to accumulate along; the flattened ``x`` when None.

    Returns
    -------
    TensorVariable
        The running sums, of ``x``'s dtype.
    """
    return _cumulative(x, axis, False)


def cumprod(x, axis=None):
    """The cumulative product along ``axis``, or of the flattened ``x`` when None.

    Its gradient is exact when ``x`` holds zeros (no division by a zero factor).

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    axis : int, optional
        The axis to accumulate along; the flattened ``x`` when None.

    Returns
    -------
    TensorVariable
        The running products, of ``x``'s dtype.
    """
    return _cumulative(x, axis, True)
