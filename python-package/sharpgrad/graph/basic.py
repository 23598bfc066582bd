"""Graph nodes as Python objects (Aesara's ``aesara.graph.basic``).

Variables are :class:`~sharpgrad.tensor.var.TensorVariable` objects; an
:class:`Apply` is a read-only view of an engine node.
"""

from __future__ import annotations

import numpy as np

from .._bridge import api, call
from ..tensor.type import TensorType
from ..tensor.var import TensorVariable, as_tensor_variable, wrap
from Gradient.Graph import Constant as _EngineConstant  # noqa: E402,I100 (a .NET namespace, loaded by _bridge)

__all__ = ["Apply", "Constant", "Variable", "ancestors", "graph_inputs", "OpView"]

Variable = TensorVariable


class _ConstantMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, TensorVariable) and isinstance(obj._v, _EngineConstant)


class Constant(metaclass=_ConstantMeta):
    """A variable with a fixed value (Aesara's ``aesara.graph.basic.Constant``).

    Constants are :class:`~sharpgrad.tensor.var.TensorVariable` objects whose
    engine variable holds a value; ``isinstance(v, Constant)`` is True for
    them only, not for inputs, shared variables or computed variables, so
    Aesara's idiom ``[v for v in graph_inputs(outs) if not isinstance(v, Constant)]``
    keeps the inputs a function needs.

    Parameters
    ----------
    type : TensorType
        The constant's type; ``data`` is converted to its dtype.
    data : array_like
        The value (copied).
    name : str, optional
        A name for printing.

    Returns
    -------
    TensorVariable
        The new constant (``Constant(...)`` builds one as in Aesara).
    """

    def __new__(cls, type, data, name=None):  # noqa: A002 - Aesara's argument name
        from ..tensor.var import constant

        data = np.asarray(data, dtype=type.dtype)
        if data.ndim != type.ndim:
            raise TypeError(f"Constant: {type} expects {type.ndim} dimensions; got data with {data.ndim}")
        return constant(data, name=name, dtype=type.dtype)

_op_classes = {}


class OpView:
    """A read-only view of an engine Op; its class is named after Aesara's (``Elemwise``, ``Dot``, ``Sum``, ...).

    The Op's parameters (Aesara's ``__props__``) are attributes, e.g.
    ``node.op.scalar_op == 'add'`` for an ``Elemwise``.
    """

    __props__ = ()

    def __init__(self, handle):
        self._op = handle
        for pair in handle.Props:
            setattr(self, str(pair.Key), _prop_value(pair.Value))

    def __eq__(self, other):
        return isinstance(other, OpView) and bool(self._op.Equals(other._op))

    def __hash__(self):
        return int(self._op.GetHashCode())

    def __str__(self):
        return str(self._op.ToString())

    __repr__ = __str__


def _prop_value(value):
    """A prop as Python sees it: numbers and strings as they are, lists as (nested) tuples, anything else (a
    nested graph document) as its text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    try:
        items = list(value)
    except TypeError:
        return str(value)
    return tuple(_prop_value(v) for v in items)


def register_op_class(name, cls):
    """Use ``cls`` (an :class:`OpView` subclass) for engine ops whose class name is ``name``."""
    _op_classes[name] = cls


def _op_view(handle):
    python_op = api.PythonOpObject(handle)
    if python_op is not None:
        return python_op  # an op defined in Python (sharpgrad.graph.op.Op) is its own view
    name = str(handle.ClassName)
    cls = _op_classes.get(name)
    if cls is None:
        props = tuple(str(p.Key) for p in handle.Props)
        cls = _op_classes[name] = type(name, (OpView,), {"__props__": props, "__module__": __name__})
    view = cls.__new__(cls)
    OpView.__init__(view, handle)
    return view


class Apply:
    """An application of an Op to input variables.

    ``Apply(op, inputs, outputs)`` builds a node, as in Aesara: for an op
    written in Python (:class:`sharpgrad.graph.op.Op`), ``outputs`` are
    variables (typically ``x.type()``) or :class:`~sharpgrad.tensor.type.TensorType`
    objects that give the output types, and the node's ``outputs`` are new
    variables of those types owned by the node; for a built-in op (``node.op``
    of an existing node) the op types its own outputs. ``Apply(handle)`` is a
    read-only view of an existing engine node.

    Parameters
    ----------
    op : Op, OpView or engine node
        The op to apply (or, alone, an engine node to view).
    inputs : sequence of TensorVariable or array_like, optional
        The op's inputs.
    outputs : sequence of TensorVariable or TensorType, optional
        For an op written in Python: the types of its outputs (variables
        stand for their type).
    """

    __slots__ = ("_node", "op", "inputs", "outputs")

    def __init__(self, op, inputs=None, outputs=None):
        if inputs is None and outputs is None and not isinstance(op, OpView) and not _is_python_op(op):
            self._view(op)
            return
        if inputs is None:
            raise TypeError("Apply(op, inputs, outputs): inputs are missing")
        handles = [as_tensor_variable(v)._v for v in inputs]
        if _is_python_op(op):
            if outputs is None:
                raise TypeError(f"Apply({op}, inputs, outputs): outputs (e.g. [x.type()]) are missing")
            dtypes, shapes, ranks = [], [], []
            for i, out in enumerate(outputs):
                out_type = out.type if isinstance(out, TensorVariable) else out
                if not isinstance(out_type, TensorType):
                    raise TypeError(f"Apply({op}, ...): output {i} must be a tensor variable or a TensorType; got "
                                    f"{out!r}")
                dtypes.append(out_type.dtype)
                shapes += [-1 if n is None else int(n) for n in out_type.shape]
                ranks.append(len(out_type.shape))
            node = call(api.PythonApply, op._engine_op(), handles, dtypes, shapes, ranks)
        elif isinstance(op, OpView):
            node = call(api.MakeNode, op._op, handles)
        else:
            raise TypeError(f"Apply: expected an Op; got {type(op).__name__}")
        self._view(node)

    def _view(self, node):
        self._node = node
        self.op = _op_view(node.Op)
        self.inputs = [wrap(v) for v in node.Inputs]
        self.outputs = [wrap(v) for v in node.Outputs]

    @classmethod
    def _wrap(cls, node):
        view = cls.__new__(cls)
        view._view(node)
        return view

    @property
    def nin(self):
        """Number of inputs."""
        return len(self.inputs)

    @property
    def nout(self):
        """Number of outputs."""
        return len(self.outputs)

    @property
    def out(self):
        """The only output."""
        if len(self.outputs) != 1:
            raise ValueError(f"{self} has {len(self.outputs)} outputs")
        return self.outputs[0]

    def __repr__(self):
        return f"{self.op}({', '.join(map(repr, self.inputs))})"


def _is_python_op(op):
    from .op import Op

    return isinstance(op, Op)


def ancestors(graphs, blockers=None):
    """Every variable the variables in ``graphs`` depend on (themselves included), outputs before inputs.

    Parameters
    ----------
    graphs : iterable of TensorVariable
        The variables to start from.
    blockers : iterable of TensorVariable, optional
        Variables whose own inputs are not followed.

    Returns
    -------
    list of TensorVariable
        Each variable once.
    """
    blockers = set(blockers or ())
    seen, order, stack = set(), [], list(reversed(list(graphs)))
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        order.append(v)
        if v.owner is not None and v not in blockers:
            stack.extend(reversed(v.owner.inputs))
    return order


def graph_inputs(graphs, blockers=None):
    """The variables without owner (inputs, shared variables, constants) that ``graphs`` depend on.

    Parameters
    ----------
    graphs : iterable of TensorVariable
        The variables to start from.
    blockers : iterable of TensorVariable, optional
        Variables treated as inputs (their own inputs are not followed).

    Returns
    -------
    list of TensorVariable
        Each variable once, in the order :func:`ancestors` meets them.
    """
    blockers = set(blockers or ())
    return [v for v in ancestors(graphs, blockers) if v.owner is None or v in blockers]
