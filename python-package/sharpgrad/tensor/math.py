"""Element-wise functions, reductions and products (Aesara's ``aesara.tensor.math``)."""

from __future__ import annotations

import numbers

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
    """Element-wise ``a + b`` with broadcasting.

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        The sum, with the broadcast shape of ``a`` and ``b``.
    """
    return _binary("add", a, b)


def sub(a, b):
    """Element-wise ``a - b``.

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        The difference, with the broadcast shape of ``a`` and ``b``.
    """
    return _binary("sub", a, b)


def mul(a, b):
    """Element-wise ``a * b``.

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        The product, with the broadcast shape of ``a`` and ``b``.
    """
    return _binary("mul", a, b)


def true_div(a, b):
    """Element-wise true division (integers give floats).

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        The quotient (a float dtype), with the broadcast shape of ``a`` and ``b``.
    """
    return _binary("true_div", a, b)


def pow(a, b):  # noqa: A001 - Aesara's name
    """Element-wise ``a ** b``.

    Parameters
    ----------
    a, b : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        ``a ** b``, with the broadcast shape of ``a`` and ``b``.
    """
    return _binary("pow", a, b)


def neg(x):
    """Element-wise ``-x``.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``-x``, with ``x``'s shape.
    """
    return _unary("neg", x)


def exp(x):
    """Element-wise natural exponential.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``exp(x)``, with ``x``'s shape.
    """
    return _unary("exp", x)


def log(x):
    """Element-wise natural logarithm.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``log(x)``, with ``x``'s shape.
    """
    return _unary("log", x)


def tanh(x):
    """Element-wise hyperbolic tangent.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``tanh(x)``, with ``x``'s shape.
    """
    return _unary("tanh", x)


def sqr(x):
    """Element-wise square.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``x * x``, with ``x``'s shape.
    """
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
    acc_dtype : str, optional
        Not supported: must be None (the accumulator is the output dtype).

    Returns
    -------
    TensorVariable
        The sum over ``axis``.
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


def transpose(x, axes=None):
    """Permute the axes of ``x``: reverse them, or put them in the order ``axes`` gives (Aesara's ``transpose``).

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    axes : sequence of int, optional
        The new order of the axes: axis ``i`` of the result is axis
        ``axes[i]`` of ``x`` (negative numbers count from the end, as in
        numpy). None reverses them. As in Aesara this is a ``dimshuffle``,
        so ``'x'`` entries insert broadcastable axes.

    Returns
    -------
    TensorVariable
        ``x`` with its axes permuted (for a matrix and no ``axes``, its
        transpose).

    Raises
    ------
    ValueError
        When an axis is out of range or repeated.
    """
    x = as_tensor_variable(x)
    reverse = list(range(x.ndim - 1, -1, -1))
    if axes is None:
        result = wrap(call(api.Transpose, x._v))
    else:
        if isinstance(axes, (str, bytes)) or not hasattr(axes, "__iter__"):
            raise TypeError(f"transpose: axes must be a sequence of ints (or 'x'); got {axes!r:.60} "
                            f"({type(axes).__name__})")
        order = []
        for a in axes:
            if isinstance(a, str) and a == "x":
                order.append(a)
                continue
            if not isinstance(a, numbers.Integral) or isinstance(a, bool):
                raise TypeError(f"transpose: axes must be ints; got {a!r} in {axes!r}")
            if not -x.ndim <= a < x.ndim:
                raise ValueError(f"transpose: axis {a} is out of range for a tensor of {x.ndim} dimensions")
            order.append(int(a) % x.ndim)
        given = [a for a in order if a != "x"]
        if len(set(given)) != len(given):
            raise ValueError(f"transpose: repeated axis in {list(axes)!r}")
        result = x.dimshuffle(*order)
    if x.name and (axes is None or axes == reverse):  # Aesara names a full reversal (axes None or that list)
        result.name = x.name + ".T"
    return result


def cast(x, dtype):
    """Convert ``x`` to ``dtype`` (a numpy dtype name).

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    dtype : str or numpy dtype
        The target dtype, e.g. ``'float32'`` or ``'int64'``.

    Returns
    -------
    TensorVariable
        ``x``'s values in ``dtype``; ``x`` itself when it already has that dtype.
    """
    return wrap(call(api.Cast, as_tensor_variable(x)._v, str(dtype)))


def _special(op, x):
    return wrap(call(api.SpecialUnary, op, as_tensor_variable(x)._v))


def softplus(x):
    """Element-wise ``log(1 + exp(x))``, computed without overflow.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``log(1 + exp(x))``, with ``x``'s shape.
    """
    return _special("softplus", x)


def sigmoid(x):
    """Element-wise logistic function ``1 / (1 + exp(-x))``.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``1 / (1 + exp(-x))``, with ``x``'s shape.
    """
    return _special("sigmoid", x)


def log1p(x):
    """Element-wise ``log(1 + x)``, accurate for small ``x``.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``log(1 + x)``, with ``x``'s shape.
    """
    return _special("log1p", x)


from .special import logsumexp  # noqa: E402  (defined with the other stable reductions)

__all__ += ["softplus", "sigmoid", "log1p", "logsumexp"]


# Mathematical element-wise functions (C# ScalarOps.Math and ScalarOps.Ternary), applied by Aesara's names.

def _elementwise(op, *inputs):
    return wrap(call(api.Elementwise, op, [as_tensor_variable(x)._v for x in inputs]))


def exp2(a):
    """Element-wise ``2 ** a``.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``2 ** a``, with ``a``'s shape.
    """
    return _elementwise("exp2", a)


def expm1(a):
    """Element-wise ``exp(a) - 1``, accurate for small ``a``.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``exp(a) - 1``, with ``a``'s shape.
    """
    return _elementwise("expm1", a)


def log2(a):
    """Element-wise base-2 logarithm.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``log2(a)``, with ``a``'s shape.
    """
    return _elementwise("log2", a)


def log10(a):
    """Element-wise base-10 logarithm.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``log10(a)``, with ``a``'s shape.
    """
    return _elementwise("log10", a)


def sqrt(a):
    """Element-wise square root.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``sqrt(a)``, with ``a``'s shape.
    """
    return _elementwise("sqrt", a)


def reciprocal(a):
    """Element-wise ``1.0 / a`` (a float for integer ``a``).

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``1 / a``, with ``a``'s shape.
    """
    return _elementwise("reciprocal", a)


def sin(a):
    """Element-wise sine.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``sin(a)``, with ``a``'s shape.
    """
    return _elementwise("sin", a)


def cos(a):
    """Element-wise cosine.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``cos(a)``, with ``a``'s shape.
    """
    return _elementwise("cos", a)


def tan(a):
    """Element-wise tangent.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``tan(a)``, with ``a``'s shape.
    """
    return _elementwise("tan", a)


def arcsin(a):
    """Element-wise inverse sine.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``arcsin(a)``, with ``a``'s shape.
    """
    return _elementwise("arcsin", a)


def arccos(a):
    """Element-wise inverse cosine.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``arccos(a)``, with ``a``'s shape.
    """
    return _elementwise("arccos", a)


def arctan(a):
    """Element-wise inverse tangent.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``arctan(a)``, with ``a``'s shape.
    """
    return _elementwise("arctan", a)


def arctan2(a, b):
    """Element-wise arctangent of ``a / b`` in the quadrant of the point ``(b, a)``.

    Parameters
    ----------
    a : TensorVariable or array_like
        The ordinates (y).
    b : TensorVariable or array_like
        The abscissas (x); broadcast against ``a``.

    Returns
    -------
    TensorVariable
        The angles in radians, in ``[-pi, pi]``, with the broadcast shape.
    """
    return _elementwise("arctan2", a, b)


def sinh(a):
    """Element-wise hyperbolic sine.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``sinh(a)``, with ``a``'s shape.
    """
    return _elementwise("sinh", a)


def cosh(a):
    """Element-wise hyperbolic cosine.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``cosh(a)``, with ``a``'s shape.
    """
    return _elementwise("cosh", a)


def arcsinh(a):
    """Element-wise inverse hyperbolic sine.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``arcsinh(a)``, with ``a``'s shape.
    """
    return _elementwise("arcsinh", a)


def arccosh(a):
    """Element-wise inverse hyperbolic cosine.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``arccosh(a)``, with ``a``'s shape.
    """
    return _elementwise("arccosh", a)


def arctanh(a):
    """Element-wise inverse hyperbolic tangent.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``arctanh(a)``, with ``a``'s shape.
    """
    return _elementwise("arctanh", a)


def deg2rad(a):
    """Convert degrees to radians.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        The angles in radians, with ``a``'s shape.
    """
    return _elementwise("deg2rad", a)


def rad2deg(a):
    """Convert radians to degrees.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        The angles in degrees, with ``a``'s shape.
    """
    return _elementwise("rad2deg", a)


def erf(a):
    """Element-wise error function.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``erf(a)``, with ``a``'s shape.
    """
    return _elementwise("erf", a)


def erfc(a):
    """Element-wise complementary error function ``1 - erf(a)``.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``erfc(a)``, with ``a``'s shape.
    """
    return _elementwise("erfc", a)


def erfcx(a):
    """Element-wise scaled complementary error function ``exp(a**2) * erfc(a)``.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``erfcx(a)``, with ``a``'s shape.
    """
    return _elementwise("erfcx", a)


def erfinv(a):
    """Element-wise inverse error function.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``erfinv(a)``, with ``a``'s shape.
    """
    return _elementwise("erfinv", a)


def erfcinv(a):
    """Element-wise inverse complementary error function.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``erfcinv(a)``, with ``a``'s shape.
    """
    return _elementwise("erfcinv", a)


def gamma(a):
    """Element-wise gamma function.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``gamma(a)``, with ``a``'s shape.
    """
    return _elementwise("gamma", a)


def gammaln(a):
    """Element-wise ``log(|gamma(a)|)``.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``log(|gamma(a)|)``, with ``a``'s shape.
    """
    return _elementwise("gammaln", a)


def psi(a):
    """Element-wise digamma function, the derivative of ``gammaln``.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``digamma(a)``, with ``a``'s shape.
    """
    return _elementwise("psi", a)


digamma = psi


def tri_gamma(a):
    """Element-wise trigamma function, the second derivative of ``gammaln``.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``trigamma(a)``, with ``a``'s shape.
    """
    return _elementwise("tri_gamma", a)


def log1mexp(x):
    """Element-wise ``log(1 - exp(x))`` for ``x < 0``, computed stably.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``log(1 - exp(x))``, with ``x``'s shape.
    """
    return _elementwise("log1mexp", x)


def floor(a):
    """Element-wise floor (a float; the gradient is zero).

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        The floors, with ``a``'s shape.
    """
    return _elementwise("floor", a)


def ceil(a):
    """Element-wise ceiling (a float; the gradient is zero).

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        The ceilings, with ``a``'s shape.
    """
    return _elementwise("ceil", a)


def trunc(a):
    """Element-wise rounding toward zero (a float; the gradient is zero).

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        The values rounded toward zero, with ``a``'s shape.
    """
    return _elementwise("trunc", a)


def round_half_to_even(a):
    """Element-wise rounding, halves to the even integer (numpy's rule); float inputs only.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        The rounded values, with ``a``'s shape.
    """
    return _elementwise("round_half_to_even", a)


def round_half_away_from_zero(a):
    """Element-wise rounding, halves away from zero (C's ``round``); float inputs only.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        The rounded values, with ``a``'s shape.
    """
    return _elementwise("round_half_away_from_zero", a)


def round(a, mode=None):  # noqa: A001 - Aesara's name
    """``round_mode(a)`` with mode in ``half_away_from_zero`` and ``half_to_even`` (the default, as numpy).

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.
    mode : {'half_to_even', 'half_away_from_zero'}, optional
        How halves round; ``'half_to_even'`` when None.

    Returns
    -------
    TensorVariable
        The rounded values, with ``a``'s shape and dtype.

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
    """``cast(round(a, mode), 'int64')``.

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.
    mode : {'half_to_even', 'half_away_from_zero'}, optional
        How halves round; ``'half_to_even'`` when None.

    Returns
    -------
    TensorVariable
        The rounded values as int64, with ``a``'s shape.
    """
    return cast(round(a, mode), "int64")


def isnan(a):
    """Element-wise test for NaN (bool; always False for integers).

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        True where ``a`` is NaN (bool), with ``a``'s shape.
    """
    return _elementwise("isnan", a)


def isinf(a):
    """Element-wise test for infinity (bool; always False for integers).

    Parameters
    ----------
    a : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        True where ``a`` is infinite (bool), with ``a``'s shape.
    """
    return _elementwise("isinf", a)


def maximum(x, y):
    """Element-wise maximum (NaN where either is NaN). See ``max`` for the maximum of one tensor.

    The gradient goes to ``x`` where the result equals ``x`` (ties included) and to ``y`` elsewhere.

    Parameters
    ----------
    x, y : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        The larger of ``x`` and ``y`` at each position, with the broadcast shape.
    """
    return _elementwise("maximum", x, y)


def minimum(x, y):
    """Element-wise minimum (NaN where either is NaN); the gradient is routed as for ``maximum``.

    Parameters
    ----------
    x, y : TensorVariable or array_like
        The operands; they broadcast against each other as in numpy.

    Returns
    -------
    TensorVariable
        The smaller of ``x`` and ``y`` at each position, with the broadcast shape.
    """
    return _elementwise("minimum", x, y)


def clip(x, min, max):  # noqa: A002 - Aesara's names
    """Clip ``x`` to be between ``min`` and ``max``.

    Where ``x`` equals a bound the output counts as ``x``: there the gradient goes
    to ``x``, and ``min`` and ``max`` get zero.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    min, max : TensorVariable or array_like
        The lower and upper bounds; they broadcast against ``x``.

    Returns
    -------
    TensorVariable
        ``x`` clipped to ``[min, max]``, with the broadcast shape.
    """
    return _elementwise("clip", x, min, max)


def switch(cond, ift, iff):
    """Element-wise ``ift if cond else iff`` (numpy's ``where``); ``cond`` gets a zero gradient.

    Parameters
    ----------
    cond : TensorVariable or array_like
        The condition; non-zero picks ``ift``.
    ift, iff : TensorVariable or array_like
        The values where ``cond`` is true and where it is false.

    Returns
    -------
    TensorVariable
        The picked values, with the broadcast shape of the three inputs.
    """
    return _elementwise("switch", cond, ift, iff)


where = switch


def second(a, b):
    """``b`` broadcast to the shape of ``a`` (``a`` contributes only its shape).

    Parameters
    ----------
    a : TensorVariable or array_like
        Gives the shape (its values are not used).
    b : TensorVariable or array_like
        Gives the values; broadcast to ``a``'s shape.

    Returns
    -------
    TensorVariable
        ``b`` broadcast to the shape of ``a``, of ``b``'s dtype.
    """
    return wrap(call(api.Second, as_tensor_variable(a)._v, as_tensor_variable(b)._v))


fill = second


def zeros_like(model, dtype=None, opt=False):
    """Zeros with the shape of ``model`` and its dtype, or ``dtype``.

    Parameters
    ----------
    model : TensorVariable or array_like
        The tensor whose shape (and, by default, dtype) the result takes.
    dtype : str, optional
        The dtype of the result; ``model``'s when None.
    opt : bool
        Accepted for Aesara's signature; not used.

    Returns
    -------
    TensorVariable
        Zeros of ``model``'s shape.
    """
    return wrap(call(api.LikeOfDType, as_tensor_variable(model)._v, True, None if dtype is None else str(dtype)))


def ones_like(model, dtype=None, opt=False):
    """Ones with the shape of ``model`` and its dtype, or ``dtype``.

    Parameters
    ----------
    model : TensorVariable or array_like
        The tensor whose shape (and, by default, dtype) the result takes.
    dtype : str, optional
        The dtype of the result; ``model``'s when None.
    opt : bool
        Accepted for Aesara's signature; not used.

    Returns
    -------
    TensorVariable
        Ones of ``model``'s shape.
    """
    return wrap(call(api.LikeOfDType, as_tensor_variable(model)._v, False, None if dtype is None else str(dtype)))


def conjugate(x):
    """The complex conjugate; ``x`` itself for real tensors.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``x`` itself (real dtypes only).

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
