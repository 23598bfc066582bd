"""Type stubs for :mod:`sharpgrad.tensor.nnet`: neural-network functions and losses."""

from .math import log1p as log1p
from .math import sigmoid as sigmoid
from .math import softplus as softplus
from .special import log_softmax as log_softmax
from .special import logsoftmax as logsoftmax
from .special import logsumexp as logsumexp
from .special import softmax as softmax
from .var import TensorVariable, _TensorLike

__all__ = ["sigmoid", "softplus", "log1p", "softmax", "log_softmax", "logsoftmax", "logsumexp", "relu",
           "categorical_crossentropy", "binary_crossentropy", "sigmoid_binary_crossentropy"]

def relu(x: _TensorLike, alpha: _TensorLike = 0) -> TensorVariable: ...
def categorical_crossentropy(coding_dist: _TensorLike, true_dist: _TensorLike) -> TensorVariable: ...
def binary_crossentropy(output: _TensorLike, target: _TensorLike) -> TensorVariable: ...
def sigmoid_binary_crossentropy(output: _TensorLike, target: _TensorLike) -> TensorVariable: ...
