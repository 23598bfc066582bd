"""Graph nodes as Python objects (Aesara's ``aesara.graph.basic``).

Variables are :class:`~sharpgrad.tensor.var.TensorVariable` objects; an
:class:`Apply` is a read-only view of an engine node.
"""

from __future__ import annotations

from ..tensor.var import TensorVariable, wrap

__all__ = ["Apply", "Constant", "Variable", "ancestors", "graph_inputs", "OpView"]

Variable = TensorVariable
Constant = TensorVariable  # constants are variables without an owner; see ``is_constant``

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
            value = pair.Value
            if value is not None and not isinstance(value, (str, int, float, bool)):
                value = tuple(value)
            setattr(self, str(pair.Key), value)

    def __eq__(self, other):
        return isinstance(other, OpView) and bool(self._op.Equals(other._op))

    def __hash__(self):
        return int(self._op.GetHashCode())

    def __str__(self):
        return str(self._op.ToString())

    __repr__ = __str__


def register_op_class(name, cls):
    """Use ``cls`` (an :class:`OpView` subclass) for engine ops whose class name is ``name``."""
    _op_classes[name] = cls


def _op_view(handle):
    name = str(handle.ClassName)
    cls = _op_classes.get(name)
    if cls is None:
        props = tuple(str(p.Key) for p in handle.Props)
        cls = _op_classes[name] = type(name, (OpView,), {"__props__": props, "__module__": __name__})
    view = cls.__new__(cls)
    OpView.__init__(view, handle)
    return view


class Apply:
    """An application of an Op to input variables (read-only view of an engine node)."""

    __slots__ = ("_node", "op", "inputs", "outputs")

    def __init__(self, node):
        self._node = node
        self.op = _op_view(node.Op)
        self.inputs = [wrap(v) for v in node.Inputs]
        self.outputs = [wrap(v) for v in node.Outputs]

    @classmethod
    def _wrap(cls, node):
        return cls(node)

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


def ancestors(graphs, blockers=None):
    """Every variable the variables in ``graphs`` depend on (themselves included), outputs before inputs."""
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
    """The variables without owner (inputs, shared variables, constants) that ``graphs`` depend on."""
    blockers = set(blockers or ())
    return [v for v in ancestors(graphs, blockers) if v.owner is None or v in blockers]
