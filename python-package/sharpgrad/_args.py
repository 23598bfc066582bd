"""Checks of the plain Python arguments of the public functions (axes, integers, dtypes, names, callables).

Every check raises a ``TypeError`` or ``ValueError`` whose message starts with the public function the user called
and names the argument, what it expects and what it got (``sum: axis must be an integer or a sequence of
integers; got 1.5``), instead of what the conversion underneath would say (``'float' object is not iterable``).
The function is found on the call stack (:func:`entry_point`) when the caller does not name it, so a helper shared
by many functions still names the right one.
"""

from __future__ import annotations

import numbers
import operator
import os
import sys
import types

import numpy as np

__all__ = ["entry_point", "argument_name", "integer", "real", "array", "optional_axis", "axes", "name", "dtype",
           "callable_arg", "argnums", "SUPPORTED_DTYPES", "INT64_MAX"]

SUPPORTED_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "float16", "float32", "float64",
                    "complex64", "complex128")
INT64_MAX = 2 ** 63 - 1

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _outermost_package_frame():
    """The frame of the sharpgrad function that code outside the package called (None when there is none)."""
    frame, entry = sys._getframe(1), None
    while frame is not None:
        if frame.f_code.co_filename.startswith(_PACKAGE):
            entry = frame
        elif entry is not None:
            break
        frame = frame.f_back
    return entry


def entry_point(default="sharpgrad"):
    """The name of the public sharpgrad function the user's code called, e.g. ``exp`` or ``TensorVariable.sum``."""
    frame = _outermost_package_frame()
    if frame is None:
        return default
    name = frame.f_code.co_name
    owner = frame.f_locals.get("self")
    if isinstance(owner, types.ModuleType):  # a callable package (sharpgrad.scan): named as the package
        return owner.__name__.rsplit(".", 1)[-1] if name == "__call__" else name
    if owner is not None and not name.startswith("<"):
        return f"{type(owner).__name__}.{name}"
    return name


def argument_name(value):
    """The name of the entry point's parameter that holds ``value`` (None when none or several do)."""
    frame = _outermost_package_frame()
    if frame is None:
        return None
    code = frame.f_code
    names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    matches = [n for n in names if n != "self" and frame.f_locals.get(n, _NOTHING) is value]
    if not matches:
        for n in names:
            held = frame.f_locals.get(n)
            if isinstance(held, (list, tuple)) and any(item is value for item in held):
                matches.append(n)
    return matches[0] if len(matches) == 1 else None


_NOTHING = object()


def _who(who):
    return who if who is not None else entry_point()


def _show(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def integer(value, what, who=None, minimum=None):
    """``value`` as an int (Python or numpy integers, 0-d integer arrays; not booleans); ``what`` names the argument."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iu":
        value = value.item()
    try:
        if isinstance(value, (bool, np.bool_)):
            raise TypeError
        result = operator.index(value)
    except TypeError:
        raise TypeError(f"{_who(who)}: {what} must be an integer; got {_show(value)} "
                        f"({type(value).__name__})") from None
    if minimum is not None and result < minimum:
        raise ValueError(f"{_who(who)}: {what} must be at least {minimum}; got {result}")
    return result


def real(value, what, who=None):
    """``value`` as a float (Python or numpy real numbers, 0-d real arrays)."""
    if isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        return float(value)
    raise TypeError(f"{_who(who)}: {what} must be a real number; got {_show(value)} ({type(value).__name__})")


def array(value, what, who=None, dtype=None):
    """``np.asarray(value, dtype)``, with numpy's refusal (a ragged list, strings) said in terms of the call."""
    try:
        return np.asarray(value, dtype=dtype)
    except (ValueError, TypeError, OverflowError) as error:
        raise TypeError(f"{_who(who)}: {what} cannot be made into an array ({error})") from None


def optional_axis(axis, who=None, what="axis"):
    """None, or ``axis`` as an int (a sequence of one integer is accepted, as Aesara does)."""
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)) and len(axis) == 1:
        axis = axis[0]
    return integer(axis, what, who)


def axes(axis, who=None, what="axis"):
    """None, or a list of ints, from Aesara's ``axis`` (None, an integer, or a sequence of integers)."""
    if axis is None:
        return None
    if isinstance(axis, (numbers.Integral, np.integer)) or (isinstance(axis, np.ndarray) and axis.ndim == 0):
        return [integer(axis, what, who)]
    if isinstance(axis, (list, tuple, np.ndarray, range)):
        return [integer(a, f"{what} item", who) for a in axis]
    raise TypeError(f"{_who(who)}: {what} must be an integer or a sequence of integers; got {_show(axis)} "
                    f"({type(axis).__name__})")


def argnums(value, what, who=None):
    """Argument positions (JAX's ``nondiff_argnums``/``static_argnums``) as a tuple of ints; one int is taken as a
    tuple of it."""
    if isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, bool):
        value = (value,)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{_who(who)}: {what} must be a tuple of ints; got {_show(value)} ({type(value).__name__})")
    return tuple(integer(i, f"{what} item", who) for i in value)


def name(value, who=None, what="name"):
    """``value`` if it is None or a string."""
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{_who(who)}: {what} must be a string or None; got {_show(value)} ({type(value).__name__})")


def dtype(value, who=None, what="dtype"):
    """The numpy name of a supported dtype given as a string, numpy dtype or type."""
    try:
        result = np.dtype(value).name
    except TypeError:
        result = None
    if result not in SUPPORTED_DTYPES:
        raise TypeError(f"{_who(who)}: {what} must be one of {', '.join(SUPPORTED_DTYPES)}; got {_show(value)}")
    return result


def callable_arg(value, what, who=None):
    """``value`` if it can be called."""
    if callable(value):
        return value
    raise TypeError(f"{_who(who)}: {what} must be callable; got {_show(value)} ({type(value).__name__})")
