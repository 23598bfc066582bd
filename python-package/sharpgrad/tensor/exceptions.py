"""Exceptions of the tensor layer, where Aesara keeps them (``aesara.tensor.exceptions``).

Same names and bases as Aesara's, so ``except NotScalarConstantError:``
written for Aesara works unchanged.
"""

from __future__ import annotations

__all__ = ["ShapeError", "NotScalarConstantError", "EmptyConstantError", "AdvancedIndexingError"]


class ShapeError(Exception):
    """A shape cannot be computed (e.g. static lengths that contradict each other)."""


class NotScalarConstantError(Exception):
    """A variable was expected to be a constant scalar (``get_scalar_constant_value``) and is not."""


class EmptyConstantError(NotScalarConstantError):
    """A constant expected to hold one scalar holds no element at all."""


class AdvancedIndexingError(TypeError):
    """Basic indexing (``Subtensor``) was asked to do advanced indexing."""
