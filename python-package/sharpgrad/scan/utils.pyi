"""Type stubs for :mod:`sharpgrad.scan.utils`."""

from collections import OrderedDict
from typing import Any, List, Optional, Tuple, Union

from ..tensor.var import TensorVariable

__all__ = ["until", "get_updates_and_outputs"]

class until:
    condition: TensorVariable
    def __init__(self, condition: Union[TensorVariable, float, int]) -> None: ...

def get_updates_and_outputs(ls: Any) -> Tuple[Optional[TensorVariable], List[TensorVariable],
                                             OrderedDict[Any, Any]]: ...
