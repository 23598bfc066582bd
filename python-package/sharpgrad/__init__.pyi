"""Type stubs for :mod:`sharpgrad`: Aesara's gradient API on the Gradient engine."""

from . import compile as compile
from . import configparser as configparser
from . import gradient as gradient
from . import graph as graph
from . import printing as printing
from . import tensor as tensor
from .compile import function as function
from .compile.io import In as In
from .graph.basic import clone_replace as clone_replace
from .compile.sharedvalue import shared as shared
from .configparser import Config
from .gradient import Lop as Lop
from .gradient import Rop as Rop
from .gradient import grad as grad
from .gradient import subgraph_grad as subgraph_grad
from .printing import debugprint as debugprint
from .printing import dprint as dprint
from .printing import pp as pp
from .printing import pprint as pprint
from . import ad_checkpoint as ad_checkpoint
from . import custom_derivatives as custom_derivatives
from .ad_checkpoint import checkpoint as checkpoint
from .ad_checkpoint import remat as remat
from .compile.builders import OpFromGraph as OpFromGraph
from .custom_derivatives import custom_jvp as custom_jvp
from .custom_derivatives import custom_vjp as custom_vjp
from . import updates as updates
from .scan.basic import scan as scan
from .scan.views import foldl as foldl
from .scan.views import foldr as foldr
from .scan.views import map as map
from .scan.views import reduce as reduce

__version__: str
config: Config

__all__ = ["config", "tensor", "gradient", "graph", "function", "shared", "grad", "Lop", "Rop", "subgraph_grad",
           "printing", "debugprint", "dprint", "pp", "pprint", "OpFromGraph", "custom_vjp", "custom_jvp",
           "checkpoint", "remat", "__version__", "In", "clone_replace", "scan", "updates", "map", "reduce",
           "foldl", "foldr"]
