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


# Mathematical element-wise functions (C# ScalarOps.Math and ScalarOps.Ternary), applied by Aesara's names.

def _elementwise(op, *inputs):
    return wrap(call(api.Elementwise, op, [as_tensor_variable(x)._v for x in inputs]))


def exp2(a):
    """Element-wise ``2 ** a``."""
    return _elementwise("exp2", a)


def expm1(a):
    """Element-wise ``exp(a) - 1``, accurate for small ``a``."""
    return _elementwise("expm1", a)


def log2(a):
    """Element-wise base-2 logarithm."""
    return _elementwise("log2", a)


def log10(a):
    """Element-wise base-10 logarithm."""
    return _elementwise("log10", a)


def sqrt(a):
    """Element-wise square root."""
    return _elementwise("sqrt", a)


def reciprocal(a):
    """Element-wise ``1.0 / a`` (a float for integer ``a``)."""
    return _elementwise("reciprocal", a)


def sin(a):
    """Element-wise sine."""
    return _elementwise("sin", a)


def cos(a):
    """Element-wise cosine."""
    return _elementwise("cos", a)


def tan(a):
    """Element-wise tangent."""
    return _elementwise("tan", a)


def arcsin(a):
    """Element-wise inverse sine."""
    return _elementwise("arcsin", a)


def arccos(a):
    """Element-wise inverse cosine."""
    return _elementwise("arccos", a)


def arctan(a):
    """Element-wise inverse tangent."""
    return _elementwise("arctan", a)


def arctan2(a, b):
    """Element-wise arctangent of ``a / b`` in the quadrant of the point ``(b, a)``."""
    return _elementwise("arctan2", a, b)


def sinh(a):
    """Element-wise hyperbolic sine."""
    return _elementwise("sinh", a)


def cosh(a):
    """Element-wise hyperbolic cosine."""
    return _elementwise("cosh", a)


def arcsinh(a):
    """Element-wise inverse hyperbolic sine."""
    return _elementwise("arcsinh", a)


def arccosh(a):
    """Element-wise inverse hyperbolic cosine."""
    return _elementwise("arccosh", a)


def arctanh(a):
    """Element-wise inverse hyperbolic tangent."""
    return _elementwise("arctanh", a)


def deg2rad(a):
    """Convert degrees to radians."""
    return _elementwise("deg2rad", a)


def rad2deg(a):
    """Convert radians to degrees."""
    return _elementwise("rad2deg", a)


def erf(a):
    """Element-wise error function."""
    return _elementwise("erf", a)


def erfc(a):
    """Element-wise complementary error function ``1 - erf(a)``."""
    return _elementwise("erfc", a)


def erfcx(a):
    """Element-wise scaled complementary error function ``exp(a**2) * erfc(a)``."""
    return _elementwise("erfcx", a)


def erfinv(a):
    """Element-wise inverse error function."""
    return _elementwise("erfinv", a)


def erfcinv(a):
    """Element-wise inverse complementary error function."""
    return _elementwise("erfcinv", a)


def gamma(a):
    """Element-wise gamma function."""
    return _elementwise("gamma", a)


def gammaln(a):
    """Element-wise ``log(|gamma(a)|)``."""
    return _elementwise("gammaln", a)


def psi(a):
    """Element-wise digamma function, the derivative of ``gammaln``."""
    return _elementwise("psi", a)


digamma = psi


def tri_gamma(a):
    """Element-wise trigamma function, the second derivative of ``gammaln``."""
    return _elementwise("tri_gamma", a)


def log1mexp(x):
    """Element-wise ``log(1 - exp(x))`` for ``x < 0``, computed stably."""
    return _elementwise("log1mexp", x)


def floor(a):
    """Element-wise floor (a float; the gradient is zero)."""
    return _elementwise("floor", a)


def ceil(a):
    """Element-wise ceiling (a float; the gradient is zero)."""
    return _elementwise("ceil", a)


def trunc(a):
    """Element-wise rounding toward zero (a float; the gradient is zero)."""
    return _elementwise("trunc", a)


def round_half_to_even(a):
    """Element-wise rounding, halves to the even integer (numpy's rule); float inputs only."""
    return _elementwise("round_half_to_even", a)


def round_half_away_from_zero(a):
    """Element-wise rounding, halves away from zero (C's ``round``); float inputs only."""
    return _elementwise("round_half_away_from_zero", a)


def round(a, mode=None):  # noqa: A001 - Aesara's name
    """``round_mode(a)`` with mode in ``half_away_from_zero`` and ``half_to_even`` (the default, as numpy).

    Raises
    ------
    ValueError
        For another mode.
    """
    if mode is None:
        mode = "half_to_even"
    if mode == "half_away_from_zero":
        return round_half_away_from_zero(a)
    if mode == "half_to_even":
        return round_half_to_even(a)
    raise ValueError(f"round mode {mode} is not implemented.")


def iround(a, mode=None):
    """``cast(round(a, mode), 'int64')``."""
    return cast(round(a, mode), "int64")


def isnan(a):
    """Element-wise test for NaN (bool; always False for integers)."""
    return _elementwise("isnan", a)


def isinf(a):
    """Element-wise test for infinity (bool; always False for integers)."""
    return _elementwise("isinf", a)


def maximum(x, y):
    """Element-wise maximum (NaN where either is NaN). See ``max`` for the maximum of one tensor.

    The gradient goes to ``x`` where the result equals ``x`` (ties included) and to ``y`` elsewhere.
    """
    return _elementwise("maximum", x, y)


def minimum(x, y):
    """Element-wise minimum (NaN where either is NaN); the gradient is routed as for ``maximum``."""
    return _elementwise("minimum", x, y)


def clip(x, min, max):  # noqa: A002 - Aesara's names
    """Clip ``x`` to be between ``min`` and ``max``.

    Where ``x`` equals a bound the output counts as ``x``: there the gradient goes
    to ``x``, and ``min`` and ``max`` get zero.
    """
    return _elementwise("clip", x, min, max)


def switch(cond, ift, iff):
    """Element-wise ``ift if cond else iff`` (numpy's ``where``); ``cond`` gets a zero gradient."""
    return _elementwise("switch", cond, ift, iff)


where = switch


def second(a, b):
    """``b`` broadcast to the shape of ``a`` (``a`` contributes only its shape)."""
    return wrap(call(api.Second, as_tensor_variable(a)._v, as_tensor_variable(b)._v))


fill = second


def zeros_like(model, dtype=None, opt=False):
    """Zeros with the shape of ``model`` and its dtype, or ``dtype``."""
    return wrap(call(api.LikeOfDType, as_tensor_variable(model)._v, True, None if dtype is None else str(dtype)))


def ones_like(model, dtype=None, opt=False):
    """Ones with the shape of ``model`` and its dtype, or ``dtype``."""
    return wrap(call(api.LikeOfDType, as_tensor_variable(model)._v, False, None if dtype is None else str(dtype)))


def conjugate(x):
    """The complex conjugate; ``x`` itself for real tensors.

    Raises
    ------
    NotImplementedError
        For complex tensors.
    """
    x = as_tensor_variable(x)
    if x.dtype.startswith("complex"):
        raise NotImplementedError("conj: complex tensors are not supported")
    return x


conj = conjugate
square = sqr
expit = sigmoid
log1pexp = softplus

__all__ += ["exp2", "expm1", "log2", "log10", "sqrt", "reciprocal", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
            "arctan2", "sinh", "cosh", "arcsinh", "arccosh", "arctanh", "deg2rad", "rad2deg", "erf", "erfc", "erfcx",
            "erfinv", "erfcinv", "gamma", "gammaln", "psi", "digamma", "tri_gamma", "log1mexp", "floor", "ceil",
            "trunc", "round_half_to_even", "round_half_away_from_zero", "round", "iround", "isnan", "isinf", "maximum",
            "minimum", "clip", "switch", "where", "second", "fill", "conjugate", "conj", "square", "expit",
            "log1pexp"]
from ._reductions import *  # noqa: E402,F401,F403  (prod, var, std, min, argmax, matmul, tensordot, ...; dot)
