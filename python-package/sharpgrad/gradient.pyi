"""Type stubs for :mod:`sharpgrad.gradient`: symbolic differentiation."""

from typing import (Any, Callable, ClassVar, Dict, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union,
                    overload)

import numpy as np
from numpy.typing import ArrayLike

from .graph.basic import Apply, OpView
from .tensor.var import TensorVariable, _TensorLike

__all__ = [
    "grad", "Lop", "Rop", "pullback", "pushforward", "jvp", "vjp", "linearize", "subgraph_grad", "jacobian",
    "hessian", "hessian_vector_product", "verify_grad", "numeric_grad", "as_list_or_tuple",
    "consider_constant", "zero_grad", "disconnected_grad", "grad_clip", "grad_scale", "undefined_grad",
    "grad_not_implemented", "grad_undefined",
    "ConsiderConstant", "ZeroGrad", "DisconnectedGrad", "GradClip", "GradScale", "UndefinedGrad",
    "DisconnectedType", "NullType", "DisconnectedInputError", "NullTypeGradError", "GradientError",
]

_TV = TypeVar("_TV", bound=TensorVariable)
_Outputs = Union[TensorVariable, Sequence[TensorVariable]]

class DisconnectedInputError(ValueError):
    """``grad`` was asked for the gradient with respect to a variable that is not part of the cost's graph."""

class NullTypeGradError(TypeError):
    """A gradient is undefined (NullType) and was asked for, used or compiled."""

class GradientError(Exception):
    """The analytic and numeric gradients disagree (raised by :func:`verify_grad`)."""

    arg: int
    err_pos: int
    shape: Tuple[int, ...]
    val1: float
    val2: float
    abs_err: float
    rel_err: float
    abs_tol: float
    rel_tol: float
    def __init__(self, arg: int, err_pos: int, shape: Tuple[int, ...], val1: float, val2: float, abs_err: float,
                 rel_err: float, abs_tol: float, rel_tol: float) -> None: ...

class DisconnectedType:
    """The type of a disconnected gradient."""

    def __call__(self, name: Optional[str] = None) -> Any: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class NullType:
    """The type of an undefined gradient; ``why_null`` says why."""

    why_null: str
    def __init__(self, why_null: str = "(no explanation given)") -> None: ...
    def __call__(self, name: Optional[str] = None) -> Any: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@overload
def grad(cost: Optional[TensorVariable], wrt: TensorVariable,
         consider_constant: Optional[Sequence[TensorVariable]] = None, disconnected_inputs: str = "raise",
         add_names: bool = True, known_grads: Optional[Mapping[TensorVariable, Any]] = None,
         return_disconnected: str = "zero", null_gradients: str = "raise") -> TensorVariable: ...
@overload
def grad(cost: Optional[TensorVariable], wrt: List[_TV],
         consider_constant: Optional[Sequence[TensorVariable]] = None, disconnected_inputs: str = "raise",
         add_names: bool = True, known_grads: Optional[Mapping[TensorVariable, Any]] = None,
         return_disconnected: str = "zero", null_gradients: str = "raise") -> List[TensorVariable]: ...
@overload
def grad(cost: Optional[TensorVariable], wrt: Tuple[TensorVariable, ...],
         consider_constant: Optional[Sequence[TensorVariable]] = None, disconnected_inputs: str = "raise",
         add_names: bool = True, known_grads: Optional[Mapping[TensorVariable, Any]] = None,
         return_disconnected: str = "zero", null_gradients: str = "raise") -> Tuple[TensorVariable, ...]: ...
@overload
def Lop(f: _Outputs, wrt: TensorVariable, eval_points: Union[_TensorLike, Sequence[_TensorLike]],
        consider_constant: Optional[Sequence[TensorVariable]] = None,
        disconnected_inputs: str = "raise") -> TensorVariable: ...
@overload
def Lop(f: _Outputs, wrt: List[_TV], eval_points: Union[_TensorLike, Sequence[_TensorLike]],
        consider_constant: Optional[Sequence[TensorVariable]] = None,
        disconnected_inputs: str = "raise") -> List[TensorVariable]: ...
@overload
def Lop(f: _Outputs, wrt: Tuple[TensorVariable, ...], eval_points: Union[_TensorLike, Sequence[_TensorLike]],
        consider_constant: Optional[Sequence[TensorVariable]] = None,
        disconnected_inputs: str = "raise") -> Tuple[TensorVariable, ...]: ...
@overload
def Rop(f: TensorVariable, wrt: _Outputs, eval_points: Union[_TensorLike, Sequence[_TensorLike]],
        disconnected_outputs: str = "raise", return_disconnected: str = "zero") -> TensorVariable: ...
@overload
def Rop(f: List[_TV], wrt: _Outputs, eval_points: Union[_TensorLike, Sequence[_TensorLike]],
        disconnected_outputs: str = "raise", return_disconnected: str = "zero") -> List[TensorVariable]: ...
@overload
def Rop(f: Tuple[TensorVariable, ...], wrt: _Outputs, eval_points: Union[_TensorLike, Sequence[_TensorLike]],
        disconnected_outputs: str = "raise", return_disconnected: str = "zero") -> Tuple[TensorVariable, ...]: ...

pullback = Lop
pushforward = Rop

def jvp(fun: Callable[..., Any], primals: Sequence[TensorVariable],
        tangents: Sequence[_TensorLike]) -> Tuple[Any, Any]: ...
def vjp(fun: Callable[..., Any], *primals: TensorVariable) -> Tuple[Any, Callable[[Any], Tuple[TensorVariable, ...]]]: ...
def linearize(fun: Callable[..., Any], *primals: TensorVariable) -> Tuple[Any, Callable[..., Any]]: ...
def subgraph_grad(wrt: List[_TV], end: List[TensorVariable],
                  start: Optional[Dict[TensorVariable, TensorVariable]] = None, cost: Optional[TensorVariable] = None,
                  details: bool = False) -> Tuple[Any, ...]: ...
@overload
def jacobian(expression: TensorVariable, wrt: TensorVariable,
             consider_constant: Optional[Sequence[TensorVariable]] = None, disconnected_inputs: str = "raise", *,
             vectorize: bool = True, chunk_size: Optional[int] = None) -> TensorVariable: ...
@overload
def jacobian(expression: TensorVariable, wrt: List[_TV],
             consider_constant: Optional[Sequence[TensorVariable]] = None, disconnected_inputs: str = "raise", *,
             vectorize: bool = True, chunk_size: Optional[int] = None) -> List[TensorVariable]: ...
@overload
def jacobian(expression: TensorVariable, wrt: Tuple[TensorVariable, ...],
             consider_constant: Optional[Sequence[TensorVariable]] = None, disconnected_inputs: str = "raise", *,
             vectorize: bool = True, chunk_size: Optional[int] = None) -> Tuple[TensorVariable, ...]: ...
@overload
def hessian(cost: TensorVariable, wrt: TensorVariable, consider_constant: Optional[Sequence[TensorVariable]] = None,
            disconnected_inputs: str = "raise") -> TensorVariable: ...
@overload
def hessian(cost: TensorVariable, wrt: List[_TV],
            consider_constant: Optional[Sequence[TensorVariable]] = None,
            disconnected_inputs: str = "raise") -> List[TensorVariable]: ...
@overload
def hessian(cost: TensorVariable, wrt: Tuple[TensorVariable, ...],
            consider_constant: Optional[Sequence[TensorVariable]] = None,
            disconnected_inputs: str = "raise") -> Tuple[TensorVariable, ...]: ...
def hessian_vector_product(cost: TensorVariable, wrt: _TensorLike, v: _TensorLike) -> TensorVariable: ...
def as_list_or_tuple(use_list: bool, use_tuple: bool, outputs: Any) -> Any: ...

def consider_constant(x: _TensorLike) -> TensorVariable: ...
def zero_grad(x: _TensorLike) -> TensorVariable: ...
def disconnected_grad(x: _TensorLike) -> TensorVariable: ...
def grad_clip(x: _TensorLike, lower_bound: float, upper_bound: float) -> TensorVariable: ...
def grad_scale(x: _TensorLike, multiplier: float) -> TensorVariable: ...
def undefined_grad(x: _TensorLike) -> TensorVariable: ...
def grad_undefined(op: Any, x_pos: int, x: _TensorLike, comment: str = "") -> TensorVariable: ...
def grad_not_implemented(op: Any, x_pos: int, x: _TensorLike, comment: str = "") -> TensorVariable: ...

class _GradientControlOp(OpView):
    # The op classes of the gradient-control functions (built at run time by one factory).
    def __init__(self, *args: float, handle: Any = None) -> None: ...
    def __call__(self, x: _TensorLike) -> TensorVariable: ...
    def connection_pattern(self, node: Apply) -> List[List[bool]]: ...

class ZeroGrad(_GradientControlOp):
    """The op of :func:`zero_grad`."""

class DisconnectedGrad(_GradientControlOp):
    """The op of :func:`disconnected_grad`."""

class ConsiderConstant(_GradientControlOp):
    """The op of :func:`consider_constant`."""

class UndefinedGrad(_GradientControlOp):
    """The op of :func:`undefined_grad`."""

class GradClip(_GradientControlOp):
    """The op of :func:`grad_clip`."""

    clip_lower_bound: float
    clip_upper_bound: float

class GradScale(_GradientControlOp):
    """The op of :func:`grad_scale`."""

    multiplier: float

class numeric_grad:
    """One-sided finite-difference gradient of a scalar function at a point."""

    type_eps: ClassVar[Dict[str, float]]
    gf: Any
    def __init__(self, f: Callable[..., Any], pt: Union[ArrayLike, Sequence[ArrayLike]], eps: Optional[float] = None,
                 out_type: Optional[str] = None) -> None: ...
    @staticmethod
    def abs_rel_err(a: ArrayLike, b: ArrayLike) -> Tuple[Any, Any]: ...
    def abs_rel_errors(self, g_pt: Union[ArrayLike, Sequence[ArrayLike]]) -> List[Tuple[Any, Any]]: ...
    def max_err(self, g_pt: Union[ArrayLike, Sequence[ArrayLike]], abs_tol: float,
                rel_tol: float) -> Tuple[int, int, float, float]: ...

def verify_grad(fun: Callable[..., Any], pt: Sequence[ArrayLike], n_tests: int = 2, rng: Any = None,
                eps: Optional[float] = None, out_type: Optional[str] = None, abs_tol: Optional[float] = None,
                rel_tol: Optional[float] = None, mode: Any = None, cast_to_output_type: bool = False,
                no_debug_ref: bool = True, *, modes: Sequence[str] = ("rev",)) -> None: ...
