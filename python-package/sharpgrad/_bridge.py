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


def _python_exception(exc):
    """Map a .NET exception to the Python exception a user of Aesara expects."""
    from .compile.function import MissingInputError, UnusedInputError  # late imports: both import this module
    from .gradient import DisconnectedInputError, NullTypeGradError

    name = type(exc).__name__
    message = str(exc.Message)
    if name == "OpContractException":
        return (TypeError if str(exc.PythonKind) == "TypeError" else ValueError)(message)
    mapping = {
        "NullTypeGradException": NullTypeGradError,
        "DisconnectedInputException": DisconnectedInputError,
        "MissingInputException": MissingInputError,
        "UnusedInputException": UnusedInputError,
        "ArgumentNullException": TypeError,
        "ArgumentOutOfRangeException": ValueError,
        "ArgumentException": ValueError,
        "NotImplementedException": NotImplementedError,
        "NotSupportedException": NotImplementedError,
        "InvalidCastException": TypeError,
        "IndexOutOfRangeException": IndexError,
        "DivideByZeroException": ZeroDivisionError,
    }
    return mapping.get(name, RuntimeError)(message)


def call(method, *args):
    """Call a .NET method, re-raising its exceptions as Python ones.

    The .NET stack trace is dropped: the message says what was expected and
    what was given.
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
