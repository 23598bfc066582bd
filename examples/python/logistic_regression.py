"""Logistic regression trained by gradient descent, with gradients from ``grad``.

Run with the project's venv: ``.venv/bin/python examples/python/logistic_regression.py``. Run as a script, it
also draws the compiled gradient graph with ``pydotprint`` into ``out/demo/gradient_graph.png`` (needs Graphviz).
"""

from pathlib import Path

import numpy as np

import sharpgrad as aesara
import sharpgrad.tensor as at


def logistic_loss():
    """The mean logistic loss with labels s in {-1, +1}, and its inputs."""
    X = at.dmatrix("X")
    s = at.dvector("s")
    w = at.dvector("w")
    b = at.dscalar("b")
    loss = at.log(1.0 + at.exp(-s * (at.dot(X, w) + b))).sum() / at.sum(at.ones_like(s))
    loss.name = "loss"
    return loss, [X, s, w, b]


PICTURE = Path(__file__).resolve().parents[2] / "out" / "demo" / "gradient_graph.png"


def main(steps=200, rate=8.0, picture=None):
    """Train for ``steps`` steps and return the losses; with ``picture``, first draw the step function's graph there."""
    rng = np.random.default_rng(0)
    X_data = rng.normal(size=(200, 3))
    s_data = np.where(X_data @ np.array([2.0, -3.0, 1.5]) + 0.5 > 0, 1.0, -1.0)

    loss, (X, s, w, b) = logistic_loss()
    g_w, g_b = aesara.grad(loss, [w, b])
    step = aesara.function([X, s, w, b], [loss, g_w, g_b])
    if picture is not None:
        Path(picture).parent.mkdir(parents=True, exist_ok=True)
        try:
            aesara.printing.pydotprint(step, outfile=str(picture), format="png")
        except RuntimeError as error:
            print(f"gradient graph picture skipped: {error}")

    w_value, b_value = np.zeros(3), 0.0
    losses = []
    for i in range(steps + 1):
        value, dw, db = step(X_data, s_data, w_value, b_value)
        losses.append(float(value))
        if i % 20 == 0:
            print(f"Python step {i:3d}: loss {value:.6f}")
        w_value = w_value - rate * dw
        b_value = b_value - rate * db
    return losses


if __name__ == "__main__":
    main(picture=PICTURE)
