"""Graphs to and from JSON (the ``gradient-graph`` format of ``docs/graph-json.md``).

The engine writes and reads the documents, so a graph dumped here loads in
C# (``GraphJson.Read``) and a graph written by C# (``GraphJson.Write``) loads
here, computing the same values bit for bit::

    from sharpgrad.graph import serialize
    text = serialize.dump([x, y], [cost, *aesara.grad(cost, [x, y])])
    inputs, outputs = serialize.load(text)
    f = aesara.function(inputs, outputs)

Tensors that go with a graph (inputs, expected results) travel in a
``gradient-values`` document: :func:`dump_values` and :func:`load_values`,
exact little-endian bytes in base64.
"""

from __future__ import annotations

import base64
import json
import os

import numpy as np

from .. import _bridge
from .._bridge import System, api
from ..tensor.var import TensorVariable, wrap

__all__ = ["GraphFormatError", "dump", "load", "save", "load_file", "dump_values", "load_values"]

FORMAT = "gradient-graph"
VALUES_FORMAT = "gradient-values"
VERSION = 1


class GraphFormatError(ValueError):
    """A graph or values document that cannot be read; the message names the place and the problem."""


def _as_list(variables, what):
    if isinstance(variables, TensorVariable):
        return [variables]
    try:
        items = list(variables)
    except TypeError:
        raise TypeError(f"{what}: expected a variable or a list of variables; got {type(variables).__name__}") from None
    for i, v in enumerate(items):
        if not isinstance(v, TensorVariable):
            raise TypeError(f"{what}[{i}]: expected a TensorVariable; got {type(v).__name__}")
    return items


def _call(method, *args):
    try:
        return method(*args)
    except System.Exception as exc:  # noqa: B902 - .NET exceptions only
        if type(exc).__name__ == "GraphJsonException":
            raise GraphFormatError(str(exc.Message)) from None
        raise _bridge._python_exception(exc) from None


def dump(inputs, outputs):
    """The graph computing ``outputs`` from ``inputs`` as a JSON string.

    Constants and shared variables are stored with their (current) values,
    exactly; names are kept. The graph is cut at ``inputs``.

    Parameters
    ----------
    inputs : TensorVariable or sequence of TensorVariable
        Where the graph starts.
    outputs : TensorVariable or sequence of TensorVariable
        What it computes.

    Returns
    -------
    str
        The ``gradient-graph`` JSON document.

    Raises
    ------
    ValueError
        An input is repeated, a constant or a shared variable.
    NotImplementedError
        An op of the graph cannot be serialized (e.g. an op made of Python
        callables).
    """
    ins = _as_list(inputs, "dump: inputs")
    outs = _as_list(outputs, "dump: outputs")
    return str(_call(api.ToJson, [v._v for v in ins], [v._v for v in outs]))


def load(text):
    """Read a graph document; return ``(inputs, outputs)`` as lists of new variables.

    Shared variables of the document become new shared variables holding the
    stored values.

    Parameters
    ----------
    text : str or bytes
        A ``gradient-graph`` JSON document (bytes as UTF-8).

    Returns
    -------
    inputs, outputs : list of TensorVariable
        The graph's inputs and outputs, in the document's order.

    Raises
    ------
    GraphFormatError
        The document is not valid JSON, not a ``gradient-graph`` of a known
        version, or inconsistent (unknown op or prop, dangling id, a node
        whose outputs do not have the declared types, ...).
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if not isinstance(text, str):
        raise TypeError(f"load: expected a JSON string; got {type(text).__name__}")
    graph = _call(api.FromJson, text)
    return [wrap(v) for v in graph.Inputs], [wrap(v) for v in graph.Outputs]


def save(path, inputs, outputs):
    """Write the graph (see :func:`dump`) to the file ``path`` as UTF-8.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    inputs : TensorVariable or sequence of TensorVariable
        Where the graph starts.
    outputs : TensorVariable or sequence of TensorVariable
        What it computes.
    """
    text = dump(inputs, outputs)
    with open(os.fspath(path), "w", encoding="utf-8") as f:
        f.write(text)


def load_file(path):
    """Read the graph in the file ``path``; see :func:`load`.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.

    Returns
    -------
    inputs, outputs : list of TensorVariable
        The graph's inputs and outputs.
    """
    with open(os.fspath(path), encoding="utf-8") as f:
        return load(f.read())


def _encode(value):
    array = np.asarray(value)
    if array.dtype.kind not in "biufc":
        raise TypeError(f"dump_values: expected numeric arrays; got dtype {array.dtype}")
    little = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    return {"dtype": array.dtype.name, "shape": list(array.shape),
            "data": base64.b64encode(little.tobytes()).decode("ascii")}


def _decode(entry, where):
    if not isinstance(entry, dict) or "dtype" not in entry or "shape" not in entry:
        raise GraphFormatError(f"{where}: expected a value object {{dtype, shape, data}}")
    try:
        dtype = np.dtype(entry["dtype"]).newbyteorder("<")
    except TypeError:
        raise GraphFormatError(f"{where}.dtype: unknown dtype {entry['dtype']!r}") from None
    shape = tuple(entry["shape"])
    if not all(isinstance(n, int) and n >= 0 for n in shape):
        raise GraphFormatError(f"{where}.shape: expected lengths >= 0; got {list(shape)}")
    if "data" in entry:
        raw = base64.b64decode(entry["data"], validate=True)
        count = int(np.prod(shape, dtype=np.int64))
        if len(raw) != count * dtype.itemsize:
            raise GraphFormatError(f"{where}.data: a {dtype.name} array of shape {shape} needs "
                                   f"{count * dtype.itemsize} bytes; got {len(raw)}")
        return np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="), copy=True).reshape(shape)
    if "values" in entry:
        return np.asarray(entry["values"], dtype=dtype.newbyteorder("=")).reshape(shape)
    raise GraphFormatError(f"{where}: expected \"data\" (base64) or \"values\" (a list of numbers)")


def dump_values(values):
    """Arrays (or numbers) as a ``gradient-values`` JSON document, exact to the bit.

    Parameters
    ----------
    values : iterable of array_like
        Numeric arrays or numbers.

    Returns
    -------
    str
        The ``gradient-values`` JSON document.
    """
    return json.dumps({"format": VALUES_FORMAT, "version": VERSION, "values": [_encode(v) for v in values]})


def load_values(text):
    """The arrays of a ``gradient-values`` document (as written by :func:`dump_values` or C#'s ``GraphJson.WriteValues``).

    Parameters
    ----------
    text : str
        A ``gradient-values`` JSON document.

    Returns
    -------
    list of numpy.ndarray
        The arrays, in the document's order.
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GraphFormatError(f"values json: not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != VALUES_FORMAT:
        raise GraphFormatError(f"format: expected \"{VALUES_FORMAT}\"")
    if doc.get("version") != VERSION:
        raise GraphFormatError(f"version: this reader understands version {VERSION}; got {doc.get('version')!r}")
    return [_decode(entry, f"values[{i}]") for i, entry in enumerate(doc.get("values", []))]
