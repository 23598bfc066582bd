"""``make stress``: reliability measured and held, in one summary block; exits non-zero when a goal is missed.

    python stress/stress.py [--quick] [--only badinput,memory,threads,graphs,shutdown] [--graphs N] [--out DIR]

Parts and goals:

- bad input: every generated bad input of both languages (``badinput_py.py``, ``stress/BadInputs.cs``), run in child
  processes; goal: at least 1,000 tried, 0 deaths, 0 hangs, 0 generic messages, 0 undocumented exceptions, 0 bad
  inputs silently accepted (``verdict.py`` defines each).
- memory: 100,000 calls of a compiled MLP gradient and 10,000 compile/discard cycles, in C# and in Python; goal: the
  resident set size at the end within ±10 % of the one after the warm-up, and no native tensor left alive.
- threads: one compiled function called from 8 threads at once, in C# and in Python; goal: every call gives the
  serial result bit for bit, and updates of shared variables behave as if the calls ran one after the other.
- random graphs: 10,000 random graphs (``stress/GraphGenerator.cs``) whose grad, Lop and Rop must agree with finite
  differences; goal: 0 failures (each failure is saved as a JSON reproducer under ``DIR/graphs``).
- shutdown: the interpreter exits with status 0 after heavy use, with functions alive, after exceptions and with
  threads running; goal: every scenario exits 0 in time.

``--quick`` runs the smaller version ``make test`` uses (a sample of the bad inputs, fewer calls and graphs).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from children import run_cases  # noqa: E402
from verdict import csharp_verdict  # noqa: E402

PYTHON = sys.executable
DOTNET = os.environ.get("DOTNET", "dotnet")
STRESS_DLL = str(ROOT / "out" / "bin" / "Gradient.Stress.dll")


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "python-package") + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    return env


def _result(command, timeout):
    """Run a child that prints ``RESULT {json}``; returns (json or None, exit status, stderr tail)."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=_env(), cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None, "timeout", ""
    payload = None
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            payload = json.loads(line[len("RESULT "):])
    return payload, done.returncode, done.stderr[-2000:]


# ------------------------------------------------------------------------------------------------------ bad input

def _count(command):
    out = subprocess.run(command + ["--count"], capture_output=True, text=True, env=_env(), cwd=ROOT, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def bad_input(quick):
    stride = 7 if quick else 1
    languages = {
        "Python": ([PYTHON, str(HERE / "badinput_py.py")], None),
        "C#": ([DOTNET, STRESS_DLL, "badinput"], csharp_verdict),
    }
    summary = {"tried": 0, "must_raise": 0, "probes": 0, "deaths": [], "hangs": [], "failures": [], "by_language": {}}
    for language, (command, judge) in languages.items():
        total = _count(command)
        results, deaths, hangs = run_cases(command, total, stride=stride, batch=600, timeout=120, env=_env(),
                                           cwd=ROOT)
        counts = {}
        for index, result in sorted(results.items()):
            verdict = judge(result) if judge else result
            verdict.setdefault("name", result.get("name"))
            status = verdict["status"]
            counts[status] = counts.get(status, 0) + 1
            if status == "skip":
                continue
            summary["tried"] += 1
            summary["must_raise" if result.get("must_raise", True) else "probes"] += 1
            if status not in ("ok", "probe-ok"):
                summary["failures"].append({"language": language, "case": index, "name": verdict.get("name"),
                                            "status": status, "type": verdict.get("type"),
                                            "message": verdict.get("message", "")[:300], "why": verdict.get("why")})
        names = _names(command)
        for kind, items in (("deaths", deaths), ("hangs", hangs)):
            for item in items:
                summary[kind].append({"language": language, "name": names.get(item["case"], "?"), **item})
        summary["tried"] += len(deaths) + len(hangs)
        summary["by_language"][language] = {"cases": total, "run": len(results) + len(deaths) + len(hangs),
                                            "counts": counts}
    ok = (summary["tried"] >= (100 if quick else 1000) and not summary["deaths"] and not summary["hangs"]
          and not summary["failures"])
    return ok, summary


def _names(command):
    out = subprocess.run(command + ["--list"], capture_output=True, text=True, env=_env(), cwd=ROOT)
    names = {}
    for line in out.stdout.splitlines():
        index, _, rest = line.partition(" ")
        if index.isdigit():
            names[int(index)] = rest
    return names


# --------------------------------------------------------------------------------------------- memory and threads

def memory(quick):
    if quick:
        options = ["--calls", "20000", "--warmup", "5000", "--cycles", "1000", "--compile-warmup", "200"]
    else:
        options = ["--calls", "100000", "--warmup", "10000", "--cycles", "10000", "--compile-warmup", "1000"]
    reports, problems = [], []
    for language, command in (("C#", [DOTNET, STRESS_DLL, "memory"]),
                              ("Python", [PYTHON, str(HERE / "py_stress.py"), "memory"])):
        payload, code, err = _result(command + options, timeout=3600)
        if payload is None or code != 0:
            problems.append(f"{language} memory run failed (status {code}): {err[-500:]}")
            continue
        for report in payload:
            reports.append({"language": language, **report})
            if abs(report["drift_percent"]) > 10 or report["tensors_leaked"] > 0:
                problems.append(f"{language} {report['What']}: drift {report['drift_percent']:+.1f} %, "
                                f"{report['tensors_leaked']} tensor(s) left")
    return not problems, {"reports": reports, "problems": problems}


def threads(quick):
    calls = {"C#": 200 if quick else 1000, "Python": 100 if quick else 500}
    reports, problems = [], []
    for language, command in (("C#", [DOTNET, STRESS_DLL, "threads"]),
                              ("Python", [PYTHON, str(HERE / "py_stress.py"), "threads"])):
        payload, code, err = _result(command + ["--threads", "8", "--calls", str(calls[language])], timeout=1800)
        if payload is None or code != 0:
            problems.append(f"{language} thread run failed (status {code}): {err[-500:]}")
            continue
        reports.append({"language": language, **payload})
        if payload["mismatches"] or payload["update_violations"] or payload.get("errors"):
            problems.append(f"{language}: {payload['mismatches']} mismatches, {payload['update_violations']} update "
                            f"violations, errors {payload.get('errors')}")
    return not problems, {"reports": reports, "problems": problems}


# --------------------------------------------------------------------------------------------------- random graphs

def graphs(count, out):
    folder = out / "graphs"
    payload, code, err = _result([DOTNET, STRESS_DLL, "graphs", "--count", str(count), "--seed", "1",
                                  "--failures", str(folder)], timeout=7200)
    if payload is None:
        return False, {"problems": [f"the graph run did not finish (status {code}): {err[-500:]}"]}
    payload["folder"] = str(folder)
    return payload["failed"] == 0 and code == 0, payload


# -------------------------------------------------------------------------------------------------------- shutdown

def shutdown():
    from py_stress import SHUTDOWN_SCENARIOS

    outcomes = []
    for scenario in SHUTDOWN_SCENARIOS:
        t0 = time.monotonic()
        try:
            done = subprocess.run([PYTHON, str(HERE / "py_stress.py"), "shutdown", scenario], capture_output=True,
                                  text=True, timeout=120, env=_env(), cwd=ROOT)
            code, err = done.returncode, done.stderr
        except subprocess.TimeoutExpired:
            code, err = "timeout", ""
        bad_output = any(marker in err for marker in ("Unhandled exception", "Fatal", "Segmentation", "Aborted"))
        outcomes.append({"scenario": scenario, "status": code, "seconds": round(time.monotonic() - t0, 1),
                         "ok": code == 0 and not bad_output, "stderr": err[-500:] if code != 0 or bad_output else ""})
    return all(o["ok"] for o in outcomes), {"scenarios": outcomes}


# --------------------------------------------------------------------------------------------------------- summary

def _mib(n):
    return f"{n / 2 ** 20:.0f} MiB"


def summarize(results):
    lines = ["", "==================== make stress: summary ===================="]
    if "badinput" in results:
        ok, s = results["badinput"]
        langs = ", ".join(f"{k} {v['run']}" for k, v in s["by_language"].items())
        lines.append(f"bad inputs    : {s['tried']} tried ({langs}; {s['must_raise']} must raise, {s['probes']} "
                     f"probes); deaths {len(s['deaths'])}, hangs {len(s['hangs'])}, generic "
                     f"{sum(f['status'] == 'generic' for f in s['failures'])}, undocumented "
                     f"{sum(f['status'] == 'undocumented' for f in s['failures'])}, silently accepted "
                     f"{sum(f['status'] == 'accepted' for f in s['failures'])}   {'OK' if ok else 'FAIL'}")
    if "memory" in results:
        ok, s = results["memory"]
        parts = [f"{r['language']} {r['Count']:,} {'calls' if r['What'] == 'calls' else 'compiles'} "
                 f"{r['drift_percent']:+.1f}% ({_mib(r['rss_start'])} -> {_mib(r['rss_end'])}, peak "
                 f"{_mib(r['rss_peak'])}), {r['tensors_leaked']} tensors left"
                 for r in s["reports"]]
        lines.append("memory        : " + ("; ".join(parts) or "no report") + f"   {'OK' if ok else 'FAIL'}")
    if "threads" in results:
        ok, s = results["threads"]
        parts = [f"{r['language']} {r['threads']} threads x {r['calls'] // r['threads']} calls: {r['mismatches']} "
                 f"mismatches, {r['update_violations']} update violations" for r in s["reports"]]
        lines.append("threads       : " + ("; ".join(parts) or "no report") + f"   {'OK' if ok else 'FAIL'}")
    if "graphs" in results:
        ok, s = results["graphs"]
        if "graphs" in s:
            lines.append(f"random graphs : {s['graphs']:,} checked: {s['passed']:,} passed, {s['failed']} failed, "
                         f"{s['kinks']} on a kink, {s['rejected']} rejected (out of range); {s['distinct_steps']} "
                         f"distinct steps; {s['seconds']} s   {'OK' if ok else 'FAIL'}")
        else:
            lines.append(f"random graphs : {s['problems']}   FAIL")
    if "shutdown" in results:
        ok, s = results["shutdown"]
        good = sum(o["ok"] for o in s["scenarios"])
        lines.append(f"shutdown      : {len(s['scenarios'])} scenarios, {good} exited with status 0 "
                     f"({', '.join(o['scenario'] for o in s['scenarios'])})   {'OK' if ok else 'FAIL'}")
    all_ok = all(ok for ok, _ in results.values())
    lines.append(f"RESULT        : {'all goals met' if all_ok else 'GOALS MISSED'}")
    lines.append("==============================================================")
    return all_ok, "\n".join(lines)


def _details(results):
    """What failed, in a few lines per part (the full report is in report.json)."""
    lines = []
    if "badinput" in results:
        s = results["badinput"][1]
        for item in (s["deaths"] + s["hangs"])[:20]:
            lines.append(f"  {item['language']} case {item['case']} ({item['name']}): {item['detail']}")
        for f in s["failures"][:40]:
            lines.append(f"  {f['language']} case {f['case']} [{f['status']}] {f['name']}: {f['type']}: "
                         f"{(f['message'] or '')[:160]!r} {f.get('why') or ''}")
    for part in ("memory", "threads"):
        if part in results:
            lines += [f"  {part}: {p}" for p in results[part][1]["problems"]]
    if "graphs" in results:
        for f in results["graphs"][1].get("failures", [])[:20]:
            lines.append(f"  graph seed {f['Seed']}: {f['Detail'][:200]} -> {f['Reproducer']}")
    if "shutdown" in results:
        lines += [f"  shutdown {o['scenario']}: status {o['status']} {o['stderr'][-200:]!r}"
                  for o in results["shutdown"][1]["scenarios"] if not o["ok"]]
    return "\n".join(lines)


PARTS = ("badinput", "memory", "threads", "graphs", "shutdown")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the smaller version make test runs")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts to run")
    parser.add_argument("--graphs", type=int, default=None, help="random graphs to check (10000; 500 with --quick)")
    parser.add_argument("--out", default=str(ROOT / "out" / "stress"), help="folder for report.json and reproducers")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    parts = [p for p in args.only.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; expected some of {', '.join(PARTS)}")
    results = {}
    for part in parts:
        t0 = time.monotonic()
        print(f"[stress] {part} ...", flush=True)
        if part == "badinput":
            results[part] = bad_input(args.quick)
        elif part == "memory":
            results[part] = memory(args.quick)
        elif part == "threads":
            results[part] = threads(args.quick)
        elif part == "graphs":
            results[part] = graphs(args.graphs or (500 if args.quick else 10_000), out)
        elif part == "shutdown":
            results[part] = shutdown()
        print(f"[stress] {part}: {'ok' if results[part][0] else 'FAILED'} in {time.monotonic() - t0:.0f} s",
              flush=True)
    (out / "report.json").write_text(json.dumps({k: v[1] for k, v in results.items()}, indent=1, default=str))
    all_ok, text = summarize(results)
    details = _details(results)
    print(text)
    if details:
        print("details (full report: " + str(out / "report.json") + "):\n" + details)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
