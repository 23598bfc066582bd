"""PyTorch eager autograd from Python, an optional peer of the .NET cases (part of ``make bench``).

Runs only when ``import torch`` works (Debian's ``python3-torch``; never installed by the benchmark). The cases are
the .NET program's (a)–(f), same sizes, same formulas, timed the same way: rounds of samples that each last about
25 ms, median with min–max. ``python_overhead.py`` runs it in a process of its own, because that one has already
loaded the libtorch TorchSharp ships, and two libtorch builds do not share a process.

Usage: ``python bench/torch_peer.py [--smoke] [--results results.json]`` — prints one JSON object
``{"figures": ..., "markdown": ...}``.
"""

import argparse
import json
import statistics
import time
from pathlib import Path

ROUNDS, SAMPLE_S = 21, 0.025
SMOKE_ROUNDS, SMOKE_SAMPLE_S = 2, 0.0005


def sizes(smoke):
    """The .NET program's sizes: (layers, width, batch) for the MLPs, n for (c) and (d), ops for (f)."""
    if smoke:
        return {"a": (2, 16, 8), "b": (6, 8, 8), "c": 12, "d": 10, "e": (2, 16, 8), "f": 300}
    return {"a": (10, 256, 64), "b": (100, 32, 64), "c": 200, "d": 100, "e": (10, 256, 64), "f": 10_000}


def timed(call, rounds, sample_s):
    """Milliseconds per call: median, min and max over ``rounds`` samples (after a warm-up call)."""
    call()
    start = time.perf_counter()
    call()
    once = max(time.perf_counter() - start, 1e-7)
    calls = max(1, min(1_000_000, round(sample_s / once)))
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        samples.append((time.perf_counter() - start) / calls * 1e3)
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "samples": rounds,
            "calls_per_sample": calls}


def make_cases(torch, smoke, dtype):
    """Yields (id, call) for every case in ``dtype``."""
    size = sizes(smoke)
    generator = torch.Generator().manual_seed(7)

    def randn(*shape):
        return torch.randn(*shape, dtype=dtype, generator=generator)

    def mlp(layers, width, batch):
        x = randn(batch, width)
        parameters = []
        for _ in range(layers):
            parameters.append((randn(width, width) / width ** 0.5).requires_grad_())
            parameters.append((randn(width) * 0.1).requires_grad_())
        return x, parameters

    def forward(x, parameters):
        h = x
        for i in range(0, len(parameters), 2):
            h = torch.tanh(h @ parameters[i] + parameters[i + 1])
        return h

    def mlp_grad(layers, width, batch):
        x, parameters = mlp(layers, width, batch)

        def call():
            h = forward(x, parameters)
            cost = (h * h).sum()
            return (cost.detach(), *torch.autograd.grad(cost, parameters))
        return call

    def jacobian(n):
        a, x = randn(n, n) / n ** 0.5, randn(n)

        def call():
            xg = x.detach().requires_grad_()
            y = torch.tanh(a @ xg)
            eye = torch.eye(n, dtype=dtype)
            return torch.stack([torch.autograd.grad(y, xg, eye[i], retain_graph=True)[0] for i in range(n)])
        return call

    def hessian(n):
        a, x = randn(n, n) / n ** 0.5, randn(n)

        def call():
            xg = x.detach().requires_grad_()
            cost = torch.tanh(a @ xg).sum() + (xg ** 4).sum() / 4
            g = torch.autograd.grad(cost, xg, create_graph=True)[0]
            eye = torch.eye(n, dtype=dtype)
            return torch.stack([torch.autograd.grad(g, xg, eye[i], retain_graph=True)[0] for i in range(n)])
        return call

    def rop(layers, width, batch):
        x, parameters = mlp(layers, width, batch)
        tangents = [randn(*p.shape) for p in parameters]

        def call():
            h = forward(x, parameters)
            u = torch.zeros_like(h, requires_grad=True)
            vjp = torch.autograd.grad(h, parameters, u, create_graph=True)
            return torch.autograd.grad(vjp, u, tangents)[0]
        return call

    def chain(ops, gradient):
        x = randn(16).requires_grad_()
        links = (ops + 2) // 3

        def call():
            y = x
            for _ in range(links):
                y = torch.tanh(y) * 0.5 + y
            if not gradient:
                return y
            cost = y.sum()
            return cost.detach(), torch.autograd.grad(cost, x)[0]
        return call, 3 * links

    yield "a", mlp_grad(*size["a"]), None
    yield "b", mlp_grad(*size["b"]), None
    yield "c", jacobian(size["c"]), None
    yield "d", hessian(size["d"]), None
    yield "e", rop(*size["e"]), None
    yield ("f", *chain(size["f"], False))
    yield ("f-grad", *chain(size["f"], True))


def _ms(value):
    return "—" if value is None else f"{value:.3f}"


def run(smoke, dotnet_cases):
    """Returns (figures for results.json, markdown section). ``dotnet_cases`` is results.json's case list (or [])."""
    try:
        import torch
    except ImportError as error:
        note = (f"PyTorch from Python: skipped — `import torch` failed ({error}). Debian's `python3-torch` would add "
                "this peer; the benchmark does not install it.")
        return {"available": False, "note": note}, f"\n## PyTorch eager from Python\n\n{note}\n"
    torch.set_num_threads(1 if smoke else 2)
    rounds, sample_s = (SMOKE_ROUNDS, SMOKE_SAMPLE_S) if smoke else (ROUNDS, SAMPLE_S)
    ours = {(c["id"], c["dtype"]): c for c in dotnet_cases}
    rows, lines = [], [
        "", f"## PyTorch {torch.__version__} eager autograd from Python (same cases, same sizes)", "",
        "| case | dtype | PyTorch from Python ms | TorchSharp eager ms | ours ms | ours / PyTorch |",
        "|---|---|---|---|---|---|",
    ]
    for dtype_name, dtype in (("float64", torch.float64), ("float32", torch.float32)):
        for case_id, call, ops in make_cases(torch, smoke, dtype):
            stats = timed(call, rounds, sample_s)
            row = {"id": case_id, "dtype": dtype_name, "call_ms": stats}
            if ops:
                row["us_per_op"] = 1e3 * stats["median"] / ops
            rows.append(row)
            peer = ours.get((case_id, dtype_name), {}).get("peers", {})
            eager_ms = peer.get("eager", {}).get("call_ms", {}).get("median")
            ours_ms = peer.get("ours", {}).get("call_ms", {}).get("median")
            ratio = f"{ours_ms / stats['median']:.2f}×" if ours_ms else "—"
            lines.append(f"| ({case_id}) | {dtype_name} | {stats['median']:.3f} ({stats['min']:.3f}–{stats['max']:.3f}) | "
                         f"{_ms(eager_ms)} | {_ms(ours_ms)} | "
                         f"{ratio} |")
    lines.append("")
    return {"available": True, "torch": torch.__version__, "cases": rows}, "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, two samples")
    parser.add_argument("--results", help="the .NET program's results.json, for the ratio to ours")
    options = parser.parse_args()
    results = Path(options.results) if options.results else None
    cases = json.loads(results.read_text()).get("cases", []) if results and results.is_file() else []
    figures, markdown = run(options.smoke, cases)
    print(json.dumps({"figures": figures, "markdown": markdown}, ensure_ascii=False))


if __name__ == "__main__":
    main()
