"""Memory of the gradient of a deep tanh MLP, with and without checkpointing (the figures of docs/checkpointing.md).

Each configuration runs in its own process. For each it reports the peak bytes of the tensors the compiled
gradient function holds during one call (``MemoryProbe``: exact, allocator-independent), the rise of the process's
peak resident set (VmHWM after ``clear_refs``: what the OS saw, allocator caching included) and the time per call.

    .venv/bin/python examples/python/checkpoint_memory.py [--layers 100] [--batch 512] [--width 128]
"""

import argparse
import json
import subprocess
import sys
import time


def measure(layers, every, batch, width):
    import numpy as np

    import sharpgrad
    import sharpgrad.tensor as at
    from sharpgrad.ad_checkpoint import MemoryProbe

    x = at.dmatrix("x")
    ws = [at.dmatrix(f"w{i}") for i in range(layers)]
    h = x
    for i, w in enumerate(ws):
        h = at.tanh(at.dot(h, w))
        if every and (i + 1) % every == 0:
            h = sharpgrad.checkpoint(h)
    cost = (h ** 2).sum()
    f = sharpgrad.function([x] + ws, [cost] + sharpgrad.grad(cost, [x] + ws))
    rng = np.random.default_rng(0)
    xv = rng.uniform(-1, 1, (batch, width))
    wvs = [rng.uniform(-1, 1, (width, width)) * 1.5 / np.sqrt(width) for _ in range(layers)]
    f(xv, *wvs)  # compiles the segments' inner functions
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # resets VmHWM to the current resident set
    before = _status("VmRSS")
    start = time.perf_counter()
    with MemoryProbe() as probe:
        results = f(xv, *wvs)
    seconds = time.perf_counter() - start
    rise = _status("VmHWM") - before
    times = []
    for _ in range(3):
        start = time.perf_counter()
        f(xv, *wvs)
        times.append(time.perf_counter() - start)
    returned = sum(r.nbytes for r in results)
    return {"every": every, "probe_peak": probe.peak_bytes, "probe_buffers": probe.peak_buffers,
            "rss_rise": rise, "returned": returned, "seconds": min(times + [seconds])}


def _status(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=100)
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--every", type=int, nargs="*", default=[0, 5, 10, 20, 50])
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.layers, args.child, args.batch, args.width)))
        return
    activation = args.batch * args.width * 8
    print(f"{args.layers} tanh layers, batch {args.batch}, width {args.width}: one activation is "
          f"{activation / 2**20:.2f} MiB")
    print("| checkpoint every | peak live tensors (probe) | of which returned gradients | peak RSS rise | "
          "time per call |")
    print("|---|---|---|---|---|")
    for every in args.every:
        out = subprocess.run([sys.executable, __file__, "--layers", str(args.layers), "--batch", str(args.batch),
                              "--width", str(args.width), "--child", str(every)],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        label = "no checkpoint" if every == 0 else f"{every} layers"
        print(f"| {label} | {r['probe_peak'] / 2**20:.1f} MiB ({r['probe_buffers']} buffers) | "
              f"{r['returned'] / 2**20:.1f} MiB | {r['rss_rise'] / 2**20:.1f} MiB | {r['seconds'] * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
