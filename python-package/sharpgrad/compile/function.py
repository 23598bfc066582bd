"""``function``: compile a graph into a callable (Aesara's ``aesara.compile.function``)."""

from __future__ import annotations

import numpy as np

from .._bridge import api, call
from ..tensor.var import TensorVariable

__all__ = ["function", "Function", "MissingInputError"]


class MissingInputError(Exception):
    """The outputs need a variable that is not among the function's inputs."""


class Function:
    """A compiled graph. Call it with one value per input; it returns numpy arrays."""

    def __init__(self, inputs, outputs, single, name=None):
        self._inputs = inputs
        self._single = single
        self.name = name
        self._compiled = call(api.Compile, [v._v for v in inputs], [v._v for v in outputs])
        self._dtypes = [v.dtype for v in inputs]

    def __call__(self, *args):
        """Run the function.

        Each argument may be a numpy array, a list or a Python number; it is
        converted to the input's dtype when that loses nothing.

        Raises
        ------
        TypeError
            For a wrong number of arguments or a dtype that would lose
            precision.
        ValueError
            For a wrong rank or shape, or shapes the graph cannot combine.
        """
        if len(args) != len(self._inputs):
            raise TypeError(f"function{' ' + self.name if self.name else ''}: expected "
                            f"{len(self._inputs)} argument(s) ({', '.join(map(repr, self._inputs))}); "
                            f"got {len(args)}")
        arrays = [self._admit(i, a) for i, a in enumerate(args)]
        shapes = [int(n) for a in arrays for n in a.shape]
        results = call(self._compiled.Call, [a.ctypes.data for a in arrays], shapes,
                       [a.ndim for a in arrays], [a.dtype.name for a in arrays])
        try:
            outputs = []
            for i in range(results.Count):
                out = np.empty(tuple(int(n) for n in results.Shape(i)), dtype=str(results.DType(i)))
                results.CopyTo(i, out.ctypes.data)
                outputs.append(out)
        finally:
            results.Dispose()
        return outputs[0] if self._single else outputs

    def _admit(self, i, value):
        array = np.asarray(value)
        want = np.dtype(self._dtypes[i])
        if array.dtype != want:
            # Python numbers and lists take the input's dtype; arrays only when nothing is lost.
            if isinstance(value, (np.ndarray, np.generic)) and not np.can_cast(array.dtype, want, "safe"):
                raise TypeError(f"function: argument {i} ({self._inputs[i]!r}): expected dtype {want.name}; "
                                f"got {array.dtype.name}, which would lose precision")
            array = array.astype(want)
        # (np.ascontiguousarray would turn a 0-d array into a 1-d one.)
        return np.require(array, requirements="C")


def function(inputs, outputs=None, updates=None, givens=None, on_unused_input=None,
             allow_input_downcast=None, name=None, **kwargs):
    """Compile a function from ``inputs`` to ``outputs``.

    Parameters
    ----------
    inputs : list of TensorVariable
        The symbolic inputs, in call order.
    outputs : TensorVariable or list of TensorVariable
        What the function returns: one array for a single output, a list for
        a list.
    name : str, optional
        A name used in error messages.

    Notes
    -----
    ``updates``, ``givens``, ``on_unused_input`` and ``allow_input_downcast``
    are not implemented yet and raise ``NotImplementedError`` when given.
    """
    for option, value in (("updates", updates), ("givens", givens), ("on_unused_input", on_unused_input),
                          ("allow_input_downcast", allow_input_downcast)):
        if value is not None:
            raise NotImplementedError(f"function: the option {option} is not implemented yet")
    if kwargs:
        raise NotImplementedError(f"function: options {sorted(kwargs)} are not implemented yet")
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(f"function: inputs must be a list of variables; got {type(inputs).__name__}")
    for i, v in enumerate(inputs):
        if not isinstance(v, TensorVariable):
            raise TypeError(f"function: input {i} must be a TensorVariable; got {type(v).__name__}")
    single = not isinstance(outputs, (list, tuple))
    outs = [outputs] if single else list(outputs)
    for i, v in enumerate(outs):
        if not isinstance(v, TensorVariable):
            raise TypeError(f"function: output {i} must be a TensorVariable; got {type(v).__name__}")
    return Function(list(inputs), outs, single, name)
