"""relu and the cross-entropies (Aesara's ``aesara.tensor.nnet``); re-exported by :mod:`sharpgrad.tensor.nnet`."""

from __future__ import annotations

import numbers

import numpy as np

from .._bridge import api, call
from .var import TensorVariable, as_tensor_variable, wrap

__all__ = ["relu", "categorical_crossentropy", "binary_crossentropy", "sigmoid_binary_crossentropy"]


def relu(x, alpha=0):
    """Rectified linear unit, ``0.5 * (x + abs(x))`` as Aesara builds it; leaky with slope ``alpha`` below 0.

    Parameters
    ----------
    x : TensorVariable
    alpha : scalar or TensorVariable
        Slope for negative inputs (0: the plain relu). With a leak the result is
        ``0.5 * (1 + alpha) * x + 0.5 * (1 - alpha) * abs(x)``.

    Returns
    -------
    TensorVariable
        The activations, with ``x``'s shape.
    """
    x = as_tensor_variable(x)
    if isinstance(alpha, TensorVariable) or isinstance(alpha, np.ndarray):
        return wrap(call(api.Relu, x._v, as_tensor_variable(alpha)._v))
    if not isinstance(alpha, (numbers.Real, np.generic)):
        raise TypeError(f"relu: alpha must be a number or a tensor; got {type(alpha).__name__}")
    return wrap(call(api.Relu, x._v, float(alpha)))


def _crossentropy(op, a, b):
    return wrap(call(api.Crossentropy, op, as_tensor_variable(a)._v, as_tensor_variable(b)._v))


def categorical_crossentropy(coding_dist, true_dist):
    """The cross-entropy between a predicted and a true distribution, per row.

    Parameters
    ----------
    coding_dist : TensorVariable
        Predicted probabilities (e.g. a softmax output), one distribution per row.
    true_dist : TensorVariable
        Either distributions of the same shape (``-sum(true * log(coding), axis=-1)``)
        or integer class indices with one axis less (``-log(coding[i, true[i]])``).

    Returns
    -------
    TensorVariable
        One cross-entropy per row (the input's shape without its last axis).
    """
    return _crossentropy("categorical_crossentropy", coding_dist, true_dist)


def binary_crossentropy(output, target):
    """``-(target * log(output) + (1 - target) * log(1 - output))``, Aesara's definition.

    When ``output`` is ``sigmoid(z)`` (or written by hand as ``1 / (1 + exp(-z))``)
    the compiled function computes ``target * softplus(-z) + (1 - target) * softplus(z)``
    and a gradient free of ``0 / 0``, so both stay finite for any ``z``. Given
    probabilities as data, an output of exactly 0 or 1 gives ``inf`` or ``nan``,
    as in Aesara.

    Parameters
    ----------
    output : TensorVariable or array_like
        Predicted probabilities, in ``(0, 1)``.
    target : TensorVariable or array_like
        Targets in ``[0, 1]``; broadcast against ``output``.

    Returns
    -------
    TensorVariable
        The element-wise cross-entropies.
    """
    return _crossentropy("binary_crossentropy", output, target)


def sigmoid_binary_crossentropy(output, target):
    """``binary_crossentropy(sigmoid(output), target)`` computed stably from the logits ``output``.

    Equal to ``softplus(output) - output * target``, evaluated as
    ``target * softplus(-output) + (1 - target) * softplus(output)``, so it
    neither overflows nor cancels; the gradient is ``sigmoid(output) - target``.

    Parameters
    ----------
    output : TensorVariable or array_like
        The logits (before the sigmoid).
    target : TensorVariable or array_like
        Targets in ``[0, 1]``; broadcast against ``output``.

    Returns
    -------
    TensorVariable
        The element-wise cross-entropies.
    """
    return _crossentropy("sigmoid_binary_crossentropy", output, target)
