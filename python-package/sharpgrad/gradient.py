"""Symbolic differentiation (Aesara's ``aesara.gradient``)."""

from __future__ import annotations

from ._bridge import api, call
from .tensor.var import TensorVariable, wrap

__all__ = ["grad", "DisconnectedInputError"]


class DisconnectedInputError(ValueError):
    """Raised when ``grad`` is asked for the gradient with respect to a
    variable that is not part of the cost's graph."""


def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", add_names=True,
         known_grads=None, return_disconnected="zero", null_gradients="raise"):
    """Return the symbolic gradient of ``cost`` with respect to ``wrt``.

    Parameters
    ----------
    cost : TensorVariable
        A scalar expression.
    wrt : TensorVariable or list or tuple of TensorVariable
        The variables to differentiate with respect to.
    disconnected_inputs : {'raise', 'warn', 'ignore'}
        What to do when ``cost`` does not depend on an element of ``wrt``:
        raise :class:`DisconnectedInputError`, or give zeros (with a warning).
    add_names : bool
        Name each gradient ``(dcost/dx)`` when cost and wrt are named.

    Returns
    -------
    TensorVariable or list or tuple of TensorVariable
        One gradient per ``wrt``, in ``wrt``'s container kind.

    Notes
    -----
    ``consider_constant``, ``known_grads``, ``return_disconnected`` other than
    ``'zero'`` and ``null_gradients`` other than ``'raise'`` are not
    implemented yet and raise ``NotImplementedError``.
    """
    for option, value, default in (("consider_constant", consider_constant, None),
                                   ("known_grads", known_grads, None),
                                   ("return_disconnected", return_disconnected, "zero"),
                                   ("null_gradients", null_gradients, "raise")):
        if value != default:
            raise NotImplementedError(f"grad: the option {option}={value!r} is not implemented yet")
    if cost is None:
        raise NotImplementedError("grad: cost=None (gradients from known_grads only) is not implemented yet")
    if not isinstance(cost, TensorVariable):
        raise TypeError(f"grad: cost must be a TensorVariable; got {type(cost).__name__}")
    if cost.ndim != 0:
        raise TypeError(f"grad: cost must be a scalar; got {cost.type}")
    items = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
    for i, w in enumerate(items):
        if not isinstance(w, TensorVariable):
            raise TypeError(f"grad: wrt[{i}] must be a TensorVariable; got {type(w).__name__}")
    if disconnected_inputs not in ("raise", "warn", "ignore"):
        raise ValueError(f"grad: disconnected_inputs must be 'raise', 'warn' or 'ignore'; "
                         f"got {disconnected_inputs!r}")
    handles = call(api.Grad, cost._v, [w._v for w in items], disconnected_inputs, bool(add_names))
    grads = [wrap(h) for h in handles]
    if isinstance(wrt, tuple):
        return tuple(grads)
    if isinstance(wrt, list):
        return grads
    return grads[0]
