"""Random variables (Aesara's ``aesara.tensor.random``)."""

from . import utils  # noqa: F401
from .utils import RandomStream  # noqa: F401

__all__ = ["RandomStream"]
