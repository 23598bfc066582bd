"""Constructors of symbolic tensors (Aesara's ``aesara.tensor.type``).

Each constructor exists un-prefixed (dtype ``config.floatX``) and with
Aesara's prefixes: ``b`` int8, ``w`` int16, ``i`` int32, ``l`` int64,
``f`` float32, ``d`` float64.
"""

from __future__ import annotations

import sharpgrad

from .._bridge import api, call
from .var import TensorVariable, wrap

_PREFIXES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32", "d": "float64"}
_RANKS = {"scalar": (), "vector": (None,), "matrix": (None, None),
          "row": (1, None), "col": (None, 1)}

__all__ = ["tensor"] + list(_RANKS) + [p + r for p in _PREFIXES for r in _RANKS]


def tensor(dtype=None, shape=None, name=None):
    """A symbolic tensor of ``dtype`` and static ``shape`` (None where unknown).

    Parameters
    ----------
    dtype : str, optional
        A numpy dtype name; ``config.floatX`` when omitted.
    shape : tuple of (int or None)
        The static shape.
    name : str, optional
        A name for printing and for gradient names such as ``(dcost/dx)``.
    """
    if shape is None:
        raise TypeError("tensor: expected a shape, e.g. shape=(None, 3)")
    dtype = sharpgrad.config.floatX if dtype is None else str(dtype)
    dims = [-1 if n is None else int(n) for n in shape]
    return wrap(call(api.Tensor, dtype, dims, name))


def _constructor(dtype, shape, kind):
    def make(name=None):
        return tensor(dtype if dtype is not None else sharpgrad.config.floatX, shape, name)

    make.__doc__ = f"A symbolic {kind} of dtype {dtype or 'config.floatX'}."
    return make


for _rank, _shape in _RANKS.items():
    globals()[_rank] = _constructor(None, _shape, _rank)
    for _prefix, _dtype in _PREFIXES.items():
        globals()[_prefix + _rank] = _constructor(_dtype, _shape, _rank)
