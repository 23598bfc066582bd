"""Aesara's ``aesara.tensor.extra_ops`` names."""

from ._cumulative import *  # noqa: F401,F403  (cumsum, cumprod)
from ._structure_extra import *  # noqa: F401,F403,E402  (repeat, squeeze)
