"""Python call overhead of a compiled function (part of ``make bench``; a measurement, not a test).

Times ``f(x)`` for ``f = function([x], x * 2)`` on a small float64 vector from Python, then, in the same process
through pythonnet, the same compiled function called from C# and the raw libtorch kernel it runs. Then, when
``import torch`` works, PyTorch eager autograd from Python as one more peer of the .NET cases (``torch_peer.py``).
Appends its sections to ``results.md``, merges its figures into ``results.json`` (keys ``python_overhead`` and
``python_torch``) and writes ``python-overhead.json``, all in the output folder.

Usage: ``python bench/python_overhead.py [--smoke] [--out DIR]``
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad._bridge import bin_dir


def per_call_us(fn, arg, calls, runs):
    """Median over ``runs`` of the time per call of ``calls`` calls, in microseconds (after one warm-up run)."""
    times = []
    for run in range(runs + 1):
        start = time.perf_counter()
        for _ in range(calls):
            fn(arg)
        if run:
            times.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(times), min(times)


def torch_peer(smoke, results_json):
    """PyTorch eager from Python (``torch_peer.py``) in a process of its own: (figures, markdown section)."""
    command = [sys.executable, str(Path(__file__).resolve().parent / "torch_peer.py"), "--results", str(results_json)]
    done = subprocess.run(command + (["--smoke"] if smoke else []), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        note = f"PyTorch from Python: the peer process failed (exit {done.returncode}): {done.stderr.strip()[-500:]}"
        return {"available": False, "note": note}, f"\n## PyTorch eager from Python\n\n{note}\n"
    answer = json.loads(done.stdout)
    return answer["figures"], answer["markdown"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="a few thousand calls only")
    parser.add_argument("--out", default="bench", help="folder holding results.md")
    options = parser.parse_args()
    calls, runs, length = (2_000, 3, 8) if options.smoke else (100_000, 7, 8)

    import clr  # noqa: E402  (pythonnet, started by sharpgrad)
    clr.AddReference(str(bin_dir() / "Gradient.Bench.dll"))
    from Gradient.Bench import CallOverhead

    x = at.dvector("x")
    f = aesara.function([x], x * 2)
    value = np.arange(length, dtype=np.float64)
    np.testing.assert_array_equal(f(value), value * 2)
    python_median, python_min = per_call_us(f, value, calls, runs)
    csharp, raw = (float(v) for v in CallOverhead.Measure(f._compiled.Function, length, calls, runs))

    figures = {
        "calls_per_run": calls, "runs": runs, "vector_length": length,
        "python_call_us": python_median, "python_call_min_us": python_min,
        "csharp_call_us": csharp, "raw_kernel_us": raw,
        "python_overhead_above_kernels_us": python_median - raw,
        "python_minus_csharp_us": python_median - csharp,
    }
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "python-overhead.json").write_text(json.dumps(figures, indent=2) + "\n")
    section = "\n".join([
        "",
        f"## Python call overhead: `f(x)` with `f = function([x], x * 2)`, x float64 of {length}",
        "",
        "| Python call | same function from C# | raw libtorch kernel (`x.mul(2)`) | Python − kernel | Python − C# |",
        "|---|---|---|---|---|",
        f"| {python_median:.2f} µs | {csharp:.2f} µs | {raw:.2f} µs | {python_median - raw:.2f} µs | "
        f"{python_median - csharp:.2f} µs |",
        "",
        f"Medians of {runs} runs of {calls:,} calls in one process (Python loop first, then the .NET loops through "
        f"pythonnet); fastest Python run {python_min:.2f} µs per call.",
        "",
    ])
    results_json = out / "results.json"
    results = json.loads(results_json.read_text()) if results_json.is_file() else {}
    torch_figures, torch_section = torch_peer(options.smoke, results_json)
    print(torch_figures.get("note", f"PyTorch from Python: {len(torch_figures.get('cases', []))} cases measured"))
    results["python_overhead"] = figures
    results["python_torch"] = torch_figures
    results_json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    with open(out / "results.md", "a", encoding="utf-8") as report:
        report.write(section)
        report.write(torch_section)
    print(section)


if __name__ == "__main__":
    main()
