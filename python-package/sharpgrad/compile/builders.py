"""Ops defined by a graph (Aesara's ``aesara.compile.builders``).

:class:`OpFromGraph` makes an op out of a graph from ``inputs`` to
``outputs``; calling it on variables makes one node whose value is the
graph's. The engine compiles the inner graph once, derives its gradient and
R-op from the inner graph (each itself an ``OpFromGraph``, so derivatives of
any order work), or from the overrides given (Aesara's ``lop_overrides``,
``grad_overrides``, ``rop_overrides``), and with ``inline=True`` puts the
inner graph in place of each node when a function is compiled::

    from sharpgrad.compile.builders import OpFromGraph
    x, y, z = at.dscalars('x', 'y', 'z')
    op = OpFromGraph([x, y, z], [x + y * z])
    e2 = op(x, y, z) + op(z, y, x)

Overrides are called once, with the op's inner variables, when the first
derivative is taken; their graphs become the inner graph of the op's
gradient (or R-op) op.
"""

from __future__ import annotations

import functools
import numbers
import weakref

import numpy as np

from .._bridge import api, call
from ..graph.op import Op
from ..tensor.var import TensorVariable, as_tensor_variable, wrap

__all__ = ["OpFromGraph"]

_TYPE_ERR_MSG = ("OpFromGraph: L_op/gradient override should be (single or list of)'default' | OpFromGraph | callable | Variable "
                 "with NullType or DisconnectedType, got {}")
_ROP_TYPE_ERR_MSG = ("OpFromGraph: R_op overrides should be (single or list of)OpFromGraph | 'default' | None | 0 | callable, "
                     "got {}")
_STYPE_ERR_MSG = "Overriding Variable instance can only have type of DisconnectedType or NullType, got {}"
# Options of the inner function accepted at these values only (every inner input may be unused anyway).
_DEFAULT_ONLY_KWARGS = {"mode": (None,), "accept_inplace": (False,), "profile": (None, False)}


def _is_default(spec):
    return isinstance(spec, str) and spec == "default"


def _special_kind(spec):
    """'disconnected' or 'null' for Aesara's special overriding values (a DisconnectedType or NullType variable or
    type), None for anything else."""
    from ..gradient import DisconnectedType, NullType

    kind = getattr(spec, "type", spec)
    if isinstance(kind, DisconnectedType):
        return "disconnected"
    if isinstance(kind, NullType):
        return "null"
    return None


def _registered(engine):
    """The live Python object recorded for an engine op, or None."""
    ref = api.OpFromGraphObject(engine)
    return None if ref is None else ref()


class OpFromGraph(Op):
    """An op whose computation is a graph (Aesara's ``OpFromGraph``).

    Calling the op on variables (one per input, shared variables excluded:
    those the outputs use are appended automatically) makes a node; its value
    is what ``function(inputs, outputs)`` would compute. Its gradient is the
    inner graph's, or the override given; its R-op likewise.

    Parameters
    ----------
    inputs : list of TensorVariable
        The inputs of the graph (no constants, no shared variables).
    outputs : list of TensorVariable
        The outputs of the graph.
    inline : bool
        True puts the inner graph in place of each node when a function is
        compiled (derivatives taken before keep the overrides); False runs a
        compiled inner function.
    lop_overrides : 'default', OpFromGraph, callable, DisconnectedType, NullType or list
        Replaces the gradient. A callable takes ``(inputs, outputs,
        output_grads)`` (lists of the op's inner variables) and returns one
        term per input; an ``OpFromGraph`` takes ``inputs + outputs +
        output_grads``; a ``DisconnectedType`` or ``NullType`` (variable or
        type) makes every input disconnected or undefined; a list gives one
        entry per input, each ``'default'``, a callable or op returning one
        term, a special value, or None (disconnected). A term may be a
        variable, None or a ``DisconnectedType`` (disconnected: zero), or a
        ``NullType`` (undefined).
    grad_overrides : 'default', OpFromGraph, callable or list
        Aesara's older form of ``lop_overrides``, whose callables take
        ``(inputs, output_grads)`` and ops ``inputs + output_grads``;
        exclusive with ``lop_overrides``.
    rop_overrides : 'default', OpFromGraph, callable, DisconnectedType, NullType or list
        Replaces the R-op: a callable takes ``(inputs, eval_points)`` and
        returns one term per output (None or ``DisconnectedType``: zero); an
        ``OpFromGraph`` takes ``inputs + eval_points``; a list gives one entry
        per output.
    connection_pattern : list of list of bool, optional
        Entry ``[i][o]`` says whether output ``o`` depends on input ``i``;
        derived from the graph and the overrides when None.
    name : str, optional
        A name for printing (``name{inline=False}``).
    **kwargs
        Aesara's options of the inner function: ``on_unused_input``, and
        ``mode``, ``accept_inplace``, ``profile`` at their defaults, are
        accepted; ``updates`` and ``givens`` raise NotImplementedError, as in
        Aesara.
    """

    def __init__(self, inputs, outputs, inline=False, lop_overrides="default", grad_overrides="default",
                 rop_overrides="default", connection_pattern=None, name=None, **kwargs):
        from ..compile.sharedvalue import SharedVariable
        from ..graph.basic import Constant

        if not (isinstance(inputs, list) and isinstance(outputs, list)):
            raise TypeError("Inputs and outputs must be lists")
        for v in inputs + outputs:
            if not isinstance(v, TensorVariable):
                raise TypeError(f"Inputs and outputs must be Variable instances; got {v}")
        for v in inputs:
            if isinstance(v, Constant):
                raise TypeError(f"Constants not allowed as inputs; {v}")
            if isinstance(v, SharedVariable):
                raise TypeError(f"SharedVariables not allowed as inputs; {v}")
        if "updates" in kwargs or "givens" in kwargs:
            raise NotImplementedError("Updates and givens are not allowed here")
        for key, value in kwargs.items():
            if key == "on_unused_input":
                continue
            if key not in _DEFAULT_ONLY_KWARGS or not any(value is v for v in _DEFAULT_ONLY_KWARGS[key]):
                raise NotImplementedError(f"OpFromGraph: the inner function option {key}={value!r} is not supported")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"OpFromGraph: name must be None or a string; got {name!r}")
        if not _is_default(lop_overrides) and not _is_default(grad_overrides):
            raise ValueError("lop_overrides and grad_overrides are mutually exclusive")
        for spec in (lop_overrides, grad_overrides, rop_overrides):
            if isinstance(spec, str) and spec != "default":
                raise ValueError(f"OpFromGraph: an override string must be 'default'; got {spec!r}")
        _check_override(lop_overrides, "lop_overrides", len(inputs))
        _check_override(grad_overrides, "grad_overrides", len(inputs))
        _check_override(rop_overrides, "rop_overrides", len(outputs))
        self.is_inline = bool(inline)
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.kwargs = dict(kwargs)
        self.name = name
        self.input_types = [v.type for v in inputs]
        self.output_types = [v.type for v in outputs]
        if not _is_default(grad_overrides):
            self._lop = (grad_overrides, "grad")
        else:
            self._lop = (lop_overrides, "lop")
        self._rop = rop_overrides
        flat, rows = None, 0
        if connection_pattern is not None:
            rows = len(connection_pattern)
            flat = [bool(c) for row in connection_pattern for c in row]
        # The engine op keeps the override callbacks; they must not reach back to the op (through self), or the op
        # and this object would keep each other alive across the two runtimes.
        inner = {}
        lop_callback = None if _is_default(self._lop[0]) else _Callback(
            functools.partial(_lop_terms, self._lop[0], self._lop[1], len(inputs)), lambda groups: groups[0])
        rop_callback = None if _is_default(self._rop) else _Callback(
            functools.partial(_rop_terms, self._rop, inner), lambda groups: inner["outputs"])
        engine = call(api.NewOpFromGraph, [v._v for v in inputs], [v._v for v in outputs], self.is_inline, name,
                      lop_callback, rop_callback, flat, rows)
        inner["outputs"] = [wrap(v) for v in engine.InnerOutputs]
        self._attach(engine)

    def _attach(self, engine):
        self.__dict__["_sharpgrad_engine_op"] = engine
        self.__dict__["_fn"] = None
        # Weakly: ``node.op`` is this object while it lives, a new view of the engine op after.
        call(api.RegisterOpFromGraph, engine, weakref.ref(self))

    @classmethod
    def _view(cls, engine):
        """The Python object for an op the engine made (a gradient or R-op op, or one read from JSON)."""
        found = _registered(engine)
        if found is not None:
            return found
        view = cls.__new__(cls)
        view.is_inline = bool(engine.Inline)
        view.name = None if engine.Name is None else str(engine.Name)
        view.kwargs = {}
        view._lop = ("default", "lop")
        view._rop = "default"
        view._attach(engine)
        view.inputs = list(view.inner_inputs)
        view.outputs = list(view.inner_outputs)
        view.input_types = [v.type for v in view.inputs]
        view.output_types = [v.type for v in view.outputs]
        return view

    @property
    def _engine(self):
        return self.__dict__["_sharpgrad_engine_op"]

    def _engine_op(self):
        return self._engine

    @property
    def inner_inputs(self):
        """The inner graph's inputs: one per input, then one per shared variable the outputs use."""
        return [wrap(v) for v in self._engine.InnerInputs]

    @property
    def inner_outputs(self):
        """The inner graph's outputs."""
        return [wrap(v) for v in self._engine.InnerOutputs]

    @property
    def shared_inputs(self):
        """The shared variables the outputs use, appended to every node's inputs."""
        return [wrap(v) for v in self._engine.SharedInputs]

    @property
    def fgraph(self):
        """A copy of the inner graph as a :class:`~sharpgrad.graph.fg.FunctionGraph`."""
        from ..graph.fg import FunctionGraph

        return FunctionGraph(call(api.OpFromGraphGraph, self._engine))

    @property
    def fn(self):
        """The inner graph compiled as a function (compiled on first use)."""
        if self.__dict__.get("_fn") is None:
            from .function import function

            self.__dict__["_fn"] = function(self.inner_inputs, self.inner_outputs, on_unused_input="ignore")
        return self.__dict__["_fn"]

    def make_node(self, *inputs):
        """Return the :class:`~sharpgrad.graph.basic.Apply` of this op to ``inputs``.

        Parameters
        ----------
        *inputs : TensorVariable or array_like
            One per input of the graph (numbers and arrays become constants of
            the input's dtype); the shared variables are appended.

        Returns
        -------
        Apply
            The new node.

        Raises
        ------
        ValueError
            For a wrong number of inputs.
        TypeError
            For an input whose dtype, rank or static shape does not fit.
        """
        from ..graph.basic import Apply

        expected = int(self._engine.ExplicitInputCount)
        if len(inputs) != expected:
            raise ValueError(f"Expected {expected} inputs, got {len(inputs)}")
        handles = []
        for i, (v, inner) in enumerate(zip(inputs, self.inner_inputs)):
            if not isinstance(v, TensorVariable):
                try:
                    v = as_tensor_variable(np.asarray(v, dtype=inner.dtype))
                except (TypeError, ValueError, OverflowError) as error:
                    raise TypeError(f"{self}: input {i} ({v!r:.60}) cannot be made into a {inner.type}: "
                                    f"{error}") from None
            fits = v.dtype == inner.dtype and v.ndim == inner.ndim and all(
                a is None or b is None or a == b for a, b in zip(v.static_shape, inner.static_shape))
            if not fits:
                raise TypeError(f"{self}: input {i} ({v!r}) has type {v.type}; expected {inner.type}")
            handles.append(v._v)
        return Apply._wrap(call(api.MakeNode, self._engine, handles))

    def L_op(self, inputs, outputs, output_grads):  # noqa: N802 - Aesara's name
        """The gradient terms for each input at a node with these inputs and outputs.

        Parameters
        ----------
        inputs, outputs : list of TensorVariable
            The node's inputs (shared variables included) and outputs.
        output_grads : list of TensorVariable
            The gradient of the cost with respect to each output.

        Returns
        -------
        list of TensorVariable
            One term per input (a ``DisconnectedType`` or ``NullType``
            variable where the gradient is so).
        """
        inputs, outputs = self._full_inputs(inputs), list(outputs)
        grads = [as_tensor_variable(g) for g in output_grads]
        handles = call(api.OpFromGraphLop, self._engine, [v._v for v in inputs], [v._v for v in outputs],
                       [g._v for g in grads])
        return [wrap(h) for h in handles]

    def grad(self, inputs, output_grads):
        """The gradient terms for each input (the node is made again from ``inputs``).

        Parameters
        ----------
        inputs : list of TensorVariable
            The node's inputs.
        output_grads : list of TensorVariable
            The gradient of the cost with respect to each output.

        Returns
        -------
        list of TensorVariable
            One term per input.
        """
        node = self.make_node(*list(inputs)[:int(self._engine.ExplicitInputCount)])
        return self.L_op(node.inputs, node.outputs, output_grads)

    def R_op(self, inputs, eval_points):  # noqa: N802 - Aesara's name
        """The directional derivative of each output along ``eval_points``.

        Parameters
        ----------
        inputs : list of TensorVariable
            The node's inputs (shared variables included or not).
        eval_points : list of TensorVariable or None
            One direction per input (None: zero).

        Returns
        -------
        list of TensorVariable or None
            One directional derivative per output (None where it is zero).
        """
        inputs = self._full_inputs(inputs)
        points = list(eval_points) + [None] * (len(inputs) - len(eval_points))
        handles = call(api.OpFromGraphRop, self._engine, [v._v for v in inputs],
                       [None if p is None else as_tensor_variable(p)._v for p in points])
        return [None if h is None else wrap(h) for h in handles]

    def connection_pattern(self, node):
        """Which outputs depend on which inputs.

        Parameters
        ----------
        node : Apply
            A node of this op.

        Returns
        -------
        list of list of bool
            Entry ``[i][o]`` is True when output ``o`` depends on input ``i``.
        """
        flat = [bool(b) for b in call(api.OpFromGraphConnectionPattern, self._engine, node._node)]
        n_out = len(node.outputs)
        return [flat[i:i + n_out] for i in range(0, len(flat), n_out)]

    def _full_inputs(self, inputs):
        inputs = [as_tensor_variable(v) for v in inputs]
        if len(inputs) == int(self._engine.ExplicitInputCount):
            inputs += self.shared_inputs
        return inputs

    def __eq__(self, other):
        return isinstance(other, OpFromGraph) and bool(self._engine.Equals(other._engine))

    def __hash__(self):
        return int(self._engine.GetHashCode())

    def __str__(self):
        return str(self._engine.ToString())

    __repr__ = __str__


def _check_override(spec, what, count):
    """Refuses, when the op is made, an override that can never work: a wrong kind of value or a list of the wrong
    length (``count`` entries: one per input for gradients, one per output for R-ops)."""
    def usable(entry):
        return (entry is None or _is_default(entry) or callable(entry) or isinstance(entry, OpFromGraph)
                or _special_kind(entry) is not None)

    if isinstance(spec, list):
        if len(spec) != count:
            raise ValueError(f"OpFromGraph: {what} has {len(spec)} entries; expected {count} (one per "
                             f"{'output' if what == 'rop_overrides' else 'input'})")
        bad = [entry for entry in spec if not usable(entry)]
    else:
        bad = [spec] if spec is None or not usable(spec) else []
    if bad:
        raise TypeError(f"OpFromGraph: {what} must be 'default', a callable, an OpFromGraph, a DisconnectedType or "
                        f"NullType value, or a list of those; got {bad[0]!r:.60} ({type(bad[0]).__name__})")


def _lop_terms(spec, kind, explicit, inputs, outputs, grads):
    """The gradient terms the override ``spec`` gives (called once, by the engine, with the inner variables)."""
    n = len(inputs)
    args = (inputs, outputs, grads) if kind == "lop" else (inputs, grads)
    flat = [v for group in args for v in group]
    defaults = []

    def default(i):
        if not defaults:
            handles = call(api.OpFromGraphDefaultGradients, [v._v for v in inputs], [v._v for v in outputs],
                           [g._v for g in grads])
            defaults.extend(wrap(h) for h in handles)
        return defaults[i]

    if isinstance(spec, OpFromGraph):
        needed = len(flat)
        got = len(spec.inner_inputs) - len(spec.shared_inputs)
        if got != needed:
            raise ValueError(f"OpFromGraph: expect overrider with {needed} inputs, got {got}")
        return spec(*flat, return_list=True)
    if _special_kind(spec) is not None:
        return [spec] * n
    if isinstance(spec, list):
        if len(spec) not in (n, explicit):
            raise ValueError(f"OpFromGraph: Need to override {explicit} gradients, got {len(spec)}", spec)
        terms = []
        for i, entry in enumerate(list(spec) + ["default"] * (n - len(spec))):
            if _is_default(entry):
                terms.append(default(i))
            elif entry is None or _special_kind(entry) is not None:
                terms.append(entry)
            elif isinstance(entry, OpFromGraph):
                terms.append(entry(*flat))
            elif callable(entry):
                terms.append(entry(*args))
            else:
                raise TypeError(_TYPE_ERR_MSG.format(entry))
        return terms
    if not callable(spec):
        raise TypeError(_TYPE_ERR_MSG.format(spec))
    terms = spec(*args)
    if not isinstance(terms, (list, tuple)):
        raise TypeError(f'OpFromGraph: Gradient/L_op overriding function should return a list, got "{type(terms)}"')
    terms = list(terms)
    if len(terms) == explicit and n > explicit:
        terms += [default(i) for i in range(explicit, n)]
    if len(terms) != n:
        raise ValueError(f"OpFromGraph: Gradient/L_op overriding function should return list of {n} outputs, got {len(terms)}")
    return terms

def _rop_terms(spec, inner, inputs, eval_points):
    """The R-op terms the override ``spec`` gives (called once, by the engine, with the inner variables)."""
    outputs = inner["outputs"]
    m = len(outputs)
    flat = list(inputs) + list(eval_points)
    defaults = []

    def default(o):
        if not defaults:
            from ..gradient import Rop

            defaults.extend(Rop(outputs, list(inputs), list(eval_points), disconnected_outputs="ignore",
                                return_disconnected="None"))
        return defaults[o]

    if isinstance(spec, OpFromGraph):
        got = len(spec.inner_inputs) - len(spec.shared_inputs)
        if got != len(flat):
            raise ValueError(f"OpFromGraph: expect overrider with {len(flat)} inputs, got {got}")
        return spec(*flat, return_list=True)
    if _special_kind(spec) is not None:
        return [spec] * m
    if isinstance(spec, list):
        if len(spec) != m:
            raise ValueError(f"OpFromGraph: Need to override {m} Rop, got {len(spec)}", spec)
        terms = []
        for o, entry in enumerate(spec):
            if _is_default(entry):
                terms.append(default(o))
            elif entry is None or _special_kind(entry) is not None:
                terms.append(entry)
            elif isinstance(entry, OpFromGraph):
                terms.append(entry(*flat))
            elif callable(entry):
                terms.append(entry(list(inputs), list(eval_points)))
            else:
                raise TypeError(_ROP_TYPE_ERR_MSG.format(entry))
        return terms
    if not callable(spec):
        raise TypeError(_ROP_TYPE_ERR_MSG.format(spec))
    terms = spec(list(inputs), list(eval_points))
    if not isinstance(terms, (list, tuple)):
        raise TypeError(f'OpFromGraph: Rop overriding function should return a list, got "{type(terms)}"')
    if len(terms) != m:
        raise ValueError(f"OpFromGraph: Rop overriding function {spec} should return list of {m} outputs, got {len(terms)}")
    return list(terms)


class _Callback:
    """What the engine calls for an override: engine variables in, engine variables (or None) out.

    ``likes`` gives, from the groups of variables, the variable each term is
    for (an input for a gradient, an output for an R-op), which shapes a
    disconnected or undefined placeholder.
    """

    def __init__(self, terms, likes):
        self.terms = terms
        self.likes = likes

    def __call__(self, *groups):
        groups = [[wrap(h) for h in group] for group in groups]
        terms = self.terms(*groups)
        return [_term_handle(term, like) for term, like in zip(terms, self.likes(groups))]


def _term_handle(term, like):
    """An override's term as an engine variable: a gradient, None, or a disconnected/undefined placeholder."""
    if term is None:
        return None
    kind = _special_kind(term)
    if kind is not None and not isinstance(term, TensorVariable):
        if like is None:
            return None
        if kind == "disconnected":
            return call(api.MakeDisconnectedGradient, like._v)
        return call(api.MakeNullGradient, like._v, getattr(getattr(term, "type", term), "why_null", ""))
    if isinstance(term, TensorVariable):
        return term._v
    if not isinstance(term, (numbers.Number, np.ndarray, np.generic)):
        raise TypeError(f"OpFromGraph: an override returned {term!r:.60} ({type(term).__name__}); expected a "
                        f"TensorVariable, None, or a DisconnectedType or NullType value")
    return as_tensor_variable(term)._v
