"""Symbolic loops (Aesara's ``aesara.scan``).

``sharpgrad.scan`` is this package and, as in Aesara, also callable:
``sharpgrad.scan(fn, sequences=..., outputs_info=...)`` is
:func:`sharpgrad.scan.basic.scan`, while ``sharpgrad.scan.utils.until``
(also ``sharpgrad.scan.until``) and ``sharpgrad.scan.views`` stay
reachable as attributes and by import.
"""

import sys
import types

from . import basic, utils, views
from .basic import scan
from .utils import until
from .views import foldl, foldr, map, reduce  # noqa: A004 - Aesara's names

__all__ = ["scan", "until", "map", "reduce", "foldl", "foldr"]


class _CallableModule(types.ModuleType):
    """This package, callable as :func:`sharpgrad.scan.basic.scan`."""

    def __call__(self, fn, sequences=None, outputs_info=None, non_sequences=None, n_steps=None,
                 truncate_gradient=-1, go_backwards=False, mode=None, name=None, profile=False, allow_gc=None,
                 strict=False, return_list=False, checkpoint=None):
        return scan(fn, sequences=sequences, outputs_info=outputs_info, non_sequences=non_sequences,
                    n_steps=n_steps, truncate_gradient=truncate_gradient, go_backwards=go_backwards, mode=mode,
                    name=name, profile=profile, allow_gc=allow_gc, strict=strict, return_list=return_list,
                    checkpoint=checkpoint)

    __call__.__doc__ = scan.__doc__


sys.modules[__name__].__class__ = _CallableModule
