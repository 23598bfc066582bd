"""Type stubs for :mod:`sharpgrad.tensor.special`: softmax and friends, and ``logsumexp``."""

from typing import Optional, Sequence, Union

from .var import TensorVariable, _Axis, _TensorLike

__all__ = ["softmax", "log_softmax", "logsoftmax", "logsumexp"]

def softmax(c: _TensorLike, axis: Union[int, Sequence[int], None] = None) -> TensorVariable: ...
def log_softmax(c: _TensorLike, axis: Union[int, Sequence[int], None] = None) -> TensorVariable: ...

logsoftmax = log_softmax

def logsumexp(x: _TensorLike, axis: _Axis = None, keepdims: bool = False) -> TensorVariable: ...
