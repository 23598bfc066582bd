"""Type stubs for :mod:`sharpgrad.scan.basic`."""

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from ..tensor.var import TensorVariable
from ..updates import OrderedUpdates

__all__ = ["scan"]

_Seq = Union[TensorVariable, Dict[str, Any]]
_OutInfo = Union[TensorVariable, Dict[str, Any], None, float, int]

def scan(fn: Callable[..., Any],
         sequences: Optional[Union[_Seq, Sequence[_Seq]]] = None,
         outputs_info: Optional[Union[_OutInfo, Sequence[_OutInfo]]] = None,
         non_sequences: Optional[Union[TensorVariable, Sequence[Any]]] = None,
         n_steps: Optional[Union[int, TensorVariable]] = None,
         truncate_gradient: int = -1,
         go_backwards: bool = False,
         mode: Any = None,
         name: Optional[str] = None,
         profile: Any = False,
         allow_gc: Optional[bool] = None,
         strict: bool = False,
         return_list: bool = False,
         checkpoint: Optional[int] = None) -> Tuple[Any, OrderedUpdates]: ...
