"""Printing graphs (Aesara's ``aesara.printing``): ``debugprint``, ``pp`` and ``pydotprint``."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys

import numpy as np

from ._bridge import api, call

__all__ = ["debugprint", "dprint", "pp", "pprint", "pydotprint", "default_colorCodes", "pydot_imported"]

_logger = logging.getLogger("sharpgrad.printing")


def debugprint(obj, depth=-1, print_type=False, file=None, **kwargs):
    """Print a graph the way Aesara's ``debugprint`` does.

    Parameters
    ----------
    obj : TensorVariable, list of TensorVariable, Apply or Function
        What to print; for a compiled function, its rewritten graph with each
        node's position in the run order.
    depth : int
        Only -1 (the whole graph) is supported.
    print_type : bool
        Also print each variable's type.
    file : file-like or 'str', optional
        Where to write; ``'str'`` returns the text instead; standard output
        when None.
    **kwargs
        Aesara's other options (``ids``, ``stop_on_name``, ...); none is
        supported yet, so any raises NotImplementedError.

    Returns
    -------
    str or file-like
        The text when ``file='str'``, else the file written to.
    """
    if depth != -1 or kwargs:
        raise NotImplementedError(f"debugprint: options {sorted(kwargs) + (['depth'] if depth != -1 else [])} "
                                  "are not implemented yet")
    from .compile.function import Function
    from .graph.basic import Apply
    from .tensor.var import TensorVariable

    if isinstance(obj, Function):
        text = call(api.DebugPrintFunction, obj._compiled, bool(print_type))
    else:
        items = obj if isinstance(obj, (list, tuple)) else [obj]
        handles = []
        for item in items:
            if isinstance(item, Apply):
                handles.extend(o._v for o in item.outputs)
            elif isinstance(item, TensorVariable):
                handles.append(item._v)
            else:
                raise TypeError(f"debugprint: expected a variable, Apply node or Function; got {type(item).__name__}")
        text = call(api.DebugPrint, handles, bool(print_type))
    text = str(text)
    if file == "str":
        return text
    out = sys.stdout if file is None else file
    out.write(text)
    return out


dprint = debugprint


# --- graph walking shared by ``pp`` and ``pydotprint`` -------------------------------------------------------------

def _vid(v):
    return int(v._v.Id)


def _is_constant(v):
    return v._v.Owner is None and str(v._v.GetType().Name) == "Constant"


def _toposort(outputs):
    """The Apply nodes that compute ``outputs``, each after the nodes that compute its inputs (no recursion)."""
    nodes, placed, done = [], set(), set()
    stack = [(v, False) for v in reversed(list(outputs))]
    while stack:
        v, ready = stack.pop()
        key = _vid(v)
        if key in done:
            continue
        node = v.owner
        if node is None:
            done.add(key)
            continue
        node_key = _vid(node.outputs[0])
        if ready or node_key in placed:
            if node_key not in placed:
                placed.add(node_key)
                nodes.append(node)
            done.add(key)
            continue
        stack.append((v, True))
        stack.extend((i, False) for i in reversed(node.inputs) if _vid(i) not in done)
    return nodes


def _constant_data(v):
    """A constant's value as a numpy array, or None when it cannot be read."""
    scalar = v._v.ScalarValue
    try:
        if scalar is not None:
            return np.full(v.static_shape, float(scalar)).astype(v.dtype)
        from .compile.function import function

        return np.asarray(function([], v)())
    except Exception:  # noqa: BLE001 - a label falls back to the variable's text
        return None


# --- pp: Aesara's pretty printer -------------------------------------------------------------------------------------

_OPERATORS = {"add": "+", "sub": "-", "mul": "*", "true_div": "/", "int_div": "//", "mod": "%", "pow": "**"}
_FUNCTION_NAMES = {"second": "fill"}
_GREEK = {name: "\\" + name for name in ("alpha", "beta", "gamma", "delta", "epsilon")}
_MIDDLE_DOT = "\\dot"


def _leaf_text(v):
    if v.name is not None:
        return _GREEK.get(v.name, v.name)
    if _is_constant(v):
        data = _constant_data(v)
        text = str(v) if data is None else str(data)
        if len(text) > 20:
            text = text[:10] + ".." + text[-10:]
        return f"TensorConstant{{{text}}}"
    return str(v)


def _node_text(node, ins):
    op = node.op
    kind = type(op).__name__
    if kind == "Elemwise":
        scalar = str(op.scalar_op)
        if scalar in _OPERATORS:
            return f"({f' {_OPERATORS[scalar]} '.join(ins)})"
        if scalar == "neg" and len(ins) == 1:
            return f"(-{ins[0]})"
        return f"{_FUNCTION_NAMES.get(scalar, scalar)}({', '.join(ins)})"
    if kind == "Dot" and len(ins) == 2:
        return f"({ins[0]} {_MIDDLE_DOT} {ins[1]})"
    if kind == "DimShuffle":
        order = list(op.order)
        while order and order[0] == -1:
            order = order[1:]
        ndim = node.inputs[0].ndim
        if order == list(range(ndim)):
            return ins[0]
        if order == list(reversed(range(ndim))):
            return f"{ins[0]}.T"
    if kind in ("Subtensor", "AdvancedSubtensor") and hasattr(op, "idx_list"):
        extra = iter(ins[1:])
        entries = [str(e) for e in op.idx_list]
        if sum(e == "*" for e in entries) == len(ins) - 1:
            return f"{ins[0]}[{', '.join(next(extra) if e == '*' else e for e in entries)}]"
    return f"{op}({', '.join(ins)})"


def pprint(obj):
    """Aesara's pretty printer: an expression as one line of math-like text.

    Inputs and other variables without an owner print as their names (or,
    unnamed, as their type; constants as ``TensorConstant{value}``); every
    computed variable is expanded, named or not. Operators are parenthesised
    as Aesara does, whatever the precedence:

    - ``add sub mul true_div int_div mod pow`` print infix (``+ - * / // % **``),
      ``neg`` as ``(-x)`` and ``Dot`` as ``(X \\dot w)``;
    - a ``DimShuffle`` that only adds leading broadcastable axes prints as its
      input (the broadcast of a scalar constant stays invisible), a full
      reversal as ``x.T``;
    - ``Subtensor`` prints as numpy indexing, ``x[1:, 0]``;
    - other elementwise ops print as calls of the scalar op (``exp(x)``,
      ``fill(a, b)`` for ``second``), every other op as ``str(op)(inputs)``
      (``Sum{axis=[0]}(X)``).

    Parameters
    ----------
    obj : TensorVariable or Apply
        The expression; an Apply node must have exactly one output.

    Returns
    -------
    str

    Examples
    --------
    >>> x, y = at.dvector("x"), at.dvector("y")
    >>> pp(x + y * 2)
    '(x + (y * TensorConstant{2}))'
    """
    from .graph.basic import Apply
    from .tensor.var import TensorVariable

    if isinstance(obj, Apply):
        obj = obj.out
    if not isinstance(obj, TensorVariable):
        raise TypeError(f"pp: expected a variable or an Apply node; got {type(obj).__name__}")
    memo = {}

    def text(v):
        key = _vid(v)
        if key not in memo:
            memo[key] = _leaf_text(v)
        return memo[key]

    for node in _toposort([obj]):
        ins = [text(i) for i in node.inputs]
        for out in node.outputs:
            memo[_vid(out)] = _node_text(node, ins)
    return text(obj)


pp = pprint


# --- pydotprint: the graph as a Graphviz picture ---------------------------------------------------------------------

# Aesara's colours for Apply nodes (matched against the op's class name) and for outputs.
default_colorCodes = {  # noqa: N816 - Aesara's name
    "GpuFromHost": "red",
    "HostFromGpu": "red",
    "Scan": "yellow",
    "Shape": "brown",
    "IfElse": "magenta",
    "Elemwise": "#FFAABB",  # dark pink
    "Subtensor": "#FFAAFF",  # purple
    "Alloc": "#FFAA22",  # orange
    "Output": "blue",
}

#: Aesara's flag for "pydotprint can draw": here, whether Graphviz's ``dot`` was on PATH at import.
pydot_imported = shutil.which("dot") is not None

_INPUT_COLOR, _SHARED_COLOR, _UNUSED_COLOR = "green", "cyan", "grey"
_APPLY_SHAPE, _VAR_SHAPE = "ellipse", "box"


def _update_targets(function):
    """The shared variables a compiled function updates, in the order their new values follow its outputs."""
    return [target for target, _ in function.maker.updates]


def _dot_quote(value):
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class _DotGraph:
    """Just enough of pydot's ``Dot``: nodes (later attributes win, as in DOT), edges and clusters, as DOT text."""

    def __init__(self):
        self.nodes, self.edges, self.clusters = {}, [], {}

    def node(self, name, **attrs):
        self.nodes.setdefault(name, {}).update(attrs)

    def edge(self, tail, head, **attrs):
        self.edges.append((tail, head, attrs))

    @staticmethod
    def _attrs(attrs):
        return "" if not attrs else " [" + ", ".join(f"{k}={_dot_quote(v)}" for k, v in attrs.items()) + "]"

    def text(self):
        lines = ["digraph G {"]
        lines += [f"  {_dot_quote(n)}{self._attrs(a)};" for n, a in self.nodes.items()]
        for title, members in self.clusters.items():
            lines.append(f"  subgraph {_dot_quote('cluster_' + title)} {{")
            lines += [f"    {_dot_quote(n)};" for n in members]
            lines.append("  }")
        lines += [f"  {_dot_quote(t)} -> {_dot_quote(h)}{self._attrs(a)};" for t, h, a in self.edges]
        lines.append("}")
        return "\n".join(lines) + "\n"


def _render(text, format):
    """``text`` (DOT) drawn by Graphviz in ``format``; the DOT text itself for ``format='dot'``."""
    if format == "dot":
        return text.encode()
    program = shutil.which("dot")
    if program is None:
        raise RuntimeError("pydotprint: Graphviz's `dot` program was not found on PATH; install Graphviz (the "
                           "Debian/Ubuntu package `graphviz`: apt-get install graphviz), or pass format='dot' to "
                           "write the DOT text only")
    done = subprocess.run([program, f"-T{format}"], input=text.encode(), capture_output=True, check=False)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        if "not recognized" in message:  # Graphviz lists the formats it writes
            raise ValueError(f"pydotprint: format {format!r} is not one Graphviz writes: {message}")
        raise RuntimeError(f"pydotprint: `dot -T{format}` failed: {message}")
    return done.stdout


def pydotprint(fct, outfile=None, compact=True, format="png", with_ids=False, high_contrast=True,  # noqa: A002
               cond_highlight=None, colorCodes=None, max_label_size=70, scan_graphs=False,  # noqa: N803
               var_with_name_simple=False, print_output_file=True, return_image=False):
    """Draw a graph to a picture file with Graphviz, as Aesara's ``pydotprint`` does.

    Ellipses are Apply nodes, labelled with their op (``:`` written ``_``, as
    in Aesara) and, when two would read the same or ``with_ids`` is set, their
    position in the run order (``id=N``). Boxes are variables, coloured as
    in Aesara: inputs and constants (labelled ``val=...``) green, shared
    variables cyan, outputs and the new values of updated shared variables
    blue (an ``UPDATE`` edge leads from the new value to the shared
    variable), computed variables nobody reads grey. With ``compact``, an
    unnamed intermediate variable is not drawn: its type labels the edge
    between the two Apply nodes instead. An edge into a node with several
    inputs is labelled with the input's position.

    The DOT text is written here and drawn by Graphviz's ``dot`` program
    (run as a subprocess; pydot is not needed).

    Parameters
    ----------
    fct : Function, FunctionGraph, TensorVariable, Apply or list of TensorVariable
        What to draw: a compiled function's rewritten graph
        (``fct.maker.fgraph``, with its updates), or the graph that computes
        the given variables.
    outfile : str or os.PathLike, optional
        Where to write; ``.<format>`` is appended when missing. Default
        ``./sharpgrad_pydotprint.<format>`` (Aesara writes under its
        ``config.compiledir``, which sharpgrad does not have).
    compact : bool
        Leave unnamed intermediate variables out (see above).
    format : str
        Any output format of ``dot -T``: ``'png'``, ``'svg'``, ``'pdf'``, ...
        ``'dot'`` writes the DOT text itself, without running Graphviz.
    with_ids : bool
        Add each Apply node's position in the run order to its label.
    high_contrast : bool
        Fill nodes with their colour (True) or only draw their border in it.
    cond_highlight : str, optional
        Aesara groups the nodes of a lazy ``IfElse`` with this name into
        clusters; the engine has no ``IfElse`` op, so this logs a warning
        ("no IfElse node in the graph"), as Aesara does for such graphs.
    colorCodes : dict, optional
        Op class name (substring) to colour for Apply nodes, plus ``'Output'``
        for outputs; :data:`default_colorCodes` when None.
    max_label_size : int
        Labels longer than this are cut and end in ``...``.
    scan_graphs : bool
        Accepted for Aesara compatibility; the engine has no ``Scan`` op, so
        there are no inner graphs to draw.
    var_with_name_simple : bool
        Label named variables with their name only, not ``name=<name> <type>``.
    print_output_file : bool
        Print ``The output file is available at <outfile>`` when done.
    return_image : bool
        Return the picture's bytes instead of writing a file.

    Returns
    -------
    bytes or None
        The picture when ``return_image`` is True, else None.

    Raises
    ------
    RuntimeError
        When Graphviz's ``dot`` program is not installed (Debian package
        ``graphviz``) or fails, e.g. on an unknown format.
    TypeError
        For anything but a function, graph, variable or list of variables.
    """
    from .compile.function import Function
    from .compile.sharedvalue import SharedVariable
    from .graph.basic import Apply
    from .graph.fg import FunctionGraph
    from .tensor.var import TensorVariable

    if not isinstance(format, str) or not format or not all(c.isalnum() or c in ":_-" for c in format):
        raise ValueError(f"pydotprint: format must be a Graphviz output format such as 'png' or 'svg'; got "
                         f"{format!r}")
    colors = default_colorCodes if colorCodes is None else colorCodes
    output_color = colors.get("Output", default_colorCodes["Output"])
    outfile = f"sharpgrad_pydotprint.{format}" if outfile is None else os.fspath(outfile)

    update_of = {}  # id of a new value -> the shared variable it updates
    if isinstance(fct, Function):
        fgraph = fct.maker.fgraph
        outputs, topo = list(fgraph.outputs), fgraph.toposort()
        targets = _update_targets(fct)
        for target, value in zip(reversed(targets), reversed(outputs[len(outputs) - len(targets):])):
            update_of[_vid(value)] = target
        outputs = outputs[:len(outputs) - len(targets)]
    elif isinstance(fct, FunctionGraph):
        outputs, topo = list(fct.outputs), fct.toposort()
    else:
        items = fct.outputs if isinstance(fct, Apply) else [fct] if isinstance(fct, TensorVariable) else fct
        if not isinstance(items, (list, tuple)) or not all(isinstance(v, TensorVariable) for v in items):
            raise TypeError(f"pydotprint: expected a compiled function, a FunctionGraph, a variable, an Apply node "
                            f"or a list of variables; got {type(fct).__name__}")
        outputs = list(items)
        topo = _toposort(outputs)

    output_ids = {_vid(v) for v in outputs}
    read = {_vid(i) for node in topo for i in node.inputs}
    node_id = {_vid(o): f"apply{k}" for k, node in enumerate(topo) for o in node.outputs}
    graph = _DotGraph()
    all_strings = set()
    var_labels = {}

    def cut(label):
        return label[:max_label_size - 3] + "..." if len(label) > max_label_size else label

    def var_name(var):
        key = _vid(var)
        if key not in var_labels:
            if var.name is not None:
                label = var.name if var_with_name_simple else f"name={var.name} {var.type}"
            elif _is_constant(var):
                data = _constant_data(var)
                value = str(var) if data is None else str(data).split("\n")[0]
                label = f"val={value} {var.type}"
            elif key in update_of and update_of[key].name is not None:
                label = update_of[key].name + ("" if var_with_name_simple else f" {var.type}")
            else:
                label = str(var.type)
            var_labels[key] = cut(label)
            all_strings.add(var_labels[key])
        return var_labels[key], f"var{key}"

    def apply_name(k, node):
        label = str(node.op).replace(":", "_")
        if label in all_strings or with_ids:
            suffix = f" id={k}"
            label = (label[:max_label_size - 3 - len(suffix)] + suffix + "..."
                     if len(label) + len(suffix) > max_label_size else label + suffix)
        elif len(label) > max_label_size:
            label = label[:max_label_size - 3] + "..."
            n = 1
            while label in all_strings:
                n += 1
                suffix = f" id={n}"
                label = label[:max_label_size - 3 - len(suffix)] + "..." + suffix
        all_strings.add(label)
        return label

    def painted(color, **attrs):
        return dict(attrs, style="filled", fillcolor=color) if high_contrast else dict(attrs, color=color)

    def view_inputs(op, attr):
        mapping = getattr(op, attr, None)
        return {i for ins in (mapping or {}).values() for i in ins} if isinstance(mapping, dict) else set()

    for k, node in enumerate(topo):
        aid = f"apply{k}"
        label = apply_name(k, node)
        use_color = None
        for op_name, color in colors.items():
            if op_name in type(node.op).__name__:
                use_color = color
        graph.node(aid, label=label, shape=_APPLY_SHAPE,
                   **({} if use_color is None else painted(use_color)))
        viewed, destroyed = view_inputs(node.op, "view_map"), view_inputs(node.op, "destroy_map")
        for idx, var in enumerate(node.inputs):
            varstr, varid = var_name(var)
            param = {"label": str(idx)} if len(node.inputs) > 1 else {}
            if idx in viewed:
                param["color"] = output_color
            elif idx in destroyed:
                param["color"] = "red"
            if var.owner is None:
                color = _SHARED_COLOR if isinstance(var, SharedVariable) else _INPUT_COLOR
                graph.node(varid, label=varstr, shape=_VAR_SHAPE, **painted(color))
                graph.edge(varid, aid, **param)
            elif var.name or not compact or _vid(var) in output_ids:
                graph.edge(varid, aid, **param)
            else:
                param["label"] = cut((param["label"] + " " if "label" in param else "") + str(var.type))
                graph.edge(node_id[_vid(var)], aid, **param)
        for idx, var in enumerate(node.outputs):
            varstr, varid = var_name(var)
            key = _vid(var)
            param = {"label": str(idx)} if len(node.outputs) > 1 else {}
            if key in output_ids or key in update_of:
                graph.edge(aid, varid, **param)
                graph.node(varid, label=varstr, shape=_VAR_SHAPE, **painted(output_color))
            elif key not in read:
                graph.edge(aid, varid, **param)
                graph.node(varid, label=varstr, shape=_VAR_SHAPE, **painted(_UNUSED_COLOR))
            elif var.name or not compact:
                if compact:
                    param["label"] = cut((param["label"] + " " if "label" in param else "") + str(var.type))
                graph.edge(aid, varid, **param)
                graph.node(varid, label=varstr, shape=_VAR_SHAPE)

    for key, shared in update_of.items():
        shared_str, shared_id = var_name(shared)
        if shared_id not in graph.nodes:
            graph.node(shared_id, label=shared_str, shape=_VAR_SHAPE, **painted(_SHARED_COLOR))
        graph.edge(f"var{key}", shared_id, label="UPDATE", color=output_color)

    if cond_highlight is not None:
        conds = [n for n in topo if type(n.op).__name__ == "IfElse" and getattr(n.op, "name", None) == cond_highlight]
        if not conds:
            _logger.warning("pydotprint: cond_highlight is set but there is no IfElse node in the graph")
        else:
            cond = conds[0]
            index = {_vid(n.outputs[0]): f"apply{k}" for k, n in enumerate(topo)}
            left = {_vid(n.outputs[0]) for n in _toposort([cond.inputs[1]])}
            right = {_vid(n.outputs[0]) for n in _toposort([cond.inputs[2]])}
            graph.clusters = {"Left": [index[i] for i in left - right if i in index],
                              "Right": [index[i] for i in right - left if i in index],
                              "Middle": [index[i] for i in left & right if i in index]}

    if not outfile.endswith("." + format):
        outfile += "." + format
    image = _render(graph.text(), format)
    if return_image:
        return image
    with open(outfile, "wb") as f:
        f.write(image)
    if print_output_file:
        print("The output file is available at", outfile)
    return None
