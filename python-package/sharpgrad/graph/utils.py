"""Exceptions of the graph layer, where Aesara keeps them (``aesara.graph.utils``).

``from aesara.graph.utils import MissingInputError`` becomes
``from sharpgrad.graph.utils import MissingInputError``; the classes have
Aesara's names and bases, so ``except`` clauses written for Aesara catch them.
"""

from __future__ import annotations

__all__ = ["MissingInputError", "InconsistencyError", "MethodNotDefined", "TestValueError"]


class MissingInputError(Exception):
    """A compiled graph needs a variable that is neither an input, a shared variable nor a constant.

    Raised by :func:`sharpgrad.function` (as in Aesara). The message names
    the missing variable and its type.

    Parameters
    ----------
    *args : str
        Message parts, joined by new lines (Aesara's signature).
    variable : Variable, optional
        The missing variable; kept as the ``variable`` attribute.
    """

    def __init__(self, *args, variable=None):
        self.variable = variable
        super().__init__("\n".join(str(a) for a in args))


class InconsistencyError(Exception):
    """A change to a function graph would leave it in an invalid state (e.g. a replacement of another type)."""


class MethodNotDefined(Exception):
    """A method of an interface (an ``Op`` or ``Type``) that the subclass was expected to define is missing."""


class TestValueError(Exception):
    """Base class of the errors about test values (Aesara's ``compute_test_value``)."""

    __test__ = False  # not a pytest test class, despite its name
