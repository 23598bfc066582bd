"""The Python half of the memory, thread and shutdown checks; each mode prints one line ``RESULT {json}``.

    python stress/py_stress.py memory [--calls N] [--warmup N] [--cycles N] [--compile-warmup N]
    python stress/py_stress.py threads [--threads N] [--calls N]
    python stress/py_stress.py shutdown SCENARIO        (exits; the parent checks the status)

Memory: the resident set size after a warm-up and at the end of many calls of a compiled MLP gradient, and of many
compile/discard cycles, with the live native tensor count (TorchSharp's ``torch.Tensor.TotalCount`` after .NET's
garbage collector ran the finalizers). Threads: one compiled function called from many Python threads at once must
give the serial results bit for bit, and updating functions must behave as if the calls ran one after the other.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

import numpy as np

import sharpgrad as sg
import sharpgrad.tensor as at
from sharpgrad._bridge import System


def _rss():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def _settled_tensor_count():
    """Live native tensors once Python's and .NET's garbage collectors have freed what they can."""
    import gc

    from TorchSharp import torch

    for _ in range(3):
        gc.collect()
        System.GC.Collect()
        System.GC.WaitForPendingFinalizers()
    return int(torch.Tensor.TotalCount)


def mlp_graph(layers=3):
    """A tanh MLP's cost (mean squared output plus a small weight penalty) and its gradient (as stress/Workloads.cs)."""
    x = at.dmatrix("x")
    params, h = [], x
    for i in range(layers):
        w, b = at.dmatrix(f"w{i}"), at.dvector(f"b{i}")
        params += [w, b]
        h = at.tanh(at.dot(h, w) + b)
    cost = at.mean(h ** 2) + 1e-3 * at.sum(at.exp(params[0] * 0.1))
    return [x] + params, [cost] + sg.grad(cost, params)


def mlp_arguments(seed, layers=3, width=32, batch=16):
    rng = np.random.default_rng(seed)
    args = [rng.standard_normal((batch, width))]
    for _ in range(layers):
        args += [rng.standard_normal((width, width)) / np.sqrt(width), rng.standard_normal(width) * 0.1]
    return args


def memory(calls, warmup, cycles, compile_warmup):
    inputs, outputs = mlp_graph()
    f = sg.function(inputs, outputs)
    args = mlp_arguments(1)
    for _ in range(warmup):
        f(*args)
    reports = []
    tensors, start = _settled_tensor_count(), _rss()
    peak, t0 = start, time.monotonic()
    for i in range(1, calls + 1):
        f(*args)
        if i % max(1, calls // 50) == 0:
            peak = max(peak, _rss())
    seconds, end = time.monotonic() - t0, _rss()
    reports.append(_report("calls", calls, start, end, peak, tensors, _settled_tensor_count(), seconds))

    small_inputs, small_outputs = mlp_graph(layers=2)
    small_args = mlp_arguments(2, layers=2, width=8, batch=4)

    def cycle():
        sg.function(small_inputs, small_outputs)(*small_args)

    for _ in range(compile_warmup):
        cycle()
    tensors, start = _settled_tensor_count(), _rss()
    peak, t0 = start, time.monotonic()
    for i in range(1, cycles + 1):
        cycle()
        if i % max(1, cycles // 50) == 0:
            peak = max(peak, _rss())
    seconds = time.monotonic() - t0
    tensors_end, end = _settled_tensor_count(), _rss()
    reports.append(_report("compile", cycles, start, end, peak, tensors, tensors_end, seconds))
    return reports


def _report(what, count, start, end, peak, tensors, tensors_end, seconds):
    return {"What": what, "Count": count, "rss_start": start, "rss_end": end, "rss_peak": max(peak, end),
            "drift_percent": round(100.0 * (end - start) / start, 2), "tensors_leaked": tensors_end - tensors,
            "seconds": round(seconds, 1)}


def threads(n_threads, calls_per_thread):
    inputs, outputs = mlp_graph()
    f = sg.function(inputs, outputs)
    seeds = [mlp_arguments(100 + s) for s in range(16)]
    expected = [f(*args) for args in seeds]

    counter = sg.shared(np.float64(0.0), name="counter")
    bump = sg.function([], counter * 1.0, updates=[(counter, counter + 1.0)])
    a, b = sg.shared(np.float64(0.0), name="a"), sg.shared(np.float64(0.0), name="b")
    pair = sg.function([], a + b, updates=[(a, a + 1.0), (b, b - 1.0)])
    reader = sg.function([], a + b)

    mismatches, violations, seen, errors = [0], [0], [], []
    lock = threading.Lock()

    def work(thread):
        try:
            for i in range(calls_per_thread):
                s = (thread * calls_per_thread + i) % len(seeds)
                outs = f(*seeds[s])
                bad = any(o.dtype != e.dtype or o.shape != e.shape or not np.array_equal(o, e)
                          for o, e in zip(outs, expected[s]))
                old = float(bump())
                broken = float(pair()) != 0 or float(reader()) != 0
                with lock:
                    mismatches[0] += bad
                    violations[0] += broken
                    seen.append(old)
        except BaseException as exc:  # noqa: BLE001 - reported, not swallowed
            errors.append(repr(exc))

    workers = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
    t0 = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.monotonic() - t0
    total = n_threads * calls_per_thread
    if float(counter.get_value()) != total:
        violations[0] += 1
    violations[0] += total - len(set(seen))
    if float(a.get_value()) != total or float(b.get_value()) != -total:
        violations[0] += 1
    return {"threads": n_threads, "calls": total, "mismatches": mismatches[0], "update_violations": violations[0],
            "errors": errors[:5], "seconds": round(seconds, 1)}


# ---- shutdown: each scenario leaves the interpreter in a different state and returns; the parent checks exit status 0

def _heavy():
    inputs, outputs = mlp_graph()
    f = sg.function(inputs, outputs)
    args = mlp_arguments(3)
    for _ in range(300):
        f(*args)
    return f


def shutdown(scenario):
    if scenario == "plain":
        _heavy()
    elif scenario == "functions-alive":
        # Compiled functions, shared variables and graphs still referenced at exit, from module globals.
        globals()["keep"] = [_heavy(), sg.shared(np.ones(3), name="kept"), at.dmatrix("m") * 2]
    elif scenario == "after-exceptions":
        f = _heavy()
        for bad in [None, "abc", np.ones((2, 2, 2)), [[1.0], [1.0, 2.0]]]:
            try:
                f(bad, *mlp_arguments(3)[1:])
            except (TypeError, ValueError):
                pass
        for build in [lambda: at.exp(None), lambda: sg.grad(at.dvector() * 2, at.dvector()), lambda: at.dot("a", 1)]:
            try:
                build()
            except (TypeError, ValueError):
                pass
        globals()["keep"] = f
    elif scenario == "exception-in-flight":
        # An exception object that holds engine objects is alive at exit.
        try:
            sg.function([at.dvector("x")], at.dvector("y") * 2)
        except Exception as exc:  # noqa: BLE001
            globals()["pending"] = exc
    elif scenario == "threads-running":
        # Daemon threads still calling a compiled function (GIL released inside) when the interpreter exits.
        f, args = _heavy(), mlp_arguments(4)

        def spin():
            while True:
                f(*args)

        for _ in range(4):
            threading.Thread(target=spin, daemon=True).start()
        time.sleep(0.5)
    elif scenario == "threads-joined":
        f, args = _heavy(), mlp_arguments(5)
        workers = [threading.Thread(target=lambda: [f(*args) for _ in range(200)]) for _ in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    elif scenario == "sys-exit":
        _heavy()
        sys.exit(0)
    else:
        raise SystemExit(f"unknown scenario {scenario!r}")
    print("RESULT " + json.dumps({"scenario": scenario, "threads_at_exit": threading.active_count()}), flush=True)


SHUTDOWN_SCENARIOS = ("plain", "functions-alive", "after-exceptions", "exception-in-flight", "threads-running",
                      "threads-joined", "sys-exit")


def _option(argv, name, default):
    return int(argv[argv.index(name) + 1]) if name in argv else default


def main(argv):
    mode = argv[0] if argv else "help"
    if mode == "memory":
        result = memory(_option(argv, "--calls", 100_000), _option(argv, "--warmup", 10_000),
                        _option(argv, "--cycles", 10_000), _option(argv, "--compile-warmup", 1_000))
    elif mode == "threads":
        result = threads(_option(argv, "--threads", 8), _option(argv, "--calls", 500))
    elif mode == "shutdown":
        shutdown(argv[1])
        return 0
    else:
        print(__doc__)
        return 2
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main(sys.argv[1:]))
