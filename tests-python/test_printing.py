"""``debugprint`` names every node, as Aesara's does."""

import io

import sharpgrad as aesara
import sharpgrad.tensor as at


def _graph():
    x, y = at.dvector("x"), at.dvector("y")
    z = x * y
    z.name = "z"
    cost = (at.tanh(z) + z * 2.0).sum()
    cost.name = "cost"
    return x, y, cost


def test_debugprint_of_a_graph_lists_each_node_once_with_ids():
    x, y, cost = _graph()
    text = aesara.debugprint(cost, file="str")
    lines = text.splitlines()
    assert lines[0] == "Sum [id A] 'cost'"
    assert any(line.endswith("|x [id E]") for line in lines)
    assert sum("Elemwise{mul} [id D] 'z'" in line for line in lines) == 1   # expanded once
    assert sum("Elemwise{mul} [id D]" in line for line in lines) == 2       # then referenced by id
    assert "TensorConstant{2.0}" in text
    for op in ("Sum", "Elemwise{add}", "Elemwise{tanh}", "DimShuffle{x}"):
        assert op in text


def test_debugprint_of_a_function_shows_run_order_and_types():
    x, y, cost = _graph()
    f = aesara.function([x, y], cost)
    buffer = io.StringIO()
    assert aesara.printing.debugprint(f, print_type=True, file=buffer) is buffer
    text = buffer.getvalue()
    n_nodes = len(f.maker.fgraph.toposort())
    assert text.splitlines()[0].endswith(f"   {n_nodes - 1}")
    assert "<TensorType(float64, (None,))>" in text


def test_debugprint_of_a_gradient_names_the_gradient():
    x, y, cost = _graph()
    g = aesara.grad(cost, x)
    assert aesara.dprint(g, file="str").splitlines()[0].endswith("'(dcost/dx)'")
