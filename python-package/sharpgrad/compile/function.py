"""``function``: compile a graph into a callable (Aesara's ``aesara.compile.function``)."""

from __future__ import annotations

import ctypes
import warnings

import numpy as np

from .._bridge import DTYPE_NAMES, _python_exception, api, c_array, call
from ..tensor.var import TensorVariable, as_tensor_variable
from ..graph.utils import MissingInputError  # Aesara's home of this error: aesara.graph.utils
from Gradient.Interop import FastCall  # noqa: E402,I100  (importable once _bridge has started .NET)

__all__ = ["function", "Function", "MissingInputError", "UnusedInputError"]

# Status codes of the engine's call entry point (interop/FastCall.cs).
_DONE, _NEW_LAYOUT, _FAILED, _ADMIT_IN_PYTHON = 0, 1, 2, 3


class _EntryPoints:
    """The engine's call entry points, called through ctypes with the GIL held (one crossing per call)."""

    def __init__(self):
        FastCall.Initialize(id(np.ndarray))
        call_at, layout_at, copy_at = (int(a) for a in FastCall.EntryPoints())
        self.call = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.py_object, ctypes.py_object)(call_at)
        self._layout = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int)(layout_at)
        self.copy_pending = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object)(copy_at)

    def pending_layout(self):
        """The (shape, dtype) of each result waiting on this thread."""
        buffer = np.empty(64, np.int64)
        length = self._layout(buffer.ctypes.data, len(buffer))
        if length > len(buffer):
            buffer = np.empty(length, np.int64)
            self._layout(buffer.ctypes.data, len(buffer))
        layout, at = [], 1
        for _ in range(int(buffer[0])):
            dtype, rank = DTYPE_NAMES[buffer[at]], int(buffer[at + 1])
            layout.append((tuple(int(n) for n in buffer[at + 2:at + 2 + rank]), np.dtype(dtype)))
            at += 2 + rank
        return tuple(layout)

    @staticmethod
    def raise_error():
        """Raise the exception of the last failed call on this thread as the Python exception Aesara users expect."""
        error = FastCall.TakeError()
        if type(error).__name__ == "PythonException":
            # Raised by Python code the engine called (a Python Op): re-raise it as it was.
            raise error.Value
        raise _python_exception(error) from None


_ENTRY = _EntryPoints()


class UnusedInputError(Exception):
    """An input of the function is not needed by its outputs or updates (Aesara's
    ``aesara.compile.function.types.UnusedInputError``; pass ``on_unused_input='warn'`` or ``'ignore'`` to allow it)."""


class AliasedMemoryError(Exception):
    """Memory is aliased that should not be (Aesara's ``aesara.compile.function.types.AliasedMemoryError``).

    Defined for ``except`` clauses written for Aesara: the engine copies
    every argument and result, so it never raises this.
    """


class FunctionMaker:
    """What built a :class:`Function`: the rewritten graph as ``fgraph`` (Aesara's ``FunctionMaker``), the inputs,
    outputs and the ``(shared variable, new value)`` update pairs."""

    def __init__(self, compiled, inputs, outputs, updates=()):
        from ..graph.fg import FunctionGraph

        self.fgraph = FunctionGraph._from_compiled(compiled)
        self.inputs = inputs
        self.outputs = outputs
        self.updates = list(updates)


class Function:
    """A compiled graph. Call it with one value per input; it returns numpy arrays."""

    def __init__(self, compiled, inputs, outputs, single, allow_input_downcast, name, updates=()):
        self._compiled = compiled
        self._inputs = inputs
        self._single = single
        self._allow_downcast = allow_input_downcast
        self._dtypes = [np.dtype(v.dtype) for v in inputs]
        self.name = name
        self.device = str(compiled.Function.Device)
        """The device the function runs on, by its canonical name: ``'cpu'`` or ``'cuda:N'``."""
        self.maker = FunctionMaker(compiled.Function, inputs, outputs, updates)
        self._handle = FastCall.Handle(compiled)
        self._layout = ()  # (shape, dtype) of each output of the last call

    def __call__(self, *args, **kwargs):
        """Run the function.

        Each argument may be a numpy array (any dtype that converts without
        loss, C- or Fortran-ordered or strided: its memory is read in place),
        a numpy scalar, a list or a Python number; it is converted to the
        input's dtype when that loses nothing (or always, with
        ``allow_input_downcast=True``). Inputs may also be given by name.

        Parameters
        ----------
        *args : array_like
            One value per input, in the order of ``inputs``.
        **kwargs : array_like
            Values of named inputs, by name (instead of by position).

        Returns
        -------
        numpy.ndarray or list of numpy.ndarray
            New arrays that own their memory: one for a single output, a list
            for a list of outputs.

        Raises
        ------
        TypeError
            For a wrong number of arguments or a dtype that would lose
            precision.
        ValueError
            For a wrong rank or shape, or shapes the graph cannot combine.
        """
        if kwargs:
            args = self._by_name(args, kwargs)
        # Output arrays are allocated ahead, shaped like the last call's; the engine writes into them when they fit.
        outs = tuple([np.empty(shape, dtype) for shape, dtype in self._layout])
        code = _ENTRY.call(self._handle, args, outs)
        if code == _ADMIT_IN_PYTHON:
            args = self._admit_all(args)
            code = _ENTRY.call(self._handle, args, outs)
        if code != _DONE:
            outs = self._finish(code)
        return outs[0] if self._single else list(outs)

    def _by_name(self, args, kwargs):
        args = list(args)
        names = [v.name for v in self._inputs]
        for key, value in kwargs.items():
            if key not in names:
                raise TypeError(f"{self._label()}: unknown input name {key!r}; inputs are {names}")
            index = names.index(key)
            while len(args) <= index:
                args.append(_MISSING)
            if args[index] is not _MISSING:
                raise TypeError(f"{self._label()}: input {key!r} given twice")
            args[index] = value
        return tuple(args)

    def _admit_all(self, args):
        if len(args) != len(self._inputs) or any(a is _MISSING for a in args):
            raise TypeError(f"{self._label()}: expected {len(self._inputs)} argument(s) "
                            f"({', '.join(map(repr, self._inputs))}); got {len(args)}")
        return tuple([self._admit(i, a) for i, a in enumerate(args)])

    def _finish(self, code):
        """Outputs whose layout changed since the last call (or the call's exception)."""
        if code == _NEW_LAYOUT:
            layout = _ENTRY.pending_layout()
            outs = tuple([np.empty(shape, dtype) for shape, dtype in layout])
            code = _ENTRY.copy_pending(outs)
            if code == _DONE:
                self._layout = layout
                return outs
        if code == _FAILED:
            _ENTRY.raise_error()
        raise RuntimeError(f"{self._label()}: unexpected status {code} from the engine")

    def _label(self):
        return f"function {self.name}" if self.name else "function"

    def _admit(self, i, value):
        want = self._dtypes[i]
        if isinstance(value, TensorVariable):
            raise TypeError(f"{self._label()}: argument {i} is a symbolic variable; expected a value")
        try:
            array = c_array(value)
        except (ValueError, TypeError, OverflowError) as error:
            raise TypeError(f"{self._label()}: argument {i} ({self._inputs[i]!r}, {self._inputs[i].type}) cannot be "
                            f"made into a numeric array ({error})") from None
        if array.dtype.kind not in "biufc":
            raise TypeError(f"{self._label()}: argument {i} ({self._inputs[i]!r}, {self._inputs[i].type}): expected "
                            f"numbers; got an array of dtype {array.dtype}")
        if array.dtype == want:
            return array
        if np.can_cast(array.dtype, want, "safe") or self._allow_downcast:
            return c_array(array, dtype=want)
        if not isinstance(value, (np.ndarray, np.generic)):
            # Python numbers and lists take the input's dtype when their values survive the conversion
            # (and, as in Aesara, Python floats always may become floatX).
            import sharpgrad

            converted = c_array(array, dtype=want)
            float_to_floatx = (array.dtype.kind == "f" and want.name == sharpgrad.config.floatX
                               and self._allow_downcast is None)
            if float_to_floatx or np.array_equal(converted, array):
                return converted
        raise TypeError(f"{self._label()}: argument {i} ({self._inputs[i]!r}, {self._inputs[i].type}): cannot "
                        f"store {array.dtype.name} values as {want.name} without losing precision; convert them "
                        "or pass allow_input_downcast=True")


_MISSING = object()


def _pairs(mapping, what):
    if mapping is None:
        return []
    items = list(mapping.items()) if isinstance(mapping, dict) else list(mapping)
    for i, item in enumerate(items):
        if not (isinstance(item, (tuple, list)) and len(item) == 2):
            raise TypeError(f"function: {what} must be a dict or a list of (variable, expression) pairs; "
                            f"item {i} is {item!r}")
    return items


def function(inputs, outputs=None, mode=None, updates=None, givens=None, no_default_updates=False,
             accept_inplace=False, name=None, rebuild_strict=True, allow_input_downcast=None, profile=None,
             on_unused_input=None, device=None):
    """Compile a function from ``inputs`` to ``outputs`` (Aesara's ``aesara.function``).

    Parameters
    ----------
    inputs : list of TensorVariable or In
        The symbolic inputs, in call order (shared variables are implicit).
        An :class:`~sharpgrad.compile.io.In` gives an input a default value
        (the call may leave it out) or a name to give it by.
    outputs : TensorVariable or list of TensorVariable, optional
        What the function returns: one array for a single output, a list for
        a list (or for None: an empty list).
    updates : dict or list of (SharedVariable, expression) pairs, optional
        New values for shared variables, stored after every output of a call
        has been computed.
    givens : dict or list of (Variable, expression) pairs, optional
        Variables replaced by other expressions (of the same type) in the
        compiled graph.
    allow_input_downcast : bool, optional
        True converts any argument to its input's dtype; None (the default)
        converts Python floats to ``floatX`` and anything that loses nothing;
        False only what loses nothing.
    on_unused_input : {'raise', 'warn', 'ignore'}, optional
        What to do with an input the outputs do not need; 'raise' by default.
    name : str, optional
        A name used in error messages.
    device : str, optional
        Where this function runs (beyond Aesara): ``'cpu'``, ``'cuda'``,
        ``'cuda:N'`` or ``'cudaN'``; None (the default) takes
        ``config.device``. Arguments are copied to the device in each call,
        constants once, the values of shared variables when first used there
        (they stay until a function on another device uses them); results
        come back as numpy arrays. A CUDA device libtorch cannot use here
        raises ValueError saying what was looked for; an op that has no
        kernel on the device raises NotImplementedError naming it.
    mode, no_default_updates, accept_inplace, rebuild_strict, profile
        Accepted for Aesara compatibility; only their default values are
        supported (others raise NotImplementedError).

    Returns
    -------
    Function
    """
    for option, value, default in (("mode", mode, None), ("no_default_updates", no_default_updates, False),
                                   ("accept_inplace", accept_inplace, False), ("profile", profile, None),
                                   ("rebuild_strict", rebuild_strict, True)):
        if value is not default and value != default:
            raise NotImplementedError(f"function: the option {option}={value!r} is not implemented yet")
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(f"function: inputs must be a list of variables; got {type(inputs).__name__}")
    from .io import In

    specs = [v if isinstance(v, In) else None for v in inputs]
    inputs = [v.variable if isinstance(v, In) else v for v in inputs]
    for i, v in enumerate(inputs):
        if not isinstance(v, TensorVariable):
            raise TypeError(f"function: input {i} must be a TensorVariable; got {type(v).__name__}")
    single = outputs is not None and not isinstance(outputs, (list, tuple))
    outs = [] if outputs is None else [outputs] if single else list(outputs)
    for i, v in enumerate(outs):
        if not isinstance(v, TensorVariable):
            raise TypeError(f"function: output {i} must be a TensorVariable; got {type(v).__name__}")
    from .sharedvalue import SharedVariable

    update_pairs = _pairs(updates, "updates")
    targets, values = [], []
    for target, value in update_pairs:
        if not isinstance(target, SharedVariable):
            raise TypeError(f"function: update target {target!r} is not a shared variable")
        targets.append(target._v)
        values.append(as_tensor_variable(value)._v)
    given_keys, given_values = [], []
    for key, value in _pairs(givens, "givens"):
        if not isinstance(key, TensorVariable):
            raise TypeError(f"function: givens key {key!r} is not a variable")
        given_keys.append(key._v)
        given_values.append(as_tensor_variable(value)._v)
    if device is not None and not isinstance(device, str):
        raise TypeError(f"function: device must be a string such as 'cpu' or 'cuda'; got {type(device).__name__}")
    policy = "raise" if on_unused_input is None else on_unused_input
    if policy not in ("raise", "warn", "ignore"):
        raise ValueError(f"function: on_unused_input must be 'raise', 'warn' or 'ignore'; got {policy!r}")
    compiled = call(api.Compile, [v._v for v in inputs], [v._v for v in outs], targets, values,
                    given_keys, given_values, "ignore" if policy == "warn" else policy,
                    bool(allow_input_downcast), name, device)
    if policy == "warn":
        _warn_unused(inputs, compiled)
    kept_updates = [(target, as_tensor_variable(value)) for target, value in update_pairs]
    if not any(specs):
        return Function(compiled, list(inputs), outs, single, allow_input_downcast, name, kept_updates)
    return _FunctionWithDefaults(compiled, list(inputs), outs, single, allow_input_downcast, name, kept_updates,
                                 specs)


class _FunctionWithDefaults(Function):
    """A :class:`Function` some of whose inputs are :class:`~sharpgrad.compile.io.In` (defaults, names).

    A call binds its arguments to the inputs (positional first, then by
    name, then the defaults) and makes the plain positional call.
    """

    def __init__(self, compiled, inputs, outputs, single, allow_input_downcast, name, updates, specs):
        super().__init__(compiled, inputs, outputs, single, allow_input_downcast, name, updates)
        self._specs = []  # (name, default, has_default, variable) per input
        for i, (variable, spec) in enumerate(zip(inputs, specs)):
            if spec is None:
                self._specs.append((variable.name, None, False, variable))
            elif spec.value is None:
                self._specs.append((spec.name, None, False, variable))
            else:
                # Checked and converted once, as a call converts its arguments.
                default = np.array(self._admit(i, spec.value), copy=True)
                if default.ndim != variable.ndim or any(n is not None and n != d for n, d in
                                                        zip(variable.static_shape, default.shape)):
                    raise TypeError(f"function: the default value of input {i} ({variable!r}, {variable.type}) "
                                    f"has shape {default.shape}")
                self._specs.append((spec.name, default, True, variable))

    def __call__(self, *args, **kwargs):
        """Run the function; the inputs given a default by ``In(x, value=...)`` may be left out.

        Parameters
        ----------
        *args : array_like
            Values of the first inputs, in order.
        **kwargs : array_like
            Values of inputs by name (an ``In``'s ``name``, else the
            variable's name).

        Returns
        -------
        numpy.ndarray or list of numpy.ndarray
            As for :meth:`Function.__call__`.

        Raises
        ------
        TypeError
            For too many arguments, an unknown or ambiguous name, an input
            given twice, or a missing input that has no default.
        """
        from .io import _bind

        return Function.__call__(self, *_bind(self._specs, args, kwargs, self._label()))


def _warn_unused(inputs, compiled):
    for i, (v, used) in enumerate(zip(inputs, compiled.UsedInputs())):
        if not used:
            warnings.warn(f"function: input {i} ({v!r}) is not part of the computational graph needed to "
                          "compute the outputs", UserWarning, stacklevel=3)
