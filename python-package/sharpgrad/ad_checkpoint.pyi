"""Type stubs for :mod:`sharpgrad.ad_checkpoint`: gradient checkpointing and a memory probe."""

from types import TracebackType
from typing import Any, Callable, List, Optional, Sequence, Tuple, TypeVar, Union, overload

from .tensor.var import TensorVariable

__all__ = ["checkpoint", "remat", "MemoryProbe"]

_F = TypeVar("_F", bound=Callable[..., Any])

@overload
def checkpoint(fun: TensorVariable, inputs: Optional[Sequence[TensorVariable]] = None, *, prevent_cse: bool = True,
               policy: None = None, static_argnums: Sequence[int] = ()) -> TensorVariable: ...
@overload
def checkpoint(fun: List[TensorVariable], inputs: Optional[Sequence[TensorVariable]] = None, *,
               prevent_cse: bool = True, policy: None = None,
               static_argnums: Sequence[int] = ()) -> List[TensorVariable]: ...
@overload
def checkpoint(fun: Tuple[TensorVariable, ...], inputs: Optional[Sequence[TensorVariable]] = None, *,
               prevent_cse: bool = True, policy: None = None,
               static_argnums: Sequence[int] = ()) -> Tuple[TensorVariable, ...]: ...
@overload
def checkpoint(fun: _F, inputs: None = None, *, prevent_cse: bool = True, policy: None = None,
               static_argnums: Sequence[int] = ()) -> _F: ...

remat = checkpoint

class MemoryProbe:
    """Measures the memory compiled functions hold while they run."""

    def __init__(self) -> None: ...
    def __enter__(self) -> "MemoryProbe": ...
    def __exit__(self, exc_type: Optional[type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> bool: ...
    @property
    def peak_bytes(self) -> int: ...
    @property
    def peak_buffers(self) -> int: ...
    @property
    def live_bytes(self) -> int: ...

