"""Type stubs for :mod:`sharpgrad.tensor.slinalg`: linear algebra with scipy.linalg semantics."""

from .var import TensorVariable, _TensorLike

__all__ = ["solve", "cholesky"]

def solve(a: _TensorLike, b: _TensorLike, assume_a: str = "gen", lower: bool = False,
          check_finite: bool = True) -> TensorVariable: ...
def cholesky(x: _TensorLike, lower: bool = True, on_error: str = "raise") -> TensorVariable: ...
