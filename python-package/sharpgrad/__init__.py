"""sharpgrad: Aesara's gradient API on the Gradient engine (C#, libtorch kernels).

``import sharpgrad as aesara`` makes Aesara code about gradients run
unchanged::

    import sharpgrad as aesara
    x = aesara.tensor.dvector('x')
    f = aesara.function([x], aesara.grad((x ** 2).sum(), x))
    f([1., 2., 3.])   # array([2., 4., 6.])
"""

from ._version import __version__  # noqa: E402  (the VERSION file)
from .configparser import Config as _Config  # noqa: E402

config = _Config()

from . import tensor  # noqa: E402
from . import gradient  # noqa: E402
from . import graph  # noqa: E402
from . import printing  # noqa: E402
from .compile import function  # noqa: E402
from .compile.io import In  # noqa: E402
from .graph.basic import clone_replace  # noqa: E402
from .compile.sharedvalue import shared  # noqa: E402
from .gradient import Lop, Rop, grad, subgraph_grad  # noqa: E402
from .printing import debugprint, dprint, pp, pprint  # noqa: E402
from .compile.builders import OpFromGraph  # noqa: E402
from .custom_derivatives import custom_jvp, custom_vjp  # noqa: E402
from .ad_checkpoint import checkpoint, remat  # noqa: E402
from . import updates  # noqa: E402
from . import scan  # noqa: E402  (the package, callable as scan(...))
from .scan.views import foldl, foldr, map, reduce  # noqa: E402,A004 - Aesara's names

__all__ = ["config", "tensor", "gradient", "graph", "function", "shared", "grad", "Lop", "Rop", "subgraph_grad", "printing", "debugprint", "dprint", "pp", "pprint",
           "OpFromGraph", "custom_vjp", "custom_jvp", "checkpoint", "remat", "__version__", "In", "clone_replace",
           "scan", "updates", "map", "reduce", "foldl", "foldr"]
