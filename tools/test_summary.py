"""Sum NUnit (trx) and pytest (JUnit XML) results into the one line CI reads.

Usage: test_summary.py RESULTS_DIR

Prints ``N passed, N failed`` (and ``, N skipped`` when some were skipped)
and exits non-zero when a test failed, a runner exited non-zero, or a runner
left no results.
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def nunit(folder):
    files = sorted(folder.glob("*.trx"))
    if not files:
        return None
    passed = failed = skipped = 0
    for trx in files:
        counters = next(e for e in ET.parse(trx).iter() if e.tag.endswith("Counters"))
        passed += int(counters.get("passed", 0))
        failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
        skipped += int(counters.get("notExecuted", 0))
    return passed, failed, skipped


def pytest(folder):
    path = folder / "pytest.xml"
    if not path.exists():
        return None
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    passed = failed = skipped = 0
    for s in suites:
        tests, fails = int(s.get("tests", 0)), int(s.get("failures", 0)) + int(s.get("errors", 0))
        skips = int(s.get("skipped", 0))
        passed += tests - fails - skips
        failed += fails
        skipped += skips
    return passed, failed, skipped


def main(folder):
    folder = Path(folder)
    ok = True
    totals = [0, 0, 0]
    for name, result in (("NUnit", nunit(folder)), ("pytest", pytest(folder))):
        if result is None:
            print(f"{name}: no results found in {folder}", file=sys.stderr)
            ok = False
            continue
        print(f"{name}: {result[0]} passed, {result[1]} failed, {result[2]} skipped")
        totals = [t + r for t, r in zip(totals, result)]
    for rc_file in folder.glob("*.rc"):
        rc = rc_file.read_text().strip()
        if rc != "0":
            print(f"{rc_file.stem} exited with status {rc}", file=sys.stderr)
            ok = False
    line = f"{totals[0]} passed, {totals[1]} failed"
    if totals[2]:
        line += f", {totals[2]} skipped"
    print(line)
    return 0 if ok and totals[1] == 0 and totals[0] > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
