"""Ops written in Python (Aesara's ``aesara.graph.op.Op``).

Subclass :class:`Op` as in Aesara: ``make_node`` builds an
:class:`~sharpgrad.graph.basic.Apply` (its outputs, e.g. ``x.type()``, give
the output types), ``perform`` computes numpy values into
``output_storage``, ``grad`` (or ``L_op``) and ``R_op`` give the derivative
rules as graphs, and ``connection_pattern`` says which outputs depend on
which inputs::

    class DoubleOp(Op):
        __props__ = ()

        def make_node(self, x):
            x = at.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0] * 2

        def grad(self, inputs, output_grads):
            return [output_grads[0] * 2]

The engine runs such an op through one C# class (``Gradient.Interop.PythonOp``)
that calls back into the methods here. The engine treats a Python op as
non-deterministic: graphs never merge two of its nodes, never compute it at
compile time, and cannot be saved as JSON. ``infer_shape`` is accepted but
not used: shapes are known when ``perform`` runs.
"""

from __future__ import annotations

import numpy as np

from .._bridge import api, call, to_numpy
from ..tensor.var import TensorVariable, as_tensor_variable, wrap

__all__ = ["Op"]


class Op:
    """Base class of ops written in Python; see the module documentation.

    ``__props__`` (a tuple of attribute names) makes ops of one class with
    equal props compare and hash equal, as in Aesara; without it an op equals
    only itself.
    """

    default_output = None

    def make_node(self, *inputs):
        """Return an :class:`~sharpgrad.graph.basic.Apply` of this op to ``inputs``.

        Subclasses override it, or declare the class attributes ``itypes`` and
        ``otypes`` (lists of :class:`~sharpgrad.tensor.type.TensorType`, or of
        constructors such as ``at.dmatrix``) as Aesara's shortest ops do; this
        default then checks the inputs against ``itypes`` and makes one output
        per ``otypes`` entry.

        Parameters
        ----------
        *inputs : TensorVariable or array_like
            The op's inputs.

        Returns
        -------
        Apply
            The new node, whose ``outputs`` are new variables.

        Raises
        ------
        NotImplementedError
            When the op has neither its own ``make_node`` nor ``itypes`` and ``otypes``.
        ValueError
            For a wrong number of inputs.
        TypeError
            For an input whose dtype, rank or static shape does not fit its ``itypes`` entry.
        """
        itypes, otypes = getattr(self, "itypes", None), getattr(self, "otypes", None)
        if itypes is None or otypes is None:
            raise NotImplementedError(f"{type(self).__name__}.make_node is not implemented (define make_node, or "
                                      "itypes and otypes)")
        from .basic import Apply

        itypes, otypes = [_declared_type(t) for t in itypes], [_declared_type(t) for t in otypes]
        if len(inputs) != len(itypes):
            raise ValueError(f"We expected {len(itypes)} inputs but got {len(inputs)}.")
        inputs = [as_tensor_variable(v) for v in inputs]
        for i, (v, want) in enumerate(zip(inputs, itypes)):
            fits = v.dtype == want.dtype and v.ndim == want.ndim and all(
                w is None or n == w for n, w in zip(v.static_shape, want.shape))
            if not fits:
                raise TypeError(f"Invalid input types for Op {self}: input {i} ({v!r}) has type {v.type}; expected "
                                f"{want}")
        return Apply(self, inputs, otypes)

    def __call__(self, *inputs, return_list=False, **kwargs):
        """Build a node on ``inputs``; return its output (or ``default_output``), or the list of its outputs.

        Parameters
        ----------
        *inputs : TensorVariable or array_like
            The op's inputs, passed to :meth:`make_node`.
        return_list : bool
            Return the list of outputs even for one output.
        **kwargs
            Passed to :meth:`make_node`.

        Returns
        -------
        TensorVariable or list of TensorVariable
            The output, or the outputs.
        """
        node = self.make_node(*inputs, **kwargs)
        from .basic import Apply

        if not isinstance(node, Apply):
            raise TypeError(f"{self}.make_node must return an Apply; got {node!r:.60} of type {type(node).__name__}")
        outputs = list(node.outputs)
        if return_list:
            return outputs
        if self.default_output is not None:
            return outputs[self.default_output]
        return outputs[0] if len(outputs) == 1 else outputs

    def perform(self, node, inputs, output_storage):
        """Compute the outputs: ``output_storage[i][0] = value`` for each output ``i``.

        Parameters
        ----------
        node : Apply
            The node being computed.
        inputs : list of numpy.ndarray
            The input values.
        output_storage : list of list
            One one-element list per output, to store its value in.
        """
        raise NotImplementedError(f"{type(self).__name__}.perform is not implemented")

    def L_op(self, inputs, outputs, output_grads):  # noqa: N802 - Aesara's name
        """The gradient terms for each input; by default :meth:`grad`.

        Parameters
        ----------
        inputs, outputs : list of TensorVariable
            The node's inputs and outputs.
        output_grads : list of TensorVariable
            The gradient of the cost with respect to each output.

        Returns
        -------
        list
            One term per input: a variable shaped like the input, None, or a
            ``DisconnectedType()()`` / ``NullType()()`` placeholder.
        """
        return self.grad(inputs, output_grads)

    def grad(self, inputs, output_grads):
        """The gradient terms for each input (one per input).

        Parameters
        ----------
        inputs : list of TensorVariable
            The node's inputs.
        output_grads : list of TensorVariable
            The gradient of the cost with respect to each output.

        Returns
        -------
        list
            One term per input: a variable shaped like the input, None, or a
            ``DisconnectedType()()`` / ``NullType()()`` placeholder.
        """
        raise NotImplementedError(f"{type(self).__name__}.grad is not implemented: {self} has no gradient (define "
                                  "grad or L_op)")

    def R_op(self, inputs, eval_points):  # noqa: N802 - Aesara's name
        """The directional derivative of each output along ``eval_points`` (None for a zero direction).

        Parameters
        ----------
        inputs : list of TensorVariable
            The node's inputs.
        eval_points : list of TensorVariable or None
            The direction, one per input (None: zero).

        Returns
        -------
        list of TensorVariable or None
            One directional derivative per output.
        """
        raise NotImplementedError(f"{type(self).__name__}.R_op is not implemented: {self} has no forward-mode "
                                  "derivative (define R_op)")

    def _props(self):
        return tuple(getattr(self, name) for name in type(self).__props__)

    def _props_dict(self):
        return {name: getattr(self, name) for name in type(self).__props__}

    def __eq__(self, other):
        if not hasattr(type(self), "__props__"):
            return self is other
        return type(self) is type(other) and self._props() == other._props()

    def __hash__(self):
        if not hasattr(type(self), "__props__"):
            return object.__hash__(self)
        return hash((type(self), self._props()))

    def __str__(self):
        props = getattr(type(self), "__props__", ())
        if not props:
            return type(self).__name__
        return f"{type(self).__name__}{{{', '.join(f'{p}={getattr(self, p)!r}' for p in props)}}}"

    __repr__ = __str__

    def _engine_op(self):
        """The engine op standing for this Python op (made once; it keeps this op alive)."""
        engine = self.__dict__.get("_sharpgrad_engine_op")
        if engine is None:
            has_pattern = callable(getattr(self, "connection_pattern", None))
            engine = call(api.NewPythonOp, _Callbacks(self), type(self).__name__, str(self), has_pattern)
            self.__dict__["_sharpgrad_engine_op"] = engine
        return engine


def _declared_type(t):
    """An ``itypes``/``otypes`` entry as a TensorType: a TensorType itself, or a constructor such as ``at.dmatrix``."""
    from ..tensor.type import TensorType

    if isinstance(t, TensorType):
        return t
    if callable(t):
        made = t()
        if isinstance(made, TensorVariable):
            return made.type
    raise TypeError(f"itypes/otypes: expected TensorType objects or tensor constructors; got {t!r}")


class _Callbacks:
    """What the engine's ``PythonOp`` calls, with engine handles in and out; the user's methods see
    :class:`TensorVariable`, :class:`Apply` and numpy arrays."""

    def __init__(self, op):
        self.op = op

    def make_node(self, handles):
        node = self.op.make_node(*[wrap(h) for h in handles])
        return _engine_node(self.op, node, "make_node")

    def perform(self, node_handle, results):
        from .basic import Apply

        op = self.op
        node = Apply._wrap(node_handle)
        inputs = to_numpy(results)
        storage = [[None] for _ in node.outputs]
        op.perform(node, inputs, storage)
        arrays = [_checked_output(op, i, cell[0], out) for i, (cell, out) in enumerate(zip(storage, node.outputs))]
        specs = [(int(a.ctypes.data), [int(n) for n in a.shape], a.dtype.name) for a in arrays]
        return specs, arrays  # the arrays stay alive until the engine has copied them

    def pullback(self, node_handle, grad_handles):
        from .basic import Apply

        node = Apply._wrap(node_handle)
        output_grads = [wrap(g) for g in grad_handles]
        terms = self.op.L_op(list(node.inputs), list(node.outputs), output_grads)
        return _terms(self.op, terms, "grad", list(node.inputs))

    def pushforward(self, node_handle, tangent_handles):
        from .basic import Apply

        node = Apply._wrap(node_handle)
        eval_points = [None if t is None else wrap(t) for t in tangent_handles]
        terms = self.op.R_op(list(node.inputs), eval_points)
        return _terms(self.op, terms, "R_op")

    def connection_pattern(self, node_handle):
        from .basic import Apply

        node = Apply._wrap(node_handle)
        pattern = self.op.connection_pattern(node)
        rows = list(pattern) if isinstance(pattern, (list, tuple)) else None
        if rows is None or len(rows) != node.nin or any(
                not isinstance(r, (list, tuple)) or len(r) != node.nout for r in rows):
            raise ValueError(f"{self.op}.connection_pattern must return one list per input ({node.nin}) with one "
                             f"bool per output ({node.nout}); got {pattern!r}")
        return [bool(c) for row in rows for c in row]


def _engine_node(op, node, where):
    from .basic import Apply

    if not isinstance(node, Apply):
        raise TypeError(f"{op}.{where} must return an Apply; got {type(node).__name__}")
    return node._node


def _terms(op, terms, method, inputs=None):
    """The user's gradient or tangent terms as engine handles, None, or 'disconnected'."""
    from ..gradient import DisconnectedType, NullType

    if terms is None:
        return None
    if isinstance(terms, TensorVariable) or not isinstance(terms, (list, tuple)):
        raise TypeError(f"{op}.{method} must return a list with one term per "
                        f"{'input' if method == 'grad' else 'output'}; got {type(terms).__name__}")
    out = []
    for term in terms:
        if term is None:
            out.append(None)
        elif isinstance(term, DisconnectedType) or isinstance(getattr(term, "type", None), DisconnectedType):
            out.append("disconnected")
        elif isinstance(getattr(term, "type", None), NullType) and not isinstance(term, TensorVariable):
            # Aesara's ``NullType()()``: an undefined gradient shaped like the input it is for.
            like = inputs[len(out)] if inputs is not None and len(out) < len(inputs) else None
            if like is None:
                raise TypeError(f"{op}.{method} returned a NullType variable where no input matches it")
            out.append(call(api.MakeNullGradient, like._v, term.type.why_null))
        elif isinstance(term, TensorVariable):
            out.append(term._v)
        else:
            out.append(as_tensor_variable(term)._v)
    return out


def _checked_output(op, i, value, variable):
    """``value`` as a C-contiguous array of ``variable``'s type, or a clear error naming the op."""
    want = variable.dtype
    if value is None:
        raise ValueError(f"{op}.perform did not store output {i}: output_storage[{i}][0] is None")
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.name != want:
            raise TypeError(f"{op}.perform stored output {i} with dtype {array.dtype.name}; its type "
                            f"{variable.type} expects {want}")
    else:
        try:
            array = np.asarray(value)
        except (ValueError, TypeError) as error:
            raise TypeError(f"{op}.perform stored output {i} as {type(value).__name__}, which is not an array "
                            f"({error})") from None
        if array.dtype.kind not in "biufc":
            raise TypeError(f"{op}.perform stored output {i} as {type(value).__name__}; expected a numpy array of "
                            f"dtype {want}")
        array = np.asarray(value, dtype=want)
    if array.ndim != variable.ndim:
        raise ValueError(f"{op}.perform stored output {i} with {array.ndim} dimension(s) (shape {array.shape}); "
                         f"its type {variable.type} has {variable.ndim}")
    for axis, (n, static) in enumerate(zip(array.shape, variable.static_shape)):
        if static is not None and n != static:
            raise ValueError(f"{op}.perform stored output {i} with shape {array.shape}; its type {variable.type} "
                             f"fixes axis {axis} to length {static}")
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    return np.require(array, requirements="C")
