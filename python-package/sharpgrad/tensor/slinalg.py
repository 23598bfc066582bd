"""Linear algebra with scipy.linalg semantics (Aesara's ``aesara.tensor.slinalg``).

``solve`` and ``cholesky`` build one engine op each (``Solve``, ``Cholesky``),
computed with libtorch's LAPACK, with a pullback and a pushforward. A singular
or non-positive-definite matrix raises ``ValueError`` when the function runs.
"""

from __future__ import annotations

from .._bridge import api, call
from .var import as_tensor_variable, wrap

__all__ = ["solve", "cholesky"]


def solve(a, b, assume_a="gen", lower=False, check_finite=True):
    """Solve the linear equation set ``a * x = b`` for the unknown ``x`` for square ``a`` matrix.

    Parameters
    ----------
    a : (N, N) TensorVariable
        Square input data.
    b : (N,) or (N, NRHS) TensorVariable
        Right-hand side.
    assume_a : {'gen', 'sym', 'her', 'pos'}
        General, symmetric, hermitian (real here, so symmetric) or positive
        definite ``a``; the last three read only one triangle of ``a``.
    lower : bool
        For the symmetric kinds, read the lower triangle (default: upper);
        ignored for 'gen'.
    check_finite : bool
        Reject infinities and NaNs.

    Returns
    -------
    TensorVariable
        ``x``, shaped like ``b``.
    """
    if assume_a not in ("gen", "sym", "her", "pos"):
        raise ValueError(f"solve: assume_a={assume_a!r} is not a recognized matrix structure; expected 'gen', 'sym', "
                         "'her' or 'pos'")
    return wrap(call(api.Solve, as_tensor_variable(a)._v, as_tensor_variable(b)._v, str(assume_a), bool(lower),
                     bool(check_finite)))


def cholesky(x, lower=True, on_error="raise"):
    """The Cholesky factor of a symmetric positive-definite matrix (Aesara's ``Cholesky``).

    ``L = cholesky(X, lower=True)`` implies ``dot(L, L.T) == X`` (only X's lower
    triangle is read); with ``lower=False`` the upper factor ``U`` with
    ``dot(U.T, U) == X`` (read from the upper triangle). ``on_error='nan'``
    returns NaNs instead of raising for a matrix that is not positive
    definite. The gradient is Murray's (2016) ``Phi(L^T dL)`` formula.

    Parameters
    ----------
    x : TensorVariable or array_like
        A symmetric positive-definite matrix.
    lower : bool
        Return the lower factor ``L`` (True) or the upper factor ``U``.
    on_error : {'raise', 'nan'}
        What a matrix that is not positive definite gives: an error when the function runs, or NaNs.

    Returns
    -------
    TensorVariable
        The triangular factor, shaped like ``x``.
    """
    if on_error not in ("raise", "nan"):
        raise ValueError('on_error must be one of "raise" or ""nan"')
    return wrap(call(api.Cholesky, as_tensor_variable(x)._v, bool(lower), str(on_error)))
