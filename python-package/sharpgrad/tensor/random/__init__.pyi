"""Type stubs for :mod:`sharpgrad.tensor.random`: random variables."""

from . import utils as utils
from .utils import RandomStream as RandomStream

__all__ = ["RandomStream"]
