"""Shared variables: values that persist between calls (Aesara's ``aesara.compile.sharedvalue``)."""

from __future__ import annotations

import numpy as np

from .. import _args
from .._bridge import api, c_array, call, to_numpy
from ..tensor.var import TensorVariable, wrap

__all__ = ["shared", "SharedVariable"]


class SharedVariable(TensorVariable):
    """A variable whose value lives in the engine and that compiled functions read and update implicitly."""

    __slots__ = ()

    def get_value(self, borrow=False, return_internal_type=False):
        """Return the current value as a numpy array.

        The array is always a fresh copy owned by the caller (``borrow`` is
        accepted for Aesara compatibility: the engine's value lives in libtorch
        memory that numpy does not share).

        Parameters
        ----------
        borrow, return_internal_type : bool
            Accepted for Aesara compatibility; not used.

        Returns
        -------
        numpy.ndarray
        """
        return to_numpy(call(api.GetShared, self._v))[0]

    def set_value(self, value, borrow=False):
        """Replace the value by a copy of ``value``.

        Parameters
        ----------
        value : array_like
            The new value, of the variable's rank; converted to its dtype
            when that loses nothing. Its lengths may differ from the old ones.
        borrow : bool
            Accepted for Aesara compatibility; the value is always copied.

        Raises
        ------
        ValueError
            When ``value`` has another rank, or a dtype that would lose
            precision when converted.
        """
        array = _numeric(value, f"{self!r}.set_value")
        want = np.dtype(self.dtype)
        if array.dtype != want:
            if not np.can_cast(array.dtype, want, "safe") and isinstance(value, (np.ndarray, np.generic)):
                raise TypeError(f"{self!r}.set_value: expected dtype {want.name}; got {array.dtype.name}, "
                                "which would lose precision")
            array = c_array(array, dtype=want)
        call(api.SetShared, self._v, array.ctypes.data, list(array.shape), array.dtype.name)


def _numeric(value, who):
    """``value`` as a C-contiguous numeric array, or an error naming ``who``."""
    if isinstance(value, TensorVariable):
        raise TypeError(f"{who}: expected a value (array or number); got a symbolic variable")
    try:
        array = c_array(value)
    except MemoryError as error:
        raise MemoryError(f"{who}: copying the value needs more memory than there is ({error})") from None
    except (ValueError, TypeError, OverflowError) as error:
        raise TypeError(f"{who}: the value cannot be made into a numeric array ({error})") from None
    if array.dtype.kind not in "biufc":
        raise TypeError(f"{who}: expected a numeric value; got dtype {array.dtype}")
    return array


def shared(value, name=None, strict=False, allow_downcast=None, borrow=False, **kwargs):
    """Create a shared variable holding a copy of ``value`` (Aesara's ``aesara.shared``).

    Parameters
    ----------
    value : array_like or number
        The initial value; its dtype becomes the variable's dtype and every
        length is left unknown, so later values may have other shapes.
    name : str, optional
        A name for printing and for gradient names.
    strict, allow_downcast : bool, optional
        Accepted for Aesara compatibility; :meth:`SharedVariable.set_value`
        converts a new value when that loses nothing.
    borrow : bool
        Accepted for Aesara compatibility; the value is always copied.
    **kwargs
        Aesara's other options; none is supported, so any raises
        NotImplementedError.

    Returns
    -------
    SharedVariable
    """
    if kwargs:
        raise NotImplementedError(f"shared: options {sorted(kwargs)} are not implemented yet")
    if isinstance(value, TensorVariable):
        raise TypeError("shared: expected a value (array or number); got a symbolic variable")
    array = _numeric(value, "shared")
    if array.dtype == np.float16:
        raise TypeError(f"shared: expected a numeric value; got dtype {array.dtype}")
    return wrap(call(api.Shared, array.ctypes.data, list(array.shape), array.dtype.name, _args.name(name, "shared")))
