"""``sharpgrad.compile.function.types``: the module path where Aesara keeps ``UnusedInputError``.

Aesara's ``aesara.compile.function`` is a package with a ``types`` module;
here ``sharpgrad.compile.function`` is a single module, so this module is
registered in ``sys.modules`` under that dotted name. Then
``from sharpgrad.compile.function.types import UnusedInputError`` (what
``from aesara.compile.function.types import UnusedInputError`` becomes)
works unchanged.
"""

from __future__ import annotations

import sys

from ..graph.utils import InconsistencyError, MissingInputError
from .function import AliasedMemoryError, Function, FunctionMaker, UnusedInputError

__all__ = ["UnusedInputError", "AliasedMemoryError", "MissingInputError", "InconsistencyError", "Function",
           "FunctionMaker"]

sys.modules["sharpgrad.compile.function.types"] = sys.modules[__name__]
