"""``pydotprint`` draws graphs with Graphviz, ``pp`` prints expressions, ``debugprint`` names every node."""

import shutil
import struct
import zlib

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.graph.basic import ancestors
from sharpgrad.printing import default_colorCodes, pp, pydotprint

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (make deps)")


def _gradient_graph():
    x = at.dvector("x")
    w = aesara.shared(np.array([0.5, -1.0, 2.0]), name="w")
    cost = (at.tanh(x * w) ** 2).sum()
    cost.name = "cost"
    return x, w, cost, aesara.grad(cost, w)


def _png_size(path):
    """Width and height from a PNG file, after checking its signature and its IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    assert zlib.crc32(data[12:29]) == struct.unpack(">I", data[29:33])[0]
    assert data[-12:] == b"\x00\x00\x00\x00IEND\xaeB`\x82"
    assert len(data) > 1024
    return struct.unpack(">II", data[16:24])


@needs_dot
def test_a_gradient_graph_is_drawn_as_a_png(tmp_path, capsys):
    x, w, cost, g = _gradient_graph()
    out = tmp_path / "grad"
    pydotprint([g, cost], outfile=str(out))
    width, height = _png_size(tmp_path / "grad.png")   # the format is appended, as in Aesara
    assert width > 50 and height > 50
    assert capsys.readouterr().out == f"The output file is available at {out}.png\n"


@needs_dot
def test_a_compiled_function_with_a_shared_variable_is_drawn_as_a_png(tmp_path, capsys):
    x, w, cost, g = _gradient_graph()
    step = aesara.function([x], cost, updates=[(w, w - 0.1 * g)])
    out = tmp_path / "step.png"
    assert pydotprint(step, outfile=out, print_output_file=False) is None
    width, height = _png_size(out)
    assert width > 50 and height > 50
    assert capsys.readouterr().out == ""


@needs_dot
@pytest.mark.parametrize("fmt, head", [("svg", b"<svg"), ("pdf", b"%PDF")])
def test_other_formats_come_from_graphviz(tmp_path, fmt, head):
    x, w, cost, g = _gradient_graph()
    image = pydotprint(g, format=fmt, return_image=True)
    assert head in image[:400]
    assert not list(tmp_path.iterdir())


def test_the_dot_text_colours_inputs_shared_variables_and_outputs_as_aesara(tmp_path):
    x, w, cost, g = _gradient_graph()
    step = aesara.function([x], [cost, g], updates=[(w, w - 0.1 * g)])
    out = tmp_path / "step.dot"
    pydotprint(step, outfile=str(out), format="dot", print_output_file=False)
    text = out.read_text()
    assert text.startswith("digraph G {")
    lines = text.splitlines()
    x_line = next(line for line in lines if 'label="name=x TensorType(float64, (None,))"' in line)
    w_line = next(line for line in lines if 'label="name=w TensorType(float64, (None,))"' in line)
    assert 'fillcolor="green"' in x_line and 'shape="box"' in x_line
    assert 'fillcolor="cyan"' in w_line
    assert any('label="name=cost TensorType(float64, ())"' in line and 'fillcolor="blue"' in line for line in lines)
    assert any('label="UPDATE", color="blue"' in line for line in lines)      # new value -> shared variable
    assert any('shape="ellipse"' in line and 'fillcolor="#FFAABB"' in line for line in lines)  # Elemwise nodes
    assert 'label="Sum"' in text


def test_border_colours_without_high_contrast_and_names_only():
    x, w, cost, g = _gradient_graph()
    text = pydotprint(cost, format="dot", high_contrast=False, var_with_name_simple=True,
                      return_image=True).decode()
    assert '[label="x", shape="box", color="green"]' in text
    assert '[label="w", shape="box", color="cyan"]' in text
    assert "fillcolor" not in text
    assert default_colorCodes["Elemwise"] == "#FFAABB" and default_colorCodes["Output"] == "blue"


def test_compact_hides_unnamed_intermediates_and_with_ids_numbers_nodes():
    x = at.dvector("x")
    y = at.exp(x) * 2.0
    compact = pydotprint(y, format="dot", return_image=True).decode()
    full = pydotprint(y, format="dot", compact=False, with_ids=True, return_image=True).decode()
    assert 'label="0 TensorType(float64, (None,))"' in compact            # exp's output labels the edge
    assert compact.count('shape="box"') < full.count('shape="box"')
    assert 'label="Elemwise{exp} id=0"' in full


def test_a_missing_dot_program_is_a_clear_runtime_error(monkeypatch, tmp_path):
    x, w, cost, g = _gradient_graph()
    monkeypatch.setenv("PATH", "")
    with pytest.raises(RuntimeError, match=r"Graphviz's `dot` program was not found.*package `graphviz`"):
        pydotprint(g, outfile=str(tmp_path / "g.png"))
    assert not list(tmp_path.iterdir())
    pydotprint(g, outfile=str(tmp_path / "g.dot"), format="dot", print_output_file=False)  # needs no Graphviz
    assert (tmp_path / "g.dot").read_text().startswith("digraph")


def test_pydotprint_rejects_what_it_cannot_draw():
    with pytest.raises(TypeError, match="pydotprint: expected"):
        pydotprint("x + y", format="dot")
    with pytest.raises(ValueError, match="format"):
        pydotprint(at.dvector("x") * 2, format="png; rm")


def test_cond_highlight_without_ifelse_warns_as_aesara(caplog):
    x = at.dvector()
    pydotprint(x * 2, cond_highlight=True, format="dot", return_image=True)
    assert "pydotprint: cond_highlight is set but there is no IfElse node in the graph" in caplog.text


def test_pp_prints_infix_operators_with_names():
    x, y = at.dvector("x"), at.dvector("y")
    X = at.dmatrix("X")
    assert pp(x + y * 2) == "(x + (y * TensorConstant{2}))"
    assert aesara.pp(x ** 2 - y / x) == "((x ** TensorConstant{2}) - (y / x))"
    assert pp(-x) == "(-x)"
    assert pp(at.exp(x) + at.log(y)) == "(exp(x) + log(y))"
    assert pp(at.dot(X, x).sum()) == "Sum((X \\dot x))"
    assert pp(X.T[1:, 0]) == "X.T[1:, 0]"
    assert pp(at.dvector()[1]) == "<TensorType(float64, (None,))>[1]"   # Aesara's own test


def test_pp_of_a_gradient_expands_it():
    x = at.dvector("x")
    text = aesara.pprint(aesara.grad((x ** 2).sum(), x))
    assert text.startswith("(fill((x ** TensorConstant{2}), ")
    assert text.endswith("(x ** (TensorConstant{2} - TensorConstant{1.0}))))")
    with pytest.raises(TypeError, match="pp: expected a variable"):
        pp([x])


def test_debugprint_names_every_node_of_a_gradient_graph():
    x, w, cost, g = _gradient_graph()
    text = aesara.debugprint(g, file="str")
    ops = {str(v.owner.op) for v in ancestors([g]) if v.owner is not None}
    assert {"Elemwise{tanh}", "Elemwise{pow}", "Elemwise{mul}", "Sum"} <= ops
    for op in ops:
        assert op in text
