"""Compilation of graphs into callable functions (Aesara's ``aesara.compile``)."""

from .function import Function, MissingInputError, UnusedInputError, function
from .sharedvalue import SharedVariable, shared
from .builders import OpFromGraph
from . import _function_types  # noqa: F401,E402  (registers sharpgrad.compile.function.types)

__all__ = ["function", "Function", "MissingInputError", "UnusedInputError", "shared", "SharedVariable",
           "OpFromGraph"]
