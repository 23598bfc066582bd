"""Type stubs for :mod:`sharpgrad.updates`."""

from collections import OrderedDict
from typing import Any, Iterable, Mapping, Optional, Tuple, Union

from .compile.sharedvalue import SharedVariable
from .tensor.var import TensorVariable

__all__ = ["OrderedUpdates"]

class OrderedUpdates(OrderedDict[SharedVariable, TensorVariable]):
    def __init__(self, *key: Any, **kwargs: Any) -> None: ...
    # Narrower than MutableMapping.update: keys are shared variables, so no keyword arguments.
    def update(self, other: Optional[Union[Mapping[SharedVariable, TensorVariable],  # type: ignore[override]
                                           Iterable[Tuple[SharedVariable, TensorVariable]]]] = None,
               **kwargs: Any) -> None: ...
    def __add__(self, other: Any) -> OrderedUpdates: ...
    def __radd__(self, other: Any) -> OrderedUpdates: ...
