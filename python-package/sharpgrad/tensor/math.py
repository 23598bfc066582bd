"""Element-wise functions, reductions and products (Aesara's ``aesara.tensor.math``)."""

from __future__ import annotations

from .._bridge import api, call
from .var import TensorVariable, as_tensor_variable, wrap

__all__ = ["add", "sub", "mul", "true_div", "neg", "exp", "log", "tanh", "sqr",
           "pow", "sum", "dot", "transpose", "cast", "ones_like", "zeros_like"]

from ._math_more import *  # noqa: E402,F401,F403  (comparisons, int_div, mod, abs, bitwise, mean, max)
from ._math_more import __all__ as _more_all  # noqa: E402

__all__ += _more_all


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


def sum(x, axis=None, dtype=None, keepdims=False, acc_dtype=None):  # noqa: A001 - Aesara's name
    """Sum of ``x`` over all axes, one axis or several (negative count from the end).

    Integers and booleans sum to int64, floats keep their dtype (Aesara's
    default accumulator); ``dtype`` casts the result.

    Parameters
    ----------
    x : TensorVariable
        The tensor to reduce.
    axis : int or sequence of int, optional
        The axes to sum over; all axes when None.
    dtype : str, optional
        The dtype of the result.
    keepdims : bool
        Keep the summed axes with length 1.
    """
    if acc_dtype is not None:
        raise NotImplementedError("sum: acc_dtype is not implemented")
    from ._math_more import _axes

    out = wrap(call(api.SumAxes, as_tensor_variable(x)._v, _axes(axis), bool(keepdims)))
    return out if dtype is None or out.dtype == str(dtype) else cast(out, dtype)


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


def _special(op, x):
    return wrap(call(api.SpecialUnary, op, as_tensor_variable(x)._v))


def softplus(x):
    """Element-wise ``log(1 + exp(x))``, computed without overflow."""
    return _special("softplus", x)


def sigmoid(x):
    """Element-wise logistic function ``1 / (1 + exp(-x))``."""
    return _special("sigmoid", x)


def log1p(x):
    """Element-wise ``log(1 + x)``, accurate for small ``x``."""
    return _special("log1p", x)


from .special import logsumexp  # noqa: E402  (defined with the other stable reductions)

__all__ += ["softplus", "sigmoid", "log1p", "logsumexp"]
