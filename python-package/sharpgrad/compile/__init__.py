"""Compilation of graphs into callable functions (Aesara's ``aesara.compile``)."""

from .function import Function, MissingInputError, function

__all__ = ["function", "Function", "MissingInputError"]
