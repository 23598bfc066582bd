"""The stabilising rewrites on the sigmoid and softplus forms, through ``import sharpgrad as aesara``.

Aesara's tutorial writes the logistic function by hand, ``1 / (1 + exp(-z))``, and its cross-entropy with ``log`` of it.
At compile time the rewrites turn the function into ``sigmoid(z)``, its logarithms into ``-softplus`` terms, and the
gradient's products of exponentials, sigmoids and their reciprocals into sigmoids with the common factors cancelled,
so that costs and gradients stay finite where ``exp`` overflows or the sigmoid rounds to 0 or 1. Values are compared
with numpy written with the stable formulas (``logaddexp``).
"""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at

EXTREMES = [-800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0]


def softplus(z):
    """``log(1 + exp(z))`` without overflow."""
    return np.logaddexp(0.0, z)


def sigmoid(z):
    """``1 / (1 + exp(-z))`` without overflow."""
    return np.exp(-softplus(-z))


def xent_grad(z, t):
    """d/dz of the binary cross-entropy of sigmoid(z): sigmoid(z) - t, written without cancellation."""
    return (1 - t) * sigmoid(z) - t * sigmoid(-z)


def compiled_ops(fn):
    """The names of the compiled graph's ops, in run order."""
    return [str(node.op) for node in fn.maker.fgraph.toposort()]


def _numpy_steps(data, labels, w, b, steps):
    """The tutorial's training steps in numpy: per step the cost and the cross-entropies, then the new w and b."""
    history = []
    for _ in range(steps):
        z = data @ w + b
        xent = labels * softplus(-z) + (1 - labels) * softplus(z)
        cost = xent.mean() + 0.01 * np.sum(w ** 2)
        gw = data.T @ (sigmoid(z) - labels) / len(labels) + 0.02 * w
        gb = np.mean(sigmoid(z) - labels)
        w, b = w - 0.1 * gw, b - 0.1 * gb
        history.append((cost, xent, w, b))
    return history


def test_the_tutorials_logistic_regression_with_784_features_trains_like_stable_numpy():
    rng = np.random.RandomState(1234)
    N, feats = 400, 784
    data, labels = rng.randn(N, feats), rng.randint(size=N, low=0, high=2)
    x = at.dmatrix("x")
    y = at.dvector("y")
    w = aesara.shared(rng.randn(feats), name="w")
    b = aesara.shared(0.0, name="b")
    # The tutorial's spelling, unchanged.
    p_1 = 1 / (1 + at.exp(-at.dot(x, w) - b))
    xent = -y * at.log(p_1) - (1 - y) * at.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = at.grad(cost, [w, b])
    train = aesara.function([x, y], [cost, xent], updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)))
    ops = compiled_ops(train)
    assert "Elemwise{softplus}" in ops and "Elemwise{sigmoid}" in ops
    assert not {"Elemwise{exp}", "Elemwise{log}"} & set(ops)

    z = data @ w.get_value()
    assert np.abs(z).max() > 40, "the data must saturate the sigmoid, or the test shows nothing"
    expected = _numpy_steps(data, labels, w.get_value(), 0.0, steps=10)
    costs = []
    for cost_np, xent_np, w_np, b_np in expected:
        cost_value, xent_value = train(data, labels)
        assert np.isfinite(cost_value) and np.all(np.isfinite(xent_value))
        np.testing.assert_allclose(cost_value, cost_np, rtol=1e-8)
        np.testing.assert_allclose(xent_value, xent_np, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(w.get_value(), w_np, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(b.get_value(), b_np, rtol=1e-8, atol=1e-12)
        costs.append(float(cost_value))
    assert all(later < earlier for earlier, later in zip(costs, costs[1:])), costs


@pytest.mark.parametrize("dtype, tol", [("float64", 1e-15), ("float32", 1e-6)])
@pytest.mark.parametrize("target", [0.0, 1.0, 0.3])
def test_cross_entropy_of_a_hand_written_logistic_and_its_gradient_are_exact_at_the_extremes(dtype, tol, target):
    z = at.vector("z", dtype=dtype)
    y = at.vector("y", dtype=dtype)
    p = 1 / (1 + at.exp(-z))
    xent = -y * at.log(p) - (1 - y) * at.log(1 - p)
    fn = aesara.function([z, y], [xent, aesara.grad(xent.sum(), z)])
    zs = np.array(EXTREMES, dtype=dtype)
    value, grad = fn(zs, np.full(len(EXTREMES), target, dtype=dtype))
    assert value.dtype == dtype and grad.dtype == dtype
    zd = zs.astype(float)
    np.testing.assert_allclose(value, target * softplus(-zd) + (1 - target) * softplus(zd), rtol=tol, atol=tol)
    np.testing.assert_allclose(grad, xent_grad(zd, target), rtol=tol, atol=tol)


@pytest.mark.parametrize("spelling", [
    lambda z: 1 / (1 + at.exp(-z)),
    lambda z: at.exp(z) / (1 + at.exp(z)),
    lambda z: at.reciprocal(1 + at.exp(-z)),
], ids=["one-over", "exp-over", "reciprocal"])
def test_hand_written_logistic_functions_become_one_sigmoid(spelling):
    z = at.dvector("z")
    fn = aesara.function([z], spelling(z))
    assert compiled_ops(fn) == ["Elemwise{sigmoid}"]
    np.testing.assert_allclose(fn(np.array(EXTREMES)), sigmoid(np.array(EXTREMES)), rtol=1e-15, atol=0)


def test_gradient_of_log1p_exp_is_the_sigmoid_at_800():
    z = at.dvector("z")
    cost = at.log1p(at.exp(z)).sum()
    fn = aesara.function([z], [cost, aesara.grad(cost, z)])
    assert compiled_ops(fn) == ["Elemwise{softplus}", "Sum", "Elemwise{sigmoid}"]
    value, grad = fn(np.array(EXTREMES))
    zs = np.array(EXTREMES)
    np.testing.assert_allclose(value, softplus(zs).sum(), rtol=1e-15)
    np.testing.assert_allclose(grad, sigmoid(zs), rtol=1e-15, atol=0)


def test_binary_crossentropy_of_sigmoid_outputs_is_finite_with_its_gradient():
    z = at.dvector("z")
    t = at.dvector("t")
    loss = at.nnet.binary_crossentropy(at.nnet.sigmoid(z), t)
    fn = aesara.function([z, t], [loss, aesara.grad(loss.sum(), z), aesara.grad(loss.sum(), t)])
    zs = np.array(EXTREMES)
    for target in (0.0, 1.0, 0.25):
        ts = np.full(len(EXTREMES), target)
        value, gz, gt = fn(zs, ts)
        np.testing.assert_allclose(value, target * softplus(-zs) + (1 - target) * softplus(zs), rtol=1e-15, atol=0)
        np.testing.assert_allclose(gz, xent_grad(zs, target), rtol=1e-15, atol=0)
        np.testing.assert_allclose(gt, -zs, rtol=1e-15, atol=0)


def test_binary_crossentropy_of_given_probabilities_computes_aesaras_formula():
    # With the probabilities as data there is nothing to rewrite: Aesara's definition, -(t log(o) + (1 - t) log(1 - o)),
    # is computed as written, infinities and NaNs included where an output is exactly 0 or 1.
    o = at.dvector("o")
    t = at.dvector("t")
    fn = aesara.function([o, t], at.nnet.binary_crossentropy(o, t))
    outputs = np.array([1e-300, 0.25, 0.5, 1 - 1e-16, 0.0, 1.0, 1.0])
    targets = np.array([1.0, 0.0, 0.5, 1.0, 0.0, 1.0, 0.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = -(targets * np.log(outputs) + (1.0 - targets) * np.log(1.0 - outputs))
    np.testing.assert_allclose(fn(outputs, targets), expected, rtol=1e-15, atol=0, equal_nan=True)


def test_sigmoid_gradient_keeps_its_tail():
    # d sigmoid(z) = sigmoid(z) (1 - sigmoid(z)); 1 - sigmoid(40) is 0 in doubles, sigmoid(-40) is 4.2e-18.
    z = at.dvector("z")
    fn = aesara.function([z], aesara.grad(at.nnet.sigmoid(z).sum(), z))
    zs = np.array(EXTREMES)
    np.testing.assert_allclose(fn(zs), sigmoid(zs) * sigmoid(-zs), rtol=1e-14, atol=0)
