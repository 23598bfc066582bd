"""Type stubs for :mod:`sharpgrad.compile.sharedvalue`: shared variables."""

from typing import Any, Optional

import numpy as np
from numpy.typing import ArrayLike

from ..tensor.var import TensorVariable

__all__ = ["shared", "SharedVariable"]

class SharedVariable(TensorVariable):
    """A variable whose value lives in the engine and that compiled functions read and update implicitly."""

    def get_value(self, borrow: bool = False, return_internal_type: bool = False) -> np.ndarray[Any, Any]: ...
    def set_value(self, value: ArrayLike, borrow: bool = False) -> None: ...

def shared(value: ArrayLike, name: Optional[str] = None, strict: bool = False, allow_downcast: Optional[bool] = None,
           borrow: bool = False, **kwargs: Any) -> SharedVariable: ...
