"""Printing graphs (Aesara's ``aesara.printing``)."""

from __future__ import annotations

import sys

from ._bridge import api, call

__all__ = ["debugprint", "dprint"]


def debugprint(obj, depth=-1, print_type=False, file=None, **kwargs):
    """Print a graph the way Aesara's ``debugprint`` does.

    Parameters
    ----------
    obj : TensorVariable, list of TensorVariable, Apply or Function
        What to print; for a compiled function, its rewritten graph with each
        node's position in the run order.
    print_type : bool
        Also print each variable's type.
    file : file-like or 'str', optional
        Where to write; ``'str'`` returns the text instead; standard output
        when None.

    Returns
    -------
    str or file-like
        The text when ``file='str'``, else the file written to.
    """
    if depth != -1 or kwargs:
        raise NotImplementedError(f"debugprint: options {sorted(kwargs) + (['depth'] if depth != -1 else [])} "
                                  "are not implemented yet")
    from .compile.function import Function
    from .graph.basic import Apply
    from .tensor.var import TensorVariable

    if isinstance(obj, Function):
        text = call(api.DebugPrintFunction, obj._compiled, bool(print_type))
    else:
        items = obj if isinstance(obj, (list, tuple)) else [obj]
        handles = []
        for item in items:
            if isinstance(item, Apply):
                handles.extend(o._v for o in item.outputs)
            elif isinstance(item, TensorVariable):
                handles.append(item._v)
            else:
                raise TypeError(f"debugprint: expected a variable, Apply node or Function; got {type(item).__name__}")
        text = call(api.DebugPrint, handles, bool(print_type))
    text = str(text)
    if file == "str":
        return text
    out = sys.stdout if file is None else file
    out.write(text)
    return out


dprint = debugprint
