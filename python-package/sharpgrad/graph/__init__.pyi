"""Type stubs for :mod:`sharpgrad.graph`: variables, Apply nodes and function graphs."""

from . import basic as basic
from . import fg as fg
from . import op as op
from . import serialize as serialize
from .basic import Apply as Apply
from .basic import Constant as Constant
from .basic import Variable as Variable
from .basic import ancestors as ancestors
from .basic import clone_replace as clone_replace
from .basic import graph_inputs as graph_inputs
from .fg import FunctionGraph as FunctionGraph
from .op import Op as Op

__all__ = ["Apply", "Constant", "Variable", "FunctionGraph", "Op", "ancestors", "clone_replace", "graph_inputs"]
