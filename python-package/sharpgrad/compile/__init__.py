"""Compilation of graphs into callable functions (Aesara's ``aesara.compile``)."""

from .function import Function, MissingInputError, UnusedInputError, function
from .sharedvalue import SharedVariable, shared

__all__ = ["function", "Function", "MissingInputError", "UnusedInputError", "shared", "SharedVariable"]
