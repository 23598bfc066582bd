"""Type stubs for :mod:`sharpgrad.compile.builders`: ops defined by a graph."""

from typing import Any, List, Optional, Sequence

from ..graph.basic import Apply
from ..graph.fg import FunctionGraph
from ..graph.op import Op
from ..tensor.type import TensorType
from ..tensor.var import TensorVariable
from .function import Function

__all__ = ["OpFromGraph"]

class OpFromGraph(Op):
    """An op whose computation is a graph."""

    is_inline: bool
    inputs: List[TensorVariable]
    outputs: List[TensorVariable]
    kwargs: dict[str, Any]
    name: Optional[str]
    input_types: List[TensorType]
    output_types: List[TensorType]
    def __init__(self, inputs: List[TensorVariable], outputs: List[TensorVariable], inline: bool = False,
                 lop_overrides: Any = "default", grad_overrides: Any = "default", rop_overrides: Any = "default",
                 connection_pattern: Optional[Sequence[Sequence[bool]]] = None, name: Optional[str] = None,
                 **kwargs: Any) -> None: ...
    @property
    def inner_inputs(self) -> List[TensorVariable]: ...
    @property
    def inner_outputs(self) -> List[TensorVariable]: ...
    @property
    def shared_inputs(self) -> List[TensorVariable]: ...
    @property
    def fgraph(self) -> FunctionGraph: ...
    @property
    def fn(self) -> Function: ...
    def make_node(self, *inputs: Any) -> Apply: ...
    def L_op(self, inputs: List[TensorVariable], outputs: List[TensorVariable],
             output_grads: List[TensorVariable]) -> List[TensorVariable]: ...
    def grad(self, inputs: List[TensorVariable], output_grads: List[TensorVariable]) -> List[TensorVariable]: ...
    def R_op(self, inputs: List[TensorVariable],
             eval_points: List[Optional[TensorVariable]]) -> List[Optional[TensorVariable]]: ...
    def connection_pattern(self, node: Apply) -> List[List[bool]]: ...
