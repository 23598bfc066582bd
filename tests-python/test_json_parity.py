"""Graphs cross languages through JSON (docs/graph-json.md) and compute the same values, bit for bit.

Python writes graphs that a C# process (examples/dotnet, ``json-eval``) reads and evaluates; C# writes a graph
(``json-write``) that Python reads and evaluates. Values travel as ``gradient-values`` documents (exact bytes).
"""

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.graph import serialize

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "out" / "bin" / "Gradient.Examples.dll"


def run_examples(*args):
    done = subprocess.run(["dotnet", str(EXAMPLES), *map(str, args)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def assert_identical(actual, expected, what):
    assert len(actual) == len(expected), what
    for i, (a, e) in enumerate(zip(actual, expected)):
        a, e = np.asarray(a), np.asarray(e)
        assert a.dtype == e.dtype, f"{what}: output {i} dtype {a.dtype} != {e.dtype}"
        assert a.shape == e.shape, f"{what}: output {i} shape {a.shape} != {e.shape}"
        assert a.tobytes() == e.tobytes(), f"{what}: output {i} differs:\n{a}\n{e}"


def elementwise_chain(rng):
    x = at.dvector("x")
    y = at.exp(at.tanh(x) * 2.0 - x ** 2) / (1.0 + at.sqr(x)) - at.log(at.exp(-x) + 3)
    return [x], [y, -y * x], [rng.normal(size=7)]


def dots(rng):
    A, B, v = at.dmatrix("A"), at.dmatrix("B"), at.dvector("v")
    return [A, B, v], [at.dot(A, v), at.dot(A, B), at.dot(at.dot(A, v), at.dot(A, B)), at.dot(v, v)], \
        [rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=4)]


def sums(rng):
    T3 = at.tensor("float64", shape=(None, None, None), name="T3")
    return [T3], [T3.sum(axis=1), T3.sum(axis=-1, keepdims=True), T3.sum(), at.transpose(T3).sum(axis=0)], \
        [rng.normal(size=(2, 3, 4))]


def logistic_gradient(rng):
    X, s, w, b = at.dmatrix("X"), at.dvector("s"), at.dvector("w"), at.dscalar("b")
    loss = at.log(1.0 + at.exp(-s * (at.dot(X, w) + b))).sum() / at.sum(at.ones_like(s))
    loss.name = "loss"
    g_w, g_b = aesara.grad(loss, [w, b])
    return [X, s, w, b], [loss, g_w, g_b], \
        [rng.normal(size=(9, 3)), np.where(rng.normal(size=9) > 0, 1.0, -1.0), rng.normal(size=3), np.float64(-0.4)]


def float32_graph(rng):
    x, M = at.fvector("x"), at.fmatrix("M")
    y = at.tanh(at.dot(M, x) * 0.5 + 1.0)
    cost = (y ** 2).sum()
    return [x, M], [y, cost, aesara.grad(cost, x), at.cast(y, "float64")], \
        [rng.normal(size=3).astype(np.float32), rng.normal(size=(2, 3)).astype(np.float32)]


def constant_matrix(rng):
    C = at.constant(np.array([[1.0, 0.5, -0.25], [0.125, 2.0, 3.0]]), name="C")
    bias = at.constant(np.array([0.1, -0.0, 1e-300]))
    x = at.dvector("x")
    y = at.dot(C, x * 3.0) + at.dot(bias, x)
    return [x], [y, at.exp(y).sum()], [rng.normal(size=3)]


def integer_and_bool_inputs(rng):
    k = at.tensor("int32", shape=(None,), name="k")
    y = k * 2.5 + at.cast(k, "float64").sum()
    return [k], [y, k * 3], [np.array([1, -4, 9], dtype=np.int32)]


GRAPHS = [elementwise_chain, dots, sums, logistic_gradient, float32_graph, constant_matrix, integer_and_bool_inputs]


def test_python_written_graphs_evaluate_identically_in_csharp(tmp_path):
    rng = np.random.default_rng(2024)
    args, expected = [], []
    for build in GRAPHS:
        inputs, outputs, values = build(rng)
        expected.append(aesara.function(inputs, outputs)(*values))
        graph, vals = tmp_path / f"{build.__name__}.json", tmp_path / f"{build.__name__}.values.json"
        serialize.save(graph, inputs, outputs)
        vals.write_text(serialize.dump_values(values))
        args += [graph, vals]
    lines = run_examples("json-eval", *args).splitlines()
    assert len(lines) == len(GRAPHS)
    for build, line, mine in zip(GRAPHS, lines, expected):
        assert_identical(serialize.load_values(line), mine, build.__name__)


def test_csharp_written_graph_evaluates_identically_in_python(tmp_path):
    graph, inputs_path, outputs_path = tmp_path / "mlp.json", tmp_path / "in.json", tmp_path / "out.json"
    run_examples("json-write", graph, inputs_path, outputs_path)
    inputs, outputs = serialize.load_file(graph)
    values = serialize.load_values(inputs_path.read_text())
    csharp = serialize.load_values(outputs_path.read_text())
    assert [v.name for v in inputs] == ["X", "y", "W1", "b1", "w2", "b2"]
    assert inputs[2].static_shape == (3, 4)
    assert outputs[0].name == "loss"
    assert [o.dtype for o in outputs][-2] == "float32"
    mine = aesara.function(inputs, outputs)(*values)
    assert_identical(mine, csharp, "C# MLP graph")

    # The values are right, not merely equal: the loss from numpy, with the shared scale the document carried.
    X, y, W1, b1, w2, b2 = values
    doc = json.loads(graph.read_text())
    shared = [v for v in doc["variables"] if v["kind"] == "shared"]
    assert [v["name"] for v in shared] == ["scale"]
    mix = serialize.load_values(json.dumps({"format": "gradient-values", "version": 1, "values": [
        next(v["value"] for v in doc["variables"] if v["name"] == "mix")]}))[0]
    err = np.tanh(X @ W1 + b1) @ mix @ w2 + b2 - y
    np.testing.assert_allclose(mine[0], np.mean(err ** 2) * 0.5 + 0.01 * np.sum(W1 ** 2), rtol=1e-13)


def test_python_round_trip_keeps_names_constants_and_shared_values():
    w = aesara.shared(np.array([1.0, -2.0]), name="w")
    x = at.dvector("x")
    h = at.tanh(x * w)
    h.name = "h"
    cost = (h * np.array([0.5, 4.0])).sum()
    cost.name = "cost"
    text = serialize.dump([x], [cost, h])
    w.set_value(np.array([7.0, 7.0]))
    ins, outs = serialize.load(text)
    assert [v.name for v in ins] == ["x"] and [v.name for v in outs] == ["cost", "h"]
    f = aesara.function(ins, outs)
    value = np.array([0.3, 0.1])
    np.testing.assert_array_equal(f(value)[1], np.tanh(value * np.array([1.0, -2.0])))
    assert serialize.dump(ins, outs) == text  # written again, the same document


def test_values_documents_are_exact():
    arrays = [np.array([0.1, -0.0, np.nan, 5e-324]), np.float32(2.5), np.array([[True], [False]]),
              np.arange(6, dtype=np.int8).reshape(2, 3), np.zeros((0, 3)), np.array([1 + 2j], dtype=np.complex64)]
    back = serialize.load_values(serialize.dump_values(arrays))
    assert_identical(back, arrays, "values")


def test_bad_documents_raise_graph_format_errors():
    x = at.dvector("x")
    doc = json.loads(serialize.dump([x], [at.exp(x)]))
    with pytest.raises(serialize.GraphFormatError, match="not valid JSON"):
        serialize.load("{")
    bad = dict(doc, version=9)
    with pytest.raises(serialize.GraphFormatError, match="version"):
        serialize.load(json.dumps(bad))
    doc["nodes"][0]["op"] = "Frobnicate"
    with pytest.raises(ValueError, match="unknown op 'Frobnicate'"):
        serialize.load(json.dumps(doc))
    with pytest.raises(serialize.GraphFormatError, match="format"):
        serialize.load_values('{"format": "other"}')


def test_dump_checks_its_arguments():
    x = at.dvector("x")
    with pytest.raises(TypeError, match="inputs"):
        serialize.dump([np.zeros(2)], [x])
    with pytest.raises(ValueError, match="constant"):
        c = at.constant(np.zeros(2))
        serialize.dump([c], [x + c])
    with pytest.raises(ValueError, match="more than once"):
        serialize.dump([x, x], [x * 2.0])
