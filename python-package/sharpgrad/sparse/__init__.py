"""Sparse matrices (Aesara's ``aesara.sparse``), with gradients and R-op.

How this differs from Aesara, and why:

* Storage. TorchSharp 0.107 exposes only libtorch's COO layout, so every
  sparse value inside a compiled function is a COO matrix; ``"csr"`` and
  ``"csc"`` are kept as labels (``x.format``) for Aesara-compatible code.
* No scipy. A sparse *input* (``csr_matrix``/``csc_matrix``) is fed a dense
  numpy array; the sparse ops read it as the sparse matrix of its nonzero
  entries. ``csr_from_dense``/``csc_from_dense`` make that conversion
  explicit inside the graph.
* Outputs. A compiled function cannot return a sparse value to Python: wrap
  sparse results in ``dense_from_sparse``.
* Gradients and tangents of sparse variables are dense matrices. Structured
  ops (``structured_dot`` with respect to the sparse operand, ``mul`` of
  sparse by dense, ``sp_sum(..., sparse_grad=True)``) make them zero outside
  the stored pattern, as Aesara's structured gradients do; every op also has
  an R-op (Aesara has none for sparse ops).
"""

from __future__ import annotations

from .. import _args
from .._bridge import api, call
from ..tensor.type import tensor
from ..tensor.var import TensorVariable, as_tensor_variable, wrap

__all__ = ["csr_matrix", "csc_matrix", "dense_from_sparse", "csr_from_dense", "csc_from_dense",
           "structured_dot", "add", "mul", "sp_sum", "is_sparse_variable"]

# The format label of each sparse variable, by engine id (the engine's types are dense).
_formats: dict[int, str] = {}


def _mark(v: TensorVariable, fmt: str) -> TensorVariable:
    _formats[int(v._v.Id)] = fmt
    return v


def is_sparse_variable(x) -> bool:
    """Whether ``x`` was made by this module as a sparse matrix (an input or a sparse-valued result).

    Parameters
    ----------
    x : object
        Anything.

    Returns
    -------
    bool
    """
    return isinstance(x, TensorVariable) and int(x._v.Id) in _formats


def sparse_format(x):
    """``"csr"`` or ``"csc"`` for a sparse variable, None for a dense one."""
    return _formats.get(int(x._v.Id)) if isinstance(x, TensorVariable) else None


def csr_matrix(name=None, dtype=None):
    """A symbolic sparse matrix in CSR format; feed it a dense numpy array (its nonzeros are the stored entries).

    Parameters
    ----------
    name : str, optional
        A name for printing and for gradient names.
    dtype : str, optional
        The dtype; ``config.floatX`` when None.

    Returns
    -------
    TensorVariable
        A new sparse input, labelled ``'csr'``.
    """
    return _mark(tensor(dtype=dtype, shape=(None, None), name=name), "csr")


def csc_matrix(name=None, dtype=None):
    """A symbolic sparse matrix in CSC format; feed it a dense numpy array (its nonzeros are the stored entries).

    Parameters
    ----------
    name : str, optional
        A name for printing and for gradient names.
    dtype : str, optional
        The dtype; ``config.floatX`` when None.

    Returns
    -------
    TensorVariable
        A new sparse input, labelled ``'csc'``.
    """
    return _mark(tensor(dtype=dtype, shape=(None, None), name=name), "csc")


def csr_from_dense(x):
    """The sparse (CSR) matrix of the nonzero entries of the dense matrix ``x``.

    Parameters
    ----------
    x : TensorVariable or array_like
        A dense matrix.

    Returns
    -------
    TensorVariable
        The sparse matrix (CSR label).
    """
    return _mark(wrap(call(api.SparseFromDense, as_tensor_variable(x)._v, "csr")), "csr")


def csc_from_dense(x):
    """The sparse (CSC) matrix of the nonzero entries of the dense matrix ``x``.

    Parameters
    ----------
    x : TensorVariable or array_like
        A dense matrix.

    Returns
    -------
    TensorVariable
        The sparse matrix (CSC label).
    """
    return _mark(wrap(call(api.SparseFromDense, as_tensor_variable(x)._v, "csc")), "csc")


def dense_from_sparse(x):
    """The dense matrix of the sparse matrix ``x``.

    Parameters
    ----------
    x : TensorVariable (sparse)
        A sparse matrix.

    Returns
    -------
    TensorVariable
        The dense matrix.
    """
    return wrap(call(api.DenseFromSparse, as_tensor_variable(x)._v))


def structured_dot(x, y):
    """Sparse ``x`` times dense ``y`` (matrix or vector), dense.

    The gradient with respect to ``x`` is structured: zero outside ``x``'s stored entries.

    Parameters
    ----------
    x : TensorVariable (sparse)
        The sparse left operand.
    y : TensorVariable or array_like
        The dense right operand.

    Returns
    -------
    TensorVariable
        The dense product.
    """
    return wrap(call(api.StructuredDot, as_tensor_variable(x)._v, as_tensor_variable(y)._v))


def add(x, y):
    """``x + y`` with ``x`` sparse: sparse when ``y`` is sparse too (union of patterns), dense otherwise.

    Parameters
    ----------
    x, y : TensorVariable or array_like
        The operands; at least one sparse (either order).

    Returns
    -------
    TensorVariable
        The sum.
    """
    x = as_tensor_variable(x)
    if not is_sparse_variable(x):
        x, y = as_tensor_variable(y), x
    if not is_sparse_variable(x):
        raise TypeError("sparse.add: expected at least one sparse operand")
    y = as_tensor_variable(y)
    if is_sparse_variable(y):
        return _mark(wrap(call(api.AddSS, x._v, y._v)), sparse_format(x))
    return wrap(call(api.AddSD, x._v, y._v))


def mul(x, y):
    """Structured ``x * y``: with ``y`` dense, ``x``'s stored entries times ``y``'s; with both sparse, their
    product where both store an entry. The result is sparse.

    Parameters
    ----------
    x, y : TensorVariable or array_like
        The operands; at least one sparse (either order).

    Returns
    -------
    TensorVariable
        The sparse product.
    """
    x = as_tensor_variable(x)
    if not is_sparse_variable(x):
        x, y = as_tensor_variable(y), x
    y = as_tensor_variable(y)
    if not is_sparse_variable(x):
        raise TypeError("sparse.mul: expected a sparse operand")
    if is_sparse_variable(y):
        return _mark(wrap(call(api.MulSS, x._v, y._v)), sparse_format(x))
    return _mark(wrap(call(api.MulSD, x._v, y._v)), sparse_format(x))


def sp_sum(x, axis=None, sparse_grad=False):
    """The sum of the sparse matrix ``x`` over all entries (``axis=None``) or axis 0 or 1, dense.

    With ``sparse_grad`` the gradient is restricted to the stored entries.

    Parameters
    ----------
    x : TensorVariable (sparse)
        The sparse matrix.
    axis : {None, 0, 1}
        The axis to sum over; all entries when None.
    sparse_grad : bool
        Restrict the gradient to the stored entries.

    Returns
    -------
    TensorVariable
        The dense sum: a scalar, or a vector.
    """
    if axis is not None and axis not in (0, 1):
        raise ValueError(f"sp_sum: expected axis None, 0 or 1; got {axis}")
    return wrap(call(api.SpSum, as_tensor_variable(x)._v, -1 if axis is None else _args.integer(axis, "axis"), bool(sparse_grad)))
