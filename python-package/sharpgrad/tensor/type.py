"""Constructors of symbolic tensors (Aesara's ``aesara.tensor.type``).

As in Aesara, each constructor exists un-prefixed, as a function whose
dtype is ``config.floatX`` at call time unless ``dtype=`` is given, and
with Aesara's prefixes as a :class:`TensorType` object (``dmatrix =
TensorType('float64', shape=(None, None))``; calling it makes a variable,
so ``at.dmatrix('x').type == at.dmatrix``): ``b`` int8, ``w`` int16, ``i``
int32, ``l`` int64, ``f`` float32, ``d`` float64, ``c`` complex64, ``z``
complex128. Ranks: ``scalar`` (), ``vector`` (None,), ``matrix`` (None,
None), ``row`` (1, None), ``col`` (None, 1), ``tensor3``, ``tensor4``. A
static length of 1 makes an axis broadcastable.

The plural constructors (``scalars``, ``dscalars``, ``matrices``,
``fmatrices``, ... for the un-prefixed and the ``f``, ``d``, ``i`` and
``l`` ones) make several variables at once, with Aesara's rules: an int
``n`` gives a list of ``n`` unnamed variables; several names give one
variable per name; a single string gives one variable per character
(``dscalars('xy')``), and a single one-character name gives the variable
itself, not a list.
"""

from __future__ import annotations

import numpy as np

import sharpgrad

from .. import _args
from .._bridge import api, call
from .var import wrap

_PREFIXES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32", "d": "float64",
             "c": "complex64", "z": "complex128"}
_RANKS = {"scalar": (), "vector": (None,), "matrix": (None, None), "row": (1, None), "col": (None, 1),
          "tensor3": (None,) * 3, "tensor4": (None,) * 4}

_PLURALS = {"scalar": "scalars", "vector": "vectors", "matrix": "matrices", "row": "rows", "col": "cols",
            "tensor3": "tensor3s", "tensor4": "tensor4s"}
_PLURAL_PREFIXES = ("", "f", "d", "i", "l")  # Aesara's plurals exist for these prefixes only
_TYPE_GROUPS = ("int_types", "float_types", "complex_types", "int_scalar_types", "float_scalar_types",
                "complex_scalar_types", "int_vector_types", "float_vector_types", "complex_vector_types",
                "int_matrix_types", "float_matrix_types", "complex_matrix_types")

__all__ = (["tensor", "TensorType"] + list(_RANKS) + [p + r for p in _PREFIXES for r in _RANKS]
           + [p + _PLURALS[r] for p in _PLURAL_PREFIXES for r in _RANKS] + list(_TYPE_GROUPS))


def _dtype_name(dtype):
    if dtype is None or (isinstance(dtype, str) and dtype == "floatX"):
        return sharpgrad.config.floatX
    return _args.dtype(dtype)


def _static_shape(shape):
    """The static shape as a tuple of (non-negative int or None), checked item by item."""
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise TypeError(f"{_args.entry_point()}: shape must be a sequence of lengths (int or None); got "
                        f"{shape!r:.60} ({type(shape).__name__})")
    lengths = []
    for axis, n in enumerate(shape):
        if n is None:
            lengths.append(None)
            continue
        n = _args.integer(n, f"shape[{axis}]")
        if not 0 <= n <= _args.INT64_MAX:
            raise ValueError(f"{_args.entry_point()}: shape[{axis}] must be a length >= 0 (below 2**63) or None; "
                             f"got {n}")
        lengths.append(n)
    return tuple(lengths)


class TensorType:
    """Aesara's ``TensorType(dtype, shape=...)``: calling it makes a symbolic variable of this type.

    ``shape`` holds a length or None (unknown) per axis; Aesara's older
    ``broadcastable=`` flags are accepted too (True means static length 1).
    ``str`` and ``repr`` print ``TensorType(float64, (None, 3))``, or the
    type's ``name`` when it has one; the name does not take part in equality.

    Parameters
    ----------
    dtype : str or numpy dtype
        The element type; ``'floatX'`` or None means ``config.floatX``.
    shape : tuple of (int or None)
        The static shape, None where a length is unknown.
    name : str, optional
        A name for the type, printed instead of ``TensorType(...)``.
    broadcastable : tuple of bool, optional
        Aesara's older spelling of ``shape``: True for length 1, False for unknown.
    """

    # Set on the module's constructors (dscalar, fmatrix, ...), which are TensorType objects: errors name the one called.
    _constructor_name = None

    def __init__(self, dtype, shape=None, name=None, broadcastable=None):
        if shape is None and broadcastable is None:
            raise TypeError("TensorType: expected a shape, e.g. shape=(None, 3)")
        if shape is None:
            shape = tuple(1 if b else None for b in broadcastable)
        self.dtype = _dtype_name(dtype)
        self.name = _args.name(name)
        self.shape = _static_shape(shape)

    @property
    def ndim(self):
        """Number of dimensions."""
        return len(self.shape)

    @property
    def broadcastable(self):
        """True where the static length is 1."""
        return tuple(n == 1 for n in self.shape)

    def __call__(self, name=None):
        """A new symbolic variable of this type.

        Parameters
        ----------
        name : str, optional
            The variable's name.

        Returns
        -------
        TensorVariable
        """
        dims = [-1 if n is None else n for n in self.shape]
        who = self._constructor_name or "TensorType.__call__"
        return wrap(call(api.Tensor, self.dtype, dims, _args.name(name, who=who)))

    def __eq__(self, other):
        return isinstance(other, TensorType) and (self.dtype, self.shape) == (other.dtype, other.shape)

    def __hash__(self):
        return hash((self.dtype, self.shape))

    def __repr__(self):
        if self.name:
            return self.name
        shape = "(" + ", ".join("None" if n is None else str(n) for n in self.shape) + ("," if self.ndim == 1 else "") + ")"
        return f"TensorType({self.dtype}, {shape})"


def tensor(dtype=None, shape=None, name=None, broadcastable=None):
    """A symbolic tensor of ``dtype`` (``config.floatX`` when omitted) and static ``shape`` (None where unknown).

    Parameters
    ----------
    dtype : str or numpy dtype, optional
    shape : tuple of (int or None)
        The static shape; a length of 1 makes the axis broadcastable.
    name : str, optional
        A name for printing and for gradient names such as ``(dcost/dx)``.
    broadcastable : tuple of bool, optional
        Aesara's older spelling of the shape: True for length 1, False for unknown.

    Returns
    -------
    TensorVariable
        A new input variable.
    """
    return TensorType(dtype, shape=shape, broadcastable=broadcastable)(name)


def _constructor(shape, kind):
    def make(name=None, dtype=None, shape=shape):
        """A symbolic {kind} of dtype config.floatX unless ``dtype`` is given (static shape {shape}).

        Parameters
        ----------
        name : str, optional
            A name for printing and for gradient names such as ``(dcost/dx)``.
        dtype : str, optional
            The dtype; ``config.floatX`` (read at call time) when None.
        shape : tuple of (int or None)
            The static shape; a length of 1 makes the axis broadcastable.

        Returns
        -------
        TensorVariable
            A new input variable.
        """
        return tensor(dtype, shape, name)

    make.__name__ = make.__qualname__ = kind
    make.__code__ = make.__code__.replace(co_name=kind)  # messages and tracebacks name `dvector`, not `make`
    make.__doc__ = make.__doc__.format(kind=kind, shape=shape)
    return make


def _plural(single, kind, plural):
    def make(*names):
        """Several symbolic {kind} variables at once (Aesara's ``{plural}``).

        Parameters
        ----------
        *names : str or int
            Several names (one variable each); or one string, one variable
            per character (``'xy'`` makes ``x`` and ``y``); or one list of
            names; or an int ``n``, ``n`` unnamed variables.

        Returns
        -------
        TensorVariable or list of TensorVariable
            A list of the new variables, except for a single one-character
            name, which gives the variable itself (as in Aesara).
        """
        if names and isinstance(names[0], (int, np.integer)):
            return [single() for _ in range(names[0])]
        if len(names) == 1:
            names = names[0]
        if len(names) == 1:
            return single(names if isinstance(names, str) else names[0])
        return [single(name) for name in names]

    make.__name__ = make.__qualname__ = plural
    make.__doc__ = make.__doc__.format(kind=kind, plural=plural)
    return make


for _rank, _shape in _RANKS.items():
    globals()[_rank] = _constructor(_shape, _rank)
    for _prefix, _dtype in _PREFIXES.items():
        globals()[_prefix + _rank] = TensorType(_dtype, shape=_shape)
        globals()[_prefix + _rank]._constructor_name = _prefix + _rank
    for _prefix in _PLURAL_PREFIXES:
        _name = _prefix + _PLURALS[_rank]
        globals()[_name] = _plural(globals()[_prefix + _rank], _prefix + _rank, _name)

int_types = int_scalar_types = (bscalar, wscalar, iscalar, lscalar)  # noqa: F821 - made in the loop above
float_types = float_scalar_types = (fscalar, dscalar)  # noqa: F821
complex_types = complex_scalar_types = (cscalar, zscalar)  # noqa: F821
int_vector_types = (bvector, wvector, ivector, lvector)  # noqa: F821
float_vector_types = (fvector, dvector)  # noqa: F821
complex_vector_types = (cvector, zvector)  # noqa: F821
int_matrix_types = (bmatrix, wmatrix, imatrix, lmatrix)  # noqa: F821
float_matrix_types = (fmatrix, dmatrix)  # noqa: F821
complex_matrix_types = (cmatrix, zmatrix)  # noqa: F821
