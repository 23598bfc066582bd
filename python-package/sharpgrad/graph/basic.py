"""Graph nodes as Python objects (Aesara's ``aesara.graph.basic``).

Variables are :class:`~sharpgrad.tensor.var.TensorVariable` objects; an
:class:`Apply` is a read-only view of an engine node.
"""

from __future__ import annotations

import collections

import numpy as np

from .._bridge import System, api, call
from ..tensor.type import TensorType
from ..tensor.var import TensorVariable, as_tensor_variable, wrap
from Gradient.Graph import Constant as _EngineConstant  # noqa: E402,I100 (a .NET namespace, loaded by _bridge)
from Gradient.Graph import FunctionGraph as _EngineFunctionGraph  # noqa: E402,I100
from Gradient.Graph import Variable as _EngineVariable  # noqa: E402,I100
from System.Collections.Generic import Dictionary as _Dictionary  # noqa: E402,I100

__all__ = ["Apply", "Constant", "Variable", "ancestors", "graph_inputs", "OpView", "io_toposort", "vars_between",
           "applys_between", "orphans_between", "is_in_ancestors", "equal_computations", "clone_replace"]

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
    name = str(handle.ClassName)
    if name == "OpFromGraph":
        from ..compile.builders import OpFromGraph

        return OpFromGraph._view(api.AsOpFromGraph(handle))
    python_op = api.PythonOpObject(handle)
    if python_op is not None:
        return python_op  # an op defined in Python (sharpgrad.graph.op.Op) is its own view
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
        if _is_graph_op(op):
            node = call(api.MakeNode, op._engine_op(), handles)  # the engine types an OpFromGraph's outputs
        elif _is_python_op(op):
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

    def __eq__(self, other):
        # Views are made afresh on each ``owner`` access; two views of one engine node are the same node.
        return isinstance(other, Apply) and self._node == other._node

    def __hash__(self):
        return hash(self._node)

    def __repr__(self):
        return f"{self.op}({', '.join(map(repr, self.inputs))})"


def _is_python_op(op):
    from .op import Op

    return isinstance(op, Op)


def _is_graph_op(op):
    from ..compile.builders import OpFromGraph

    return isinstance(op, OpFromGraph)


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


def _variables(graphs, what):
    """``graphs`` as a list of variables (one variable counts as a list of one)."""
    if isinstance(graphs, TensorVariable):
        return [graphs]
    graphs = list(graphs)
    for i, v in enumerate(graphs):
        if not isinstance(v, TensorVariable):
            raise TypeError(f"{what}: item {i} must be a variable; got {type(v).__name__}")
    return graphs


def io_toposort(inputs, outputs, orderings=None, clients=None):
    """The Apply nodes between ``inputs`` and ``outputs``, each after the nodes computing its inputs.

    The owners of ``inputs`` and what they depend on are left out, as in
    Aesara; variables without an owner are sources.

    Parameters
    ----------
    inputs : list of TensorVariable
        Where the walk stops: these count as already computed.
    outputs : list of TensorVariable
        The variables whose computation is sorted.
    orderings : dict, optional
        Extra dependencies: ``{node: [nodes that must come before it]}``.
    clients : dict, optional
        When given, filled with ``{variable or node: [its clients among the sorted items]}``.

    Returns
    -------
    list of Apply
        Every node once, in an order where each follows the nodes whose
        outputs it reads.
    """
    inputs = _variables(inputs, "io_toposort")
    outputs = _variables(outputs, "io_toposort")
    if not orderings and clients is None:
        # A node is emitted once all its inputs are computed (inputs given, leaves, or emitted outputs).
        computed = set(inputs)
        todo = [v.owner for v in reversed(outputs) if v.owner is not None]
        order = []
        while todo:
            node = todo.pop()
            if node.outputs[0] in computed:
                continue
            pending = [v.owner for v in node.inputs if v not in computed and v.owner is not None]
            if pending:
                todo.append(node)
                todo.extend(pending)
            else:
                computed.update(node.outputs)
                order.append(node)
        return order
    return [item for item in _general_toposort(set(inputs), outputs, orderings or {}, clients)
            if isinstance(item, Apply)]


def _general_toposort(stops, outputs, orderings, clients):
    """Kahn's sort of the variables and nodes the outputs depend on (variables in ``stops`` are sources)."""

    def dependencies(item):
        if isinstance(item, Apply):
            return list(item.inputs) + list(orderings.get(item, ()))
        if item in stops:
            return []
        return ([] if item.owner is None else [item.owner]) + list(orderings.get(item, ()))

    deps, users, found, stack = {}, {}, [], list(outputs)
    while stack:  # depth first, from the last output, as Aesara's walk
        item = stack.pop()
        if item in deps:
            continue
        deps[item] = dependencies(item)
        found.append(item)
        for d in deps[item]:
            users.setdefault(d, []).append(item)
        stack.extend(deps[item])
    if clients is not None:
        clients.update(users)
    remaining = {item: set(d) for item, d in deps.items()}
    ready = collections.deque(item for item in found if not remaining[item])
    order, done = [], set()
    while ready:
        item = ready.popleft()
        if item in done:
            continue
        done.add(item)
        order.append(item)
        for user in users.get(item, ()):
            remaining[user].discard(item)
            if not remaining[user]:
                ready.append(user)
    if len(order) != len(found):
        raise ValueError("io_toposort: the graph (with its orderings) contains cycles")
    return order


def vars_between(ins, outs):
    """The variables of the subgraph between ``ins`` and ``outs``, breadth first from ``outs``.

    As in Aesara: ``ins``, ``outs``, every intermediate variable, every output
    of the nodes met (a node's other outputs too) and the leaves the subgraph
    reads that are not in ``ins`` (see :func:`orphans_between`).

    Parameters
    ----------
    ins : collection of TensorVariable
        Where the walk stops (their owners are not followed).
    outs : iterable of TensorVariable
        Where the walk starts.

    Yields
    ------
    TensorVariable
        Each variable once.
    """
    stops = set(_variables(ins, "vars_between"))
    todo = collections.deque(_variables(outs, "vars_between"))
    seen = set()
    while todo:
        v = todo.popleft()
        if v in seen:
            continue
        seen.add(v)
        yield v
        if v.owner is not None and v not in stops:
            node = v.owner
            todo.extend(reversed(node.inputs + node.outputs))


def orphans_between(ins, outs):
    """The leaves (no owner) that ``outs`` read and that are not in ``ins``.

    Parameters
    ----------
    ins : collection of TensorVariable
        The subgraph's inputs.
    outs : iterable of TensorVariable
        The subgraph's outputs.

    Yields
    ------
    TensorVariable
        Each orphan once (constants and shared variables among them).
    """
    stops = set(_variables(ins, "orphans_between"))
    return (v for v in vars_between(stops, outs) if v.owner is None and v not in stops)


def applys_between(ins, outs):
    """The Apply nodes between ``ins`` and ``outs``: the owners of ``outs`` and the intermediate nodes.

    The owners of ``ins`` are left out. As in Aesara, a node is yielded once
    per output of it that the walk of :func:`vars_between` meets.

    Parameters
    ----------
    ins : collection of TensorVariable
        The subgraph's inputs.
    outs : iterable of TensorVariable
        The subgraph's outputs.

    Yields
    ------
    Apply
        The nodes, outputs first.
    """
    stops = set(_variables(ins, "applys_between"))
    return (v.owner for v in vars_between(stops, outs) if v not in stops and v.owner is not None)


def is_in_ancestors(l_apply, f_node):
    """Whether the node ``f_node`` computes something ``l_apply`` depends on (or is ``l_apply``).

    Parameters
    ----------
    l_apply : Apply
        The node whose ancestry is searched.
    f_node : Apply
        The node looked for.

    Returns
    -------
    bool
    """
    for what, node in (("l_apply", l_apply), ("f_node", f_node)):
        if not isinstance(node, Apply):
            raise TypeError(f"is_in_ancestors: {what} must be an Apply node; got {type(node).__name__}")
    computed, todo = set(), [l_apply]
    while todo:
        node = todo.pop()
        if node.outputs[0] in computed:
            continue
        pending = [v.owner for v in node.inputs if v not in computed and v.owner is not None]
        if pending:
            todo.append(node)
            todo.extend(pending)
        else:
            computed.update(node.outputs)
            if node == f_node:
                return True
    return False


def _constants_equal(x, y):
    """Aesara's ``Constant.equals``: same type and same values (NaN equal to NaN at the same places)."""
    if x.type != y.type:
        return False
    a, b = np.asarray(x.data), np.asarray(y.data)
    if a.shape != b.shape:
        return False
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))


def equal_computations(xs, ys, in_xs=None, in_ys=None):
    """Whether each ``xs[i]`` computes the same thing as ``ys[i]`` (Aesara's structural comparison).

    Two variables are equal when they are the same variable, equal
    constants, a pair ``(in_xs[j], in_ys[j])`` declared equivalent, or the
    same output of nodes with equal ops whose inputs are pairwise equal.
    Entries that are not variables are compared as arrays (against a
    constant's value when the other is a constant).

    Parameters
    ----------
    xs, ys : list of TensorVariable
        The graphs to compare, pairwise; the lists must have the same length.
    in_xs, in_ys : list of TensorVariable, optional
        Variables of ``xs`` and ``ys`` to treat as equal, pairwise (they must
        have the same types).

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        When ``xs`` and ``ys`` differ in length.
    """
    if len(xs) != len(ys):
        raise ValueError("equal_computations: the number of graphs/variables in each argument must match")
    in_xs = [] if in_xs is None else list(in_xs)
    in_ys = [] if in_ys is None else list(in_ys)
    for x, y in zip(xs, ys):
        x_var, y_var = isinstance(x, TensorVariable), isinstance(y, TensorVariable)
        if not x_var and not y_var:
            return bool(np.array_equal(x, y))  # as in Aesara: the first pair of plain values decides
        if not x_var or not y_var:
            variable, value = (y, x) if y_var else (x, y)
            return isinstance(variable, Constant) and bool(np.array_equal(variable.data, value))
        if (x.owner is None) != (y.owner is None):
            return False
        if x.owner is not None and x.owner.outputs.index(x) != y.owner.outputs.index(y):
            return False
        if x not in in_xs and x.type != y.type:
            return False
    if len(in_xs) != len(in_ys) or any(a.type != b.type for a, b in zip(in_xs, in_ys)):
        return False
    common = set(zip(in_xs, in_ys))
    different = set()
    for x, y in zip(xs, ys):
        if x.owner is None and not _leaves_equal(x, y, common):
            return False

    def same_nodes(nx, ny):
        if nx.op != ny.op or len(nx.inputs) != len(ny.inputs) or len(nx.outputs) != len(ny.outputs):
            return False
        pairs = list(zip(nx.outputs, ny.outputs))
        if any(pair in different for pair in pairs):
            return False
        if all(pair in common for pair in pairs):
            return True
        for dx, dy in zip(nx.inputs, ny.inputs):
            if (dx, dy) in common:
                continue
            if dx.owner is not None and dy.owner is not None and \
                    dx.owner.outputs.index(dx) == dy.owner.outputs.index(dy):
                if not same_nodes(dx.owner, dy.owner):
                    different.add((dx, dy))
                    return False
            elif dx.owner is None and dy.owner is None:
                if not _leaves_equal(dx, dy, common):
                    return False
            else:
                return False
        common.update(pairs)
        return True

    return all(x.owner is None or same_nodes(x.owner, y.owner) for x, y in zip(xs, ys))


def _leaves_equal(x, y, common):
    if (x, y) in common or x is y:
        return True
    return isinstance(x, Constant) and isinstance(y, Constant) and _constants_equal(x, y)


_REBUILD_DEFAULTS = {"rebuild_strict": True, "copy_inputs_over": True, "no_default_updates": False,
                     "clone_inner_graphs": False}
_REBUILD_ALIASES = {"strict": "rebuild_strict", "share_inputs": "copy_inputs_over"}  # Aesara's older names


def clone_replace(output, replace=None, **rebuild_kwds):
    """A copy of the graph of ``output`` with the variables of ``replace`` replaced (Aesara's ``clone_replace``).

    Every node between the leaves and ``output`` is new; the leaves (inputs,
    shared variables, constants) are the original ones. A replacement may
    use the variable it replaces (``{x: 2 * x}`` reads the original ``x``),
    and replacing an intermediate variable drops what computed it. The
    original graph is left unchanged.

    Parameters
    ----------
    output : TensorVariable or list of TensorVariable
        The graph (or graphs) to copy.
    replace : dict or list of (TensorVariable, TensorVariable or array_like) pairs, optional
        What to replace, by what. A replacement must have the dtype and
        number of dimensions of the variable it replaces (with compatible
        static lengths); a value that is not a variable becomes a constant
        of that dtype.
    **rebuild_kwds
        Aesara's options of ``rebuild_collect_shared`` (``rebuild_strict``,
        ``copy_inputs_over``, ``no_default_updates``, ``clone_inner_graphs``;
        also ``strict`` and ``share_inputs``); only their default values are
        supported (others raise NotImplementedError).

    Returns
    -------
    TensorVariable or list of TensorVariable
        The copy: one variable for one variable, a list for a list or tuple.

    Raises
    ------
    TypeError
        When a replacement's type does not fit the variable it replaces.
    """
    for key, value in rebuild_kwds.items():
        option = _REBUILD_ALIASES.get(key, key)
        if option not in _REBUILD_DEFAULTS:
            raise TypeError(f"clone_replace: unexpected keyword argument {key!r}")
        if value != _REBUILD_DEFAULTS[option]:
            raise NotImplementedError(f"clone_replace: the option {key}={value!r} is not implemented yet")
    single = isinstance(output, TensorVariable)
    if not single and not isinstance(output, (list, tuple)):
        raise TypeError(f"clone_replace: output must be a variable or a list of variables; got "
                        f"{type(output).__name__}")
    outputs = _variables(output, "clone_replace")
    if replace is None:
        pairs = []
    elif isinstance(replace, dict):
        pairs = list(replace.items())
    elif isinstance(replace, (list, tuple)):
        pairs = [tuple(pair) for pair in replace]
    else:
        raise ValueError(f"clone_replace: replace must be a dict, a list or tuple of pairs, or None; got "
                         f"{type(replace).__name__}")
    keys, values = [], []
    for key, value in pairs:
        if not isinstance(key, TensorVariable):
            raise TypeError(f"clone_replace: can only replace variables; got {type(key).__name__}")
        keys.append(key)
        values.append(_fit_replacement(key, value))
    # As in Aesara, two passes: first each replaced variable becomes a fresh placeholder, then each placeholder
    # its replacement. So a replacement that reads what it replaces (or another replaced variable) keeps reading
    # the original.
    placeholders = [key.type() for key in keys]
    copies = _engine_clone(outputs, keys, placeholders)
    if keys:
        copies = _engine_clone(copies, placeholders, values)
    return copies[0] if single else copies


def _fit_replacement(key, value):
    if not isinstance(value, TensorVariable):
        from ..tensor.var import constant

        value = constant(value, dtype=key.dtype)
    want, got = key.type, value.type
    compatible = (isinstance(got, TensorType) and want.dtype == got.dtype and want.ndim == got.ndim
                  and all(a is None or b is None or a == b for a, b in zip(want.shape, got.shape)))
    if not compatible:
        raise TypeError(f"clone_replace: cannot convert Type {got} (of Variable {value!r}) into Type {want} "
                        f"(of Variable {key!r}); convert the replacement first")
    return value


def _engine_clone(outputs, keys, values):
    """The engine's clone of the graph of ``outputs`` with ``keys`` replaced by ``values`` (leaves kept)."""
    givens = _Dictionary[_EngineVariable, _EngineVariable]()
    for key, value in zip(keys, values):
        givens[key._v] = value._v
    graph = call(_EngineFunctionGraph.Clone, System.Array[_EngineVariable]([]),
                 System.Array[_EngineVariable]([v._v for v in outputs]), givens)
    return [wrap(v) for v in graph.Outputs]
