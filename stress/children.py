"""Runs numbered cases in child processes and notices when one dies or hangs.

A child runs cases ``--from A --to B`` and prints ``BEGIN i`` before case i and ``END i {json}`` after it, flushed.
The parent reads the lines as they come: a child that exits (segfault, abort, .NET FailFast, ``os._exit``) before
printing ``END i`` died on case i; a case that prints nothing for ``timeout`` seconds hangs, and its child is killed.
Either way the parent records the case and starts a new child at the next case.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import threading
import time


def _reader(stream, lines):
    for line in iter(stream.readline, ""):
        lines.put(line)
    lines.put(None)


def run_cases(command, total, *, stride=1, batch=400, timeout=60.0, startup=120.0, env=None, cwd=None,
              progress=None):
    """Run cases 0, stride, 2·stride, ... below ``total`` of ``command`` (a list; ``--from A --to B --stride S`` is
    appended) in child processes, ``batch`` cases per child.

    Returns ``(results, deaths, hangs)``: ``results[i]`` is the child's JSON verdict for case i; ``deaths`` and
    ``hangs`` list ``{"case": i, "detail": ...}`` for the cases that killed or stalled their child.
    """
    results, deaths, hangs = {}, [], []
    start = 0
    while start < total:
        stop = min(total, start + batch * stride)
        child = subprocess.Popen(command + ["--from", str(start), "--to", str(stop), "--stride", str(stride)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd,
                                 start_new_session=True)
        lines = queue.Queue()
        threading.Thread(target=_reader, args=(child.stdout, lines), daemon=True).start()
        errors = []
        threading.Thread(target=lambda: errors.extend(child.stderr), daemon=True).start()
        current, next_start, limit = None, stop, startup
        while True:
            try:
                line = lines.get(timeout=limit)
            except queue.Empty:
                case = current if current is not None else start
                hangs.append({"case": case, "detail": f"no answer within {limit:.0f} s"})
                _kill(child)
                next_start = case + stride
                break
            if line is None:
                code = child.wait()
                if current is not None:
                    tail = "".join(errors[-20:])[-2000:]
                    deaths.append({"case": current, "detail": f"exit status {_status(code)}", "stderr": tail})
                    next_start = current + stride
                elif code != 0 and not results.keys() & set(range(start, stop)):
                    deaths.append({"case": start, "detail": f"child failed to start: exit status {_status(code)}",
                                   "stderr": "".join(errors)[-2000:]})
                    next_start = start + stride
                else:
                    next_start = stop
                break
            limit = timeout
            if line.startswith("BEGIN "):
                current = int(line.split()[1])
            elif line.startswith("END "):
                _, index, payload = line.split(" ", 2)
                results[int(index)] = json.loads(payload)
                current = None
                if progress:
                    progress(len(results), total)
        start = next_start
    return results, deaths, hangs


def _kill(child):
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()


def _status(code):
    if code < 0:
        try:
            return f"{code} ({signal.Signals(-code).name})"
        except ValueError:
            return str(code)
    return str(code)


def timed(fn, *args, **kwargs):
    """``(result, seconds)`` of a call."""
    t0 = time.monotonic()
    result = fn(*args, **kwargs)
    return result, time.monotonic() - t0
