"""Type stubs for :mod:`sharpgrad.graph.fg`: ``FunctionGraph``."""

from typing import Any, List, Set

from ..tensor.var import TensorVariable
from .basic import Apply
from .utils import InconsistencyError as InconsistencyError
from .utils import MissingInputError as MissingInputError

__all__ = ["FunctionGraph", "InconsistencyError", "MissingInputError"]

class FunctionGraph:
    """A read-only view of a compiled function's rewritten graph."""

    def __init__(self, handle: Any) -> None: ...
    @property
    def inputs(self) -> List[TensorVariable]: ...
    @property
    def outputs(self) -> List[TensorVariable]: ...
    def toposort(self) -> List[Apply]: ...
    @property
    def apply_nodes(self) -> Set[Apply]: ...
