"""The Python demo trains: the loss falls below a tenth of its first value."""

import runpy
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "examples" / "python" / "logistic_regression.py"


def test_demo_loss_falls_tenfold():
    losses = runpy.run_path(str(DEMO))["main"](steps=200)
    assert losses[-1] < losses[0] / 10
    assert all(b <= a + 1e-12 for a, b in zip(losses, losses[1:]))
