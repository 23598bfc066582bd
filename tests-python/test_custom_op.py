"""Ops written in Python (``sharpgrad.graph.op.Op``): values, derivatives inside larger graphs, and Aesara's op
contract errors. Every failure here must surface as a Python exception; the last test checks the process is still
fine after all of them."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from conftest import central_grad
from sharpgrad.gradient import DisconnectedInputError, DisconnectedType, NullTypeGradError, grad_undefined
from sharpgrad.graph import Op as GraphOp
from sharpgrad.graph.basic import Apply
from sharpgrad.graph.op import Op

X = np.array([0.1, 0.2, -0.3])
W = np.array([1.0, 2.0, 0.5])


class DoubleOp(Op):
    __props__ = ()

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        output_storage[0][0] = x * 2

    def infer_shape(self, fgraph, node, i0_shapes):
        return i0_shapes

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return eval_points
        return self.grad(inputs, eval_points)

    def connection_pattern(self, node):
        return [[True]]


class ScaledSinOp(Op):
    """``a * sin(x)``: two inputs, an L_op that reuses the output, and an R_op for both tangents."""

    __props__ = ("scale",)

    def __init__(self, scale=1.0):
        self.scale = scale

    def make_node(self, a, x):
        a, x = at.as_tensor_variable(a), at.as_tensor_variable(x)
        return Apply(self, [a, x], [x.type()])

    def perform(self, node, inputs, output_storage):
        a, x = inputs
        output_storage[0][0] = self.scale * a * np.sin(x)

    def L_op(self, inputs, outputs, output_grads):
        a, x = inputs
        (gz,) = output_grads
        return [(gz * self.scale * at.sin(x)).sum(), gz * self.scale * a * at.cos(x)]

    def R_op(self, inputs, eval_points):
        a, x = inputs
        da, dx = eval_points
        out = None
        if da is not None:
            out = da * self.scale * at.sin(x)
        if dx is not None:
            term = dx * self.scale * a * at.cos(x)
            out = term if out is None else out + term
        return [out]


class SinCosOp(Op):
    """Two outputs, ``sin(x)`` and ``cos(x)``."""

    __props__ = ()

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type(), x.type()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        output_storage[0][0] = np.sin(x)
        output_storage[1][0] = np.cos(x)

    def grad(self, inputs, output_grads):
        (x,) = inputs
        gs, gc = output_grads
        return [gs * at.cos(x) - gc * at.sin(x)]

    def R_op(self, inputs, eval_points):
        (x,) = inputs
        (dx,) = eval_points
        if dx is None:
            return [None, None]
        return [dx * at.cos(x), -dx * at.sin(x)]


def bad_grad_op(grad_result):
    """A DoubleOp (connection pattern [[True]]) whose ``grad`` returns ``grad_result(inputs, output_grads)``."""

    class BadGrad(DoubleOp):
        def grad(self, inputs, output_grads):
            return grad_result(inputs, output_grads)

    return BadGrad()


def test_importable_as_aesara_spells_it():
    assert GraphOp is Op
    assert aesara.graph.op.Op is Op


def test_values_inside_a_larger_graph():
    x, w = at.dvector("x"), at.dvector("w")
    y = DoubleOp()(x)
    cost = at.sum(at.tanh(y * w))
    f = aesara.function([x, w], [y, cost])
    y_value, cost_value = f(X, W)
    np.testing.assert_allclose(y_value, 2 * X)
    np.testing.assert_allclose(cost_value, np.sum(np.tanh(2 * X * W)))


def test_node_and_op_views():
    double = DoubleOp()
    x = at.dvector("x")
    y = double(x)
    assert y.owner.op is double
    assert y.owner.inputs == [x]
    assert y.type == x.type
    assert str(double) == "DoubleOp"
    assert DoubleOp() == double and hash(DoubleOp()) == hash(double)
    assert ScaledSinOp(2.0) == ScaledSinOp(2.0) and ScaledSinOp(2.0) != ScaledSinOp(3.0)
    assert str(ScaledSinOp(2.0)) == "ScaledSinOp{scale=2.0}"


def test_perform_sees_the_node_and_numpy_inputs():
    seen = {}

    class Spy(DoubleOp):
        def perform(self, node, inputs, output_storage):
            seen["op"], seen["types"] = node.op, [type(v) for v in inputs]
            seen["nout"] = len(node.outputs)
            output_storage[0][0] = inputs[0] * 2

    spy = Spy()
    x = at.dmatrix("x")
    aesara.function([x], spy(x))(np.ones((2, 3)))
    assert seen == {"op": spy, "types": [np.ndarray], "nout": 1}


def test_grad_matches_finite_differences():
    x, w = at.dvector("x"), at.dvector("w")
    cost = at.sum(at.tanh(DoubleOp()(x) * w))
    f = aesara.function([x, w], cost)
    gx, gw = aesara.function([x, w], aesara.grad(cost, [x, w]))(X, W)
    np.testing.assert_allclose(gx, central_grad(f, [X, W], 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gw, central_grad(f, [X, W], 1), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gx, 2 * W * (1 - np.tanh(2 * X * W) ** 2))


def test_l_op_with_two_inputs_and_props():
    a, x = at.dscalar("a"), at.dvector("x")
    cost = at.sum(at.exp(ScaledSinOp(1.5)(a, x)))
    f = aesara.function([a, x], cost)
    ga, gx = aesara.function([a, x], aesara.grad(cost, [a, x]))(0.7, X)
    values = [np.array(0.7), X]
    np.testing.assert_allclose(ga, central_grad(f, values, 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gx, central_grad(f, values, 1), rtol=1e-6, atol=1e-8)


def test_rop_matches_finite_differences():
    x, w, v = at.dvector("x"), at.dvector("w"), at.dvector("v")
    out = at.tanh(DoubleOp()(x) * w)
    jv = aesara.function([x, w, v], aesara.Rop(out, x, v))
    f = aesara.function([x, w], out)
    direction = np.array([0.3, -1.0, 2.0])
    eps = 1e-6
    expected = (f(X + eps * direction, W) - f(X - eps * direction, W)) / (2 * eps)
    np.testing.assert_allclose(jv(X, W, direction), expected, rtol=1e-6, atol=1e-8)


def test_rop_through_both_inputs():
    a, x, da, dx = at.dscalar("a"), at.dvector("x"), at.dscalar("da"), at.dvector("dx")
    out = ScaledSinOp(2.0)(a, x)
    jv = aesara.function([a, x, da, dx], aesara.Rop(out, [a, x], [da, dx]))
    f = aesara.function([a, x], out)
    direction = np.array([0.3, -1.0, 2.0])
    eps = 1e-6
    expected = (f(0.7 + eps * 0.5, X + eps * direction) - f(0.7 - eps * 0.5, X - eps * direction)) / (2 * eps)
    np.testing.assert_allclose(jv(0.7, X, 0.5, direction), expected, rtol=1e-6, atol=1e-8)


def test_lop_is_a_vector_jacobian_product():
    x, u = at.dvector("x"), at.dvector("u")
    (vjp,) = aesara.Lop(at.tanh(DoubleOp()(x)), [x], [u])
    ones = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(aesara.function([x, u], vjp)(X, ones), ones * 2 * (1 - np.tanh(2 * X) ** 2))


def test_two_outputs_values_grad_and_rop():
    x, v = at.dvector("x"), at.dvector("v")
    s, c = SinCosOp()(x)
    assert s.owner is not None and s.owner.nout == 2
    cost = at.sum(s * c + 3 * c)
    f = aesara.function([x], cost)
    s_value, c_value = aesara.function([x], [s, c])(X)
    np.testing.assert_allclose(s_value, np.sin(X))
    np.testing.assert_allclose(c_value, np.cos(X))
    g = aesara.function([x], aesara.grad(cost, x))(X)
    np.testing.assert_allclose(g, central_grad(f, [X], 0), rtol=1e-6, atol=1e-8)
    # Only one output used: the other's gradient comes in as zeros.
    g_sin = aesara.function([x], aesara.grad(at.sum(s), x))(X)
    np.testing.assert_allclose(g_sin, np.cos(X))
    rs, rc = aesara.Rop([s, c], x, v)
    jv = aesara.function([x, v], [rs, rc])(X, W)
    np.testing.assert_allclose(jv[0], W * np.cos(X))
    np.testing.assert_allclose(jv[1], -W * np.sin(X))


def test_add_names_renames_the_variable_grad_returned_in_place():
    returned = []

    class Recording(DoubleOp):
        def grad(self, inputs, output_grads):
            g = output_grads[0] * 2
            returned.append(g)
            return [g]

    x = at.dvector("x")
    cost = at.sum(Recording()(x))
    cost.name = "cost"
    g = aesara.grad(cost, x)
    assert g.name == "(dcost/dx)"
    assert returned[0] is g and returned[0].name == "(dcost/dx)"


def test_static_shape_from_output_types():
    class ToRow(Op):
        __props__ = ()

        def make_node(self, x):
            x = at.as_tensor_variable(x)
            return Apply(self, [x], [at.TensorType("float64", shape=(1, 3))])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0].reshape(1, -1)

    x = at.dvector("x")
    y = ToRow()(x)
    assert y.static_shape == (1, 3)
    np.testing.assert_allclose(aesara.function([x], y)(X), X.reshape(1, 3))
    with pytest.raises(ValueError, match=r"ToRow.perform stored output 0 with shape \(1, 4\)"):
        aesara.function([x], y)(np.ones(4))


def test_float32_op_keeps_float32():
    x = at.fvector("x")
    y = DoubleOp()(x)
    value = aesara.function([x], y)(np.ones(3, dtype="float32"))
    assert value.dtype == np.float32
    g = aesara.function([x], aesara.grad(at.sum(y), x))(np.ones(3, dtype="float32"))
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2.0)


# Contract errors, as Aesara raises them.

def test_grad_returning_none_is_a_type_error():
    x = at.dvector("x")
    op = bad_grad_op(lambda inputs, gs: None)
    with pytest.raises(TypeError, match="grad returned None"):
        aesara.grad(at.sum(op(x)), x)


def test_grad_returning_a_none_term_is_a_type_error():
    x = at.dvector("x")
    op = bad_grad_op(lambda inputs, gs: [None])
    with pytest.raises(TypeError, match="returned None for a gradient term"):
        aesara.grad(at.sum(op(x)), x)


def test_grad_returning_a_single_variable_is_a_type_error():
    x = at.dvector("x")
    op = bad_grad_op(lambda inputs, gs: gs[0] * 2)
    with pytest.raises(TypeError, match="must return a list"):
        aesara.grad(at.sum(op(x)), x)


def test_wrong_number_of_terms_is_a_value_error():
    x = at.dvector("x")
    op = bad_grad_op(lambda inputs, gs: [gs[0], gs[0]])
    with pytest.raises(ValueError, match=r"returned 2 term\(s\) for 1 input"):
        aesara.grad(at.sum(op(x)), x)


def test_integer_term_is_a_type_error():
    x = at.dvector("x")
    op = bad_grad_op(lambda inputs, gs: [gs[0].astype("int64")])
    with pytest.raises(TypeError, match="integer-valued"):
        aesara.grad(at.sum(op(x)), x)


def test_term_of_wrong_ndim_is_a_value_error():
    x = at.dvector("x")
    op = bad_grad_op(lambda inputs, gs: [gs[0].sum()])
    with pytest.raises(ValueError, match="0 dimensions for input 0"):
        aesara.grad(at.sum(op(x)), x)


def test_disconnected_term_for_a_connected_input_is_a_type_error():
    x = at.dvector("x")
    op = bad_grad_op(lambda inputs, gs: [DisconnectedType()])
    with pytest.raises(TypeError, match="connection_pattern method does not allow this"):
        aesara.grad(at.sum(op(x)), x)


def test_connection_pattern_disconnects_an_input():
    class UsesFirst(Op):
        __props__ = ()

        def make_node(self, x, y):
            x, y = at.as_tensor_variable(x), at.as_tensor_variable(y)
            return Apply(self, [x, y], [x.type()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0] * inputs[1].size

        def grad(self, inputs, output_grads):
            x, y = inputs
            return [output_grads[0] * y.shape[0], DisconnectedType()]

        def connection_pattern(self, node):
            return [[True], [False]]

    x, y = at.dvector("x"), at.dvector("y")
    cost = at.sum(UsesFirst()(x, y))
    gx = aesara.function([x, y], aesara.grad(cost, x))(X, np.ones(4))
    np.testing.assert_allclose(gx, np.full(3, 4.0))
    with pytest.raises(DisconnectedInputError):
        aesara.grad(cost, y)
    assert aesara.grad(cost, y, disconnected_inputs="ignore", return_disconnected="None") is None


def test_disconnected_term_without_connection_pattern_warns():
    class NoPattern(Op):
        def make_node(self, x):
            x = at.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0].copy()

        def grad(self, inputs, output_grads):
            return [DisconnectedType()]

    x = at.dvector("x")
    with pytest.warns(UserWarning, match="You may want to implement a connection_pattern method"):
        g = aesara.grad(at.sum(NoPattern()(x)), x, disconnected_inputs="ignore")
    np.testing.assert_allclose(aesara.function([x], g)(X), np.zeros(3))


def test_bad_connection_pattern_is_a_value_error():
    class BadPattern(DoubleOp):
        def connection_pattern(self, node):
            return [True]

    x = at.dvector("x")
    with pytest.raises(ValueError, match="connection_pattern must return one list per input"):
        aesara.grad(at.sum(BadPattern()(x)), x)


def test_null_type_term_is_an_undefined_gradient():
    class Undefined(DoubleOp):
        def grad(self, inputs, output_grads):
            return [grad_undefined(self, 0, inputs[0], "on purpose")]

    x = at.dvector("x")
    with pytest.raises(NullTypeGradError, match="on purpose"):
        aesara.grad(at.sum(Undefined()(x)), x)


def test_missing_grad_and_r_op_are_not_implemented():
    class NoDerivatives(Op):
        def make_node(self, x):
            x = at.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0].copy()

    x, v = at.dvector("x"), at.dvector("v")
    y = NoDerivatives()(x)
    np.testing.assert_allclose(aesara.function([x], y)(X), X)
    with pytest.raises(NotImplementedError, match="NoDerivatives.grad is not implemented"):
        aesara.grad(at.sum(y), x)
    with pytest.raises(NotImplementedError, match="NoDerivatives.R_op is not implemented"):
        aesara.Rop(y, x, v)


def test_r_op_returning_wrong_count_is_a_value_error():
    class BadRop(DoubleOp):
        def R_op(self, inputs, eval_points):
            return [eval_points[0], eval_points[0]]

    x, v = at.dvector("x"), at.dvector("v")
    with pytest.raises(ValueError, match=r"R_op returned 2 term\(s\) for 1 output"):
        aesara.Rop(BadRop()(x), x, v)


@pytest.mark.parametrize("value, error, message", [
    (lambda x: x.astype("float32"), TypeError, "stored output 0 with dtype float32"),
    (lambda x: x.reshape(1, -1), ValueError, r"stored output 0 with 2 dimension\(s\)"),
    (lambda x: None, ValueError, "did not store output 0"),
    (lambda x: "text", TypeError, "stored output 0 as str"),
])
def test_perform_storing_a_wrong_value_is_a_clear_error(value, error, message):
    class Wrong(DoubleOp):
        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = value(inputs[0])

    x = at.dvector("x")
    f = aesara.function([x], Wrong()(x))
    with pytest.raises(error, match="Wrong.perform " + message):
        f(X)


def test_perform_storing_python_numbers_takes_the_output_dtype():
    class Total(Op):
        def make_node(self, x):
            x = at.as_tensor_variable(x)
            return Apply(self, [x], [at.TensorType("float32", shape=())])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = float(inputs[0].sum())

    x = at.dvector("x")
    value = aesara.function([x], Total()(x))(X)
    assert value.dtype == np.float32 and np.isclose(value, X.sum())


class MyError(Exception):
    pass


def test_exceptions_raised_in_callbacks_propagate_unchanged():
    class Raising(DoubleOp):
        def perform(self, node, inputs, output_storage):
            raise MyError("perform failed on purpose")

        def grad(self, inputs, output_grads):
            raise ZeroDivisionError("grad failed on purpose")

        def R_op(self, inputs, eval_points):
            raise KeyError("R_op failed on purpose")

    x, v = at.dvector("x"), at.dvector("v")
    y = Raising()(x)
    f = aesara.function([x], y)
    with pytest.raises(MyError, match="perform failed on purpose"):
        f(X)
    with pytest.raises(MyError):  # again: nothing was left in a bad state
        f(X)
    with pytest.raises(ZeroDivisionError, match="grad failed on purpose"):
        aesara.grad(at.sum(y), x)
    with pytest.raises(KeyError, match="R_op failed on purpose"):
        aesara.Rop(y, x, v)


def test_make_node_must_build_an_apply_of_a_python_op():
    class NoOutputs(Op):
        def make_node(self, x):
            return Apply(self, [x], None)

    with pytest.raises(TypeError, match="outputs"):
        NoOutputs()(at.dvector("x"))
    with pytest.raises(TypeError, match="expected an Op"):
        Apply(object(), [at.dvector("x")], [])


def test_apply_with_a_built_in_op():
    x = at.dvector("x")
    op = at.exp(x).owner.op
    node = Apply(op, [x], None)
    np.testing.assert_allclose(aesara.function([x], node.outputs[0])(X), np.exp(X))


def test_graph_json_refuses_a_python_op():
    from sharpgrad.graph import serialize

    x = at.dvector("x")
    with pytest.raises(NotImplementedError, match="DoubleOp"):
        serialize.dump([x], [DoubleOp()(x)])


def test_two_applications_are_not_merged_and_each_runs():
    calls = []

    class Counting(DoubleOp):
        def perform(self, node, inputs, output_storage):
            calls.append(1)
            output_storage[0][0] = inputs[0] * 2

    op = Counting()
    x = at.dvector("x")
    out = aesara.function([x], op(x) + op(x))(X)
    np.testing.assert_allclose(out, 4 * X)
    assert len(calls) == 2


def test_process_survives_and_still_computes():
    x, w = at.dvector("x"), at.dvector("w")
    cost = at.sum(at.tanh(DoubleOp()(x) * w))
    g = aesara.function([x, w], aesara.grad(cost, x))(X, W)
    np.testing.assert_allclose(g, 2 * W * (1 - np.tanh(2 * X * W) ** 2))


def test_grad_may_return_aesaras_disconnected_placeholder():
    from sharpgrad.gradient import DisconnectedType

    class ScaleBy(Op):
        __props__ = ()

        def make_node(self, x, k):
            x, k = at.as_tensor_variable(x), at.as_tensor_variable(k)
            return Apply(self, [x, k], [x.type()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0] * inputs[1]

        def connection_pattern(self, node):
            return [[True], [False]]

        def grad(self, inputs, output_grads):
            return [output_grads[0] * inputs[1], DisconnectedType()()]

    x, k = at.dvector("x"), at.dscalar("k")
    cost = ScaleBy()(x, k).sum()
    g = aesara.function([x, k], aesara.grad(cost, x))([1.0, 2.0], 3.0)
    np.testing.assert_array_equal(g, [3.0, 3.0])
    with pytest.raises(aesara.gradient.DisconnectedInputError):
        aesara.grad(cost, k)
