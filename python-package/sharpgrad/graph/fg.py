"""``FunctionGraph``: the graph a compiled function runs (Aesara's ``aesara.graph.fg``)."""

from __future__ import annotations

from ..tensor.var import wrap
from .basic import Apply
from .utils import InconsistencyError, MissingInputError  # noqa: F401  (importable from here, as in Aesara)

__all__ = ["FunctionGraph", "InconsistencyError", "MissingInputError"]


class FunctionGraph:
    """A read-only view of a compiled function's rewritten graph."""

    def __init__(self, handle):
        self._fg = handle

    @classmethod
    def _from_compiled(cls, function):
        return cls(function.Graph)

    @property
    def inputs(self):
        """The explicit inputs."""
        return [wrap(v) for v in self._fg.Inputs]

    @property
    def outputs(self):
        """The outputs (then the update expressions)."""
        return [wrap(v) for v in self._fg.Outputs]

    def toposort(self):
        """The Apply nodes in the order they run.

        Returns
        -------
        list of Apply
            Every node once, each after the nodes computing its inputs.
        """
        return [Apply(n) for n in self._fg.Toposort()]

    @property
    def apply_nodes(self):
        """The Apply nodes, as a set."""
        return set(self.toposort())
