"""Type stubs for :mod:`sharpgrad.compile.io`: inputs with a default value or a name."""

from typing import Any, Optional

from ..tensor.var import TensorVariable

__all__ = ["In"]

class In:
    """An input of :func:`sharpgrad.function` with a default value and a name."""

    variable: TensorVariable
    name: Optional[str]
    value: Any
    update: Optional[TensorVariable]
    mutable: bool
    strict: bool
    allow_downcast: Optional[bool]
    implicit: bool
    borrow: bool
    shared: bool
    def __init__(self, variable: TensorVariable, name: Optional[str] = None, value: Any = None,
                 update: Optional[TensorVariable] = None, mutable: Optional[bool] = None, strict: bool = False,
                 allow_downcast: Optional[bool] = None, autoname: bool = True, implicit: Optional[bool] = None,
                 borrow: Optional[bool] = None, shared: bool = False) -> None: ...
