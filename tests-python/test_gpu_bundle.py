"""``make gpu-bundle``: the folder carried to a GPU machine, and the check program it runs there.

Here there is no GPU, so the bundle's own runtime and program run CPU against CPU (``--device cpu``), on the libtorch
of this build (``TORCH_LIB=out/bin``): the same files and the same code paths as on the GPU, where libtorch comes
from PyTorch's ``torch/lib``.
"""

import os
import re
import subprocess
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / "out" / "bin" / "Gradient.GpuCheck.dll"
LIMIT = 60 * 1024 * 1024


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "gpu-bundle"
    done = subprocess.run(["bash", str(ROOT / "tools" / "gpu_bundle.sh"), str(out)], capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr
    return out


def test_the_bundle_holds_the_runtime_the_engine_and_run_sh_within_60_mb_and_no_libtorch(bundle):
    size = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file())
    assert size <= LIMIT, f"{size / 2**20:.1f} MB"
    run = bundle / "run.sh"
    assert run.is_file() and os.access(run, os.X_OK)
    app = sorted(f.name for f in (bundle / "app").iterdir())
    assert {"Gradient.GpuCheck.dll", "Gradient.dll", "Gradient.Kernels.dll", "TorchSharp.dll",
            "libLibTorchSharp.so"} <= set(app)
    assert not [name for name in app if name.startswith(("libtorch", "libc10", "libgomp")) or name.endswith(".deps.json")]
    with tarfile.open(bundle / "dotnet-runtime.tar.xz") as tar:
        names = tar.getnames()
    assert "dotnet" in names
    assert any(n.startswith("host/fxr/") for n in names)
    assert any(re.match(r"shared/Microsoft\.NETCore\.App/\d+\.\d+\.\d+/System\.Private\.CoreLib\.dll$", n) for n in names)


def test_the_bundled_check_runs_here_cpu_against_cpu_with_nothing_failed(bundle):
    done = subprocess.run(["bash", str(bundle / "run.sh"), "--device", "cpu", "--runs", "1"], capture_output=True,
                          text=True, timeout=900, env={**os.environ, "TORCH_LIB": str(ROOT / "out" / "bin")})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    lines = done.stdout.strip().splitlines()
    match = re.fullmatch(r"(\d+) comparisons, 0 failed", lines[-1])
    assert match, lines[-1]
    assert int(match.group(1)) > 1000  # the benchmark cases and every op table case in every mode
    assert "FAIL" not in done.stdout
    classes = next(line for line in lines if "op classes run:" in line)
    ran, total = map(int, re.search(r"op classes run: (\d+) of (\d+)", classes).groups())
    assert ran == total and total > 50, classes
    rows = [line for line in lines if line.startswith("| ") and "speed-up" not in line]
    assert len(rows) == 6 and all(re.search(r"\| [0-9.]+ \| [0-9.]+ \| [0-9.]+× \|$", r) for r in rows), rows
    assert any("jacobian of tanh(A x), 200 inputs" in r for r in rows)
    assert any("hessian of a scalar cost, 100 inputs" in r for r in rows)
    assert any("Rop of the output" in r for r in rows)


def test_run_sh_without_pytorch_says_what_to_set(bundle):
    env = {k: v for k, v in os.environ.items() if k != "TORCH_LIB"}
    env["PATH"] = "/usr/bin:/bin"  # Debian's python3, which has no torch here
    if subprocess.run(["python3", "-c", "import torch"], env=env, capture_output=True).returncode == 0:
        pytest.skip("python3 has PyTorch on this machine")
    done = subprocess.run(["bash", str(bundle / "run.sh")], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 2
    assert "run.sh: no PyTorch for python3 (import torch failed): set TORCH_LIB" in done.stderr


def test_the_check_for_a_missing_gpu_ends_with_a_failed_line_not_a_crash():
    done = subprocess.run(["dotnet", str(CHECK), "--device", "cuda"], capture_output=True, text=True, timeout=300)
    if "torch.cuda.is_available() is true" in done.stdout:
        pytest.skip("this machine has CUDA")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "0 comparisons, 1 failed"
    assert lines[-2].startswith("--device: 'cuda:0' was asked for, but CUDA is not available")
