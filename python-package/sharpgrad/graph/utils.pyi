"""Type stubs for :mod:`sharpgrad.graph.utils`: the graph layer's exceptions, where Aesara keeps them."""

from typing import Any, Optional

__all__ = ["MissingInputError", "InconsistencyError", "MethodNotDefined", "TestValueError"]

class MissingInputError(Exception):
    """A compiled graph needs a variable that is neither an input, a shared variable nor a constant."""

    variable: Optional[Any]
    def __init__(self, *args: object, variable: Optional[Any] = None) -> None: ...

class InconsistencyError(Exception):
    """A change to a function graph would leave it in an invalid state."""

class MethodNotDefined(Exception):
    """A method of an interface that the subclass was expected to define is missing."""

class TestValueError(Exception):
    """Base class of the errors about test values."""
