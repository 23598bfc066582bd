"""Every behaviour Aesara 2.9's ``tests/test_gradient.py`` checks, in our own cases, through ``import sharpgrad as aesara``.

Behaviours already covered elsewhere (``test_gradient_api.py``, ``test_custom_op.py``) are checked again here only
where Aesara's test exercises a different path (e.g. through ``known_grads`` with ``cost=None``).
"""

import warnings

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.gradient import (DisconnectedInputError, DisconnectedType, Lop, NullType, NullTypeGradError, Rop,
                                consider_constant, disconnected_grad, grad, grad_clip, grad_not_implemented,
                                grad_scale, grad_undefined, hessian, jacobian, subgraph_grad, undefined_grad, verify_grad,
                                zero_grad)
from sharpgrad.graph.basic import Apply
from sharpgrad.graph.op import Op

RNG = np.random.default_rng(20261207)


def run(inputs, outputs, *args):
    return aesara.function(inputs, outputs, on_unused_input="ignore")(*args)


def op_names(f):
    return [type(node.op).__name__ for node in f.maker.fgraph.toposort()]


def backprop_from(sources, wrt):
    """Gradients of ``wrt`` from known output gradients alone (no cost), stopping at ``wrt``."""
    return grad(None, list(wrt), known_grads=dict(sources), consider_constant=list(wrt))


class FixedGradOp(Op):
    """An op whose ``grad`` returns variables fixed in advance (or whatever ``answer`` computes)."""

    __props__ = ()

    def __init__(self, n_in, n_out, answer):
        self.n_in, self.n_out, self.answer = n_in, n_out, answer

    def make_node(self, *inputs):
        inputs = list(inputs) or [at.dvector(f"in{i}") for i in range(self.n_in)]
        return Apply(self, inputs, [at.dvector(f"out{o}") for o in range(self.n_out)])

    def perform(self, node, inputs, output_storage):
        for o in range(self.n_out):
            output_storage[o][0] = np.asarray(inputs[0], dtype="float64").copy()

    def grad(self, inputs, output_grads):
        return self.answer(inputs, output_grads)


# --- TestGradSourcesInputs: the op contract, reached from known output gradients -----------------------------------

def test_op_grad_returning_nothing_is_a_type_error_from_known_grads():
    node = FixedGradOp(1, 1, lambda inputs, gs: None).make_node()
    with pytest.raises(TypeError):
        backprop_from([(node.outputs[0], at.dvector("g"))], node.inputs)


def test_op_grad_with_a_term_too_few_is_a_value_error_from_known_grads():
    answer = lambda inputs, gs: [at.zeros_like(inputs[0])]  # noqa: E731 - one term, whatever the input count
    one_in = FixedGradOp(1, 1, answer).make_node(at.dvector("i"))
    backprop_from([(one_in.outputs[0], at.dvector("g"))], one_in.inputs)
    two_in = FixedGradOp(2, 1, answer).make_node(at.dvector("i"), at.dvector("j"))
    with pytest.raises(ValueError):
        backprop_from([(two_in.outputs[0], at.dvector("g"))], two_in.inputs)


@pytest.mark.parametrize("n_in,n_out", [(1, 1), (1, 2), (2, 1), (2, 2)])
def test_op_grad_terms_come_back_as_the_very_variables_returned(n_in, n_out):
    terms = [at.dvector(f"term{i}") for i in range(n_in)]
    node = FixedGradOp(n_in, n_out, lambda inputs, gs: list(terms)).make_node()
    got = backprop_from([(node.outputs[0], at.dvector("g"))], node.inputs)
    assert all(g is t for g, t in zip(got, terms))


# --- TestGrad ------------------------------------------------------------------------------------------------------

def test_grad_returns_the_ops_own_term_for_one_and_for_several_params():
    terms = [at.dvector("ga"), at.dvector("gb")]
    node = FixedGradOp(2, 2, lambda inputs, gs: list(terms)).make_node()
    assert grad(node.outputs[0].sum(), node.inputs[0]) is not None
    cost = node.outputs[1].sum()
    assert grad(cost, node.inputs[0]) is terms[0]
    g0, g1 = grad(cost, node.inputs)
    assert g0 is terms[0] and g1 is terms[1]


def test_grad_wrt_an_unrelated_output_or_extra_variable_is_zeros_when_ignored():
    node = FixedGradOp(2, 2, lambda inputs, gs: [gs[0] * 3.0, gs[0] * 5.0]).make_node()
    cost = node.outputs[0].sum()
    g = grad(cost, node.outputs[1], disconnected_inputs="ignore")
    np.testing.assert_array_equal(run([node.outputs[1]], g, [1.0, 2.0, 3.0]), np.zeros(3))
    extra = at.dmatrix("extra")
    ga, gb, gz = grad(cost, node.inputs + [extra], disconnected_inputs="ignore")
    vals = run(node.inputs + [extra], [ga, gb, gz], [1.0, 1.0], [2.0, 2.0], np.ones((2, 4)))
    np.testing.assert_array_equal(vals[0], [3.0, 3.0])
    np.testing.assert_array_equal(vals[1], [5.0, 5.0])
    np.testing.assert_array_equal(vals[2], np.zeros((2, 4)))


@pytest.mark.parametrize("bad", ["wtf", 3, None, [at.dvector("ok"), "no"]])
def test_wrt_that_is_not_a_variable_is_a_type_error(bad):
    x = at.dvector("x")
    with pytest.raises(TypeError):
        grad(x.sum(), bad)


def test_zero_gradient_of_an_unrelated_cost_has_the_shape_of_wrt():
    m = at.dmatrix("m")
    g = grad(at.dscalar("c"), m, disconnected_inputs="ignore")
    out = run([m], g, np.full((4, 6), 7.0))
    assert out.shape == (4, 6) and not out.any()


@pytest.mark.parametrize("make", [at.dvector, at.dmatrix, at.dtensor3])
def test_non_scalar_costs_are_type_errors(make):
    v = make("v")
    with pytest.raises(TypeError):
        grad(v, v)
    with pytest.raises(TypeError):
        grad(v * 2.0, v)


@pytest.mark.parametrize("marker", [grad_not_implemented, grad_undefined])
def test_compiling_an_undefined_gradient_is_a_type_error(marker):
    a = at.dvector("a")
    b = marker(at.add, 0, a)
    with pytest.raises(TypeError):
        aesara.function([a], b, on_unused_input="ignore")


@pytest.mark.parametrize("marker", [grad_not_implemented, grad_undefined])
def test_an_op_grad_that_is_undefined_makes_grad_raise(marker):
    class Unknown(Op):
        __props__ = ()

        def make_node(self, x):
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0].copy()

        def grad(self, inputs, output_grads):
            return [marker(self, 0, inputs[0], "on purpose")]

    s = at.dscalar("s")
    with pytest.raises(NullTypeGradError) as info:
        grad(Unknown()(s), s)
    assert isinstance(info.value, TypeError)
    assert "on purpose" in str(info.value)
    undefined = grad(Unknown()(s), s, null_gradients="return")
    assert isinstance(undefined.type, NullType)


def test_gradient_name_of_a_quadratic_form():
    A, x = at.dmatrix("A"), at.dvector("x")
    f = at.dot(x, at.dot(A, x))
    f.name = "q"
    assert grad(f, x).name == "(dq/dx)"
    assert grad(f, [A, x])[0].name == "(dq/dA)"
    f.name = None
    assert grad(f, x).name is None


@pytest.mark.parametrize("fun,shapes", [
    (lambda x: x * x, [(3,)]),                                                      # one input used twice
    (lambda x, A: at.dot(x, at.dot(A, x)), [(3,), (3, 3)]),                         # quadratic
    (lambda x, A: at.dot(x * x, A), [(3,), (3, 3)]),                                # vector-valued
    (lambda x, A: at.dot(x * x, at.dot(A, x)), [(3,), (3, 3)]),                     # cubic
    (lambda x, A: grad(at.dot(x, at.dot(A, x)), x), [(3,), (3, 3)]),                # second derivatives
    (lambda x, A: grad(at.dot(x * x, at.dot(A, x)), x), [(3,), (3, 3)]),            # second, of a cubic
    (lambda x: grad(at.tanh(x).prod() + (x ** 3).sum(), x), [(4,)]),                # second, nonlinear
])
def test_verify_grad_on_small_graphs_and_on_graphs_built_from_gradients(fun, shapes):
    verify_grad(fun, [RNG.standard_normal(s) for s in shapes], rng=np.random.default_rng(7))


def test_gradient_wrt_an_integer_matrix_equals_the_float_one():
    W, b = at.dmatrix("W"), at.dvector("b")

    def gradient_function(X):
        cost = at.sigmoid(at.dot(X, W) + b).sum()
        return aesara.function([X, W, b], grad(cost, X), on_unused_input="ignore")

    Xv = (RNG.standard_normal((5, 3)) * 100).astype("int32")
    Wv, bv = RNG.standard_normal((3, 4)), RNG.standard_normal(4)
    from_int = gradient_function(at.imatrix("Xi"))(Xv, Wv, bv)
    from_float = gradient_function(at.dmatrix("Xf"))(Xv.astype("float64"), Wv, bv)
    assert from_int.dtype.kind == "f"
    np.testing.assert_allclose(from_int, from_float)


def test_shape_and_alloc_do_not_leak_into_the_gradient():
    x = at.dvector("x")
    n = x.shape[0]
    spread = at.alloc(x.sum() / n, n)   # n copies of the mean: sums back to sum(x)
    g = grad(spread.sum(), x, add_names=False)
    np.testing.assert_allclose(run([x], g, [1.0, -2.0, 5.0, 0.5]), np.ones(4))


def test_connection_pattern_keeps_an_undefined_gradient_off_the_path():
    class Split(Op):            # out0 depends on x, out1 does not
        __props__ = ()

        def make_node(self, x):
            return Apply(self, [x], [x.type(), at.dscalar()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0] * 2.0
            output_storage[1][0] = np.array(1.0)

        def connection_pattern(self, node):
            return [[True, False]]

        def grad(self, inputs, output_grads):
            return [output_grads[0] * 2.0]

    class Join(Op):             # its gradient with respect to its second input is undefined
        __props__ = ()

        def make_node(self, f, g):
            return Apply(self, [f, g], [at.dscalar()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = np.asarray(inputs[0].sum() * inputs[1])

        def grad(self, inputs, output_grads):
            f, g = inputs
            return [output_grads[0] * g * at.ones_like(f), NullType("not defined")()]

    x = at.dvector("x")
    f, g = Split()(x)
    cost = Join()(f, g)
    np.testing.assert_allclose(run([x], grad(cost, x), [1.0, 2.0]), [2.0, 2.0])


def test_float32_wrt_gets_float32_and_everything_else_floats():
    x, z = at.fscalar("x"), at.lscalar("z")
    y = x * 2
    c = y + z
    gx, gy, gz, gc = grad(c, [x, y, z, c])
    assert gx.dtype == "float32"
    assert all(g.dtype in ("float32", "float64") for g in (gy, gz, gc))


def test_consider_constant_wrt_and_a_constant_wrt_both_get_one():
    x, y = at.dscalar("x"), at.dscalar("y")
    one = at.as_tensor_variable(1.0)
    g_x = grad(x * y + x, x, consider_constant=[x])
    g_one = grad(one * y + one, one)
    vx, vone = run([x, y], [g_x, g_one], 3.0, 0.25)
    assert vx == pytest.approx(1.25) and vone == pytest.approx(1.25)


# --- known_grads ---------------------------------------------------------------------------------------------------

def test_known_grads_at_every_layer_with_an_integer_index_and_arange():
    table = at.arange(7)
    x, t, c = at.dscalar("x"), at.iscalar("t"), at.dvector("c")
    power = table[t]
    coef = c[t]
    p = x ** power
    y = coef * p
    cost = at.sqr(y) + at.sin(x)
    inputs = [c, t, x]
    layers = [[cost], [y, x], [coef, p, x], [coef, x, power], [c, t, table, x]]
    values = [RNG.standard_normal(7), np.int32(3), 0.7]
    expected = run(inputs, grad(cost, inputs, disconnected_inputs="ignore"), *values)
    for layer in layers:
        known = dict(zip(layer, grad(cost, layer, disconnected_inputs="ignore")))
        full = grad(None, inputs, known_grads=known, disconnected_inputs="ignore")
        for a, b in zip(expected, run(inputs, full, *values)):
            np.testing.assert_allclose(a, b)


def test_gradient_of_an_integer_with_respect_to_itself_is_one():
    i = at.iscalar("i")
    g = grad(i, i)
    assert g.dtype.startswith("float")
    assert run([i], g, np.int32(-40)) == 1.0


def test_known_grads_on_an_integer_pass_straight_through():
    i, g = at.iscalar("i"), at.dscalar("g")
    got = grad(None, i, known_grads={i: g})
    assert run([g], got, 0.375) == 0.375


def test_known_grads_can_declare_the_cost_undefined_or_disconnected():
    a, b = at.iscalar("a"), at.iscalar("b")
    cost = a * b + a
    with pytest.raises(NullTypeGradError):
        grad(cost, [a, b], known_grads={cost: NullType("cost is not differentiable")()})
    with pytest.raises(DisconnectedInputError):
        grad(cost, [a, b], known_grads={cost: DisconnectedType()()}, disconnected_inputs="raise")
    ga, gb = grad(cost, [a, b], known_grads={cost: DisconnectedType()()}, disconnected_inputs="ignore")
    assert run([a, b], [ga, gb], 2, 3) == [0.0, 0.0]


def test_a_disconnected_known_gradient_on_an_intermediate_stops_the_flow_there():
    x = at.dvector("x")
    y = at.exp(x)
    cost = y.sum() + (x ** 2).sum()
    g = grad(cost, x, known_grads={y: DisconnectedType()()})
    np.testing.assert_allclose(run([x], g, [1.0, 2.0]), [2.0, 4.0])


def test_chained_subgraph_grads_of_a_two_layer_net_equal_grad():
    x, t = at.dvector("x"), at.dvector("t")
    w1 = aesara.shared(RNG.standard_normal((3, 5)), name="w1")
    w2 = aesara.shared(RNG.standard_normal((5, 2)), name="w2")
    h = at.tanh(at.dot(x, w1))
    out = at.tanh(at.dot(h, w2))
    top = at.sqr(out - t).sum() + at.sqr(w2.sum())
    bottom = at.sqr(w1.sum())
    expected = run([t, x], grad(top + bottom, [w2, w1]), [0.1, -0.2], [0.3, 0.4, -0.5])
    start, collected = None, []
    for params, ends, cost in [([w2], [h], top), ([w1], [x], bottom)]:
        param_grads, end_grads = subgraph_grad(wrt=params, end=ends, start=start, cost=cost)
        start = dict(zip(ends, end_grads))
        collected += param_grads
    got = run([t, x], collected, [0.1, -0.2], [0.3, 0.4, -0.5])
    for a, b in zip(expected, got):
        np.testing.assert_allclose(a, b, atol=1e-10)


# --- gradient-control ops: value, gradient, removal ----------------------------------------------------------------

def _control_cases(control, include_bare=True):
    cases = [
        (lambda x: x * control(x), lambda x: x),
        (lambda x: x * control(at.exp(x)), lambda x: np.exp(x)),
        (lambda x: x ** 2 * control(x), lambda x: 2 * x ** 2),
    ]
    if include_bare:
        cases.append((lambda x: control(x), lambda x: np.zeros_like(x)))
    return cases


def _quiet_consider_constant(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return consider_constant(x)


@pytest.mark.parametrize("control,name,bare", [
    (_quiet_consider_constant, "ConsiderConstant", True),
    (zero_grad, "ZeroGrad", True),
    (disconnected_grad, "DisconnectedGrad", False),
])
def test_control_ops_value_gradient_and_removal(control, name, bare):
    x = at.dmatrix("x")
    xv = RNG.standard_normal((3, 4))
    for build, expected in _control_cases(control, bare):
        expr = build(x)
        assert expr.owner is not None and type(expr.owner.op).__name__ in (name, "Elemwise")
        f = aesara.function([x], [expr, grad(expr.sum(), x)])
        assert name not in op_names(f)
        value, gradient = f(xv)
        np.testing.assert_allclose(gradient, expected(xv))
    np.testing.assert_allclose(aesara.function([x], control(x))(xv), xv)


def test_zero_grad_has_a_zero_r_op():
    x, v = at.dvector("x"), at.dvector("v")
    out = run([x, v], Rop(zero_grad(x), x, v), [1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    assert np.count_nonzero(out) == 0


def test_disconnected_grad_connection_pattern_says_disconnected():
    y = disconnected_grad(at.dmatrix("x"))
    assert y.owner.op.connection_pattern(y.owner) == [[False]]


def test_disconnected_grad_paths():
    x = at.dmatrix("x")
    with pytest.raises(DisconnectedInputError):
        grad(disconnected_grad(x).sum(), x)
    grad((x + disconnected_grad(x)).sum(), x)
    a, b = at.dmatrix("a"), at.dmatrix("b")
    y = (a + disconnected_grad(b)).sum()
    with pytest.raises(DisconnectedInputError):
        grad(y, b)
    grad(y, a)


@pytest.mark.parametrize("control,name,point,expected", [
    (lambda x: grad_clip(x, -1.0, 1.0), "GradClip", 2.0, 1.0),        # 2x = 4 clipped to 1
    (lambda x: grad_clip(x, -1.0, 1.0), "GradClip", 0.25, 0.5),       # inside the bounds: untouched
    (lambda x: grad_scale(x, 2.0), "GradScale", 2.0, 8.0),
    (lambda x: grad_scale(x, -0.5), "GradScale", 3.0, -3.0),
])
def test_grad_clip_and_grad_scale_values_and_removal(control, name, point, expected):
    x = at.dscalar("x")
    f = aesara.function([x], [control(x) ** 2, grad(control(x) ** 2, x), grad(x ** 2, x)])
    assert name not in op_names(f)
    value, g, plain = f(point)
    assert value == pytest.approx(point ** 2)
    assert g == pytest.approx(expected)
    assert plain == pytest.approx(2 * point)


def test_no_undefined_grad_survives_compilation_behind_zero_grad():
    p = at.dmatrix("p")
    probs = zero_grad(p / p.sum(axis=1, keepdims=True))
    picks = zero_grad(at.cast(at.eq(probs, probs.max(axis=1, keepdims=True)), "float64"))
    cost = (picks + probs).sum()
    f = aesara.function([p], grad(cost, picks))
    assert not {"UndefinedGrad", "ZeroGrad"} & set(op_names(f))
    np.testing.assert_array_equal(f(RNG.random((2, 3)) + 0.1), np.ones((2, 3)))


# --- jacobian and hessian ------------------------------------------------------------------------------------------

def test_jacobian_of_a_vector_for_every_kind_of_wrt():
    x = at.dvector("x")
    xv = RNG.random(6)
    y = x * 3.0
    np.testing.assert_allclose(run([x], jacobian(y, x), xv), 3.0 * np.eye(6))
    for kind in (tuple, list):
        J = jacobian(y, kind([x]))
        assert type(J) is kind and len(J) == 1
        np.testing.assert_allclose(run([x], J[0], xv), 3.0 * np.eye(6))
    z = at.dvector("z")
    zv = RNG.random(6)
    jx, jz = run([x, z], jacobian(x * z, [x, z]), xv, zv)
    np.testing.assert_allclose(jx, np.diag(zv))
    np.testing.assert_allclose(jz, np.diag(xv))


def test_jacobian_of_a_column_sum_for_every_kind_of_wrt():
    x, z = at.dmatrix("x"), at.dmatrix("z")
    xv, zv = RNG.random((4, 3)), RNG.random((4, 3))
    expected = np.zeros((3, 4, 3))
    for j in range(3):
        expected[j, :, j] = 5.0
    y = 5.0 * x.sum(axis=0)
    np.testing.assert_allclose(run([x], jacobian(y, x), xv), expected)
    for kind in (tuple, list):
        J = jacobian(y, kind([x]))
        assert type(J) is kind
        np.testing.assert_allclose(run([x], J[0], xv), expected)
    jx, jz = run([x, z], jacobian((x * z).sum(axis=1), [x, z]), xv, zv)
    ex, ez = np.zeros((4, 4, 3)), np.zeros((4, 4, 3))
    for i in range(4):
        ex[i, i, :] = zv[i]
        ez[i, i, :] = xv[i]
    np.testing.assert_allclose(jx, ex)
    np.testing.assert_allclose(jz, ez)


def test_jacobian_of_a_scalar_is_its_gradient_for_every_kind_of_wrt():
    x, z = at.dscalar("x"), at.dscalar("z")
    y = x * 4.0
    assert run([x], jacobian(y, x), 0.3) == pytest.approx(4.0)
    for kind in (tuple, list):
        J = jacobian(y, kind([x]))
        assert type(J) is kind
        assert run([x], J[0], 0.3) == pytest.approx(4.0)
    jx, jz = run([x, z], jacobian(x * z, [x, z]), 0.3, 0.9)
    assert (jx, jz) == (pytest.approx(0.9), pytest.approx(0.3))


def test_jacobian_with_disconnected_inputs_ignored_is_zero():
    v1, v2 = at.dvector("v1"), at.dvector("v2")
    with pytest.raises(DisconnectedInputError):
        jacobian(1 + v1, v2)
    J = jacobian(1 + v1, v2, disconnected_inputs="ignore")
    np.testing.assert_array_equal(run([v1, v2], J, np.arange(5.0), np.arange(5.0)), np.zeros((5, 5)))
    s1, s2 = at.dscalar("s1"), at.dscalar("s2")
    Js = jacobian(1 + s1, s2, disconnected_inputs="ignore")
    assert run([s2], Js, 1.0) == 0.0


def test_hessian_of_a_sum_of_squares_is_twice_the_identity():
    x = at.dvector("x")
    np.testing.assert_allclose(run([x], hessian((x ** 2).sum(), x), np.arange(7.0)), 2 * np.eye(7))
    A = RNG.standard_normal((4, 4))
    H = run([x], hessian(at.dot(x, at.dot(at.constant(A), x)), x), np.ones(4))
    np.testing.assert_allclose(H, A + A.T)


# --- every option value of grad / Lop / Rop ------------------------------------------------------------------------

@pytest.mark.parametrize("policy", ["raise", "warn", "ignore"])
@pytest.mark.parametrize("returned", ["zero", "None", "Disconnected"])
def test_grad_disconnected_policy_times_return_kind(policy, returned):
    x, y = at.dvector("x"), at.dvector("y")
    if policy == "raise":
        with pytest.raises(DisconnectedInputError, match="not part of the computational graph"):
            grad(x.sum(), [x, y], disconnected_inputs=policy, return_disconnected=returned)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gx, gy = grad(x.sum(), [x, y], disconnected_inputs=policy, return_disconnected=returned)
    assert bool([w for w in caught if "computational graph" in str(w.message)]) == (policy == "warn")
    np.testing.assert_array_equal(run([x], gx, [1.0, 2.0]), [1.0, 1.0])
    if returned == "zero":
        np.testing.assert_array_equal(run([y], gy, [1.0, 2.0, 3.0]), np.zeros(3))
    elif returned == "None":
        assert gy is None
    else:
        assert isinstance(gy.type, DisconnectedType)


@pytest.mark.parametrize("keyword,bad", [("disconnected_inputs", "loud"), ("return_disconnected", "nothing"),
                                         ("null_gradients", "ignore")])
def test_grad_rejects_unknown_option_values(keyword, bad):
    x = at.dvector("x")
    with pytest.raises(ValueError):
        grad(x.sum(), x, **{keyword: bad})


def test_grad_null_gradients_raise_or_return():
    x = at.dvector("x")
    cost = undefined_grad(x).sum()
    with pytest.raises(NullTypeGradError):
        grad(cost, x)
    assert isinstance(grad(cost, x, null_gradients="return").type, NullType)


@pytest.mark.parametrize("policy", ["raise", "warn", "ignore"])
def test_lop_disconnected_inputs_policy(policy):
    x, y, v = at.dvector("x"), at.dvector("y"), at.dvector("v")
    if policy == "raise":
        with pytest.raises(DisconnectedInputError):
            Lop(x * 2.0, [x, y], v, disconnected_inputs=policy)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gx, gy = Lop(x * 2.0, [x, y], v, disconnected_inputs=policy)
    vals = run([x, y, v], [gx, gy], [1.0, 1.0], [5.0, 5.0, 5.0], [3.0, 4.0])
    np.testing.assert_array_equal(vals[0], [6.0, 8.0])
    np.testing.assert_array_equal(vals[1], np.zeros(3))


def test_lop_consider_constant():
    x, v = at.dvector("x"), at.dvector("v")
    h = at.exp(x)
    g = Lop(h * x, x, v, consider_constant=[h])
    np.testing.assert_allclose(run([x, v], g, [0.0, 1.0], [1.0, 2.0]), [1.0, 2 * np.e])


@pytest.mark.parametrize("policy", ["raise", "warn", "ignore"])
@pytest.mark.parametrize("returned", ["zero", "None", "Disconnected"])
def test_rop_disconnected_policy_times_return_kind(policy, returned):
    x, y, v = at.dvector("x"), at.dmatrix("y"), at.dvector("v")
    outs = [x * 2.0, y * 3.0]
    if policy == "raise":
        with pytest.raises(DisconnectedInputError):
            Rop(outs, x, v, disconnected_outputs=policy, return_disconnected=returned)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        jx, jy = Rop(outs, x, v, disconnected_outputs=policy, return_disconnected=returned)
    np.testing.assert_array_equal(run([x, v], jx, [1.0, 1.0], [3.0, 4.0]), [6.0, 8.0])
    if returned == "zero":
        np.testing.assert_array_equal(run([y], jy, np.ones((2, 3))), np.zeros((2, 3)))
    elif returned == "None":
        assert jy is None
    else:
        assert isinstance(jy.type, DisconnectedType)


def test_rop_rejects_unknown_options_and_mismatched_points():
    x, v = at.dvector("x"), at.dvector("v")
    with pytest.raises(ValueError):
        Rop(x * 2.0, x, v, disconnected_outputs="sometimes")
    with pytest.raises(ValueError):
        Rop(x * 2.0, x, v, return_disconnected="ones")
    with pytest.raises(ValueError):
        Rop(x * 2.0, x, at.dmatrix("m"))
    with pytest.raises(ValueError):
        Rop(x * 2.0, [x], [v, v])
