"""Indexing and writing into parts of tensors (Aesara's ``aesara.tensor.subtensor``)."""

from __future__ import annotations

import numbers

import numpy as np

from .. import _args
from .._bridge import api, call
from .var import TensorVariable, as_tensor_variable, constant, slice_text, wrap

__all__ = ["set_subtensor", "inc_subtensor", "advanced_subtensor1", "advanced_inc_subtensor1",
           "advanced_set_subtensor1", "advanced_subtensor", "advanced_inc_subtensor", "advanced_set_subtensor",
           "take"]

_INDEXING_OPS = ("Subtensor", "AdvancedSubtensor1", "AdvancedSubtensor")


def _check_indexed(x, fn):
    owner = getattr(x, "owner", None)
    if owner is None or owner.op.__class__.__name__ not in _INDEXING_OPS:
        who = _args.entry_point(fn)
        what = "x" if who == fn else f"x (for {fn})"
        raise TypeError(f"{who}: {what} must be the result of a subtensor operation, x[index] (basic or advanced); "
                        f"got {x!r}")


def set_subtensor(x, y, inplace=False, tolerate_inplace_aliasing=False):
    """A copy of the tensor indexed by ``x`` with that part replaced by ``y``: ``set_subtensor(a[1:], 0.0)``.

    ``x`` may use any index, basic or advanced (``a[[0, 2]]``, ``a[mask]``,
    ``a[:, idx]``); where an advanced index repeats a position the last write
    wins, as in numpy. ``inplace`` and ``tolerate_inplace_aliasing`` are
    accepted for Aesara's signature; the result is always a new tensor.

    Parameters
    ----------
    x : TensorVariable (the result of ``a[index]``)
        The indexed part of a tensor ``a``.
    y : TensorVariable or array_like
        The new values; broadcast to the indexed part's shape.
    inplace, tolerate_inplace_aliasing : bool
        Accepted for Aesara's signature; not used.

    Returns
    -------
    TensorVariable
        A copy of ``a`` with the part written.
    """
    _check_indexed(x, "set_subtensor")
    return wrap(call(api.WriteIndexed, x._v, as_tensor_variable(y)._v, True))


def inc_subtensor(x, y, inplace=False, set_instead_of_inc=False, tolerate_inplace_aliasing=False,
                  ignore_duplicates=False):
    """A copy of the tensor indexed by ``x`` with ``y`` added to that part: ``inc_subtensor(a[::2], 1.0)``.

    With an advanced index, repeated positions accumulate (``np.add.at``), as
    Aesara does unless ``ignore_duplicates`` (which is not supported here).

    Parameters
    ----------
    x : TensorVariable (the result of ``a[index]``)
        The indexed part of a tensor ``a``.
    y : TensorVariable or array_like
        The increments; broadcast to the indexed part's shape.
    inplace, tolerate_inplace_aliasing : bool
        Accepted for Aesara's signature; not used.
    set_instead_of_inc : bool
        Write ``y`` instead of adding it (:func:`set_subtensor`).
    ignore_duplicates : bool
        Not supported: must be False.

    Returns
    -------
    TensorVariable
        A copy of ``a`` with the part incremented.
    """
    if ignore_duplicates:
        raise NotImplementedError("inc_subtensor: ignore_duplicates=True is not supported; repeated indices "
                                  "always accumulate")
    if set_instead_of_inc:
        return set_subtensor(x, y)
    _check_indexed(x, "inc_subtensor")
    return wrap(call(api.WriteIndexed, x._v, as_tensor_variable(y)._v, False))


def _index_vector(ilist, fn):
    ilist = _index_array(ilist)
    if ilist.ndim != 1 or not ilist.dtype.startswith(("int", "uint")):
        raise TypeError(f"{fn}: index must be an integer vector; got {ilist.type}")
    return ilist


def advanced_subtensor1(x, ilist):
    """``x[ilist]`` along axis 0 for an integer vector ``ilist`` (Aesara's ``AdvancedSubtensor1``).

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    ilist : TensorVariable or array_like
        An integer vector of row positions.

    Returns
    -------
    TensorVariable
        The selected rows.
    """
    return wrap(call(api.AdvancedSubtensor1, as_tensor_variable(x)._v, _index_vector(ilist, "advanced_subtensor1")._v))


def advanced_inc_subtensor1(x, y, ilist):
    """A copy of ``x`` with rows ``ilist`` incremented by ``y``; repeated indices accumulate.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    y : TensorVariable or array_like
        The increments, broadcast to the selected rows.
    ilist : TensorVariable or array_like
        An integer vector of row positions.

    Returns
    -------
    TensorVariable
        The incremented copy of ``x``.
    """
    return wrap(call(api.AdvancedIncSubtensor1, as_tensor_variable(x)._v, as_tensor_variable(y)._v,
                     _index_vector(ilist, "advanced_inc_subtensor1")._v, False))


def advanced_set_subtensor1(x, y, ilist):
    """A copy of ``x`` with rows ``ilist`` replaced by ``y`` (the last write wins for repeated indices).

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    y : TensorVariable or array_like
        The new rows, broadcast to the selected rows.
    ilist : TensorVariable or array_like
        An integer vector of row positions.

    Returns
    -------
    TensorVariable
        The written copy of ``x``.
    """
    return wrap(call(api.AdvancedIncSubtensor1, as_tensor_variable(x)._v, as_tensor_variable(y)._v,
                     _index_vector(ilist, "advanced_set_subtensor1")._v, True))


def advanced_subtensor(x, *args):
    """numpy's advanced indexing ``x[args]`` (Aesara's ``AdvancedSubtensor``).

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    *args : index
        One index per axis: integer or boolean arrays, integers, slices, None or ``...``.

    Returns
    -------
    TensorVariable
        ``x[args]``.
    """
    return as_tensor_variable(x)[tuple(args)]


def advanced_inc_subtensor(x, y, *args):
    """A copy of ``x`` with ``x[args]`` incremented by ``y`` (``np.add.at``: repeated positions accumulate).

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    y : TensorVariable or array_like
        The increments, broadcast to ``x[args]``.
    *args : index
        One index per axis, as for :func:`advanced_subtensor`.

    Returns
    -------
    TensorVariable
        The incremented copy of ``x``.
    """
    return inc_subtensor(advanced_subtensor(x, *args), y)


def advanced_set_subtensor(x, y, *args):
    """A copy of ``x`` with ``x[args]`` replaced by ``y``.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    y : TensorVariable or array_like
        The new values, broadcast to ``x[args]``.
    *args : index
        One index per axis, as for :func:`advanced_subtensor`.

    Returns
    -------
    TensorVariable
        The written copy of ``x``.
    """
    return set_subtensor(advanced_subtensor(x, *args), y)


def take(a, indices, axis=None, mode="raise"):
    """numpy's ``take``: elements of the flattened ``a`` (``axis=None``) or slices along ``axis`` at ``indices``.

    ``indices`` may have any rank and be symbolic; the result has shape
    ``a.shape[:axis] + indices.shape + a.shape[axis + 1:]``. ``mode`` is
    ``'raise'`` (negative indices count from the end, others raise IndexError),
    ``'wrap'`` or ``'clip'``.

    Parameters
    ----------
    a : TensorVariable or array_like
        The tensor to take from.
    indices : TensorVariable or array_like
        Integer positions, of any rank.
    axis : int, optional
        The axis to take along; the flattened ``a`` when None.
    mode : {'raise', 'wrap', 'clip'}
        What an index outside the axis does.

    Returns
    -------
    TensorVariable
        The taken elements or slices.
    """
    a = as_tensor_variable(a)
    indices = _index_array(indices)
    if not isinstance(axis, (numbers.Integral, type(None))):
        raise TypeError("take: axis must be an integer or None")
    return wrap(call(api.Take, a._v, indices._v, _args.optional_axis(axis), str(mode)))


def _index_array(value):
    """An index array as a tensor: symbolic ones as they are, lists and numpy arrays as constants."""
    if isinstance(value, TensorVariable):
        return value
    if isinstance(value, (list, tuple)) and any(isinstance(v, TensorVariable) for v in value):
        return as_tensor_variable(value)
    array = _args.array(value, "the index array")
    if array.size == 0 and array.dtype.kind == "f":
        array = array.astype("int64")
    if array.dtype.kind not in "biu":
        raise IndexError(f"{_args.entry_point()}: arrays used as indices must be of integer (or boolean) type; got "
                         f"dtype {array.dtype}")
    if array.dtype.kind == "u":
        array = array.astype("int64")
    return constant(array)


def _is_array_index(k):
    if isinstance(k, TensorVariable):
        return True
    if isinstance(k, (list, np.ndarray)):
        return not (isinstance(k, np.ndarray) and k.ndim == 0 and k.dtype.kind in "iu")
    return isinstance(k, np.bool_)


def _advanced_key(key):
    """For an index with arrays (numpy's advanced indexing), the (entries, arrays) the engine takes; else None.

    Entries are numpy notation for integers and constant slices, ``"None"``,
    ``"..."``, and ``"*"`` where the next array goes.
    """
    items = key if isinstance(key, tuple) else (key,)
    if not any(_is_array_index(k) for k in items):
        return None
    entries, arrays = [], []
    for k in items:
        if _is_array_index(k):
            entries.append("*")
            arrays.append(_index_array(k)._v)
        elif k is None:
            entries.append("None")
        elif k is Ellipsis:
            entries.append("...")
        elif isinstance(k, slice):
            entries.append(slice_text(k))
        elif isinstance(k, (numbers.Integral, np.integer)) and not isinstance(k, (bool, np.bool_)):
            entries.append(str(int(k)))
        elif isinstance(k, np.ndarray):
            entries.append(str(int(k)))
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or "
                             f"boolean arrays are valid indices; got {type(k).__name__}")
    return entries, arrays
