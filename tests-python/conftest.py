"""Shared helpers: central finite differences against compiled values."""

import numpy as np
import pytest

import sharpgrad as aesara


def central_grad(f, values, index, eps=1e-6):
    """Central-difference gradient of the scalar function ``f(*values)`` with respect to ``values[index]``."""
    x = np.array(values[index], dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += eps
        minus[i] -= eps
        args_p = list(values)
        args_m = list(values)
        args_p[index], args_m[index] = plus, minus
        g[i] = (float(f(*args_p)) - float(f(*args_m))) / (2 * eps)
    return g


@pytest.fixture
def check_grad():
    """Compare ``grad`` of a scalar graph with central differences, for every input."""

    def check(build, inputs, values, rtol=1e-6, atol=1e-7):
        cost = build(*inputs)
        f = aesara.function(list(inputs), cost)
        grads = aesara.grad(cost, list(inputs))
        g = aesara.function(list(inputs), grads)(*values)
        for i, value in enumerate(values):
            expected = central_grad(f, values, i)
            assert g[i].shape == np.shape(value)
            np.testing.assert_allclose(g[i], expected, rtol=rtol, atol=atol, err_msg=f"gradient of input {i}")
        return g

    return check
