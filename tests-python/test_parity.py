"""The same graph built in C# (examples/dotnet, parity mode) and in Python gives bit-identical results."""

import json
import subprocess
from pathlib import Path

import numpy as np

import sharpgrad as aesara
import sharpgrad.tensor as at

ROOT = Path(__file__).resolve().parents[1]


def python_logistic(X, s, w, b):
    Xv, sv, wv, bv = at.dmatrix("X"), at.dvector("s"), at.dvector("w"), at.dscalar("b")
    margin = -sv * (at.dot(Xv, wv) + bv)
    loss = at.log(1.0 + at.exp(margin)).sum() / at.sum(at.ones_like(sv))
    g_w, g_b = aesara.grad(loss, [wv, bv])
    return aesara.function([Xv, sv, wv, bv], [loss, g_w, g_b])(X, s, w, b)


def test_csharp_and_python_graphs_agree_bit_for_bit():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(17, 3))
    s = np.where(rng.normal(size=17) > 0, 1.0, -1.0)
    w = rng.normal(size=3)
    b = 0.25
    payload = json.dumps({"X": X.tolist(), "s": s.tolist(), "w": w.tolist(), "b": b})
    done = subprocess.run(["dotnet", str(ROOT / "out" / "bin" / "Gradient.Examples.dll"), "parity"],
                          input=payload, capture_output=True, text=True, timeout=120, check=True)
    csharp = json.loads(done.stdout)
    loss, g_w, g_b = python_logistic(X, s, w, b)
    assert float(loss) == csharp["loss"]
    assert g_w.tolist() == csharp["grad_w"]
    assert float(g_b) == csharp["grad_b"]
    # And both are right: compare with the closed form in numpy.
    z = X @ w + b
    np.testing.assert_allclose(loss, np.mean(np.log1p(np.exp(-s * z))), rtol=1e-13)
    p = 1.0 / (1.0 + np.exp(s * z))
    np.testing.assert_allclose(g_w, X.T @ (-s * p) / len(s), rtol=1e-12)
