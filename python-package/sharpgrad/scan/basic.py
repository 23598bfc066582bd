"""``scan``: symbolic loops (Aesara's ``aesara.scan.basic``)."""

from __future__ import annotations

import inspect
import numbers

import numpy as np

from .. import _args
from .._bridge import api, call
from ..tensor.var import TensorVariable, as_tensor_variable, wrap
from .utils import get_updates_and_outputs

__all__ = ["scan"]


def _as_list(x):
    if x is None:
        return []
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _taps(value, what):
    taps = _as_list(value)
    for t in taps:
        if not isinstance(t, (numbers.Integral, np.integer)) or isinstance(t, bool):
            raise TypeError(f"scan: {what} taps must be integers; got {t!r}")
    return [int(t) for t in taps]


def _check_arity(fn, count, n_seq, n_out, n_non):
    """A clear error when ``fn`` cannot take the ``count`` positional arguments scan passes it."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins without a signature: let the call decide
        return
    try:
        signature.bind(*range(count))
    except TypeError as error:
        raise TypeError(f"{_args.entry_point()}: fn cannot take the {count} positional argument(s) scan passes it "
                        f"({n_seq} sequence slice(s), {n_out} previous output value(s), {n_non} non-sequence(s)): "
                        f"{error}") from None


def _checkpoint(value):
    """The ``checkpoint`` argument as the engine takes it: 0 for None, else an int >= 1."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise ValueError(f"scan: checkpoint must be None or an int >= 1 (the number of steps per recomputed block); "
                         f"got {value!r} of type {type(value).__name__}")
    if int(value) < 1:
        raise ValueError(f"scan: checkpoint must be None or an int >= 1 (the number of steps per recomputed block); "
                         f"got {int(value)}")
    return int(value)


def scan(fn, sequences=None, outputs_info=None, non_sequences=None, n_steps=None, truncate_gradient=-1,
         go_backwards=False, mode=None, name=None, profile=False, allow_gc=None, strict=False, return_list=False,
         checkpoint=None):
    """Build a symbolic loop (Aesara's ``aesara.scan``).

    ``fn`` is called once, on symbolic per-step arguments, in this order:
    the time slices of each sequence (one per tap), the previous values of
    each fed-back output (one per tap), then the ``non_sequences``
    themselves. It returns the step's outputs, optionally followed by a
    dict of shared-variable updates and an :class:`~sharpgrad.scan.utils.until`
    condition. Shared variables and other outer variables that ``fn``
    reads are passed into the loop implicitly. The loop is one ``Scan`` op
    whose inner graph is compiled once; its gradient is one reverse loop
    (back-propagation through time) and its R-op one forward loop.

    Parameters
    ----------
    fn : callable
        The step function.
    sequences : TensorVariable, dict or list of them, optional
        What to iterate over (the first axis is time). A dict
        ``dict(input=x, taps=[-1, 0, 1])`` gives ``x[t-1], x[t], x[t+1]`` at
        step t (the loop then runs ``len(x) - 2`` steps).
    outputs_info : TensorVariable, dict, None or list of them, optional
        One entry per output of ``fn``: None for an output that is not fed
        back (a map), its initial value for one fed back at tap -1, or
        ``dict(initial=x0, taps=[-2, -1])`` with ``x0`` holding the
        ``max(-taps)`` previous values (``x0[0]`` the oldest).
    non_sequences : TensorVariable or list of them, optional
        Values every step reads whole.
    n_steps : int or integer scalar, optional
        The number of steps; by default the length of the shortest sequence.
        With an ``until`` condition, the largest number of steps.
    truncate_gradient : int
        -1, or the number of last steps back-propagation runs through
        (truncated BPTT).
    go_backwards : bool
        Iterate over the sequences from their end to their start.
    mode, profile, allow_gc : optional
        Accepted for Aesara compatibility; the inner graph is compiled like
        any function.
    name : str, optional
        A name for printing.
    strict : bool
        Require every shared variable ``fn`` reads to be among
        ``non_sequences``.
    return_list : bool
        Return the outputs as a list even when there is one.
    checkpoint : int, optional
        Checkpoint the loop for its gradient (not in Aesara; JAX's
        ``checkpoint`` of a scan body): with ``checkpoint=k`` the backward
        pass keeps only every k-th state of the recurrent outputs and
        recomputes the k states of each block from it, so the states held
        for the gradient number about ``n/k + k`` instead of ``n``, for
        about one more forward pass of time. Values and derivatives are
        those of the plain loop.

    Returns
    -------
    tuple
        ``(outputs, updates)``: ``outputs`` is one variable (for one output),
        a list, or None (for none); each has shape ``(n_steps, ...)``,
        without the initial values. ``updates`` is an
        :class:`~sharpgrad.updates.OrderedUpdates` of the shared variables
        ``fn`` updates (their value after the last step), to pass to
        :func:`sharpgrad.function`.

    Raises
    ------
    ValueError
        For inconsistent arguments (no sequence and no ``n_steps``, more
        outputs than ``outputs_info`` entries, invalid taps, a float
        ``n_steps``, a return value scan cannot parse, a ``checkpoint`` that
        is not an int >= 1).
    TypeError
        When a fed-back output and its initial value have different dtypes.
    """
    from ..compile.sharedvalue import SharedVariable
    from ..updates import OrderedUpdates

    _args.callable_arg(fn, "fn")
    truncate_gradient = _args.integer(truncate_gradient, "truncate_gradient", minimum=-1)
    name = _args.name(name)
    every = _checkpoint(checkpoint)

    seq_vars, seq_counts, seq_taps = [], [], []
    for i, seq in enumerate(_as_list(sequences)):
        if isinstance(seq, dict):
            if "input" not in seq:
                raise ValueError(f"scan: sequences[{i}] is a dict without an 'input'")
            var = as_tensor_variable(seq["input"])
            taps = [0] if seq.get("taps") is None else _taps(seq["taps"], f"sequences[{i}]")
        else:
            var, taps = as_tensor_variable(seq), [0]
        seq_vars.append(var)
        seq_counts.append(len(taps))
        seq_taps += taps

    initials, out_counts, out_taps = [], [], []
    for i, info in enumerate(_as_list(outputs_info)):
        initial, taps = None, None
        if isinstance(info, dict):
            if info.get("return_steps") is not None:
                raise DeprecationWarning("Using `return_steps` has been deprecated. Simply select the entries you "
                                         "need using a subtensor. Scan will optimize memory consumption, so do not "
                                         "worry about that.")
            initial = info.get("initial")
            if initial is None and info.get("taps") is not None:
                raise ValueError(f"If you are using slices of an output you need to provide a initial state for it: "
                                 f"{info}")
            if initial is not None:
                taps = [-1] if info.get("taps") is None else _taps(info["taps"], f"outputs_info[{i}]")
        elif info is not None:
            initial, taps = info, [-1]
        initials.append(None if initial is None else as_tensor_variable(initial)._v)
        out_counts.append(-1 if taps is None else len(taps))
        out_taps += taps or []

    non_seqs = [x if isinstance(x, TensorVariable) else as_tensor_variable(x) for x in _as_list(non_sequences)]
    steps = None
    if n_steps is not None:
        if isinstance(n_steps, float) and float(n_steps).is_integer():
            n_steps = int(n_steps)
        steps = as_tensor_variable(n_steps)
        if not steps.dtype.startswith(("int", "uint")):
            raise ValueError(f" n_steps must be an int. dtype provided is {steps.dtype}")

    builder = call(api.ScanBegin, [v._v for v in seq_vars], seq_counts, seq_taps, initials, out_counts, out_taps,
                   [v._v for v in non_seqs])
    args = [wrap(h) for h in call(api.ScanStepArguments, builder)]
    # The non-sequences themselves, as given (a shared variable stays the user's object).
    args[len(args) - len(non_seqs):] = non_seqs
    _check_arity(fn, len(args), len(seq_taps), sum(max(c, 0) for c in out_counts), len(non_seqs))
    condition, outputs, updates = get_updates_and_outputs(fn(*args))
    outputs = [as_tensor_variable(o) for o in outputs]
    targets, values = [], []
    for key, value in updates.items():
        if not isinstance(key, SharedVariable):
            raise TypeError(f"scan: the step function's updates must be keyed by shared variables; got {key!r}")
        targets.append(key._v)
        values.append(as_tensor_variable(value)._v)
    result = call(api.ScanFinish, builder, [o._v for o in outputs], targets, values,
                  None if condition is None else condition._v, None if steps is None else steps._v,
                  truncate_gradient, bool(go_backwards), bool(strict), name, every)
    scan_outputs = [wrap(h) for h in result.Outputs]
    update_map = OrderedUpdates((wrap(k), wrap(v)) for k, v in zip(result.UpdateTargets, result.UpdateValues))
    if return_list is not True and len(scan_outputs) == 1:
        return scan_outputs[0], update_map
    if len(scan_outputs) == 0:
        return None, update_map
    return scan_outputs, update_map
