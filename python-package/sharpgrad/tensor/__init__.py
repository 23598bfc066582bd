"""Symbolic tensors and their operations (Aesara's ``aesara.tensor``)."""

from .math import *  # noqa: F401,F403
from .math import __all__ as _math_all
from .type import *  # noqa: F401,F403
from .type import __all__ as _type_all
from .var import TensorVariable, as_tensor_variable, constant

__all__ = ["TensorVariable", "as_tensor_variable", "constant"] + _math_all + _type_all
