"""Update dictionaries (Aesara's ``aesara.updates``): what ``scan`` returns as its updates."""

from __future__ import annotations

from collections import OrderedDict

__all__ = ["OrderedUpdates"]


class OrderedUpdates(OrderedDict):
    """An ordered ``{shared variable: new value}`` dict (Aesara's ``OrderedUpdates``).

    Keys must be shared variables. Merging two update dicts (``update``,
    ``+``) refuses to give one shared variable two different new values.

    Parameters
    ----------
    *key
        What ``OrderedDict`` takes: a mapping or an iterable of pairs.
    **kwargs
        More pairs, as for ``OrderedDict`` (keys must still be shared
        variables, so this is normally empty).
    """

    def __init__(self, *key, **kwargs):
        super().__init__(*key, **kwargs)
        for k in self:
            _check_key(k)

    def __setitem__(self, key, value):
        _check_key(key)
        super().__setitem__(key, value)

    def update(self, other=None, **kwargs):
        """Add the pairs of ``other``; a key already present must map to the same value.

        Parameters
        ----------
        other : mapping or iterable of pairs, optional
            The updates to add.
        **kwargs
            Not supported (keys are variables): must be empty.

        Raises
        ------
        KeyError
            When a shared variable would get two different new values.
        """
        if kwargs:
            raise TypeError("OrderedUpdates.update: keys are shared variables; keyword arguments are not supported")
        if other is None:
            return
        for key, value in OrderedDict(other).items():
            if key in self and self[key] is not value:
                raise KeyError(f"OrderedUpdates.update: collision on {key!r}: it already has a new value")
            self[key] = value

    def __add__(self, other):
        merged = OrderedUpdates(self)
        merged.update(other)
        return merged

    def __radd__(self, other):
        merged = OrderedUpdates(other)
        merged.update(self)
        return merged


def _check_key(key):
    from .compile.sharedvalue import SharedVariable

    if not isinstance(key, SharedVariable):
        raise TypeError(f"OrderedUpdates: keys must be shared variables; got {key!r}")
