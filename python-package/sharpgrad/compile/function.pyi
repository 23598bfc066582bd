"""Type stubs for :mod:`sharpgrad.compile.function`: ``function`` and ``Function``."""

from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ..graph.fg import FunctionGraph
from ..tensor.var import TensorVariable, _TensorLike
from .io import In
from .sharedvalue import SharedVariable

__all__ = ["function", "Function", "MissingInputError", "UnusedInputError"]

_Updates = Union[Mapping[SharedVariable, _TensorLike], Iterable[Tuple[SharedVariable, _TensorLike]]]
_Givens = Union[Mapping[TensorVariable, _TensorLike], Mapping[SharedVariable, _TensorLike],
                Iterable[Tuple[TensorVariable, _TensorLike]]]

from ..graph.utils import MissingInputError as MissingInputError

class UnusedInputError(Exception):
    """An input of the function is not needed by its outputs or updates."""

class AliasedMemoryError(Exception):
    """Memory is aliased that should not be (never raised here)."""

class FunctionMaker:
    """What built a :class:`Function`; holds the rewritten graph as ``fgraph``."""

    fgraph: FunctionGraph
    inputs: List[TensorVariable]
    outputs: List[TensorVariable]
    updates: List[Tuple[SharedVariable, TensorVariable]]
    def __init__(self, compiled: Any, inputs: List[TensorVariable], outputs: List[TensorVariable],
                 updates: Sequence[Tuple[SharedVariable, TensorVariable]] = ...) -> None: ...

class Function:
    """A compiled graph. Call it with one value per input; it returns numpy arrays."""

    name: Optional[str]
    device: str
    maker: FunctionMaker
    def __init__(self, compiled: Any, inputs: List[TensorVariable], outputs: List[TensorVariable], single: bool,
                 allow_input_downcast: Optional[bool], name: Optional[str],
                 updates: Sequence[Tuple[SharedVariable, TensorVariable]] = ...) -> None: ...
    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...

def function(inputs: Sequence[Union[TensorVariable, In]], outputs: Union[TensorVariable, Sequence[TensorVariable], None] = None,
             mode: Any = None, updates: Optional[_Updates] = None, givens: Optional[_Givens] = None,
             no_default_updates: bool = False, accept_inplace: bool = False, name: Optional[str] = None,
             rebuild_strict: bool = True, allow_input_downcast: Optional[bool] = None, profile: Any = None,
             on_unused_input: Optional[str] = None, device: Optional[str] = None) -> Function: ...
