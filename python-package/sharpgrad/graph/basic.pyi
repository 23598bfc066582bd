"""Type stubs for :mod:`sharpgrad.graph.basic`: graph nodes as Python objects."""

from typing import Any, Iterable, List, Optional, Sequence, Tuple, Union

from numpy.typing import ArrayLike

from ..tensor.type import TensorType
from ..tensor.var import TensorVariable, _TensorLike
from .op import Op

__all__ = ["Apply", "Constant", "Variable", "ancestors", "graph_inputs", "OpView"]

Variable = TensorVariable

class Constant(TensorVariable):
    """A variable with a fixed value; ``isinstance(v, Constant)`` holds for constants only."""

    def __new__(cls, type: TensorType, data: ArrayLike, name: Optional[str] = None) -> Constant: ...

class OpView:
    """A read-only view of an engine Op; its class is named after Aesara's (``Elemwise``, ``Dot``, ``Sum``, ...)."""

    __props__: Tuple[str, ...]
    def __init__(self, handle: Any) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
    # The Op's parameters (Aesara's ``__props__``) are attributes named after them.
    def __getattr__(self, name: str) -> Any: ...

class Apply:
    """An application of an Op to input variables."""

    op: Union[OpView, Op]
    inputs: List[TensorVariable]
    outputs: List[TensorVariable]
    def __init__(self, op: Union[Op, OpView, Any], inputs: Optional[Sequence[_TensorLike]] = None,
                 outputs: Optional[Sequence[Union[TensorVariable, TensorType]]] = None) -> None: ...
    @property
    def nin(self) -> int: ...
    @property
    def nout(self) -> int: ...
    @property
    def out(self) -> TensorVariable: ...

def ancestors(graphs: Iterable[TensorVariable],
              blockers: Optional[Iterable[TensorVariable]] = None) -> List[TensorVariable]: ...
def graph_inputs(graphs: Iterable[TensorVariable],
                 blockers: Optional[Iterable[TensorVariable]] = None) -> List[TensorVariable]: ...
