"""Type stubs for :mod:`sharpgrad.scan.views`."""

from typing import Any, Callable, Optional, Tuple

from ..updates import OrderedUpdates

__all__ = ["map", "reduce", "foldl", "foldr"]

def map(fn: Callable[..., Any], sequences: Any, non_sequences: Any = None, truncate_gradient: int = -1,
        go_backwards: bool = False, mode: Any = None, name: Optional[str] = None) -> Tuple[Any, OrderedUpdates]: ...
def reduce(fn: Callable[..., Any], sequences: Any, outputs_info: Any, non_sequences: Any = None,
           go_backwards: bool = False, mode: Any = None, name: Optional[str] = None) -> Tuple[Any, OrderedUpdates]: ...
def foldl(fn: Callable[..., Any], sequences: Any, outputs_info: Any, non_sequences: Any = None, mode: Any = None,
          name: Optional[str] = None) -> Tuple[Any, OrderedUpdates]: ...
def foldr(fn: Callable[..., Any], sequences: Any, outputs_info: Any, non_sequences: Any = None, mode: Any = None,
          name: Optional[str] = None) -> Tuple[Any, OrderedUpdates]: ...
