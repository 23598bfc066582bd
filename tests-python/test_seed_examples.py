"""The examples of Aesara's gradient documentation run verbatim after ``import sharpgrad as aesara``."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent / "seed_examples"


def run(name):
    done = subprocess.run([sys.executable, str(EXAMPLES / name)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_grad_clip_prints_what_aesara_prints():
    assert run("grad_clip.py").strip() == "[array(1.), array(4.)]"


def test_grad_scale_prints_what_aesara_prints():
    first, second = run("grad_scale.py").split()
    assert first.startswith("-0.416") and second.startswith("0.416")


def test_subgraph_grad_mlp_runs():
    assert run("subgraph_grad.py").strip() == "2 [2, 2]"


@pytest.mark.parametrize("name", ["verify_grad.py"])
def test_verify_grad_of_tanh_passes(name):
    assert run(name).strip() == "ok"
