"""Writing into parts of tensors (Aesara's ``aesara.tensor.subtensor``)."""

from __future__ import annotations

from .._bridge import api, call
from .var import as_tensor_variable, wrap

__all__ = ["set_subtensor", "inc_subtensor"]


def _parts(x):
    """The variable and index a ``x[...]`` expression was made from."""
    owner = x.owner
    if owner is None or owner.op.__class__.__name__ != "Subtensor":
        raise TypeError("set_subtensor/inc_subtensor: expected x[index] with a basic index (integers and slices)")
    return owner.inputs[0], list(owner.op.idx_list)


def set_subtensor(x, y):
    """A copy of the tensor indexed by ``x`` with that part replaced by ``y``: ``set_subtensor(a[1:], 0.0)``."""
    base, index = _parts(x)
    return wrap(call(api.IncSubtensor, base._v, index, as_tensor_variable(y)._v, True))


def inc_subtensor(x, y):
    """A copy of the tensor indexed by ``x`` with ``y`` added to that part: ``inc_subtensor(a[::2], 1.0)``."""
    base, index = _parts(x)
    return wrap(call(api.IncSubtensor, base._v, index, as_tensor_variable(y)._v, False))
