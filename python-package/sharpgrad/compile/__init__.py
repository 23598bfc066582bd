"""Compilation of graphs into callable functions (Aesara's ``aesara.compile``)."""

from .function import Function, MissingInputError, UnusedInputError, function
from .io import In
from .sharedvalue import SharedVariable, shared
from .builders import OpFromGraph
from . import _function_types  # noqa: F401,E402  (registers sharpgrad.compile.function.types)
from . import io  # noqa: F401,E402

# As in Aesara, ``sharpgrad.compile.function`` is the function itself (it hides the module of that name); it
# carries ``types`` so that ``sharpgrad.compile.function.types`` and ``import sharpgrad.compile.function.types
# as t`` reach that module too.
function.types = _function_types

__all__ = ["function", "Function", "MissingInputError", "UnusedInputError", "shared", "SharedVariable", "In",
           "OpFromGraph"]
