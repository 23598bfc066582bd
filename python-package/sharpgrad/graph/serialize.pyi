"""Type stubs for :mod:`sharpgrad.graph.serialize`: graphs to and from JSON."""

import os
from typing import Any, Iterable, List, Sequence, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike

from ..tensor.var import TensorVariable

__all__ = ["GraphFormatError", "dump", "load", "save", "load_file", "dump_values", "load_values"]

FORMAT: str
VALUES_FORMAT: str
VERSION: int

_Variables = Union[TensorVariable, Iterable[TensorVariable]]
_Path = Union[str, "os.PathLike[str]"]

class GraphFormatError(ValueError):
    """A graph or values document that cannot be read."""

def dump(inputs: _Variables, outputs: _Variables) -> str: ...
def load(text: Union[str, bytes]) -> Tuple[List[TensorVariable], List[TensorVariable]]: ...
def save(path: _Path, inputs: _Variables, outputs: _Variables) -> None: ...
def load_file(path: _Path) -> Tuple[List[TensorVariable], List[TensorVariable]]: ...
def dump_values(values: Iterable[ArrayLike]) -> str: ...
def load_values(text: Union[str, bytes]) -> List[np.ndarray[Any, Any]]: ...
