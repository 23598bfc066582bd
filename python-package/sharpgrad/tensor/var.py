"""Symbolic tensors as Python objects: :class:`TensorVariable` and its operators."""

from __future__ import annotations

import numbers
import weakref

import numpy as np

from .. import _args
from .._bridge import api, c_array, call

__all__ = ["TensorVariable", "as_tensor_variable", "as_tensor", "constant", "wrap"]

# One Python object per engine variable, so identity (``is``, dict keys) means the same variable, as in Aesara.
_wrappers = weakref.WeakValueDictionary()


def slice_text(k):
    """A slice with constant integer bounds as the engine's index text ``start:stop:step``."""
    parts = []
    for bound in (k.start, k.stop, k.step):
        if bound is None:
            parts.append("")
        elif isinstance(bound, numbers.Integral) and not isinstance(bound, bool):
            parts.append(str(int(bound)))
        else:
            raise NotImplementedError(f"indexing: only constant integer slice bounds are supported; got {k!r}")
    if k.step == 0:
        raise ValueError("indexing: slice step cannot be zero")
    return ":".join(parts)


def wrap(handle):
    """The Python object for an engine variable (made once, then reused while alive).

    Parameters
    ----------
    handle : engine variable
        A variable of the .NET engine.

    Returns
    -------
    TensorVariable
        The one Python object for it (a :class:`SharedVariable` for a shared one).
    """
    key = int(handle.Id)
    found = _wrappers.get(key)
    if found is None:
        if api.IsShared(handle):
            from ..compile.sharedvalue import SharedVariable
            found = SharedVariable(handle)
        else:
            found = TensorVariable(handle)
        _wrappers[key] = found
    return found


class TensorVariable:
    """A symbolic tensor: a node of the engine's graph.

    Operators (``+ - * / ** -``) and methods build new graph nodes; values are
    computed only by a compiled :func:`sharpgrad.function`.
    """

    __slots__ = ("_v", "_fn_cache", "__weakref__")
    __array_priority__ = 1000  # numpy defers to our reflected operators

    def __init__(self, handle):
        self._v = handle

    @property
    def name(self):
        """The variable's name, or None."""
        return self._v.Name

    @name.setter
    def name(self, value):
        self._v.Name = value

    @property
    def dtype(self):
        """The numpy name of the element type, e.g. ``'float64'``."""
        return str(api.DTypeName(self._v))

    @property
    def ndim(self):
        """Number of dimensions."""
        return int(self._v.Ndim)

    @property
    def broadcastable(self):
        """Aesara's broadcastable pattern: True where the static length is 1."""
        return tuple(n == 1 for n in self.static_shape)

    @property
    def static_shape(self):
        """Static shape, with None where the length is known only at run time."""
        return tuple(None if n < 0 else int(n) for n in api.StaticShape(self._v))

    @property
    def type(self):
        """The variable's type: a ``TensorType(float64, (None,))``, or for gradient placeholders a
        ``DisconnectedType`` or ``NullType``."""
        kind = str(api.PlaceholderKind(self._v))
        if kind:
            from ..gradient import DisconnectedType, NullType
            return DisconnectedType() if kind == "disconnected" else NullType(str(api.NullWhy(self._v)))
        from .type import TensorType
        return TensorType(self.dtype, shape=self.static_shape)

    @property
    def T(self):  # noqa: N802 - numpy's name
        """The transpose (axes reversed)."""
        from .math import transpose
        return transpose(self)

    def transpose(self, *axes):
        """The axes permuted (reversed when none are given), as ``numpy.ndarray.transpose``.

        Parameters
        ----------
        *axes : int or sequence of int
            The new order of the axes, as separate ints or one sequence.

        Returns
        -------
        TensorVariable
        """
        from .math import transpose
        if len(axes) == 1 and isinstance(axes[0], (list, tuple)):
            axes = tuple(axes[0])
        return transpose(self, axes if axes else None)

    @property
    def shape(self):
        """The symbolic shape: an int64 vector (``x.shape[0]`` is an int64 scalar); disconnected for gradients."""
        from .shape import shape
        return shape(self)

    @property
    def size(self):
        """The symbolic number of elements (int64 scalar)."""
        from .shape import size
        return size(self)

    def sum(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        """Sum over all axes, one axis or a tuple of axes; see :func:`sharpgrad.tensor.sum`."""
        from .math import sum as sum_
        return sum_(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def mean(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        """Mean over all axes, one axis or a tuple of axes; see :func:`sharpgrad.tensor.mean`."""
        from .math import mean
        return mean(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def max(self, axis=None, keepdims=False):
        """Maximum over all axes, one axis or a tuple of axes; see :func:`sharpgrad.tensor.max`."""
        from .math import max as max_
        return max_(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        """Minimum over all axes, one axis or several; see :func:`sharpgrad.tensor.min`."""
        from ._reductions import min as min_
        return min_(self, axis=axis, keepdims=keepdims)

    def prod(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        """Product over all axes, one axis or several; see :func:`sharpgrad.tensor.prod`.

        Parameters
        ----------
        axis : int or sequence of int, optional
            The axes to reduce; all when None.
        dtype : str, optional
            The dtype of the result.
        keepdims : bool
            Keep the reduced axes with length 1.
        acc_dtype : str, optional
            Not supported: must be None.

        Returns
        -------
        TensorVariable
            The product over ``axis``.
        """
        from ._reductions import prod
        return prod(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def var(self, axis=None, ddof=0, keepdims=False, corrected=False):
        """Variance; see :func:`sharpgrad.tensor.var`."""
        from ._reductions import var
        return var(self, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected)

    def std(self, axis=None, ddof=0, keepdims=False, corrected=False):
        """Standard deviation; see :func:`sharpgrad.tensor.std`."""
        from ._reductions import std
        return std(self, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected)

    def argmax(self, axis=None, keepdims=False):
        """Position of the maximum (int64); see :func:`sharpgrad.tensor.argmax`."""
        from ._reductions import argmax
        return argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis=None, keepdims=False):
        """Position of the minimum (int64); see :func:`sharpgrad.tensor.argmin`."""
        from ._reductions import argmin
        return argmin(self, axis=axis, keepdims=keepdims)

    def all(self, axis=None, keepdims=False):
        """True where every element is non-zero; see :func:`sharpgrad.tensor.all`."""
        from ._reductions import all as all_
        return all_(self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False):
        """True where some element is non-zero; see :func:`sharpgrad.tensor.any`."""
        from ._reductions import any as any_
        return any_(self, axis=axis, keepdims=keepdims)

    def cumsum(self, axis=None):
        """Cumulative sum; see :func:`sharpgrad.tensor.extra_ops.cumsum`."""
        from ._cumulative import cumsum
        return cumsum(self, axis)

    def cumprod(self, axis=None):
        """Cumulative product; see :func:`sharpgrad.tensor.extra_ops.cumprod`."""
        from ._cumulative import cumprod
        return cumprod(self, axis)

    def reshape(self, *shape, ndim=None):
        """Reshape to ``shape`` (a tuple, a symbolic int vector, or the lengths as arguments); one length may be -1.

        Parameters
        ----------
        *shape : int, sequence of int and integer scalars, or TensorVariable
            The new lengths, as one tuple (or symbolic vector) or as separate
            arguments; one may be -1.
        ndim : int, optional
            The length of a symbolic shape vector of unknown length.

        Returns
        -------
        TensorVariable
            This variable's elements, in C order, in the new shape.
        """
        from .shape import reshape
        if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
            shape = shape[0]
        return reshape(self, shape, ndim=ndim)

    def flatten(self, ndim=1):
        """Keep the first ``ndim - 1`` axes and join the others (Aesara's ``flatten``).

        Parameters
        ----------
        ndim : int
            The rank of the result (1 or more).

        Returns
        -------
        TensorVariable
            A tensor of rank ``ndim``.
        """
        from .basic import flatten
        return flatten(self, ndim)

    def dimshuffle(self, *pattern):
        """Aesara's ``dimshuffle``: a permutation of the axes with ``'x'`` for new broadcastable axes.

        Axes left out must be broadcastable; they are dropped.

        Parameters
        ----------
        *pattern : int or 'x', or one list of them
            The new order of the axes; ``'x'`` inserts a broadcastable axis.

        Returns
        -------
        TensorVariable
            The variable with its axes rearranged.
        """
        if len(pattern) == 1 and isinstance(pattern[0], (list, tuple)):
            pattern = tuple(pattern[0])
        order = []
        for p in pattern:
            if p == "x":
                order.append(-1)
            elif isinstance(p, numbers.Integral) and not isinstance(p, bool):
                order.append(int(p))
            else:
                raise ValueError(f"dimshuffle: expected axis numbers or 'x'; got {p!r} in {pattern!r}")
        return wrap(call(api.DimShuffle, self._v, order))

    def astype(self, dtype):
        """Conversion to ``dtype``; see :func:`sharpgrad.tensor.cast`."""
        from .math import cast
        return cast(self, dtype)

    def eval(self, inputs_to_values=None):
        """Compute this variable's value (Aesara's ``Variable.eval``).

        Compiles ``function(inputs, self)`` for the keys of
        ``inputs_to_values`` and calls it with their values. The compiled
        function is cached on the variable per set of inputs, so a second
        ``eval`` with the same inputs only runs it.

        Parameters
        ----------
        inputs_to_values : dict, optional
            ``{input variable: value}`` for the inputs this variable depends on;
            leave it out for a graph of constants and shared variables only. A
            key may also be an input's name (as PyTensor allows), when exactly
            one input of the graph has that name.

        Returns
        -------
        numpy.ndarray

        Raises
        ------
        MissingInputError
            When the graph needs an input that has no value.
        UnusedInputError
            When a key is not part of the graph (as in Aesara).
        TypeError
            When ``inputs_to_values`` is not a dict, or a key is neither a
            variable nor a name.
        ValueError
            When a name matches no input of the graph, or several.
        """
        from ..compile.function import function

        given = {} if inputs_to_values is None else inputs_to_values
        if not isinstance(given, dict):
            raise TypeError(f"{self!r}.eval: inputs_to_values must be a dict {{variable: value}}; got "
                            f"{type(given).__name__}")
        values = {}
        for key, value in given.items():
            if isinstance(key, str):
                key = self._input_named(key)
            elif not isinstance(key, TensorVariable):
                raise TypeError(f"{self!r}.eval: the keys of inputs_to_values must be variables (or input names); got "
                                f"{key!r} of type {type(key).__name__}")
            values[key] = value
        inputs = tuple(sorted(values, key=id))
        cache = getattr(self, "_fn_cache", None)
        if cache is None:
            cache = self._fn_cache = {}
        if inputs not in cache:
            cache[inputs] = function(list(inputs), self)
        return cache[inputs](*[values[k] for k in inputs])

    def _input_named(self, name):
        """The one input (no owner, not a constant) of this variable's graph named ``name``."""
        from ..graph.basic import graph_inputs

        inputs = [v for v in graph_inputs([self]) if not _is_engine_constant(v._v)]
        found = [v for v in inputs if v.name == name]
        if len(found) != 1:
            names = sorted({v.name for v in inputs if v.name is not None})
            problem = "no input" if not found else f"{len(found)} inputs"
            raise ValueError(f"{self!r}.eval: expected one input named {name!r} in the graph; found {problem} with "
                             f"that name (named inputs: {names})")
        return found[0]

    @property
    def data(self):
        """A constant's value, as a new numpy array (Aesara's ``Constant.data``).

        Raises
        ------
        AttributeError
            For a variable that is not a constant (an input, a shared
            variable or a computed variable): use ``eval`` or ``get_value``.
        """
        if not _is_engine_constant(self._v):
            raise AttributeError(f"{self!r} is not a constant, so it has no data; compute it with .eval() (or "
                                 "get_value() for a shared variable)")
        from Gradient.Interop import PyResults

        from .._bridge import to_numpy

        return to_numpy(call(PyResults, [self._v.Value.clone()]))[0]

    value = property(data.fget, doc="A constant's value (Aesara's read-only ``Constant.value``, same as ``data``).")

    def zeros_like(self, dtype=None):
        """Zeros shaped like this variable (its dtype unless ``dtype`` is given).

        Parameters
        ----------
        dtype : str, optional
            The dtype of the result; this variable's when None.

        Returns
        -------
        TensorVariable
            The zeros.
        """
        from .math import zeros_like
        return zeros_like(self, dtype=dtype)

    def ones_like(self, dtype=None):
        """Ones shaped like this variable (its dtype unless ``dtype`` is given).

        Parameters
        ----------
        dtype : str, optional
            The dtype of the result; this variable's when None.

        Returns
        -------
        TensorVariable
            The ones.
        """
        from .math import ones_like
        return ones_like(self, dtype=dtype)

    def dot(self, other):
        """numpy's ``dot``; see :func:`sharpgrad.tensor.dot`.

        Parameters
        ----------
        other : TensorVariable or array_like
            The right operand.

        Returns
        -------
        TensorVariable
            ``dot(self, other)``.
        """
        from .math import dot
        return dot(self, other)

    def clip(self, a_min, a_max):
        """Clip to ``[a_min, a_max]``; see :func:`sharpgrad.tensor.clip`.

        Parameters
        ----------
        a_min, a_max : TensorVariable or array_like
            The bounds; they broadcast against this variable.

        Returns
        -------
        TensorVariable
            The clipped values.
        """
        from .math import clip
        return clip(self, a_min, a_max)

    def round(self, mode=None):
        """Round to integers (halves to even by default); see :func:`sharpgrad.tensor.round`."""
        from .math import round as round_
        return round_(self, mode)

    def conj(self):
        """The complex conjugate (the variable itself for real dtypes).

        Returns
        -------
        TensorVariable
            This variable (real dtypes only).
        """
        from .math import conj
        return conj(self)

    conjugate = conj

    def __floor__(self):
        from .math import floor
        return floor(self)

    def __ceil__(self):
        from .math import ceil
        return ceil(self)

    def __trunc__(self):
        from .math import trunc
        return trunc(self)

    def __getitem__(self, key):
        """numpy indexing: integers (negative count from the end), slices with constant bounds and steps of
        either sign, ``None``/``np.newaxis``, ``...``, and advanced indices: integer arrays (lists, numpy
        arrays or symbolic integer tensors, broadcast together) and boolean masks, mixed with the others.

        Raises
        ------
        IndexError
            For too many indices, an index outside a known length, or a non-integer array.
        NotImplementedError
            For symbolic slice bounds.
        """
        from .subtensor import _advanced_key
        advanced = _advanced_key(key)
        if advanced is not None:
            return wrap(call(api.AdvancedIndex, self._v, advanced[0], advanced[1]))
        return wrap(call(api.Index, self._v, _index_entries(key, self.ndim)))

    def repeat(self, repeats, axis=None):
        """numpy's ``repeat``; see :func:`sharpgrad.tensor.extra_ops.repeat`."""
        from .extra_ops import repeat
        return repeat(self, repeats, axis)

    def take(self, indices, axis=None, mode="raise"):
        """numpy's ``take``; see :func:`sharpgrad.tensor.subtensor.take`."""
        from .subtensor import take
        return take(self, indices, axis, mode)

    def squeeze(self, axis=None):
        """Drop broadcastable axes (all of them, or those in ``axis``); see :func:`sharpgrad.tensor.extra_ops.squeeze`."""
        from .extra_ops import squeeze
        return squeeze(self, axis)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        """numpy's ``diagonal``: diagonal ``offset`` of the plane (axis1, axis2) as the last axis.

        Parameters
        ----------
        offset : int
            The diagonal: 0 the main one, positive above it, negative below.
        axis1, axis2 : int
            The plane the diagonal is taken in.

        Returns
        -------
        TensorVariable
            The diagonal, as the last axis after the other axes.
        """
        return wrap(call(api.Diagonal, self._v, _args.integer(offset, "offset"), _args.integer(axis1, "axis1"),
                                _args.integer(axis2, "axis2")))

    def __iter__(self):
        length = self.static_shape[0] if self.ndim > 0 else None
        if length is None:
            raise TypeError("a symbolic tensor can be iterated only along a first axis of known static length")
        for i in range(length):
            yield self[i]

    def __len__(self):
        raise TypeError("len() of a symbolic tensor is unknown; use x.shape[0]")

    def __repr__(self):
        """Aesara's text for a variable (``str`` is the same).

        The name when it has one; ``TensorConstant{2.0}`` for a constant
        (``name{2.0}`` when named, ``TensorConstant{(3,) of 1.0}`` when all
        elements are equal, long values cut to ``first10..last10``);
        ``<TensorType(float64, (None,))>`` for an unnamed input or shared
        variable; ``Op.index`` (e.g. ``Elemwise{add}.0``) for a computed one.
        """
        if _is_engine_constant(self._v):
            return f"{self.name if self.name is not None else 'TensorConstant'}{{{_constant_text(self.data)}}}"
        if self.name is not None:
            return self.name
        if self._v.Owner is None and not str(api.PlaceholderKind(self._v)):
            return f"<{self.type}>"
        return str(self._v.ToString())

    __str__ = __repr__

    def __hash__(self):
        return hash(int(self._v.Id))

    @property
    def owner(self):
        """The :class:`~sharpgrad.graph.basic.Apply` node that computes this variable, or None."""
        from ..graph.basic import Apply
        return None if self._v.Owner is None else Apply._wrap(self._v.Owner)

    def __bool__(self):
        raise TypeError("a symbolic variable has no truth value; compile a function to get values")

    def __int__(self):
        raise TypeError(f"int(): {self!r} is a symbolic variable and has no value yet; compile a function (or call "
                        ".eval()) to get one")

    def __float__(self):
        raise TypeError(f"float(): {self!r} is a symbolic variable and has no value yet; compile a function (or call "
                        ".eval()) to get one")

    def __complex__(self):
        raise TypeError(f"complex(): {self!r} is a symbolic variable and has no value yet; compile a function (or "
                        "call .eval()) to get one")

    # Arithmetic: each builds one element-wise node, as Aesara's operators do.
    def __add__(self, other):
        return _binary("add", self, other)

    def __radd__(self, other):
        return _binary("add", other, self)

    def __sub__(self, other):
        return _binary("sub", self, other)

    def __rsub__(self, other):
        return _binary("sub", other, self)

    def __mul__(self, other):
        return _binary("mul", self, other)

    def __rmul__(self, other):
        return _binary("mul", other, self)

    def __truediv__(self, other):
        return _binary("true_div", self, other)

    def __rtruediv__(self, other):
        return _binary("true_div", other, self)

    def __floordiv__(self, other):
        return _binary2("int_div", self, other)

    def __rfloordiv__(self, other):
        return _binary2("int_div", other, self)

    def __mod__(self, other):
        return _binary2("mod", self, other)

    def __rmod__(self, other):
        return _binary2("mod", other, self)

    def __pow__(self, other):
        return _binary("pow", self, other)

    def __rpow__(self, other):
        return _binary("pow", other, self)

    def __matmul__(self, other):
        return _matmul(self, other)

    def __rmatmul__(self, other):
        return _matmul(other, self)

    def __neg__(self):
        return wrap(call(api.Unary, "neg", self._v))

    def __pos__(self):
        return self

    def __abs__(self):
        return wrap(call(api.Unary2, "abs", self._v))

    # Comparisons give bool tensors. Like Aesara, ``==`` and ``!=`` keep Python's identity meaning (variables are
    # dict keys); use ``eq`` and ``neq`` for element-wise equality.
    def __lt__(self, other):
        return _binary2("lt", self, other)

    def __le__(self, other):
        return _binary2("le", self, other)

    def __gt__(self, other):
        return _binary2("gt", self, other)

    def __ge__(self, other):
        return _binary2("ge", self, other)

    # Bitwise (logical on bools), for integer and bool tensors.
    def __and__(self, other):
        return _binary2("and_", self, other)

    def __rand__(self, other):
        return _binary2("and_", other, self)

    def __or__(self, other):
        return _binary2("or_", self, other)

    def __ror__(self, other):
        return _binary2("or_", other, self)

    def __xor__(self, other):
        return _binary2("xor", self, other)

    def __rxor__(self, other):
        return _binary2("xor", other, self)

    def __invert__(self):
        return wrap(call(api.Unary2, "invert", self._v))


def _is_engine_constant(handle):
    """True when the engine variable ``handle`` is a constant (it holds a value)."""
    return handle.Owner is None and str(handle.GetType().Name) == "Constant"


def _constant_text(data):
    """A constant's value as Aesara prints it inside ``TensorConstant{...}``."""
    flat = data.ravel()
    if data.ndim > 0 and flat.size and bool((flat == flat[0]).all()):
        text = f"{data.shape} of {flat[0]}"
    else:
        text = f"{data}"
    return text[:10] + ".." + text[-10:] if len(text) > 20 else text


_INT_DTYPES = ("int8", "int16", "int32", "int64")


def _autocast(x):
    """A Python number as Aesara 2.9 types it (``aesara.scalar.basic.convert`` with ``cast_policy='custom'``).

    A Python int takes the smallest of int8, int16, int32, int64 that holds it
    (``autocast_int``). A Python float becomes float32 when ``config.floatX`` is
    float32; otherwise float32 if float32 represents it exactly (2.0, 0.5, inf),
    else float64 (0.1, nan) (``autocast_float``). numpy scalars and arrays keep
    their dtype; other sequences go through ``np.asarray`` (an empty one is
    floatX).
    """
    import sharpgrad

    if isinstance(x, (np.ndarray, np.generic)):
        return np.asarray(x)
    if isinstance(x, numbers.Integral) and not isinstance(x, bool):
        for dtype in _INT_DTYPES:
            info = np.iinfo(dtype)
            if info.min <= x <= info.max:
                return np.asarray(x, dtype=dtype)
        raise TypeError(f"{_args.entry_point()}: the integer {x} does not fit int64 (Aesara would make it uint64, "
                        "which this engine does not support)")
    if isinstance(x, float):
        with np.errstate(over="ignore"):
            if sharpgrad.config.floatX == "float32":
                return np.asarray(x, dtype="float32")  # Aesara's unsafe downcast to floatX
            single = np.asarray(x, dtype="float32")
        return single if single == x else np.asarray(x, dtype="float64")
    array = np.asarray(x)
    if array.size == 0 and not hasattr(x, "dtype"):
        array = np.asarray(x, dtype=sharpgrad.config.floatX)
    return array


def constant(x, name=None, ndim=None, dtype=None):
    """A constant tensor holding a copy of ``x`` (a number or array-like), typed as Aesara types it.

    Parameters
    ----------
    x : number, numpy array or nested sequence
        The value. Python numbers are autocast (see ``_autocast``): ``constant(2)``
        is int8, ``constant(2.0)`` float32, ``constant(0.1)`` float64.
    name : str, optional
    ndim : int, optional
        Pad the value with leading axes of length 1 up to this rank.
    dtype : str, optional
        Force the dtype instead of autocasting.

    Returns
    -------
    TensorVariable
        The new constant.
    """
    who, what = _args.entry_point(), _value_name(x)
    try:
        array = c_array(x, dtype=_args.dtype(dtype, who)) if dtype is not None else _autocast(x)
        if ndim is not None:
            ndim = _args.integer(ndim, "ndim", who, minimum=0)
            if array.ndim > ndim:
                raise ValueError(f"{who}: {what} of rank {array.ndim} cannot be cast to {ndim} dimensions")
            array = array.reshape((1,) * (ndim - array.ndim) + array.shape)
        array = c_array(array)
    except MemoryError as error:
        raise MemoryError(f"{who}: copying {what} needs more memory than there is ({error})") from None
    except (ValueError, TypeError, OverflowError) as error:
        if str(error).startswith(f"{who}:"):
            raise
        raise type(error)(f"{who}: {what} cannot be made into a numeric array ({error})") from None
    if array.dtype.kind not in "biufc" or array.dtype.name not in _args.SUPPORTED_DTYPES:
        raise TypeError(f"{who}: {what} must be numeric, of dtype {', '.join(_args.SUPPORTED_DTYPES)}; got dtype "
                        f"{array.dtype}")
    handle = call(api.ArrayConstant, array.ctypes.data, list(array.shape), array.dtype.name, _args.name(name, who))
    return wrap(handle)


def _value_name(value):
    """How a message names the argument holding ``value``: its parameter name, or "the value"."""
    name = _args.argument_name(value)
    return name if name is not None else "the value"


def as_tensor_variable(x, name=None, ndim=None, dtype=None):
    """Return ``x`` as a :class:`TensorVariable` (Aesara's ``as_tensor_variable``).

    Python numbers become constants typed as Aesara types them: ints take the
    smallest fitting integer type, floats float32 when exact (or when floatX is
    float32), else float64; the result dtype of an operation is then numpy's
    promotion of the operand dtypes (``bvector * 2.0`` is float32, ``ivector *
    2.0`` float64, ``fvector * 0.1`` float64, ``fvector * 0.5`` float32).

    Parameters
    ----------
    x : TensorVariable, number, numpy array or nested sequence
        The value; a list of symbolic integer scalars makes a shape vector.
    name : str, optional
        A name for a new constant.
    ndim : int, optional
        Pad with leading broadcastable axes up to this rank.
    dtype : str, optional
        Convert to this dtype.

    Returns
    -------
    TensorVariable
        ``x`` itself when it is a variable of that rank and dtype, else a new
        variable.

    Raises
    ------
    TypeError
        For ``True``/``False`` (as Aesara: use ``np.array(True)``) and for
        values that are not numbers or arrays.
    """
    if isinstance(x, TensorVariable):
        if ndim is not None and x.ndim != ndim:
            if x.ndim > ndim:
                raise ValueError(f"{_args.entry_point()}: {x!r} has {x.ndim} dimensions; expected {ndim}")
            x = x.dimshuffle(*(["x"] * (ndim - x.ndim) + list(range(x.ndim))))
        if dtype is not None and x.dtype != _args.dtype(dtype):
            x = x.astype(_args.dtype(dtype))
        return x
    if isinstance(x, bool):
        raise TypeError("Cannot cast True or False as a tensor variable. Please use np.array(True) or "
                        "np.array(False) if you need these constants. This error might be caused by using the "
                        "== operator on Variables. v == w does not do what you think it does, use "
                        "sharpgrad.tensor.eq(v, w) instead.")
    if isinstance(x, (list, tuple)) and any(isinstance(v, TensorVariable) for v in x):
        items = [as_tensor_variable(v) for v in x]
        if all(v.ndim == 0 and v.dtype.startswith(("int", "uint")) for v in items):
            return wrap(call(api.MakeVector, [v._v for v in items]))
        raise NotImplementedError("as_tensor_variable: a list of symbolic variables is supported only for "
                                  "integer scalars (a shape)")
    if isinstance(x, (numbers.Number, np.ndarray, np.generic, list, tuple)):
        return constant(x, name=name, ndim=ndim, dtype=dtype)
    raise TypeError(f"{_args.entry_point()}: {_value_name(x)} must be a TensorVariable, number or array; got "
                    f"{type(x).__name__}")


as_tensor = as_tensor_variable


def _binary(op, a, b):
    return wrap(call(api.Binary, op, as_tensor_variable(a)._v, as_tensor_variable(b)._v))


def _matmul(a, b):
    """``a @ b``: the ``Dot`` op for ranks up to 2, numpy's ``matmul`` (batched) above."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim > 2 or b.ndim > 2:
        from ._reductions import matmul
        return matmul(a, b)
    return _binary("dot", a, b)


def _binary2(op, a, b):
    return wrap(call(api.Binary2, op, as_tensor_variable(a)._v, as_tensor_variable(b)._v))


def _index_entries(key, ndim):
    """A basic index as numpy-notation strings for the engine ("2", "1:5:-1", "None")."""
    if not isinstance(key, tuple):
        key = (key,)
    if sum(k is Ellipsis for k in key) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    entries = []
    for k in key:
        if k is Ellipsis:
            entries += [":"] * max(ndim - used, 0)
        elif k is None:
            entries.append("None")
        elif isinstance(k, slice):
            entries.append(slice_text(k))
        elif isinstance(k, numbers.Integral) and not isinstance(k, bool):
            entries.append(str(int(k)))
        else:
            raise NotImplementedError(f"indexing: only integers, slices, None and ... are supported (basic "
                                      f"indexing); got {type(k).__name__}")
    return entries
