"""Linear algebra with numpy.linalg semantics (Aesara's ``aesara.tensor.nlinalg``).

Each function builds one node of an engine op computed with libtorch's LAPACK
(``MatrixInverse``, ``Det``, ``Eigh``) or, as in Aesara, a small graph of
element-wise ops and reductions (``trace``, ``norm``). Every op has a pullback
and a pushforward (Aesara has no R-op for most of these). Integer matrices are
converted to float64 first, as numpy.linalg does. A singular matrix given to
``matrix_inverse`` raises ``ValueError`` when the function runs.
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import _args
from .._bridge import api, call
from .math import dot
from .var import as_tensor_variable, wrap

__all__ = ["matrix_inverse", "inv", "det", "eigh", "trace", "norm", "matrix_dot", "extract_diag"]


def matrix_inverse(x):
    """The inverse of the square matrix ``x`` (Aesara's ``MatrixInverse``).

    Its gradient is ``-(X^-1 V^T X^-1)^T``; its R-op ``-X^-1 V X^-1``.

    Parameters
    ----------
    x : TensorVariable or array_like
        A square matrix.

    Returns
    -------
    TensorVariable
        Its inverse.
    """
    return wrap(call(api.MatrixInverse, as_tensor_variable(x)._v))


inv = matrix_inverse


def det(x):
    """The determinant of the square matrix ``x`` (Aesara's ``Det``), a scalar.

    The value of a singular matrix is 0; its gradient ``gz * det(x) * inv(x).T``
    needs the inverse and raises there.

    Parameters
    ----------
    x : TensorVariable or array_like
        A square matrix.

    Returns
    -------
    TensorVariable
        Its determinant, a scalar.
    """
    return wrap(call(api.Det, as_tensor_variable(x)._v))


def eigh(a, UPLO="L"):  # noqa: N803 - numpy's name
    """Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix.

    Only the triangle ``UPLO`` names ('L' or 'U') is read, as numpy does.

    Parameters
    ----------
    a : TensorVariable or array_like
        A symmetric matrix.
    UPLO : {'L', 'U'}
        Which triangle of ``a`` is read.

    Returns
    -------
    w, v : TensorVariable
        The eigenvalues (vector) and the eigenvectors (matrix).

    Notes
    -----
    The gradient assumes distinct eigenvalues: for a repeated eigenvalue the
    eigenvectors are not unique and any gradient through ``v`` (and, through
    0 * inf, also one that only uses ``w``) is NaN or infinite.
    """
    w, v = call(api.Eigh, as_tensor_variable(a)._v, str(UPLO))
    return wrap(w), wrap(v)


def extract_diag(x, offset=0, axis1=0, axis2=1):
    """Diagonal ``offset`` of ``x`` in the plane (axis1, axis2), as numpy's ``diagonal``.

    Parameters
    ----------
    x : TensorVariable or array_like
        A tensor of rank 2 or more.
    offset : int
        The diagonal: 0 the main one, positive above it, negative below.
    axis1, axis2 : int
        The plane the diagonal is taken in.

    Returns
    -------
    TensorVariable
        The diagonal, as the last axis after ``x``'s other axes.
    """
    return wrap(call(api.ExtractDiag, as_tensor_variable(x)._v, _args.integer(offset, "offset"), _args.integer(axis1, "axis1"),
                            _args.integer(axis2, "axis2")))


def trace(X):  # noqa: N803 - Aesara's name
    """Return the sum of the diagonal elements of matrix ``X``.

    Parameters
    ----------
    X : TensorVariable or array_like
        A matrix.

    Returns
    -------
    TensorVariable
        A scalar.
    """
    return wrap(call(api.Trace, as_tensor_variable(X)._v))


def norm(x, ord):  # noqa: A002 - Aesara's signature
    """Aesara 2.9's matrix or vector norm.

    Parameters
    ----------
    x : TensorVariable
        A vector or a matrix.
    ord : {None, 'fro', 'inf', '-inf', numpy.inf, -numpy.inf} or number
        Vectors: None (Euclidean), 'inf' / '-inf' (largest / smallest
        magnitude), or p for ``sum(abs(x) ** p) ** (1 / p)``. Matrices: None or
        'fro' (Frobenius), 'inf' / '-inf' (largest / smallest absolute row
        sum), 1 / -1 (largest / smallest absolute column sum).

    Returns
    -------
    TensorVariable
        The norm, a scalar.

    Raises
    ------
    ValueError
        For a scalar ``x`` or an order the rank does not have.
    NotImplementedError
        For tensors of rank above 2.
    """
    x = as_tensor_variable(x)
    if isinstance(ord, numbers.Real) and not isinstance(ord, bool) and np.isinf(ord):
        ord = "inf" if ord > 0 else "-inf"  # noqa: A001
    if ord is None or isinstance(ord, str):
        return wrap(call(api.Norm, x._v, ord, float("nan")))
    if isinstance(ord, numbers.Real) and not isinstance(ord, bool):
        return wrap(call(api.Norm, x._v, None, float(ord)))
    raise ValueError(f"norm: invalid norm order {ord!r}")


def matrix_dot(*args):
    """The product ``args[0] . args[1] . ...`` of several matrices.

    Parameters
    ----------
    *args : TensorVariable or array_like
        Two or more matrices (or vectors) whose shapes chain.

    Returns
    -------
    TensorVariable
        The product, computed left to right.
    """
    result = args[0]
    for a in args[1:]:
        result = dot(result, a)
    return result
