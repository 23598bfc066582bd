"""The graph: variables, Apply nodes and function graphs (Aesara's ``aesara.graph``)."""

from .basic import Apply, Constant, Variable, ancestors, clone_replace, graph_inputs
from .fg import FunctionGraph
from .op import Op
from . import serialize

__all__ = ["Apply", "Constant", "Variable", "FunctionGraph", "Op", "ancestors", "clone_replace", "graph_inputs"]
