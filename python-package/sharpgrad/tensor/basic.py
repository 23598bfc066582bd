"""Tensor construction and restructuring (Aesara's ``aesara.tensor.basic``)."""

from __future__ import annotations

from .._bridge import api, call
from .var import as_tensor, as_tensor_variable, constant, wrap
from .math import fill, ones_like, second, switch, where, zeros_like  # noqa: F401  (Aesara has them in basic)

__all__ = ["as_tensor_variable", "as_tensor", "constant", "flatten"]


def flatten(x, ndim=1):
    """Keep the first ``ndim - 1`` axes of ``x`` and join the others into one (Aesara's ``flatten``).

    ``flatten(x)`` is a vector of all elements in C order; ``flatten(x, 2)`` of a
    rank-3 tensor has shape ``(a, b * c)``.
    """
    return wrap(call(api.Flatten, as_tensor_variable(x)._v, int(ndim)))
