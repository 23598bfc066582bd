"""Symbolic tensors and their operations (Aesara's ``aesara.tensor``)."""

from .math import *  # noqa: F401,F403
from .math import __all__ as _math_all
from .type import *  # noqa: F401,F403
from .type import __all__ as _type_all
from .var import TensorVariable, as_tensor, as_tensor_variable, constant
from .basic import flatten
from .shape import reshape, shape, shape_i
from .subtensor import inc_subtensor, set_subtensor
from . import nnet, special  # noqa: F401,E402
from . import nlinalg, slinalg  # noqa: F401,E402
from .special import log_softmax, softmax  # noqa: F401,E402
from ._reductions import *  # noqa: F401,E402,F403  (prod, var, std, min, argmax, ..., matmul, tensordot)
from ._reductions import __all__ as _reductions_all  # noqa: E402
from ._cumulative import cumprod, cumsum  # noqa: F401,E402
from . import extra_ops  # noqa: F401,E402

__all__ = ["TensorVariable", "as_tensor_variable", "as_tensor", "constant", "flatten", "reshape", "shape",
           "shape_i", "inc_subtensor", "set_subtensor"] + _math_all + _type_all + ["softmax", "log_softmax"]
__all__ += _reductions_all + ["cumsum", "cumprod"]
from .basic import __all__ as _basic_all  # noqa: E402
from .basic import *  # noqa: F401,F403,E402  (alloc, zeros, ones, eye, join, stack, split, arange, diag, roll, tile, ...)
from .subtensor import __all__ as _subtensor_all  # noqa: E402
from .subtensor import *  # noqa: F401,F403,E402  (advanced indexing, take)
from ._structure_extra import repeat, squeeze  # noqa: F401,E402

__all__ += [n for n in _basic_all + _subtensor_all + ["repeat", "squeeze"] if n not in __all__]

# As in Aesara, the differentiation functions are reachable from the tensor namespace too (``at.grad(cost, w)``).
from ..gradient import Lop, Rop, consider_constant, grad, hessian, jacobian  # noqa: F401,E402
from ..gradient import numeric_grad, verify_grad  # noqa: F401,E402
