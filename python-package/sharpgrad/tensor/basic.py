"""Tensor construction and restructuring (Aesara's ``aesara.tensor.basic``)."""

from __future__ import annotations

import numbers

import numpy as np

from .. import _args
from .._bridge import api, call
from .var import TensorVariable, as_tensor, as_tensor_variable, constant, wrap
from .math import fill, ones_like, second, switch, where, zeros_like  # noqa: F401  (Aesara has them in basic)

__all__ = ["as_tensor_variable", "as_tensor", "constant", "flatten", "alloc", "zeros", "ones", "eye", "identity_like",
           "tri", "tril", "triu", "join", "concatenate", "stack", "split", "arange", "diag", "roll", "tile",
           "specify_shape", "unbroadcast", "rebroadcast", "scalar_from_tensor", "tensor_from_scalar",
           "permute_row_elements", "inverse_permutation"]


def flatten(x, ndim=1):
    """Keep the first ``ndim - 1`` axes of ``x`` and join the others into one (Aesara's ``flatten``).

    ``flatten(x)`` is a vector of all elements in C order; ``flatten(x, 2)`` of a
    rank-3 tensor has shape ``(a, b * c)``.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    ndim : int
        The rank of the result (1 or more).

    Returns
    -------
    TensorVariable
        A tensor of rank ``ndim`` with ``x``'s elements in C order.
    """
    return wrap(call(api.Flatten, as_tensor_variable(x)._v, _args.integer(ndim, "ndim")))


def _float_x():
    import sharpgrad
    return sharpgrad.config.floatX


def _dtype_name(dtype):
    return None if dtype is None else _args.dtype(dtype)


def _int_scalar(v, what):
    """A Python or numpy integer as an int64 constant; a symbolic integer scalar as it is."""
    if isinstance(v, TensorVariable):
        if v.ndim != 0 or not v.dtype.startswith(("int", "uint")):
            raise TypeError(f"{what}: expected an integer scalar; got {v.type}")
        return v
    if isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return constant(np.int64(v))
    if isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "iu":
        return constant(v.astype("int64"))
    raise TypeError(f"{what}: expected an integer or a symbolic integer scalar; got {v!r}")


def _shape_items(shape, what):
    """A shape (an int, a sequence of ints and integer scalars, or a symbolic integer vector) as integer scalars."""
    if isinstance(shape, TensorVariable) and shape.ndim == 1:
        if shape.static_shape[0] is None:
            raise ValueError(f"{what}: a symbolic shape vector needs a static length; got {shape.type}")
        return [shape[i] for i in range(shape.static_shape[0])]
    if isinstance(shape, (numbers.Integral, np.integer, TensorVariable)):
        shape = [shape]
    return [_int_scalar(n, what) for n in shape]


def alloc(value, *shape):
    """A new tensor of the given shape filled with ``value`` broadcast numpy-style (Aesara's ``alloc``).

    Lengths may be symbolic integer scalars, e.g. ``alloc(0.0, x.shape[0], 3)``;
    only axes of ``value`` whose static length is 1 broadcast.

    Parameters
    ----------
    value : TensorVariable or array_like
        The fill value; broadcast numpy-style to ``shape``.
    *shape : int or TensorVariable
        The lengths, one per axis of the result (integer scalars may be symbolic).

    Returns
    -------
    TensorVariable
        A new tensor of that shape, of ``value``'s dtype.
    """
    items = [_int_scalar(n, "alloc") for n in shape]
    return wrap(call(api.Alloc, as_tensor_variable(value)._v, [v._v for v in items]))


def zeros(shape, dtype=None):
    """Zeros of ``shape`` (an int, a tuple, or ``x.shape``) and ``dtype`` (floatX by default).

    Parameters
    ----------
    shape : int, sequence of int and integer scalars, or TensorVariable
        The lengths.
    dtype : str, optional
        The dtype; ``config.floatX`` when None.

    Returns
    -------
    TensorVariable
        The zeros.
    """
    return alloc(np.array(0, dtype=_dtype_name(dtype) or _float_x()), *_shape_items(shape, "zeros"))


def ones(shape, dtype=None):
    """Ones of ``shape`` (an int, a tuple, or ``x.shape``) and ``dtype`` (floatX by default).

    Parameters
    ----------
    shape : int, sequence of int and integer scalars, or TensorVariable
        The lengths.
    dtype : str, optional
        The dtype; ``config.floatX`` when None.

    Returns
    -------
    TensorVariable
        The ones.
    """
    return alloc(np.array(1, dtype=_dtype_name(dtype) or _float_x()), *_shape_items(shape, "ones"))


def eye(n, m=None, k=0, dtype=None):
    """An ``n`` x ``m`` matrix with ones on diagonal ``k`` (above the main one when positive), zeros elsewhere.

    Parameters
    ----------
    n : int or TensorVariable
        The number of rows.
    m : int or TensorVariable, optional
        The number of columns; ``n`` when None.
    k : int or TensorVariable
        The diagonal: 0 the main one, positive above it, negative below.
    dtype : str, optional
        The dtype; ``config.floatX`` when None.

    Returns
    -------
    TensorVariable
        The ``n`` x ``m`` matrix.
    """
    n = _int_scalar(n, "eye")
    m = n if m is None else _int_scalar(m, "eye")
    return wrap(call(api.Eye, n._v, m._v, _int_scalar(k, "eye")._v, _dtype_name(dtype) or _float_x()))


def identity_like(x, dtype=None):
    """The identity matrix shaped like the matrix ``x``, of ``x``'s dtype unless ``dtype`` is given.

    Parameters
    ----------
    x : TensorVariable or array_like
        A matrix; only its shape is used.
    dtype : str, optional
        The dtype; ``x``'s when None.

    Returns
    -------
    TensorVariable
        The identity matrix of ``x``'s shape.
    """
    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise ValueError(f"identity_like: expected a matrix; got {x.type}")
    return eye(x.shape[0], x.shape[1], k=0, dtype=dtype or x.dtype)


def tri(N, M=None, k=0, dtype=None):  # noqa: N803 - Aesara's argument names
    """An ``N`` x ``M`` matrix with ones at and below diagonal ``k`` (numpy's ``tri``).

    Parameters
    ----------
    N : int or TensorVariable
        The number of rows.
    M : int or TensorVariable, optional
        The number of columns; ``N`` when None.
    k : int or TensorVariable
        The diagonal at and below which the ones are: 0 the main one, positive above it.
    dtype : str, optional
        The dtype; ``config.floatX`` when None.

    Returns
    -------
    TensorVariable
        The ``N`` x ``M`` matrix.
    """
    n = _int_scalar(N, "tri")
    m = n if M is None else _int_scalar(M, "tri")
    return wrap(call(api.Tri, n._v, m._v, _int_scalar(k, "tri")._v, _dtype_name(dtype) or _float_x()))


def tril(m, k=0):
    """The lower triangle of the last two axes of ``m``: ``m * tri(rows, cols, k)``, as Aesara builds it.

    Parameters
    ----------
    m : TensorVariable or array_like
        A tensor of rank 2 or more.
    k : int
        The diagonal at and below which elements are kept.

    Returns
    -------
    TensorVariable
        ``m`` with the elements above diagonal ``k`` zeroed.
    """
    m = as_tensor_variable(m)
    if m.ndim < 2:
        raise ValueError(f"tril: expected a tensor of rank >= 2; got {m.type}")
    return m * tri(m.shape[-2], m.shape[-1], k=k, dtype=m.dtype)


def triu(m, k=0):
    """The upper triangle of the last two axes of ``m``: ``m * (1 - tri(rows, cols, k - 1))``, as Aesara builds it.

    Parameters
    ----------
    m : TensorVariable or array_like
        A tensor of rank 2 or more.
    k : int
        The diagonal at and above which elements are kept.

    Returns
    -------
    TensorVariable
        ``m`` with the elements below diagonal ``k`` zeroed.
    """
    m = as_tensor_variable(m)
    if m.ndim < 2:
        raise ValueError(f"triu: expected a tensor of rank >= 2; got {m.type}")
    return m * (constant(np.array(1, dtype=m.dtype)) - tri(m.shape[-2], m.shape[-1], k=k - 1, dtype=m.dtype))


def join(axis, *tensors_list):
    """Concatenate tensors of one rank along ``axis`` (Aesara's ``join``); one tensor is returned as it is.

    The result has the promoted dtype of the inputs; ``axis`` must be a Python int.

    Parameters
    ----------
    axis : int
        The axis to concatenate along (a Python int).
    *tensors_list : TensorVariable or array_like
        The tensors; all of one rank, with equal lengths off ``axis``.

    Returns
    -------
    TensorVariable
        The concatenation.
    """
    if not tensors_list:
        raise ValueError("join: expected at least one tensor")
    if not isinstance(axis, (numbers.Integral, np.integer)):
        raise NotImplementedError(f"join: only a constant integer axis is supported; got {axis!r}")
    tensors = [as_tensor_variable(t) for t in tensors_list]
    if len(tensors) == 1:
        return tensors[0]
    return wrap(call(api.Join, _args.integer(axis, "axis"), [t._v for t in tensors]))


def concatenate(tensor_list, axis=0):
    """numpy's ``concatenate`` (Aesara's ``concatenate``): ``join(axis, *tensor_list)``.

    Parameters
    ----------
    tensor_list : list or tuple of TensorVariable
        The tensors to join.
    axis : int
        The axis to concatenate along.

    Returns
    -------
    TensorVariable
        The concatenation.
    """
    if not isinstance(tensor_list, (tuple, list)):
        raise TypeError("The 'tensors' argument must be either a tuple or a list, make sure you did not forget () "
                        "or [] around arguments of concatenate.", tensor_list)
    return join(axis, *tensor_list)


def stack(*tensors, **kwargs):
    """Stack tensors of one shape along a new axis: ``stack([a, b], axis=0)`` (Aesara's ``stack``).

    Aesara's older form ``stack(a, b, c)`` is accepted too.

    Parameters
    ----------
    *tensors : TensorVariable or array_like
        The tensors, all of one shape; or one list of them.
    **kwargs
        Only ``axis`` (int, default 0): where the new axis goes.

    Returns
    -------
    TensorVariable
        A tensor of one rank more than the inputs.
    """
    axis = kwargs.pop("axis", 0)
    if kwargs:
        raise TypeError(f"stack: unexpected keyword arguments {sorted(kwargs)}")
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise ValueError("stack: expected at least one tensor")
    items = [as_tensor_variable(t) for t in tensors]
    return wrap(call(api.Stack, [t._v for t in items], _args.integer(axis, "axis")))


def split(x, splits_size, n_splits, axis=0):
    """Split ``x`` along ``axis`` into ``n_splits`` pieces of the lengths ``splits_size`` (Aesara's ``split``).

    ``splits_size`` is a sequence of ints or a symbolic integer vector; returns
    a list of ``n_splits`` tensors.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    splits_size : sequence of int and integer scalars, or TensorVariable
        The length of each piece; they add up to ``x``'s length along ``axis``.
    n_splits : int
        The number of pieces.
    axis : int
        The axis to split along.

    Returns
    -------
    list of TensorVariable
        The ``n_splits`` pieces.
    """
    x = as_tensor_variable(x)
    if isinstance(splits_size, TensorVariable):
        sizes = splits_size
    elif any(isinstance(n, TensorVariable) for n in splits_size):
        sizes = as_tensor_variable([_int_scalar(n, "split") for n in splits_size])
    else:
        sizes = constant(np.asarray(splits_size, dtype="int64").reshape(-1))
    return [wrap(v) for v in call(api.Split, x._v, sizes._v, _args.integer(n_splits, "n_splits", minimum=1),
                                                   _args.integer(axis, "axis"))]


def arange(start, stop=None, step=1, dtype=None):
    """numpy's ``arange`` (Aesara's ``arange``): ``start + i * step`` for ``i < ceil((stop - start) / step)``.

    The dtype defaults to the promotion of the inputs' dtypes (Python ints are
    autocast, so ``arange(5)`` is int8, as in Aesara). An integer arange of
    constants is a constant.

    Parameters
    ----------
    start : TensorVariable or array_like
        The first value; with ``stop`` None, the end (and the start is 0).
    stop : TensorVariable or array_like, optional
        The end (excluded).
    step : TensorVariable or array_like
        The spacing.
    dtype : str, optional
        The dtype; the promotion of the inputs' dtypes when None.

    Returns
    -------
    TensorVariable
        The vector of values.
    """
    if stop is None:
        start, stop = 0, start
    items = [as_tensor_variable(v) for v in (start, stop, step)]
    return wrap(call(api.ARange, items[0]._v, items[1]._v, items[2]._v, _dtype_name(dtype)))


def diag(v, k=0):
    """numpy's ``diag``: a vector gives the matrix with it on diagonal ``k``, a matrix gives its diagonal ``k``.

    Parameters
    ----------
    v : TensorVariable or array_like
        A vector or a matrix.
    k : int
        The diagonal: 0 the main one, positive above it, negative below.

    Returns
    -------
    TensorVariable
        A matrix for a vector ``v``, a vector for a matrix ``v``.
    """
    v = as_tensor_variable(v)
    if v.ndim not in (1, 2):
        raise ValueError(f"diag: v must be 1- or 2-d; got {v.type}")
    return wrap(call(api.Diag, v._v, _args.integer(k, "k")))


def roll(x, shift, axis=None):
    """numpy's ``roll``: elements shifted by ``shift`` (an int or symbolic integer scalar) along ``axis``.

    Elements leaving one end come back at the other; with ``axis=None`` the
    flattened tensor is rolled and the shape restored.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    shift : int or TensorVariable
        How far to shift (negative: toward the start).
    axis : int, optional
        The axis to roll along; the flattened tensor when None.

    Returns
    -------
    TensorVariable
        The rolled tensor, with ``x``'s shape.
    """
    x = as_tensor_variable(x)
    return wrap(call(api.Roll, x._v, _int_scalar(shift, "roll")._v, _args.optional_axis(axis)))


def tile(x, reps, ndim=None):
    """numpy's ``tile``: ``x`` repeated ``reps[i]`` times along axis ``i`` (Aesara's ``tile``).

    ``reps`` is an int, a sequence of ints and integer scalars, or a symbolic
    integer vector of static length; shorter ``reps`` or ``x`` get leading ones.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    reps : int, sequence of int and integer scalars, or TensorVariable
        The repetitions per axis.
    ndim : int, optional
        The rank of the result; from ``x`` and ``reps`` when None.

    Returns
    -------
    TensorVariable
        The tiled tensor.
    """
    x = as_tensor_variable(x)
    items = _shape_items(reps, "tile")
    return wrap(call(api.Tile, x._v, [r._v for r in items], None if ndim is None else _args.integer(ndim, "ndim")))


def specify_shape(x, shape):
    """``x`` with its static shape set to ``shape`` (ints, None for unknown, or integer scalars), checked at run time.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    shape : int, sequence of int, None and integer scalars, or TensorVariable
        One length (or None for unknown) per axis of ``x``.

    Returns
    -------
    TensorVariable
        ``x`` with the static shape; a run-time check raises for another shape.
    """
    x = as_tensor_variable(x)
    if isinstance(shape, (numbers.Integral, np.integer)):
        shape = (shape,)
    if isinstance(shape, TensorVariable):
        shape = _shape_items(shape, "specify_shape")
    items = [None if n is None else _int_scalar(n, "specify_shape")._v for n in shape]
    if len(items) != x.ndim:
        raise ValueError(f"specify_shape: expected {x.ndim} lengths for {x.type}; got {len(items)}")
    return wrap(call(api.SpecifyShape, x._v, items))


def unbroadcast(x, *axes):
    """``x`` with the static length 1 of ``axes`` forgotten, so they no longer broadcast (Aesara's ``unbroadcast``).

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    *axes : int
        The axes to make non-broadcastable.

    Returns
    -------
    TensorVariable
        ``x`` with those static lengths unknown.
    """
    x = as_tensor_variable(x)
    return wrap(call(api.Unbroadcast, x._v, [int(a) for a in axes]))


def rebroadcast(x, *axes):
    """Aesara 2.8's name of :func:`unbroadcast` (takes axes, not ``(axis, bool)`` pairs)."""
    return unbroadcast(x, *axes)


def scalar_from_tensor(x):
    """Aesara's ``scalar_from_tensor``; this engine has no separate scalar type, so it is the identity on 0-d tensors.

    Parameters
    ----------
    x : TensorVariable or array_like
        A 0-d tensor.

    Returns
    -------
    TensorVariable
        ``x`` as a 0-d tensor.
    """
    return wrap(call(api.ScalarTensor, as_tensor_variable(x)._v, True))


def tensor_from_scalar(x):
    """Aesara's ``tensor_from_scalar``; the identity on 0-d tensors here.

    Parameters
    ----------
    x : TensorVariable or array_like
        A 0-d tensor.

    Returns
    -------
    TensorVariable
        ``x`` as a 0-d tensor.
    """
    return wrap(call(api.ScalarTensor, as_tensor_variable(x)._v, False))


def permute_row_elements(x, y, inverse=0):
    """Permute the last axis of ``x`` by the integer permutations ``y`` (broadcast on the other axes).

    ``out[..., i] = x[..., y[..., i]]``, or with ``inverse`` true
    ``out[..., y[..., i]] = x[..., i]``.

    Parameters
    ----------
    x : TensorVariable or array_like
        The tensor whose last axis is permuted.
    y : TensorVariable or array_like
        Integer permutations of ``range(x.shape[-1])``; broadcast against ``x``'s other axes.
    inverse : bool or int
        Apply the inverse permutations.

    Returns
    -------
    TensorVariable
        The permuted tensor.
    """
    return wrap(call(api.PermuteRowElements, as_tensor_variable(x)._v, as_tensor_variable(y)._v, bool(inverse)))


def inverse_permutation(perm):
    """The inverse of the permutation vector(s) ``perm``: ``permute_row_elements(arange(n), perm, inverse=True)``.

    Parameters
    ----------
    perm : TensorVariable or array_like
        An integer vector (or a batch of them) holding a permutation of ``range(n)``.

    Returns
    -------
    TensorVariable
        The inverse permutation(s), of ``perm``'s shape.
    """
    return wrap(call(api.InversePermutation, as_tensor_variable(perm)._v))
