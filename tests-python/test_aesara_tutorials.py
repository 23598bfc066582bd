"""Aesara's tutorials, run unchanged through ``import sharpgrad as aesara``.

Each test follows a tutorial page ("Derivatives in Aesara", "More Examples", "Using shared variables",
"Creating a new Op") or touches one namespace the way those pages do, and checks the values against numpy closed
forms, finite differences or a numpy re-implementation of the same training steps.
"""

import warnings

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.graph.basic import Apply, Constant, Variable, ancestors, graph_inputs
from sharpgrad.graph.op import Op
from sharpgrad.tensor.math import dot, exp, log, sum as at_sum, tanh


def finite_difference_jacobian(f, x, eps=1e-6):
    """Central differences of the vector function ``f`` at ``x``: ``J[i, j] = d f_i / d x_j``."""
    x = np.asarray(x, dtype=float)
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step.flat[j] = eps
        columns.append((np.ravel(f(x + step)) - np.ravel(f(x - step))) / (2 * eps))
    return np.stack(columns, axis=-1)


def stable_sigmoid(z):
    """``1 / (1 + exp(-z))`` without overflow warnings."""
    return np.exp(-np.logaddexp(0.0, -z))


# --- "Derivatives in Aesara" ---------------------------------------------------------------------------------------

def test_derivative_of_x_squared():
    x = at.dscalar("x")
    y = x ** 2
    gy = aesara.grad(y, x)
    f = aesara.function([x], gy)
    assert f(4) == 8.0
    assert np.allclose(f(94.2), 188.4)


def test_derivative_of_the_logistic_function_is_s_times_one_minus_s():
    x = at.dmatrix("x")
    s = at_sum(1 / (1 + exp(-x)))
    gs = aesara.grad(s, x)
    dlogistic = aesara.function([x], gs)
    value = np.array([[0, 1], [-1, -2]], dtype=float)
    np.testing.assert_allclose(dlogistic(value), [[0.25, 0.19661193], [0.19661193, 0.10499359]], atol=1e-8)
    sig = 1 / (1 + np.exp(-value))
    np.testing.assert_allclose(dlogistic(value), sig * (1 - sig), rtol=1e-14)


def test_jacobian_of_x_squared_as_in_the_tutorial():
    x = at.dvector("x")
    y = x ** 2
    J = aesara.gradient.jacobian(y, x)
    f = aesara.function([x], J)
    np.testing.assert_array_equal(f([4, 4]), [[8, 0], [0, 8]])


def test_jacobian_of_a_mixing_function_matches_finite_differences():
    x = at.dvector("x")
    A = np.array([[1.0, -2.0, 0.5], [0.3, 0.7, -1.1]])
    y = tanh(dot(A, x)) * x[0]
    f = aesara.function([x], y)
    jac = aesara.function([x], aesara.gradient.jacobian(y, x))
    point = np.array([0.2, -0.4, 0.9])
    expected = finite_difference_jacobian(f, point)
    np.testing.assert_allclose(jac(point), expected, rtol=1e-7, atol=1e-9)
    assert jac(point).shape == (2, 3)


def test_hessian_of_sum_of_squares_as_in_the_tutorial():
    x = at.dvector("x")
    y = x ** 2
    cost = y.sum()
    H = aesara.gradient.hessian(cost, x)
    f = aesara.function([x], H)
    np.testing.assert_array_equal(f([4, 4]), [[2, 0], [0, 2]])


def test_hessian_of_logsumexp_is_diag_p_minus_p_p_transposed():
    x = at.dvector("x")
    cost = log(at_sum(exp(x)))
    f = aesara.function([x], aesara.gradient.hessian(cost, x))
    point = np.array([0.5, -1.0, 2.0, 0.0])
    p = np.exp(point) / np.exp(point).sum()
    np.testing.assert_allclose(f(point), np.diag(p) - np.outer(p, p), rtol=1e-12, atol=1e-14)


def test_tensor_namespace_reexports_the_gradient_functions_as_aesara_does():
    assert at.grad is aesara.gradient.grad
    assert at.jacobian is aesara.gradient.jacobian
    assert at.hessian is aesara.gradient.hessian
    assert at.Rop is aesara.gradient.Rop and at.Lop is aesara.gradient.Lop
    assert at.verify_grad is aesara.gradient.verify_grad
    assert at.numeric_grad is aesara.gradient.numeric_grad
    assert at.consider_constant is aesara.gradient.consider_constant
    x = at.dvector("x")
    f = aesara.function([x], at.grad((x ** 3).sum(), x))
    np.testing.assert_allclose(f([1.0, -2.0]), [3.0, 12.0])


def test_rop_jacobian_times_vector_with_the_tutorials_numbers():
    W = at.dmatrix("W")
    V = at.dmatrix("V")
    x = at.dvector("x")
    y = dot(x, W)
    JV = aesara.gradient.Rop(y, W, V)
    f = aesara.function([W, V, x], JV)
    np.testing.assert_array_equal(f([[1, 1], [1, 1]], [[2, 2], [2, 2]], [0, 1]), [2.0, 2.0])
    assert aesara.Rop is aesara.gradient.Rop


def test_rop_graph_depends_on_every_input_of_f_as_in_aesara():
    x, y, v = at.dvector("x"), at.dvector("y"), at.dvector("v")
    r = aesara.Rop(x * y, x, v)
    # Aesara feeds zeros_like(y) in for y and keeps x in the graph, so all three inputs compile.
    assert {i for i in graph_inputs([r]) if not isinstance(i, Constant)} == {x, y, v}
    f = aesara.function([x, y, v], r)
    xv, yv, vv = np.array([1.0, 2.0]), np.array([3.0, -4.0]), np.array([0.5, 2.0])
    np.testing.assert_array_equal(f(xv, yv, vv), vv * yv)
    assert "Shape" not in aesara.printing.debugprint(f, file="str")  # the zero terms are folded away
    assert aesara.Rop(x, x, v) is v
    a, b = at.fscalar("a"), at.fvector("b")
    r32 = aesara.Rop(a * b, b, at.fvector("db"))
    assert r32.dtype == "float32" and a in graph_inputs([r32])


def test_lop_vector_times_jacobian_with_the_tutorials_numbers():
    W = at.dmatrix("W")
    v = at.dvector("v")
    x = at.dvector("x")
    y = dot(x, W)
    VJ = aesara.gradient.Lop(y, W, v)
    f = aesara.function([v, x], VJ)
    np.testing.assert_array_equal(f([2, 2], [0, 1]), [[0, 0], [2, 2]])
    assert aesara.Lop is aesara.gradient.Lop


def test_hessian_times_a_vector_both_ways_with_the_tutorials_numbers():
    x = at.dvector("x")
    v = at.dvector("v")
    y = at_sum(x ** 2)
    gy = aesara.grad(y, x)
    vH = aesara.grad(at_sum(gy * v), x)
    Hv = aesara.gradient.Rop(gy, x, v)
    f = aesara.function([x, v], [vH, Hv])
    for result in f([4, 4], [2, 2]):
        np.testing.assert_array_equal(result, [4.0, 4.0])


def test_hessian_times_a_vector_both_ways_equal_the_full_hessian():
    x = at.dvector("x")
    v = at.dvector("v")
    cost = at_sum(tanh(x) ** 2 * x[::-1])
    gy = aesara.grad(cost, x)
    vH = aesara.grad(at_sum(gy * v), x)
    Hv = aesara.gradient.Rop(gy, x, v)
    H = aesara.gradient.hessian(cost, x)
    f = aesara.function([x, v], [vH, Hv, H])
    point, direction = np.array([0.3, -0.8, 1.2]), np.array([1.0, 0.5, -2.0])
    vh, hv, hessian = f(point, direction)
    grad_fn = aesara.function([x], gy)
    np.testing.assert_allclose(hessian, finite_difference_jacobian(grad_fn, point), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(hv, hessian @ direction, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(vh, direction @ hessian, rtol=1e-12, atol=1e-13)


# --- "A Real Example: Logistic Regression" -------------------------------------------------------------------------

def _logistic_regression_graph(feats, rng, stable):
    x = at.dmatrix("x")
    y = at.dvector("y")
    w = aesara.shared(rng.randn(feats), name="w")
    b = aesara.shared(0.0, name="b")
    z = dot(x, w) + b
    if stable:
        p_1 = at.nnet.sigmoid(z)
        xent = y * at.nnet.softplus(-z) + (1 - y) * at.nnet.softplus(z)
    else:
        p_1 = 1 / (1 + exp(-dot(x, w) - b))
        xent = -y * log(p_1) - (1 - y) * log(1 - p_1)
    prediction = p_1 > 0.5
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = aesara.grad(cost, [w, b])
    train = aesara.function(inputs=[x, y], outputs=[prediction, xent],
                            updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)))
    predict = aesara.function(inputs=[x], outputs=prediction)
    return w, b, train, predict


def _numpy_logistic_steps(data, labels, w, b, steps):
    """The same steps in numpy: per step the predictions, the cross-entropies, the cost, then the new w and b."""
    history = []
    for _ in range(steps):
        z = data @ w + b
        xent = labels * np.logaddexp(0.0, -z) + (1 - labels) * np.logaddexp(0.0, z)
        p = stable_sigmoid(z)
        cost = xent.mean() + 0.01 * np.sum(w ** 2)
        gw = data.T @ (p - labels) / len(labels) + 0.02 * w
        gb = np.mean(p - labels)
        history.append((p > 0.5, xent, cost))
        w, b = w - 0.1 * gw, b - 0.1 * gb
        history[-1] += (w, b)
    return history


# The tutorial's own spelling at its 784 features rounds p_1 to 1 and log(1 - p_1) to -inf unless the stabilising
# rewrites turn 1 / (1 + exp(-z)) into sigmoid(z), its logarithms into softplus terms and cancel the gradient's
# factors (tests-python/test_stability.py); the softplus spelling needs none of them.
@pytest.mark.parametrize("stable, feats", [(False, 12), (False, 784), (True, 784)],
                         ids=["tutorial-spelling", "tutorial-spelling-784", "softplus-784"])
def test_logistic_regression_training_matches_numpy(stable, feats):
    rng = np.random.RandomState(23455)
    N = 400
    D = (rng.randn(N, feats), rng.randint(size=N, low=0, high=2))
    w, b, train, predict = _logistic_regression_graph(feats, rng, stable)
    assert w.get_value().shape == (feats,) and b.get_value() == 0.0
    steps = 15
    expected = _numpy_logistic_steps(D[0], D[1], w.get_value(), 0.0, steps)
    costs = []
    for pred_np, xent_np, cost_np, w_np, b_np in expected:
        pred, err = train(D[0], D[1])
        assert pred.dtype == bool
        np.testing.assert_array_equal(pred, pred_np)
        np.testing.assert_allclose(err, xent_np, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(w.get_value(), w_np, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(b.get_value(), b_np, rtol=1e-10, atol=1e-12)
        costs.append(cost_np)
    assert all(later < earlier for earlier, later in zip(costs, costs[1:]))
    z = D[0] @ w.get_value() + b.get_value()
    np.testing.assert_array_equal(predict(D[0]), stable_sigmoid(z) > 0.5)
    accuracy = np.mean(predict(D[0]) == D[1])
    assert accuracy > np.mean(expected[0][0] == D[1])


# --- A two-hidden-layer perceptron -------------------------------------------------------------------------------

def _softmax_rows(a):
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("softmax", [lambda a: at.nnet.softmax(a, axis=-1), lambda a: at.special.softmax(a, axis=1)],
                         ids=["nnet", "special"])
def test_mlp_with_two_tanh_layers_trains_like_numpy(softmax):
    rng = np.random.RandomState(1234)
    n, n_in, n_hidden, n_out, lr = 30, 4, 6, 3, 0.5
    data = rng.randn(n, n_in)
    labels = rng.randint(0, n_out, size=n).astype("int32")
    onehot = np.eye(n_out)[labels]
    init = {
        "W1": rng.uniform(-0.5, 0.5, (n_in, n_hidden)), "b1": np.zeros(n_hidden),
        "W2": rng.uniform(-0.5, 0.5, (n_hidden, n_hidden)), "b2": np.zeros(n_hidden),
        "W3": rng.uniform(-0.5, 0.5, (n_hidden, n_out)), "b3": np.zeros(n_out),
    }
    params = {k: aesara.shared(v, name=k) for k, v in init.items()}

    x = at.dmatrix("x")
    y = at.ivector("y")
    h1 = tanh(dot(x, params["W1"]) + params["b1"])
    h2 = tanh(dot(h1, params["W2"]) + params["b2"])
    p_y = softmax(dot(h2, params["W3"]) + params["b3"])
    loss = at.nnet.categorical_crossentropy(p_y, y).mean()
    grads = aesara.grad(loss, list(params.values()))
    train = aesara.function([x, y], loss, updates=[(p, p - lr * g) for p, g in zip(params.values(), grads)])
    predict = aesara.function([x], at.argmax(p_y, axis=1))

    ref = {k: v.copy() for k, v in init.items()}
    losses = []
    for _ in range(6):
        a1 = np.tanh(data @ ref["W1"] + ref["b1"])
        a2 = np.tanh(a1 @ ref["W2"] + ref["b2"])
        prob = _softmax_rows(a2 @ ref["W3"] + ref["b3"])
        expected_loss = -np.mean(np.log(prob[np.arange(n), labels]))
        d3 = (prob - onehot) / n
        d2 = d3 @ ref["W3"].T * (1 - a2 ** 2)
        d1 = d2 @ ref["W2"].T * (1 - a1 ** 2)
        step = {"W3": a2.T @ d3, "b3": d3.sum(0), "W2": a1.T @ d2, "b2": d2.sum(0), "W1": data.T @ d1,
                "b1": d1.sum(0)}
        ref = {k: ref[k] - lr * step[k] for k in ref}

        np.testing.assert_allclose(train(data, labels), expected_loss, rtol=1e-12)
        for k, shared in params.items():
            np.testing.assert_allclose(shared.get_value(), ref[k], rtol=1e-10, atol=1e-12, err_msg=k)
        losses.append(expected_loss)
    assert losses[-1] < losses[0]
    a2 = np.tanh(np.tanh(data @ ref["W1"] + ref["b1"]) @ ref["W2"] + ref["b2"])
    np.testing.assert_array_equal(predict(data), np.argmax(a2 @ ref["W3"] + ref["b3"], axis=1))


def test_mlp_with_one_hot_targets_and_a_float_matrix_gives_the_same_loss():
    rng = np.random.RandomState(7)
    data, labels = rng.randn(5, 3), np.array([0, 2, 1, 1, 0])
    W = aesara.shared(rng.randn(3, 3), name="W")
    x, t = at.dmatrix("x"), at.dmatrix("t")
    p = at.special.softmax(tanh(dot(x, W)), axis=-1)
    loss = at.nnet.categorical_crossentropy(p, t).mean()
    g = aesara.grad(loss, W)
    value, grad_value = aesara.function([x, t], [loss, g])(data, np.eye(3)[labels])
    prob = _softmax_rows(np.tanh(data @ W.get_value()))
    np.testing.assert_allclose(value, -np.mean(np.log(prob[np.arange(5), labels])), rtol=1e-12)
    h = np.tanh(data @ W.get_value())
    expected = data.T @ ((prob - np.eye(3)[labels]) / 5 * (1 - h ** 2))
    np.testing.assert_allclose(grad_value, expected, rtol=1e-10, atol=1e-12)


# --- aesara.tensor and its submodules ------------------------------------------------------------------------------

def test_tensor_type_and_constructors():
    TensorType = at.type.TensorType
    assert TensorType is at.TensorType
    vtype = TensorType("float64", shape=(None,))
    v = vtype("v")
    assert v.type == vtype == at.dvector().type
    assert (v.dtype, v.ndim, v.name, v.broadcastable) == ("float64", 1, "v", (False,))
    row = at.type.drow("r")
    assert row.broadcastable == (True, False) and row.type == TensorType("float64", broadcastable=(True, False))
    assert at.type.imatrix().dtype == "int32" and at.lscalar().ndim == 0
    assert at.tensor("float32", shape=(2, None)).type.shape == (2, None)
    # A variable's type makes fresh variables of the same type.
    w = v.type("w")
    assert w.type == v.type and w is not v and w.name == "w"
    f = aesara.function([v, w], v * w)
    np.testing.assert_array_equal(f([1.0, 2.0], [3.0, 4.0]), [3.0, 8.0])


def test_tensor_math_functions():
    from sharpgrad.tensor import math as tm

    x, y = at.dvector("x"), at.dvector("y")
    m = at.dmatrix("m")
    outs = [tm.exp(x), tm.log(x), tm.sum(x), tm.dot(m, x), tm.mean(m, axis=0), tm.max(m, axis=1), tm.prod(x),
            tm.argmax(m, axis=1), tm.sqrt(x), tm.maximum(x, y), tm.pow(x, 2), tm.true_div(x, y)]
    f = aesara.function([x, y, m], outs)
    xv, yv, mv = np.array([1.0, 2.0, 4.0]), np.array([3.0, 1.0, -1.0]), np.arange(6.0).reshape(2, 3) - 2.5
    got = f(xv, yv, mv)
    expected = [np.exp(xv), np.log(xv), xv.sum(), mv @ xv, mv.mean(0), mv.max(1), xv.prod(), mv.argmax(1),
                np.sqrt(xv), np.maximum(xv, yv), xv ** 2, xv / yv]
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=1e-14)


def test_tensor_shape_and_extra_ops():
    from sharpgrad.tensor import extra_ops
    from sharpgrad.tensor.shape import reshape, shape_i  # ``at.shape`` is the function, as in Aesara

    x, m = at.dvector("x"), at.dmatrix("m")
    mv = np.arange(6.0).reshape(2, 3) + 1
    outs = [m.shape, m.shape[1], reshape(m, (3, 2)), m.reshape((6,)), shape_i(m, 0),
            extra_ops.cumsum(m, axis=1), extra_ops.cumprod(x), extra_ops.repeat(x, 2), m.dimshuffle(1, 0)]
    got = aesara.function([x, m], outs)(mv[0], mv)
    expected = [np.array([2, 3]), 3, mv.reshape(3, 2), mv.ravel(), 2, np.cumsum(mv, axis=1), np.cumprod(mv[0]),
                np.repeat(mv[0], 2), mv.T]
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)
    g = aesara.function([x], aesara.grad(at_sum(extra_ops.cumsum(x) * [1.0, 2.0, 3.0]), x))(mv[0])
    np.testing.assert_array_equal(g, [6.0, 5.0, 3.0])


def test_tensor_basic_builders():
    from sharpgrad.tensor import basic as tb

    x, y = at.dvector("x"), at.dvector("y")
    c = tb.as_tensor_variable([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(c, Variable) and isinstance(c, Constant) and c.owner is None
    assert c.type == at.TensorType("float64", shape=(2, 2))
    assert tb.as_tensor_variable(x) is x
    outs = [tb.stack([x, y]), tb.stack([x, y], axis=1), tb.concatenate([x, y]), tb.join(0, x, y), tb.zeros((2,)),
            tb.ones_like(x), tb.eye(2), tb.arange(3), c.T, tb.flatten(tb.stack([x, y]))]
    f = aesara.function([x, y], outs)
    xv, yv = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    expected = [np.stack([xv, yv]), np.stack([xv, yv], axis=1), np.concatenate([xv, yv]), np.concatenate([xv, yv]),
                np.zeros(2), np.ones(2), np.eye(2), np.arange(3), np.array([[1.0, 3.0], [2.0, 4.0]]),
                np.array([1.0, 2.0, 3.0, 4.0])]
    for a, b in zip(f(xv, yv), expected):
        np.testing.assert_array_equal(a, b)
    g = aesara.function([x, y], aesara.grad(at_sum(tb.stack([x, y]) * c), [x, y]))(xv, yv)
    np.testing.assert_array_equal(g[0], [1.0, 2.0])
    np.testing.assert_array_equal(g[1], [3.0, 4.0])


def test_indexing_and_subtensor_updates_with_gradients():
    from sharpgrad.tensor import subtensor

    x, y = at.dvector("x"), at.dvector("y")
    m = at.dmatrix("m")
    xv, yv, mv = np.arange(5.0), np.array([10.0, 20.0]), np.arange(12.0).reshape(3, 4)
    outs = [x[1:3], x[::-1], x[-1], m[1], m[:, 2], m[1:, ::2], subtensor.set_subtensor(x[1:3], y),
            subtensor.inc_subtensor(x[1:3], y), at.set_subtensor(m[0, 1:3], 0.0), x[[0, 3, 3]]]
    got = aesara.function([x, y, m], outs)(xv, yv, mv)
    set_x, inc_x, set_m = xv.copy(), xv.copy(), mv.copy()
    set_x[1:3] = yv
    inc_x[1:3] += yv
    set_m[0, 1:3] = 0.0
    expected = [xv[1:3], xv[::-1], xv[-1], mv[1], mv[:, 2], mv[1:, ::2], set_x, inc_x, set_m, xv[[0, 3, 3]]]
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)

    # set_subtensor cuts the gradient to the overwritten entries; inc_subtensor passes it through.
    weights = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    cost_set = at_sum(subtensor.set_subtensor(x[1:3], y ** 2) * weights)
    cost_inc = at_sum(subtensor.inc_subtensor(x[1:3], y ** 2) * weights)
    grads = aesara.function([x, y], aesara.grad(cost_set, [x, y]) + aesara.grad(cost_inc, [x, y]))(xv, yv)
    np.testing.assert_array_equal(grads[0], [1.0, 0.0, 0.0, 4.0, 5.0])
    np.testing.assert_array_equal(grads[1], 2 * yv * weights[1:3])
    np.testing.assert_array_equal(grads[2], weights)
    np.testing.assert_array_equal(grads[3], 2 * yv * weights[1:3])
    g_index = aesara.function([x], aesara.grad(at_sum(x[[0, 3, 3]] * weights[:3]), x))(xv)
    np.testing.assert_array_equal(g_index, [1.0, 0.0, 0.0, 5.0, 0.0])


def test_softmax_and_sigmoid_in_special_and_nnet():
    m = at.dmatrix("m")
    mv = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 5.0]])
    outs = [at.special.softmax(m, axis=-1), at.special.softmax(m, axis=0), at.special.softmax(m),
            at.special.log_softmax(m, axis=1), at.nnet.sigmoid(m), at.nnet.softplus(m), at.special.logsumexp(m, axis=1)]
    got = aesara.function([m], outs)(mv)
    whole = np.exp(mv) / np.exp(mv).sum()
    expected = [_softmax_rows(mv), _softmax_rows(mv.T).T, whole, np.log(_softmax_rows(mv)), 1 / (1 + np.exp(-mv)),
                np.log1p(np.exp(mv)), np.log(np.exp(mv).sum(1))]
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=1e-13)
    assert at.nnet.softmax is at.special.softmax and at.nnet.sigmoid is at.sigmoid

    # d softmax_i / d m_j = s_i (delta_ij - s_j), row by row; d sigmoid = s (1 - s).
    v, w = at.dvector("v"), at.dvector("w")
    jac = aesara.function([v], aesara.gradient.jacobian(at.special.softmax(v, axis=-1), v))
    s = _softmax_rows(mv[:1])[0]
    np.testing.assert_allclose(jac(mv[0]), np.diag(s) - np.outer(s, s), rtol=1e-12, atol=1e-15)
    gs = aesara.function([w], aesara.grad(at_sum(at.nnet.sigmoid(w)), w))(mv[1])
    sig = 1 / (1 + np.exp(-mv[1]))
    np.testing.assert_allclose(gs, sig * (1 - sig), rtol=1e-13)


def test_nlinalg_inverse_and_determinant_with_their_gradients():
    from sharpgrad.tensor import nlinalg

    A = at.dmatrix("A")
    Av = np.array([[4.0, 1.3, 0.5], [1.0, 3.0, -0.2], [0.6, -0.2, 2.0]])  # not symmetric, so A^-T differs from A^-1
    inv, det = nlinalg.matrix_inverse(A), nlinalg.det(A)
    f = aesara.function([A], [inv, det, aesara.grad(det, A), aesara.grad(at_sum(inv), A)])
    inv_v, det_v, g_det, g_inv = f(Av)
    np.testing.assert_allclose(inv_v, np.linalg.inv(Av), rtol=1e-12)
    np.testing.assert_allclose(det_v, np.linalg.det(Av), rtol=1e-12)
    # Jacobi's formula, and d sum(A^-1) = -A^-T 1 1^T A^-T.
    np.testing.assert_allclose(g_det, np.linalg.det(Av) * np.linalg.inv(Av).T, rtol=1e-12)
    ones = np.ones((3, 3))
    np.testing.assert_allclose(g_inv, -np.linalg.inv(Av).T @ ones @ np.linalg.inv(Av).T, rtol=1e-11)


def test_slinalg_solve_and_cholesky_with_their_gradients():
    from sharpgrad.tensor import slinalg

    A, b = at.dmatrix("A"), at.dvector("b")
    rng = np.random.RandomState(3)
    M = rng.randn(3, 3)
    Av, bv = M @ M.T + 3 * np.eye(3), rng.randn(3)
    x = slinalg.solve(A, b)
    L = slinalg.cholesky(A)
    f = aesara.function([A, b], [x, L, aesara.grad(at_sum(x), b), aesara.grad(at_sum(x), A)])
    x_v, L_v, g_b, g_A = f(Av, bv)
    np.testing.assert_allclose(x_v, np.linalg.solve(Av, bv), rtol=1e-12)
    np.testing.assert_allclose(L_v, np.linalg.cholesky(Av), rtol=1e-12)
    # x = A^-1 b: d sum(x)/db = A^-T 1 and d sum(x)/dA = -(A^-T 1) x^T.
    lam = np.linalg.solve(Av.T, np.ones(3))
    np.testing.assert_allclose(g_b, lam, rtol=1e-12)
    np.testing.assert_allclose(g_A, -np.outer(lam, x_v), rtol=1e-11)
    cost_L = aesara.function([A], at_sum(slinalg.cholesky(A) * np.arange(9.0).reshape(3, 3)))
    g_L = aesara.function([A], aesara.grad(at_sum(slinalg.cholesky(A) * np.arange(9.0).reshape(3, 3)), A))(Av)

    # Cholesky sees only the lower triangle: compare with differences of a symmetric perturbation pair.
    def symmetric_cost(flat):
        S = flat.reshape(3, 3)
        return cost_L(np.tril(S) + np.tril(S, -1).T)

    numeric = finite_difference_jacobian(symmetric_cost, Av.ravel()).reshape(3, 3)
    np.testing.assert_allclose(np.tril(g_L + g_L.T - np.diag(np.diag(g_L))), np.tril(numeric), rtol=1e-6, atol=1e-8)


# --- aesara.gradient ------------------------------------------------------------------------------------------------

def test_grad_options_known_grads_consider_constant_and_disconnected_inputs():
    x, y = at.dvector("x"), at.dvector("y")
    xv = np.array([1.0, -2.0, 3.0])
    z = x ** 2
    cost = at_sum(z * x)
    full, frozen = aesara.grad(cost, x), aesara.grad(cost, x, consider_constant=[z])
    got_full, got_frozen = aesara.function([x], [full, frozen])(xv)
    np.testing.assert_allclose(got_full, 3 * xv ** 2)
    np.testing.assert_allclose(got_frozen, xv ** 2)

    # known_grads on an intermediate replaces what the cost would send into z = x**2: gz * 2x, plus the direct x term.
    gz = at.dvector("gz")
    g_known = aesara.grad(None, x, known_grads={z: gz})
    g_override = aesara.grad(cost, x, known_grads={z: gz})
    got_known, got_override = aesara.function([x, gz], [g_known, g_override])(xv, np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(got_known, 2 * xv * [1.0, 2.0, 3.0])
    np.testing.assert_allclose(got_override, 2 * xv * [1.0, 2.0, 3.0] + xv ** 2)

    with pytest.raises(aesara.gradient.DisconnectedInputError):
        aesara.grad(at_sum(x), y)
    zeros = aesara.grad(at_sum(x), y, disconnected_inputs="ignore")
    np.testing.assert_array_equal(aesara.function([y], zeros)([1.0, 2.0]), [0.0, 0.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        aesara.grad(at_sum(x), y, disconnected_inputs="warn")
    assert any(issubclass(w.category, UserWarning) for w in caught)
    assert aesara.grad(at_sum(x), [x, y], disconnected_inputs="ignore", return_disconnected="None")[1] is None


def test_verify_grad_accepts_a_right_gradient_and_rejects_a_wrong_one():
    rng = np.random.RandomState(42)
    aesara.gradient.verify_grad(lambda a, b: tanh(dot(a, b)), [rng.rand(2, 3), rng.rand(3)], rng=rng)

    class WrongGrad(Op):
        __props__ = ()

        def make_node(self, x):
            x = at.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = np.sin(inputs[0])

        def grad(self, inputs, output_grads):
            return [output_grads[0] * at.sin(inputs[0])]

    with pytest.raises(aesara.gradient.GradientError):
        aesara.gradient.verify_grad(WrongGrad(), [rng.rand(4)], rng=rng)


# --- aesara.function and aesara.shared ("Using shared variables") -----------------------------------------------------

def test_shared_accumulator_and_givens_from_the_tutorial():
    state = aesara.shared(0)
    inc = at.iscalar("inc")
    accumulator = aesara.function([inc], state, updates=[(state, state + inc)])
    assert state.dtype == "int64"
    assert accumulator(1) == 0 and state.get_value() == 1
    assert accumulator(300) == 1 and state.get_value() == 301
    state.set_value(-1)
    assert accumulator(3) == -1 and state.get_value() == 2
    decrementor = aesara.function([inc], state, updates=[(state, state - inc)])
    assert decrementor(2) == 2 and state.get_value() == 0

    fn_of_state = state * 2 + inc
    foo = at.scalar(dtype=state.dtype)
    skip_shared = aesara.function([inc, foo], fn_of_state, givens=[(state, foo)])
    assert skip_shared(1, 3) == 7
    assert state.get_value() == 0


def test_function_inputs_by_name_lists_of_outputs_and_givens_with_expressions():
    x, y = at.dscalar("x"), at.dscalar("y")
    f = aesara.function([x, y], [x + y, x * y], name="pair")
    np.testing.assert_array_equal(f(y=3.0, x=2.0), [5.0, 6.0])
    np.testing.assert_array_equal(f(2.0, y=4.0), [6.0, 8.0])
    with pytest.raises(TypeError):
        f(2.0, z=1.0)
    v = at.dvector("v")
    g = aesara.function([v], at_sum(x * v), givens={x: at_sum(v)})
    assert g([1.0, 2.0]) == 9.0


def test_shared_values_are_copies_unless_borrowed_and_can_change_shape():
    base = np.array([1.0, 2.0, 3.0])
    s = aesara.shared(base, name="s")
    base[0] = 100.0
    np.testing.assert_array_equal(s.get_value(), [1.0, 2.0, 3.0])
    got = s.get_value(borrow=True)
    got_copy = s.get_value()
    got_copy[1] = -5.0
    np.testing.assert_array_equal(s.get_value(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(got, [1.0, 2.0, 3.0])
    double = aesara.function([], s * 2)
    s.set_value(np.array([4.0, 5.0]), borrow=True)
    np.testing.assert_array_equal(double(), [8.0, 10.0])
    b = aesara.shared(np.zeros((2, 2)), borrow=True)
    assert b.type == at.TensorType("float64", shape=(None, None)) and b.name is None


# --- aesara.graph ---------------------------------------------------------------------------------------------------

def test_graph_basic_variables_applies_constants_and_graph_inputs_of_a_gradient():
    x, y = at.dvector("x"), at.dvector("y")
    w = aesara.shared(np.array([0.5, -1.0]), name="w")
    out = at_sum(x ** 2 * y) + at_sum(w * x)
    node = (x * y).owner
    assert isinstance(node, Apply) and node.inputs == [x, y] and node.nin == 2 and node.nout == 1
    assert node.out.owner.op == node.op
    assert isinstance(x, Variable) and not isinstance(x, Constant) and not isinstance(w, Constant)
    assert isinstance(at.constant(2.0), Constant)
    made = Constant(at.TensorType("float64", shape=(None,)), [1, 2], name="c")
    assert isinstance(made, Constant) and made.name == "c" and made.dtype == "float64"
    np.testing.assert_array_equal(aesara.function([], made * 2)(), [2.0, 4.0])

    g = aesara.grad(out, x)
    inputs = [v for v in graph_inputs([g]) if not isinstance(v, Constant)]
    assert set(inputs) == {x, y, w}
    # As in Aesara, a gradient starts from ``fill(cost, 1)``, so it depends on every input of the cost.
    gy = aesara.grad(out, y)
    assert {v for v in graph_inputs([gy]) if not isinstance(v, Constant)} == {x, y, w}
    assert all(v.owner is None for v in graph_inputs([g]))
    order = ancestors([out])
    assert order[0] is out and x in order and y in order and w in order
    assert set(v for v in order if v.owner is None) == set(graph_inputs([out]))
    assert g.owner is not None and isinstance(g.owner, Apply)
    # graph_inputs is what a compiled function needs: leaving y out fails.
    with pytest.raises(aesara.compile.MissingInputError):
        aesara.function([x], g)
    xv, yv = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    np.testing.assert_allclose(aesara.function([x, y], g)(xv, yv), 2 * xv * yv + w.get_value())


class DoubleOp1(Op):
    """The "Creating a new Op" tutorial's op: ``2 * x`` with its gradient and R-op."""

    __props__ = ()

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        z = output_storage[0]
        z[0] = x * 2

    def infer_shape(self, fgraph, node, i0_shapes):
        return i0_shapes

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return eval_points
        return self.grad(inputs, eval_points)


def test_a_python_op_as_in_creating_a_new_op():
    doubleOp1 = DoubleOp1()
    x = at.dmatrix("x")
    f = aesara.function([x], doubleOp1(x))
    inp = np.random.RandomState(0).random_sample((5, 4))
    np.testing.assert_allclose(f(inp), inp * 2)
    assert aesara.graph.op.Op is Op and doubleOp1 == DoubleOp1()

    cost = at_sum(tanh(doubleOp1(x)) * x)
    g = aesara.function([x], aesara.grad(cost, x))(inp)
    np.testing.assert_allclose(g, 2 * inp * (1 - np.tanh(2 * inp) ** 2) + np.tanh(2 * inp), rtol=1e-13)
    v = at.dmatrix("v")
    jv = aesara.function([x, v], aesara.Rop(tanh(doubleOp1(x)), x, v))(inp, np.ones((5, 4)))
    np.testing.assert_allclose(jv, 2 * (1 - np.tanh(2 * inp) ** 2), rtol=1e-13)
    aesara.gradient.verify_grad(doubleOp1, [inp], rng=np.random.RandomState(1))


class DoubleOpTyped(Op):
    """The tutorial's shortest op: ``itypes``/``otypes`` instead of ``make_node``."""

    __props__ = ()
    itypes = [at.dmatrix]
    otypes = [at.dmatrix]

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] * 2

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]


class SumRowsOp(Op):
    """``itypes``/``otypes`` given as TensorType objects, with different input and output ranks."""

    itypes = [at.TensorType("float64", shape=(None, None))]
    otypes = [at.TensorType("float64", shape=(None,))]

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0].sum(axis=1)

    def grad(self, inputs, output_grads):
        return [at.ones_like(inputs[0]) * output_grads[0].dimshuffle(0, "x")]


def test_a_python_op_declared_with_itypes_and_otypes():
    x = at.dmatrix("x")
    out = DoubleOpTyped()(x)
    assert out.type == x.type
    inp = np.arange(6.0).reshape(2, 3)
    f = aesara.function([x], [out, aesara.grad(at_sum(out ** 2), x)])
    value, gradient = f(inp)
    np.testing.assert_array_equal(value, 2 * inp)
    np.testing.assert_array_equal(gradient, 8 * inp)
    with pytest.raises(TypeError):
        DoubleOpTyped()(at.dvector("v"))
    with pytest.raises(ValueError):
        DoubleOpTyped()(x, x)
    with pytest.raises(TypeError):
        DoubleOpTyped()(at.fmatrix("f"))
    rows = SumRowsOp()(x)
    assert rows.type == at.TensorType("float64", shape=(None,))
    value, gradient = aesara.function([x], [rows, aesara.grad(at_sum(rows * [1.0, 3.0]), x)])(inp)
    np.testing.assert_array_equal(value, inp.sum(axis=1))
    np.testing.assert_array_equal(gradient, [[1.0] * 3, [3.0] * 3])

    class Untyped(Op):
        pass

    with pytest.raises(NotImplementedError):
        Untyped()(x)


# --- aesara.printing and aesara.config -------------------------------------------------------------------------------

def test_debugprint_to_a_string_names_the_nodes():
    x, y = at.dvector("x"), at.dvector("y")
    out = tanh(x * y) + x
    out.name = "out"
    text = aesara.printing.debugprint(out, file="str")
    lines = text.splitlines()
    assert lines[0].startswith("Elemwise{add}") and "[id A]" in lines[0] and "'out'" in lines[0]
    assert any("Elemwise{tanh}" in line for line in lines)
    assert any(line.strip(" |").startswith("x [id") for line in lines)
    assert any(line.strip(" |").startswith("y [id") for line in lines)
    # x is printed once with its id and then referred to by the same id.
    x_ids = {line.strip(" |") for line in lines if line.strip(" |").startswith("x [id")}
    assert len(x_ids) == 1
    assert aesara.debugprint is aesara.printing.debugprint
    f = aesara.function([x, y], out)
    assert "Elemwise{tanh}" in aesara.printing.debugprint(f, file="str")


def test_floatx_round_trip():
    old = aesara.config.floatX
    try:
        aesara.config.floatX = "float32"
        x = at.vector("x")
        m = at.matrix("m")
        assert x.dtype == "float32" and m.dtype == "float32"
        out = tanh(x * 0.5) + 1.5
        assert out.dtype == "float32"
        f = aesara.function([x], [out, aesara.grad(at_sum(out), x)])
        value, gradient = f(np.array([0.2, -1.0], dtype="float32"))
        assert value.dtype == np.float32 and gradient.dtype == np.float32
        np.testing.assert_allclose(value, np.tanh(np.float32([0.1, -0.5])) + 1.5, rtol=1e-6)
        np.testing.assert_allclose(gradient, 0.5 * (1 - np.tanh(np.float32([0.1, -0.5])) ** 2), rtol=1e-6)
    finally:
        aesara.config.floatX = old
    assert aesara.config.floatX == old
    assert at.vector("x").dtype == old
