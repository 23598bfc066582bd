"""Type stubs for :mod:`sharpgrad.compile`: compilation of graphs into callable functions."""

from . import builders as builders
from . import sharedvalue as sharedvalue
from .builders import OpFromGraph as OpFromGraph
from .function import Function as Function
from .function import MissingInputError as MissingInputError
from .function import UnusedInputError as UnusedInputError
from .function import function as function
from . import io as io
from .io import In as In
from .sharedvalue import SharedVariable as SharedVariable
from .sharedvalue import shared as shared

__all__ = ["function", "Function", "MissingInputError", "UnusedInputError", "shared", "SharedVariable", "In",
           "OpFromGraph"]
