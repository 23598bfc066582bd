"""Aesara's ``aesara.tensor.nnet`` names for the neural-network functions, as aliases."""

from .math import log1p, sigmoid, softplus
from .special import log_softmax, logsoftmax, logsumexp, softmax

__all__ = ["sigmoid", "softplus", "log1p", "softmax", "log_softmax", "logsoftmax", "logsumexp"]
