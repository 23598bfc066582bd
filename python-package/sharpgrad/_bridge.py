"""The one place where Python meets .NET.

Starts the .NET runtime (through :mod:`sharpgrad._loader`), loads the
``Gradient.Interop`` assembly from the build output, and converts .NET
exceptions into the Python exceptions Aesara users expect.  Array data
crosses by pointer: numpy buffers are read and written by address, never
converted element by element.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ._loader import load_clr

__all__ = ["api", "call", "bin_dir", "to_numpy", "c_array"]

_ASSEMBLY = "Gradient.Interop"


def bin_dir() -> Path:
    """Return the folder that holds ``Gradient.Interop.dll`` and its dependencies.

    Looked up in order: the ``SHARPGRAD_BIN_DIR`` environment variable, a
    ``_bin`` folder inside the package, and ``out/bin`` of the source checkout
    an editable install points into.
    """
    candidates = []
    if os.environ.get("SHARPGRAD_BIN_DIR"):
        candidates.append(Path(os.environ["SHARPGRAD_BIN_DIR"]))
    here = Path(__file__).resolve().parent
    candidates += [here / "_bin", here.parent.parent / "out" / "bin"]
    for folder in candidates:
        if (folder / f"{_ASSEMBLY}.dll").is_file():
            return folder
    raise ImportError(
        "sharpgrad: cannot find the .NET assemblies (Gradient.Interop.dll); "
        f"looked in {', '.join(str(c) for c in candidates)}. Run `make build` "
        "in the source tree or set SHARPGRAD_BIN_DIR.")


def _load():
    folder = bin_dir()
    load_clr(str(folder / f"{_ASSEMBLY}.runtimeconfig.json"),
             str(folder / "Python.Runtime.dll"))
    import clr  # noqa: E402  (available only after load_clr)
    clr.AddReference(str(folder / f"{_ASSEMBLY}.dll"))
    import System
    from Gradient.Interop import PyApi
    return System, PyApi


System, api = _load()


# .NET exception types and the Python exceptions Aesara raises in their place. A type not listed maps as its
# nearest listed base type does (``GraphJsonException`` is a ``FormatException``, so a ValueError); the engine's
# own exceptions map to the classes named after Aesara's, looked up late because those modules import this one.
_BUILTIN_EXCEPTIONS = {
    "ArgumentNullException": TypeError,
    "ArgumentOutOfRangeException": ValueError,
    "ArgumentException": ValueError,
    "FormatException": ValueError,
    "NotImplementedException": NotImplementedError,
    "NotSupportedException": NotImplementedError,
    "InvalidCastException": TypeError,
    "IndexOutOfRangeException": IndexError,
    "KeyNotFoundException": KeyError,
    "DivideByZeroException": ZeroDivisionError,
    "OverflowException": OverflowError,
    "ArithmeticException": ArithmeticError,
    "OutOfMemoryException": MemoryError,
    "InsufficientExecutionStackException": RecursionError,
}


def _engine_exceptions():
    from .compile.function import UnusedInputError
    from .gradient import DisconnectedInputError, NullTypeGradError
    from .graph.serialize import GraphFormatError
    from .graph.utils import MissingInputError

    return {
        "NullTypeGradException": NullTypeGradError,
        "DisconnectedInputException": DisconnectedInputError,
        "MissingInputException": MissingInputError,
        "UnusedInputException": UnusedInputError,
        "GraphJsonException": GraphFormatError,
    }


def _innermost(exc):
    """The exception that matters: reflection and task wrappers (``TargetInvocationException``, an
    ``AggregateException`` of one) are peeled off."""
    while True:
        name = type(exc).__name__
        if name in ("TargetInvocationException", "TypeInitializationException") and exc.InnerException is not None:
            exc = exc.InnerException
        elif name == "AggregateException" and exc.InnerExceptions.Count == 1:
            exc = exc.InnerExceptions[0]
        else:
            return exc


def _message(exc):
    """The .NET message without what only a .NET developer reads: the ``(Parameter 'x')`` suffix of argument
    exceptions and the C++ backtrace libtorch appends (``Exception raised from ...``)."""
    message = str(exc.Message)
    param = getattr(exc, "ParamName", None)
    if param:
        suffix = f" (Parameter '{param}')"
        if message.endswith(suffix):
            message = message[:-len(suffix)]
    cut = message.find("\nException raised from ")
    return message[:cut] if cut >= 0 else message


def _verbosity():
    import sys

    config = getattr(sys.modules.get("sharpgrad"), "config", None)
    return getattr(config, "exception_verbosity", "low")


def _python_exception(exc):
    """Map a .NET exception to the Python exception a user of Aesara expects.

    Parameters
    ----------
    exc : System.Exception
        The exception a .NET call raised.

    Returns
    -------
    BaseException
        Of the class Aesara raises in that case (``DisconnectedInputError``,
        ``ValueError`` for a bad argument, ``TypeError`` for a bad type, ...;
        ``RuntimeError`` for anything unforeseen), carrying the .NET message,
        which says what was expected and what was given. When
        ``sharpgrad.config.exception_verbosity`` is ``'high'``, the .NET
        exception type and stack trace are appended; otherwise nothing of
        .NET shows.
    """
    exc = _innermost(exc)
    message = _message(exc)
    details = None
    if _verbosity() == "high":
        details = f".NET exception (config.exception_verbosity='high'):\n{exc.ToString()}"
        message = f"{message}\n\n{details}"
    name = type(exc).__name__
    if name == "OpContractException":
        return (TypeError if str(exc.PythonKind) == "TypeError" else ValueError)(message)
    if name == "GradientException":
        from .gradient import GradientError

        error = GradientError(int(exc.Arg), int(exc.ErrPos), tuple(int(n) for n in exc.Shape), float(exc.Val1),
                              float(exc.Val2), float(exc.AbsErr), float(exc.RelErr), float(exc.AbsTol),
                              float(exc.RelTol))
        if details is not None:
            error.args = (details,)
        return error
    mapping = {**_BUILTIN_EXCEPTIONS, **_engine_exceptions()}
    net_type = exc.GetType()
    while net_type is not None:
        python_type = mapping.get(str(net_type.Name))
        if python_type is not None:
            return python_type(message)
        net_type = net_type.BaseType
    return RuntimeError(message)


def call(method, *args):
    """Call a .NET method, re-raising its exceptions as Python ones.

    The Python exception is raised ``from None``: no .NET stack trace or
    chained .NET exception shows, unless ``sharpgrad.config.exception_verbosity``
    is ``'high'``, which appends the .NET type and stack trace to the message
    (see :func:`_python_exception`). Python exceptions raised inside Python
    callbacks (a custom Op's ``perform``) pass through unchanged.

    Parameters
    ----------
    method : callable
        A .NET method (or any callable).
    *args
        Its arguments.

    Returns
    -------
    object
        What ``method`` returns.
    """
    try:
        return method(*args)
    except System.Exception as exc:  # noqa: B902 - .NET exceptions only
        raise _python_exception(exc) from None


# numpy names of the engine's DType enum, in its order (kernels/DType.cs).
DTYPE_NAMES = ("bool", "int8", "int16", "int32", "int64", "uint8", "float16", "float32", "float64",
               "complex64", "complex128")
DTYPE_INDEX = {name: i for i, name in enumerate(DTYPE_NAMES)}


def to_numpy(results):
    """Copy the tensors of a .NET ``PyResults`` into new numpy arrays and free them (two crossings in all)."""
    try:
        layout = list(call(results.Layout))
    except BaseException:
        results.Dispose()
        raise
    arrays, at = [], 1
    for _ in range(layout[0]):
        dtype, rank = DTYPE_NAMES[layout[at]], layout[at + 1]
        arrays.append(np.empty(tuple(layout[at + 2:at + 2 + rank]), dtype=dtype))
        at += 2 + rank
    call(results.CopyAllAndDispose, [a.ctypes.data for a in arrays])
    return arrays


def c_array(value, dtype=None):
    """``value`` as an aligned C-contiguous numpy array (0-d stays 0-d, unlike ``np.ascontiguousarray``)."""
    return np.require(np.asarray(value, dtype=dtype), requirements="CA")


def as_long_array(values):
    """A .NET ``long[]`` from Python ints (numpy ints included)."""
    return System.Array[System.Int64]([int(v) for v in values])
