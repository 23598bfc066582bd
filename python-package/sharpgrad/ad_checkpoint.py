"""Gradient checkpointing (JAX's ``jax.checkpoint`` / ``jax.remat``) and a probe of the memory a call holds.

:func:`checkpoint` marks a segment of the graph so that the backward pass
recomputes the segment's intermediate values instead of keeping them alive
from the forward pass: memory for time. It takes a function (the JAX style)
or an expression already built::

    h = x
    for i, w in enumerate(weights):
        h = at.tanh(at.dot(h, w))
        if (i + 1) % 10 == 0:
            h = sharpgrad.checkpoint(h)   # a segment of ten layers

A segment is an :class:`~sharpgrad.compile.builders.OpFromGraph` marked as a
checkpoint: its forward node runs a compiled inner function that frees its
intermediates before returning, and its gradient op takes the segment's
inputs, outputs and output gradients and recomputes inside itself what the
gradient needs. Gradients are those of the same graph without checkpoints.
:class:`MemoryProbe` measures the difference (peak bytes of the tensors a
compiled function holds while it runs).
"""

from __future__ import annotations

import functools

from . import _args, _pytree
from ._bridge import api, call
from .tensor.var import TensorVariable, as_tensor_variable, wrap

__all__ = ["checkpoint", "remat", "MemoryProbe"]


def checkpoint(fun, inputs=None, *, prevent_cse=True, policy=None, static_argnums=()):
    """Mark a segment for recomputation in the backward pass.

    Parameters
    ----------
    fun : callable, TensorVariable, or list or tuple of TensorVariable
        A function of variables (returns the function checkpointed: each call
        makes one segment; variables it closes over become inputs of the
        segment), or outputs already built (returns new variables with the
        same values, to use in their place).
    inputs : list of TensorVariable, optional
        For outputs: where the segment starts. By default it reaches back to
        the outputs of earlier checkpoints and to the graph's inputs.
    prevent_cse : bool
        Accepted for JAX compatibility: a segment is never merged with the
        forward computation.
    policy : None
        JAX's saving policies are not supported (every intermediate inside
        the segment is recomputed); anything but None raises NotImplementedError.
    static_argnums : tuple of int
        Positions of a function's arguments that are not tensors and are
        passed to it as they are.

    Returns
    -------
    callable, TensorVariable, or list or tuple of TensorVariable
        The checkpointed function, or the recomputed outputs in the container
        kind of ``fun``.
    """
    if policy is not None:
        raise NotImplementedError("checkpoint: saving policies are not supported; every intermediate value inside "
                                  "the segment is recomputed in the backward pass")
    if isinstance(fun, TensorVariable) or (isinstance(fun, (list, tuple)) and fun
                                           and all(isinstance(v, TensorVariable) for v in fun)):
        outputs = list(fun) if isinstance(fun, (list, tuple)) else [fun]
        if inputs is not None and (isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__iter__")):
            raise TypeError(f"checkpoint: inputs must be a list of variables; got {inputs!r:.60} "
                            f"({type(inputs).__name__})")
        given = None if inputs is None else [as_tensor_variable(v)._v for v in inputs]
        handles = call(api.CheckpointOf, [v._v for v in outputs], given)
        results = [wrap(h) for h in handles]
        if isinstance(fun, TensorVariable):
            return results[0]
        return type(fun)(results)
    if not callable(fun):
        raise TypeError(f"checkpoint: expected a function or variables; got {fun!r}")
    if inputs is not None:
        raise TypeError("checkpoint: inputs= is for outputs already built; a function's inputs are its arguments")
    static = _args.argnums(static_argnums, "static_argnums", "checkpoint")

    @functools.wraps(fun)
    def checkpointed(*args):
        fixed = {i % len(args) for i in static} if args else set()
        positions, primals = [], []
        for i, a in enumerate(args):
            if i in fixed:
                continue
            v = as_tensor_variable(a)
            if _pytree.is_symbolic(v):
                positions.append(i)
                primals.append(v)
        stand_ins = [_pytree.stand_in(p) for p in primals]
        full = list(args)
        for i, s in zip(positions, stand_ins):
            full[i] = s
        leaves, treedef = _pytree.flatten(fun(*full))
        leaves = _pytree.tensor_leaves(leaves, f"checkpoint({getattr(fun, '__name__', 'fun')}): output")
        free = _pytree.free_variables(leaves, stand_ins)
        op = call(api.CheckpointSegment, [v._v for v in stand_ins + free], [v._v for v in leaves])
        node = call(api.MakeNode, op, [v._v for v in primals + free])
        return _pytree.unflatten(treedef, [wrap(h) for h in node.Outputs])

    return checkpointed


remat = checkpoint


class MemoryProbe:
    """Measures the memory compiled functions hold while they run (a context manager).

    Counts the distinct tensor buffers the functions' VMs keep (the values they
    compute, not their arguments, constants or shared values), nested inner
    functions included, while the probe is open on this thread::

        with MemoryProbe() as probe:
            f(x)
        print(probe.peak_bytes)
    """

    def __init__(self):
        self._probe = None
        self._peak = self._buffers = 0

    def __enter__(self):
        self._probe = call(api.StartMemoryProbe)
        return self

    def __exit__(self, exc_type, exc, tb):
        self._peak, self._buffers = int(self._probe.PeakBytes), int(self._probe.PeakBuffers)
        self._probe.Dispose()
        self._probe = None
        return False

    @property
    def peak_bytes(self):
        """The largest number of bytes held at once."""
        return int(self._probe.PeakBytes) if self._probe is not None else self._peak

    @property
    def peak_buffers(self):
        """The largest number of distinct buffers held at once."""
        return int(self._probe.PeakBuffers) if self._probe is not None else self._buffers

    @property
    def live_bytes(self):
        """The bytes held now (0 once the probe is closed)."""
        return int(self._probe.LiveBytes) if self._probe is not None else 0
