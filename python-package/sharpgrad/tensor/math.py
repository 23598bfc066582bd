"""Element-wise functions, reductions and products (Aesara's ``aesara.tensor.math``)."""

from __future__ import annotations

from .._bridge import api, call
from .var import TensorVariable, as_tensor_variable, wrap

__all__ = ["add", "sub", "mul", "true_div", "neg", "exp", "log", "tanh", "sqr",
           "pow", "sum", "dot", "transpose", "cast", "ones_like", "zeros_like"]


def _unary(op, x):
    return wrap(call(api.Unary, op, as_tensor_variable(x)._v))


def _binary(op, a, b):
    return wrap(call(api.Binary, op, as_tensor_variable(a)._v, as_tensor_variable(b)._v))


def add(a, b):
    """Element-wise ``a + b`` with broadcasting."""
    return _binary("add", a, b)


def sub(a, b):
    """Element-wise ``a - b``."""
    return _binary("sub", a, b)


def mul(a, b):
    """Element-wise ``a * b``."""
    return _binary("mul", a, b)


def true_div(a, b):
    """Element-wise true division (integers give floats)."""
    return _binary("true_div", a, b)


def pow(a, b):  # noqa: A001 - Aesara's name
    """Element-wise ``a ** b``."""
    return _binary("pow", a, b)


def neg(x):
    """Element-wise ``-x``."""
    return _unary("neg", x)


def exp(x):
    """Element-wise natural exponential."""
    return _unary("exp", x)


def log(x):
    """Element-wise natural logarithm."""
    return _unary("log", x)


def tanh(x):
    """Element-wise hyperbolic tangent."""
    return _unary("tanh", x)


def sqr(x):
    """Element-wise square."""
    return _unary("sqr", x)


def sum(x, axis=None, keepdims=False):  # noqa: A001 - Aesara's name
    """Sum of ``x`` over all axes, or over ``axis`` (negative counts from the end).

    Parameters
    ----------
    x : TensorVariable
        The tensor to reduce.
    axis : int, optional
        The axis to sum over; all axes when None.
    keepdims : bool
        Keep the summed axes with length 1.
    """
    if axis is not None and not isinstance(axis, int):
        raise NotImplementedError("sum: summing over several axes at once is not implemented yet; "
                                  f"got axis={axis!r}")
    return wrap(call(api.Sum, as_tensor_variable(x)._v, axis, bool(keepdims)))


def dot(a, b):
    """numpy's ``dot`` for vectors and matrices.

    Raises
    ------
    ValueError
        When the operands are not of rank 1 or 2 or their inner lengths differ.
    """
    return _binary("dot", a, b)


def transpose(x):
    """Reverse the axes of ``x``."""
    x = as_tensor_variable(x)
    return wrap(call(api.Transpose, x._v))


def cast(x, dtype):
    """Convert ``x`` to ``dtype`` (a numpy dtype name)."""
    return wrap(call(api.Cast, as_tensor_variable(x)._v, str(dtype)))


def ones_like(x):
    """Ones with the shape and dtype of ``x``."""
    return wrap(call(api.Like, as_tensor_variable(x)._v, False))


def zeros_like(x):
    """Zeros with the shape and dtype of ``x``."""
    return wrap(call(api.Like, as_tensor_variable(x)._v, True))
