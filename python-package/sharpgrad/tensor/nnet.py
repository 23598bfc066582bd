"""Aesara's ``aesara.tensor.nnet`` names for the neural-network functions, as aliases."""

from .math import log1p, sigmoid, softplus
from .special import log_softmax, logsoftmax, logsumexp, softmax

__all__ = ["sigmoid", "softplus", "log1p", "softmax", "log_softmax", "logsoftmax", "logsumexp"]

from ._nnet_losses import *  # noqa: E402,F401,F403  (relu and the cross-entropies)
from ._nnet_losses import __all__ as _losses_all  # noqa: E402

__all__ += _losses_all
