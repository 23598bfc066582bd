"""Nested containers of variables (JAX's pytrees, in their simplest form) and fresh stand-ins for arguments.

A tree is a tuple, list or dict of trees (a namedtuple keeps its class), None
(an empty tree), or a leaf (anything else). Shared by
:mod:`sharpgrad.custom_derivatives` and :mod:`sharpgrad.ad_checkpoint`.
"""

from __future__ import annotations

from ._bridge import api, call
from .tensor.var import TensorVariable, as_tensor_variable, wrap


def flatten(tree):
    """The leaves of ``tree`` in order, and its structure (for :func:`unflatten`)."""
    if tree is None:
        return [], ("none",)
    if isinstance(tree, (list, tuple)):
        leaves, defs = [], []
        for item in tree:
            item_leaves, item_def = flatten(item)
            leaves += item_leaves
            defs.append(item_def)
        return leaves, ("seq", type(tree), defs)
    if isinstance(tree, dict):
        keys = list(tree)
        leaves, defs = [], []
        for key in keys:
            item_leaves, item_def = flatten(tree[key])
            leaves += item_leaves
            defs.append(item_def)
        return leaves, ("dict", type(tree), keys, defs)
    return [tree], ("leaf",)


def unflatten(treedef, leaves):
    """The tree of structure ``treedef`` holding ``leaves`` (a sequence, consumed in order)."""
    it = iter(leaves)
    tree = _build(treedef, it)
    if next(it, None) is not None:
        raise ValueError("unflatten: more leaves than the structure holds")
    return tree


def _build(treedef, it):
    kind = treedef[0]
    if kind == "none":
        return None
    if kind == "leaf":
        return next(it)
    if kind == "seq":
        cls, defs = treedef[1], treedef[2]
        items = [_build(d, it) for d in defs]
        if cls is list:
            return items
        if hasattr(cls, "_fields"):
            return cls(*items)  # a namedtuple
        return cls(items)
    cls, keys, defs = treedef[1], treedef[2], treedef[3]
    return cls((key, _build(d, it)) for key, d in zip(keys, defs))


def tensor_leaves(leaves, what):
    """``leaves`` as variables (numbers and arrays become constants); ``what`` names them in errors."""
    out = []
    for i, leaf in enumerate(leaves):
        try:
            out.append(as_tensor_variable(leaf))
        except (TypeError, ValueError) as e:
            raise TypeError(f"{what}: leaf {i} is {leaf!r}, which is not a tensor ({e})") from None
    return out


def stand_in(v):
    """A new free variable of ``v``'s type and name."""
    shape = [-1 if n is None else int(n) for n in v.static_shape]
    return wrap(call(api.Tensor, v.dtype, shape, v.name))


def is_symbolic(v):
    """True for a variable that is neither a constant nor a shared variable (what can stand behind a stand-in)."""
    from .compile.sharedvalue import SharedVariable
    from .graph.basic import Constant

    return isinstance(v, TensorVariable) and not isinstance(v, (Constant, SharedVariable))


def free_variables(outputs, bound):
    """The variables ``outputs`` need beyond ``bound``, constants and shared variables."""
    return [wrap(h) for h in call(api.FreeVariables, [v._v for v in outputs], [v._v for v in bound])]
