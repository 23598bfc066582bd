"""Type stubs for :mod:`sharpgrad.custom_derivatives`: custom derivative rules (JAX's custom_vjp, custom_jvp)."""

from typing import Any, Callable, Optional, Sequence

__all__ = ["custom_vjp", "custom_jvp"]

class custom_vjp:
    """A function with a custom reverse-mode rule."""

    fun: Callable[..., Any]
    nondiff_argnums: tuple[int, ...]
    fwd: Optional[Callable[..., Any]]
    bwd: Optional[Callable[..., Any]]
    def __init__(self, fun: Callable[..., Any], nondiff_argnums: Sequence[int] = ()) -> None: ...
    def defvjp(self, fwd: Callable[..., Any], bwd: Callable[..., Any]) -> None: ...
    def __call__(self, *args: Any) -> Any: ...

class custom_jvp:
    """A function with a custom forward-mode rule."""

    fun: Callable[..., Any]
    nondiff_argnums: tuple[int, ...]
    jvp: Optional[Callable[..., Any]]
    def __init__(self, fun: Callable[..., Any], nondiff_argnums: Sequence[int] = ()) -> None: ...
    def defjvp(self, jvp: Callable[..., Any]) -> Callable[..., Any]: ...
    def defjvps(self, *jvps: Optional[Callable[..., Any]]) -> None: ...
    def __call__(self, *args: Any) -> Any: ...
