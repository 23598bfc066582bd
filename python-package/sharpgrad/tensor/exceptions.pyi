"""Type stubs for :mod:`sharpgrad.tensor.exceptions`: the tensor layer's exceptions, where Aesara keeps them."""

__all__ = ["ShapeError", "NotScalarConstantError", "EmptyConstantError", "AdvancedIndexingError"]

class ShapeError(Exception):
    """A shape cannot be computed."""

class NotScalarConstantError(Exception):
    """A variable was expected to be a constant scalar and is not."""

class EmptyConstantError(NotScalarConstantError):
    """A constant expected to hold one scalar holds no element at all."""

class AdvancedIndexingError(TypeError):
    """Basic indexing was asked to do advanced indexing."""
