"""OpFromGraph (Aesara's ``aesara.compile.builders.OpFromGraph``): values, gradients and R-ops against finite
differences (float64), overrides in all of Aesara's forms (and that the derivative machinery uses them), nesting,
second derivatives, inlining, shared variables, import paths and serialization."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.compile.builders import OpFromGraph
from sharpgrad.gradient import DisconnectedInputError, DisconnectedType, NullType, NullTypeGradError, verify_grad

from conftest import central_grad

RNG = np.random.default_rng(0)


def _many(make, *names):
    return [make(n) for n in names]


def test_import_paths_of_aesara_users():
    import sharpgrad.compile
    import sharpgrad.compile.builders

    assert sharpgrad.compile.OpFromGraph is OpFromGraph
    assert sharpgrad.compile.builders.OpFromGraph is OpFromGraph
    assert aesara.OpFromGraph is OpFromGraph
    from sharpgrad.graph.op import Op

    assert issubclass(OpFromGraph, Op)


def test_aesara_docstring_example_1_values():
    x, y, z = _many(at.dscalar, "x", "y", "z")
    e = x + y * z
    op = OpFromGraph([x, y, z], [e])
    e2 = op(x, y, z) + op(z, y, x)
    fn = aesara.function([x, y, z], [e2])
    assert np.allclose(fn(2.0, 3.0, 4.0), [2 + 12 + 4 + 6])
    assert str(op) == "OpFromGraph{inline=False}"
    assert e2.owner.inputs[0].owner.op is op


def test_aesara_docstring_example_2_with_a_shared_variable():
    x, y, z = _many(at.dscalar, "x", "y", "z")
    s = aesara.shared(RNG.random((2, 2)))
    e = x + y * z + s
    op = OpFromGraph([x, y, z], [e])
    e2 = op(x, y, z) + op(z, y, x)
    fn = aesara.function([x, y, z], [e2])
    (value,) = fn(2.0, 3.0, 4.0)
    np.testing.assert_allclose(value, 2 + 12 + 4 + 6 + 2 * s.get_value())
    assert op.shared_inputs == [s]
    assert len(e2.owner.inputs[0].owner.inputs) == 4
    # The gradient with respect to the shared variable flows through the node.
    g = aesara.grad(e2.sum(), s)
    np.testing.assert_allclose(aesara.function([x, y, z], g)(2.0, 3.0, 4.0), np.full((2, 2), 2.0))


def test_aesara_docstring_example_3_grad_override_per_input():
    x, y, z = _many(at.dscalar, "x", "y", "z")
    e = x + y * z

    def rescale_dy(inps, grads):
        x, y, z = inps
        (g,) = grads
        return z * 2

    op = OpFromGraph([x, y, z], [e], grad_overrides=["default", rescale_dy, "default"])
    e2 = op(x, y, z)
    dx, dy, dz = aesara.grad(e2, [x, y, z])
    fn = aesara.function([x, y, z], [dx, dy, dz])
    assert [float(v) for v in fn(2.0, 3.0, 4.0)] == [1.0, 8.0, 3.0]


def _two_output_op(inline=False):
    x = at.dmatrix("x")
    w = at.dmatrix("w")
    return OpFromGraph([x, w], [at.tanh(at.dot(x, w)), at.exp(x).sum(axis=1)], inline=inline)


@pytest.mark.parametrize("inline", [False, True])
def test_values_gradients_and_rop_against_finite_differences(inline):
    op = _two_output_op(inline)
    xv, wv = RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2))

    def fun(x, w):
        a, b = op(x, w)
        return a.sum(axis=1) * b

    x, w = at.dmatrix("x"), at.dmatrix("w")
    value = aesara.function([x, w], fun(x, w))(xv, wv)
    np.testing.assert_allclose(value, np.tanh(xv @ wv).sum(axis=1) * np.exp(xv).sum(axis=1), rtol=1e-12)
    verify_grad(fun, [xv, wv], rng=np.random.default_rng(1), modes=("rev", "fwd"))


def test_nested_ops_and_second_derivatives_through_the_default_gradient():
    a = at.dvector("a")
    inner = OpFromGraph([a], [at.sin(a) * a])
    b, c = at.dvector("b"), at.dscalar("c")
    outer = OpFromGraph([b, c], [(inner(b) * c + inner(b * c)).sum()])
    x, s = at.dvector("x"), at.dscalar("s")
    cost = outer(x, s)
    xv, sv = RNG.standard_normal(4), 0.7
    f = aesara.function([x, s], cost)
    expected = (np.sin(xv) * xv * sv + np.sin(xv * sv) * xv * sv).sum()
    np.testing.assert_allclose(f(xv, sv), expected, rtol=1e-12)
    # First derivatives against central differences.
    g = aesara.function([x, s], aesara.grad(cost, [x, s]))(xv, sv)
    np.testing.assert_allclose(g[0], central_grad(f, [xv, sv], 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(g[1], central_grad(f, [xv, sv], 1), rtol=1e-6, atol=1e-8)
    # Second derivatives: the Hessian against central differences of the gradient.
    gx = aesara.function([x, s], aesara.grad(cost, x))
    hessian = aesara.function([x, s], aesara.gradient.hessian(cost, x))(xv, sv)
    for i in range(4):
        step = np.zeros(4)
        step[i] = 1e-6
        column = (gx(xv + step, sv) - gx(xv - step, sv)) / 2e-6
        np.testing.assert_allclose(hessian[:, i], column, rtol=1e-5, atol=1e-7)


def test_lop_callable_override_is_called_once_and_used_by_grad_lop_and_jacobian():
    calls = []

    def straight_through(inputs, outputs, output_grads):
        calls.append(len(inputs))
        return [output_grads[0]]

    x = at.dvector("x")
    op = OpFromGraph([x], [at.round(x)], lop_overrides=straight_through)
    v, u = at.dvector("v"), at.dvector("u")
    y = op(v) * 3.0
    value, direction = np.array([0.3, 1.7, -2.2]), np.array([1.0, -2.0, 0.5])
    np.testing.assert_array_equal(aesara.function([v], aesara.grad(y.sum(), v))(value), [3.0, 3.0, 3.0])
    np.testing.assert_array_equal(aesara.function([v, u], aesara.Lop(y, v, u))(value, direction), [3.0, -6.0, 1.5])
    jac = aesara.function([v], aesara.gradient.jacobian(y, v))(value)
    np.testing.assert_array_equal(jac, 3.0 * np.eye(3))
    assert calls == [1]
    plain = OpFromGraph([x], [at.round(x)])
    np.testing.assert_array_equal(aesara.function([v], aesara.grad(plain(v).sum(), v))(value), [0.0, 0.0, 0.0])


def test_rop_override_callable_ofg_and_list_forms():
    x = at.dvector("x")
    calls = []

    def doubled(inputs, eval_points):
        calls.append(1)
        return [eval_points[0] * 2.0]

    v, u = at.dvector("v"), at.dvector("u")
    value, direction = np.array([0.5, -1.0]), np.array([1.0, 3.0])
    by_callable = OpFromGraph([x], [at.sin(x)], rop_overrides=doubled)
    r = aesara.Rop(by_callable(v), v, u)
    np.testing.assert_array_equal(aesara.function([v, u], r)(value, direction), [2.0, 6.0])
    assert calls == [1]
    i, e = at.dvector("i"), at.dvector("e")
    by_op = OpFromGraph([x], [at.sin(x)], rop_overrides=OpFromGraph([i, e], [e * 5.0]))
    np.testing.assert_array_equal(aesara.function([v, u], aesara.Rop(by_op(v), v, u))(value, direction), [5.0, 15.0])
    by_list = OpFromGraph([x], [at.sin(x), x * 2.0], rop_overrides=[doubled_one, "default"])
    a, b = by_list(v)
    ra, rb = aesara.Rop([a, b], v, u)
    ra_value, rb_value = aesara.function([v, u], [ra, rb])(value, direction)
    np.testing.assert_array_equal(ra_value, [-1.0, -3.0])
    np.testing.assert_array_equal(rb_value, [2.0, 6.0])
    # The default R-op against a finite difference.
    default = OpFromGraph([x], [at.sin(x) * x])
    f = aesara.function([v], default(v))
    rop = aesara.function([v, u], aesara.Rop(default(v), v, u))(value, direction)
    np.testing.assert_allclose(rop, (f(value + 1e-6 * direction) - f(value - 1e-6 * direction)) / 2e-6, rtol=1e-7)


def doubled_one(inputs, eval_points):
    return -eval_points[0]


def test_lop_override_as_an_ofg_and_its_input_count_check():
    x = at.dvector("x")
    i, o, g = at.dvector("i"), at.dvector("o"), at.dvector("g")
    op = OpFromGraph([x], [x * x], lop_overrides=OpFromGraph([i, o, g], [g * 10.0 + o * 0.0]))
    v = at.dvector("v")
    np.testing.assert_array_equal(aesara.function([v], aesara.grad(op(v).sum(), v))(np.array([1.0, 2.0])),
                                  [10.0, 10.0])
    grad_form = OpFromGraph([x], [x * x], grad_overrides=OpFromGraph([i, g], [g * 4.0]))
    np.testing.assert_array_equal(aesara.function([v], aesara.grad(grad_form(v).sum(), v))(np.array([1.0, 2.0])),
                                  [4.0, 4.0])
    bad = OpFromGraph([x], [x * x], lop_overrides=OpFromGraph([i, g], [g]))
    with pytest.raises(ValueError, match="expect overrider with 3 inputs, got 2"):
        aesara.grad(bad(v).sum(), v)


def test_disconnected_and_null_overrides_in_list_and_single_forms():
    x, y = _many(at.dvector, "x", "y")
    v, w = _many(at.dvector, "v", "w")
    op = OpFromGraph([x, y], [x * y], lop_overrides=[DisconnectedType()(), NullType("no gradient for y")()])
    cost = op(v, w).sum()
    with pytest.raises(DisconnectedInputError):
        aesara.grad(cost, v)
    zero = aesara.grad(cost, v, disconnected_inputs="ignore")
    np.testing.assert_array_equal(aesara.function([v, w], zero, on_unused_input="ignore")(np.ones(2), np.ones(2)),
                                  [0.0, 0.0])
    with pytest.raises(NullTypeGradError, match="no gradient for y"):
        aesara.grad(cost, w)
    node = op(v, w).owner
    assert op.connection_pattern(node) == [[False], [True]]
    none_entry = OpFromGraph([x, y], [x * y], lop_overrides=[None, "default"])
    with pytest.raises(DisconnectedInputError):
        aesara.grad(none_entry(v, w).sum(), v)
    all_disconnected = OpFromGraph([x, y], [x * y], lop_overrides=DisconnectedType()())
    assert aesara.grad(all_disconnected(v, w).sum(), [v, w], disconnected_inputs="ignore",
                       return_disconnected="None") == [None, None]
    single_null = OpFromGraph([x], [x * 2.0], lop_overrides=NullType("undefined here"))
    r = aesara.grad(single_null(v).sum(), v, null_gradients="return")
    assert isinstance(r.type, NullType)


def test_multiple_outputs_add_their_gradients():
    x = at.dvector("x")
    y1 = x * x
    op = OpFromGraph([x], [y1, 3.0 * y1])
    v = at.dvector("v")
    a, b = op(v)
    cost = a.sum() + (b * 2.0).sum()
    np.testing.assert_array_equal(aesara.function([v], aesara.grad(cost, v))(np.array([1.0, -2.0])), [14.0, -28.0])


def test_given_connection_pattern_and_l_op_r_op_methods():
    x, y = _many(at.dvector, "x", "y")
    op = OpFromGraph([x, y], [x * y], connection_pattern=[[True], [False]])
    v, w = _many(at.dvector, "v", "w")
    with pytest.raises(DisconnectedInputError):
        aesara.grad(op(v, w).sum(), w)
    node = op(v, w).owner
    assert op.connection_pattern(node) == [[True], [False]]
    plain = OpFromGraph([x, y], [x * y])
    out = plain(v, w)
    gv, gw = plain.L_op([v, w], [out], [at.ones_like(out)])
    f = aesara.function([v, w], [gv, gw])
    np.testing.assert_array_equal(f(np.array([1.0, 2.0]), np.array([3.0, 4.0]))[0], [3.0, 4.0])
    (r,) = plain.R_op([v, w], [at.ones_like(v), None])
    np.testing.assert_array_equal(aesara.function([v, w], r)(np.array([1.0, 2.0]), np.array([3.0, 4.0])), [3.0, 4.0])


def test_inline_ops_disappear_when_compiled_and_keep_overrides():
    x = at.dvector("x")
    op = OpFromGraph([x], [at.exp(x)], inline=True, lop_overrides=lambda i, o, g: [g[0] * 0.0 + 7.0])
    v = at.dvector("v")
    y = op(v)
    f = aesara.function([v], [y, aesara.grad(y.sum(), v)])
    assert not any(isinstance(n.op, OpFromGraph) for n in f.maker.fgraph.toposort())
    value, grad = f(np.array([0.0, 1.0]))
    np.testing.assert_allclose(value, [1.0, np.e])
    np.testing.assert_array_equal(grad, [7.0, 7.0])
    kept = aesara.function([v], OpFromGraph([x], [at.exp(x)])(v))
    assert sum(isinstance(n.op, OpFromGraph) for n in kept.maker.fgraph.toposort()) == 1


def test_calls_and_constructions_are_checked_as_in_aesara():
    x = at.dvector("x")
    with pytest.raises(TypeError, match="Inputs and outputs must be lists"):
        OpFromGraph(x, [x])
    with pytest.raises(TypeError, match="Constants not allowed as inputs"):
        OpFromGraph([at.constant(1.0)], [x])
    with pytest.raises(TypeError, match="SharedVariables not allowed as inputs"):
        OpFromGraph([aesara.shared(np.ones(2))], [x])
    with pytest.raises(NotImplementedError, match="Updates and givens are not allowed here"):
        OpFromGraph([x], [x], updates=[])
    with pytest.raises(NotImplementedError, match="mode='FAST_RUN'"):
        OpFromGraph([x], [x], mode="FAST_RUN")
    OpFromGraph([x], [x], on_unused_input="ignore", mode=None, accept_inplace=False)
    with pytest.raises(ValueError, match="mutually exclusive"):
        OpFromGraph([x], [x], lop_overrides=lambda *a: a, grad_overrides=lambda *a: a)
    y = at.dvector("y")
    with pytest.raises(aesara.compile.MissingInputError):
        OpFromGraph([x], [x + y])
    op = OpFromGraph([x], [x * 2.0])
    with pytest.raises(ValueError, match="Expected 1 inputs, got 2"):
        op(x, y)
    with pytest.raises(TypeError, match="expected"):
        op(at.dmatrix("m"))
    # A Python list becomes a constant of the input's dtype.
    np.testing.assert_array_equal(op([1, 2]).eval(), [2.0, 4.0])
    with pytest.raises(TypeError, match="should return a list"):
        bad = OpFromGraph([x], [x * 2.0], lop_overrides=lambda i, o, g: g[0])
        aesara.grad(bad(y).sum(), y)


def test_python_exceptions_in_overrides_reach_the_caller_unchanged():
    class Boom(Exception):
        pass

    def explode(inputs, outputs, grads):
        raise Boom("from the override")

    x = at.dvector("x")
    op = OpFromGraph([x], [x * 2.0], lop_overrides=explode)
    with pytest.raises(Boom, match="from the override"):
        aesara.grad(op(x).sum(), x)


def test_inner_graph_views_and_subclasses():
    x, w = _many(at.dvector, "x", "w")

    class DenseLayer(OpFromGraph):
        def __init__(self, units, inputs, outputs):
            self.units = units
            super().__init__(inputs, outputs)

    layer = DenseLayer(3, [x, w], [at.tanh(x * w)])
    assert [v.type for v in layer.inner_inputs] == [x.type, w.type]
    assert len(layer.inner_outputs) == 1
    out = layer(x, w)
    assert out.owner.op is layer and out.owner.op.units == 3
    np.testing.assert_allclose(layer.fn(np.array([1.0]), np.array([0.5]))[0], [np.tanh(0.5)])
    assert len(layer.fgraph.toposort()) >= 1
    # The gradient op the engine made shows as an OpFromGraph too.
    g = aesara.grad(out.sum(), x)
    owners = {type(v.owner.op).__name__ for v in aesara.graph.basic.ancestors([g]) if v.owner is not None}
    assert "OpFromGraph" in owners


def test_equal_graphs_give_equal_ops_that_merge():
    x = at.dvector("x")
    y = x * 2.0 + 1.0
    p, q = OpFromGraph([x], [y]), OpFromGraph([x], [y])
    assert p == q and hash(p) == hash(q)
    assert p != OpFromGraph([x], [y], lop_overrides=lambda i, o, g: [g[0]])
    v = at.dvector("v")
    f = aesara.function([v], p(v) + q(v))
    assert sum(isinstance(n.op, OpFromGraph) for n in f.maker.fgraph.toposort()) == 1


def test_plain_ops_serialize_with_the_inner_graph_nested_and_overrides_are_refused():
    from sharpgrad.graph import serialize

    x, c = at.dvector("x"), at.dscalar("c")
    inner = OpFromGraph([x], [at.sin(x) * x])
    outer = OpFromGraph([x, c], [inner(x) * c + 1.0])
    v, s = at.dvector("v"), at.dscalar("s")
    y = outer(v, s)
    text = serialize.dump([v, s], [y])
    assert '"op":"OpFromGraph"' in text and '"graph":{"format":"gradient-graph"' in text
    inputs, outputs = serialize.load(text)
    f = aesara.function(inputs, outputs[0])
    np.testing.assert_allclose(f(np.array([0.5, -2.0]), 3.0), aesara.function([v, s], y)(np.array([0.5, -2.0]), 3.0))
    overridden = OpFromGraph([x], [x * 2.0], lop_overrides=lambda i, o, g: [g[0]])
    with pytest.raises(NotImplementedError, match="OpFromGraph"):
        serialize.dump([v], [overridden(v)])


def test_an_inner_graph_with_a_python_op_runs_and_differentiates():
    from sharpgrad.graph.basic import Apply
    from sharpgrad.graph.op import Op

    class Triple(Op):
        __props__ = ()

        def make_node(self, x):
            x = at.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0] * 3

        def grad(self, inputs, output_grads):
            return [output_grads[0] * 3]

    x = at.dvector("x")
    op = OpFromGraph([x], [Triple()(x) + x])
    v = at.dvector("v")
    y = op(v)
    f = aesara.function([v], [y, aesara.grad(y.sum(), v)])
    value, grad = f(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(value, [4.0, 8.0])
    np.testing.assert_array_equal(grad, [4.0, 4.0])
    from sharpgrad.graph import serialize

    with pytest.raises(NotImplementedError, match="OpFromGraph"):
        serialize.dump([v], [y])
