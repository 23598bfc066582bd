"""Symbolic tensors as Python objects: :class:`TensorVariable` and its operators."""

from __future__ import annotations

import numbers
import weakref

import numpy as np

from .._bridge import api, c_array, call

__all__ = ["TensorVariable", "as_tensor_variable", "constant", "wrap"]

# One Python object per engine variable, so identity (``is``, dict keys) means the same variable, as in Aesara.
_wrappers = weakref.WeakValueDictionary()


def wrap(handle):
    """The Python object for an engine variable (made once, then reused while alive)."""
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

    __slots__ = ("_v", "__weakref__")
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
        """Aesara-style type description, e.g. ``TensorType(float64, (None,))``."""
        return str(self._v.Type.ToString())

    @property
    def T(self):  # noqa: N802 - numpy's name
        """The transpose (axes reversed)."""
        from .math import transpose
        return transpose(self)

    def sum(self, axis=None, keepdims=False):
        """Sum over all axes or one axis; see :func:`sharpgrad.tensor.sum`."""
        from .math import sum as sum_
        return sum_(self, axis=axis, keepdims=keepdims)

    def dot(self, other):
        """numpy's ``dot``; see :func:`sharpgrad.tensor.dot`."""
        from .math import dot
        return dot(self, other)

    def __repr__(self):
        return self.name if self.name is not None else str(self._v.ToString())

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

    def __pow__(self, other):
        return _binary("pow", self, other)

    def __rpow__(self, other):
        return _binary("pow", other, self)

    def __neg__(self):
        return wrap(call(api.Unary, "neg", self._v))


def constant(value, name=None, dtype=None):
    """A constant tensor holding a copy of ``value`` (a number or array-like)."""
    array = c_array(value, dtype=dtype)
    if array.dtype == np.float16 or array.dtype.kind not in "biufc":
        raise TypeError(f"constant: expected a numeric array; got dtype {array.dtype}")
    handle = call(api.ArrayConstant, array.ctypes.data, list(array.shape), array.dtype.name, name)
    return TensorVariable(handle)


def as_tensor_variable(x):
    """Return ``x`` as a :class:`TensorVariable`.

    Bare Python numbers become weak constants that, as in Aesara, do not
    upcast the tensors they meet (``fvector * 2.0`` stays float32).
    """
    if isinstance(x, TensorVariable):
        return x
    if isinstance(x, bool):
        return constant(np.bool_(x))
    if isinstance(x, numbers.Integral) and not isinstance(x, np.integer):
        return wrap(call(api.IntConstant, int(x)))
    if isinstance(x, float):  # np.float64 is a float subclass: both are bare numbers here
        return wrap(call(api.FloatConstant, float(x)))
    if isinstance(x, (np.ndarray, np.generic, list, tuple)):
        return constant(x)
    raise TypeError(f"as_tensor_variable: expected a TensorVariable, number or array; got {type(x).__name__}")


def _binary(op, a, b):
    return wrap(call(api.Binary, op, as_tensor_variable(a)._v, as_tensor_variable(b)._v))
