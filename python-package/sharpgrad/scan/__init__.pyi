"""Type stubs for :mod:`sharpgrad.scan`."""

from . import basic as basic
from . import utils as utils
from . import views as views
from .basic import scan as scan
from .utils import until as until
from .views import foldl as foldl
from .views import foldr as foldr
from .views import map as map
from .views import reduce as reduce

__all__ = ["scan", "until", "map", "reduce", "foldl", "foldr"]
