"""Where functions run: ``config.device``, ``SHARPGRAD_FLAGS=device=...`` and ``function(..., device=...)``.

Every test runs on each device this machine has (the CPU here; a CUDA GPU too where libtorch sees one), through the
path a GPU takes: arguments borrowed from numpy and moved by the engine, shared values moved once, results read back
into numpy arrays.
"""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad._bridge import api

CUDA = bool(api.CudaAvailable())
DEVICES = ["cpu", "cuda"] if CUDA else ["cpu"]


def _mlp(rng, device=None):
    """A two-layer tanh MLP's training step (loss and updates of every parameter), compiled for ``device``."""
    params = [aesara.shared(rng.uniform(-0.5, 0.5, shape), name=name)
              for name, shape in (("W1", (4, 6)), ("b1", (6,)), ("W2", (6, 3)), ("b2", (3,)))]
    x, y = at.dmatrix("x"), at.dmatrix("y")
    h = at.tanh(at.dot(x, params[0]) + params[1])
    loss = ((at.dot(h, params[2]) + params[3] - y) ** 2).mean()
    grads = aesara.grad(loss, params)
    step = aesara.function([x, y], [loss, *grads], updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)],
                           device=device)
    return step, params


@pytest.mark.parametrize("device", DEVICES)
def test_an_mlp_trained_on_an_explicit_device_matches_the_default(device):
    data = np.random.RandomState(0).randn(10, 4)
    target = np.random.RandomState(1).randn(10, 3)
    default, default_params = _mlp(np.random.RandomState(5))
    explicit, explicit_params = _mlp(np.random.RandomState(5), device=device)
    assert default.device == "cpu"
    assert explicit.device == ("cpu" if device == "cpu" else "cuda:0")
    for _ in range(3):
        expected = default(data, target)
        actual = explicit(data, target)
        assert all(isinstance(a, np.ndarray) for a in actual)
        for a, e in zip(actual, expected):
            if device == "cpu":
                np.testing.assert_array_equal(a, e)  # the same kernels on the same data: the same bits
            else:
                np.testing.assert_allclose(a, e, rtol=1e-10, atol=1e-12)
    for p, q in zip(explicit_params, default_params):
        np.testing.assert_allclose(p.get_value(), q.get_value(), rtol=1e-10, atol=1e-12, err_msg=p.name)


@pytest.mark.parametrize("device", DEVICES)
def test_config_device_is_what_functions_run_on(device):
    x = at.dvector("x")
    with aesara.config.change_flags(device=device):
        assert aesara.config.device == device
        f = aesara.function([x], [at.tanh(x).sum(), aesara.grad(at.tanh(x).sum(), x)])
        g = aesara.function([x], x * 2, device="cpu")  # the per-function option wins
    assert aesara.config.device == "cpu"
    assert f.device == ("cpu" if device == "cpu" else "cuda:0") and g.device == "cpu"
    value, grad = f(np.array([0.5, -1.0]))
    np.testing.assert_allclose(value, np.tanh(0.5) + np.tanh(-1.0), rtol=1e-14)
    np.testing.assert_allclose(grad, 1 - np.tanh([0.5, -1.0]) ** 2, rtol=1e-14)


@pytest.mark.parametrize("device", DEVICES)
def test_arguments_of_every_layout_reach_the_device_and_results_come_back_as_numpy(device):
    m = at.dmatrix("m")
    f = aesara.function([m], [m.T * 2, m.sum(axis=0)], device=device)
    value = np.arange(12.0).reshape(3, 4)
    for arg in (value, np.asfortranarray(value), value[:, ::1].copy()[::1], value.astype("float32"), value.tolist()):
        transposed, sums = f(arg)
        np.testing.assert_array_equal(transposed, value.T * 2)
        np.testing.assert_array_equal(sums, value.sum(axis=0))
        assert transposed.flags.owndata and sums.dtype == np.float64


@pytest.mark.skipif(CUDA, reason="this machine has CUDA")
def test_a_cuda_function_without_cuda_is_a_clear_value_error():
    x = at.dvector("x")
    with pytest.raises(ValueError) as info:
        aesara.function([x], x * 2, device="cuda", name="double")
    message = str(info.value)
    assert message.startswith("function double: device: 'cuda' was asked for, but CUDA is not available: "
                              "TorchSharp's torch.cuda.is_available() is false")
    assert "libtorch_cuda.so" in message and "Use device 'cpu' here." in message


def test_a_bad_device_is_refused_by_function():
    x = at.dvector("x")
    with pytest.raises(ValueError, match=r"function: device: expected 'cpu', 'cuda', 'cuda:N' .*; got 'tpu'$"):
        aesara.function([x], x * 2, device="tpu")
    with pytest.raises(TypeError, match=r"function: device must be a string such as 'cpu' or 'cuda'; got int"):
        aesara.function([x], x * 2, device=0)


@pytest.mark.parametrize("device", DEVICES)
def test_shared_values_stay_readable_and_settable_whatever_device_used_them(device):
    w = aesara.shared(np.array([1.0, 2.0]), name="w")
    x = at.dvector("x")
    f = aesara.function([x], (w * x).sum(), updates=[(w, w * 2)], device=device)
    assert f(np.array([1.0, 1.0])) == 3.0
    np.testing.assert_array_equal(w.get_value(), [2.0, 4.0])
    w.set_value(np.array([0.5, 0.25]))
    assert f(np.array([2.0, 4.0])) == 2.0
    np.testing.assert_array_equal(w.get_value(), [1.0, 0.5])


@pytest.mark.parametrize("device", DEVICES)
def test_random_draws_are_the_same_numbers_on_every_device(device):
    from sharpgrad.tensor.random.utils import RandomStream

    srng = RandomStream(seed=3)
    sample = srng.normal(0.0, 1.0, size=(4,))
    on_device = aesara.function([], sample, device=device)
    on_cpu = aesara.function([], sample, device="cpu")
    srng.seed(11)
    first = on_device()
    srng.seed(11)
    np.testing.assert_array_equal(first, on_cpu())
