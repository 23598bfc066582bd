"""The cross-language parity corpus (tests-parity/): every case is derived, evaluated and written by Python and by
C#, each side reads the other's graph back, and all four results agree to the bit.

One Python pass (this process) and one C# process (``Gradient.Examples parity-corpus``) for the whole corpus:

1. Python derives each case with sharpgrad's API, evaluates it and writes its derived graph (``py/NAME.graph.json``);
2. C# derives each case with ``Autodiff``, evaluates it, writes its derived graph and results, and evaluates the
   graph Python wrote;
3. Python evaluates the graph C# wrote.

A case with ``"exact": false`` says why in ``why``; see tests-parity/parity.py for the case format.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sharpgrad.graph import serialize

ROOT = Path(__file__).resolve().parents[1]
PARITY = ROOT / "tests-parity"
CORPUS = PARITY / "corpus"
EXAMPLES = ROOT / "out" / "bin" / "Gradient.Examples.dll"
sys.path.insert(0, str(PARITY))

import parity  # noqa: E402

CASES = sorted(p.stem for p in CORPUS.glob("*.json"))

# Op classes the corpus cannot hold, and why. Anything else the engine defines must appear in some case. (Random
# variables cannot be written as JSON, as each node holds its generator state: their cases keep the draws in a
# "random" section beside the graph, built by each language on a stream of the same seed.)
NOT_IN_CORPUS = {}


class Run:
    """Everything both sides produced for the corpus."""

    def __init__(self, work):
        self.work = work
        self.python, self.python_errors, self.from_csharp = {}, {}, {}
        self.csharp_output = ""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    if not EXAMPLES.is_file():
        pytest.fail(f"{EXAMPLES} is missing: run `make build` (make test does) first")
    result = Run(tmp_path_factory.mktemp("parity"))
    for name in CASES:
        try:
            result.python[name] = parity.run_case(CORPUS / f"{name}.json", result.work)
        except Exception as exc:  # noqa: BLE001 - reported per case below
            result.python_errors[name] = f"{type(exc).__name__}: {exc}"
    done = subprocess.run(["dotnet", str(EXAMPLES), "parity-corpus", str(CORPUS), str(result.work)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    result.csharp_output = done.stdout
    for name, (case, values, *_rest) in result.python.items():
        graph = result.work / "cs" / f"{name}.graph.json"
        if graph.is_file():
            inputs, outputs = serialize.load_file(graph)
            result.from_csharp[name] = parity.evaluate(inputs, outputs, values)
    return result


def _values(path):
    return serialize.load_values(path.read_text(encoding="utf-8"))


def _same(a, b, what, exact, rtol):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, f"{what}: shape {a.shape} != {b.shape}"
    if not exact and a.dtype != b.dtype:
        b = b.astype(a.dtype)  # the case says why the two sides keep different dtypes
    assert a.dtype == b.dtype, f"{what}: dtype {a.dtype} != {b.dtype}"
    if a.tobytes() != b.tobytes():
        if exact:
            raise AssertionError(f"{what}: not bit-identical\n{a!r}\n{b!r}")
        np.testing.assert_allclose(a, b, rtol=rtol, err_msg=what)


def test_corpus_has_at_least_200_well_formed_cases():
    assert len(CASES) >= 200
    names = set()
    for name in CASES:
        case = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
        assert case["format"] == parity.FORMAT and case["version"] == 1
        assert name.split("-", 1)[1] == case["name"] and case["name"] not in names
        names.add(case["name"])
        assert case["graph"]["format"] == "gradient-graph" and case["inputs"]["format"] == "gradient-values"
        assert len(case["inputs"]["values"]) == len(case["graph"]["inputs"])
        assert set(d["api"] for d in case["derive"]) <= set(parity.APIS)
        if not case["exact"]:
            assert case.get("why") and case.get("rtol"), f"{name}: a case that is not exact must say why"


def test_every_case_runs_in_both_languages(run):
    assert not run.python_errors, run.python_errors
    errors = {p.name: p.read_text()[:2000] for p in (run.work / "cs").glob("*.error.txt")}
    assert not errors, errors
    assert f"parity-corpus: {len(CASES)} cases ran, 0 failed" in run.csharp_output


@pytest.mark.parametrize("name", CASES)
def test_values_and_gradients_agree_bit_for_bit(run, name):
    if name in run.python_errors:
        pytest.fail(run.python_errors[name])
    case, _values_in, mine, _report, compiled = run.python[name]
    cs = run.work / "cs"
    if (cs / f"{name}.error.txt").is_file():
        pytest.fail((cs / f"{name}.error.txt").read_text()[:2000])
    exact, rtol = case["exact"], case.get("rtol")
    theirs = _values(cs / f"{name}.values.json")
    assert len(theirs) == len(mine), f"{len(mine)} results in Python, {len(theirs)} in C#"
    for i, (a, b) in enumerate(zip(mine, theirs)):
        kind = "result" if i < compiled else "numeric gradient"
        _same(a, b, f"{kind} {i}: Python vs C#", exact, rtol)
    if case.get("random"):
        return  # no graph document to exchange: random variables cannot be written as JSON
    # Each side's graph, read and evaluated by the other.
    from_python = _values(cs / f"{name}.from-py.values.json")
    for i, (a, b) in enumerate(zip(mine[:compiled], from_python, strict=True)):
        _same(a, b, f"result {i}: Python vs C# evaluating Python's graph", True, None)
    for i, (a, b) in enumerate(zip(mine[:compiled], run.from_csharp[name], strict=True)):
        _same(a, b, f"result {i}: Python vs Python evaluating C#'s graph", True, None)


def _ops(document):
    return sorted(node["op"] + str(node.get("props", {})) for node in json.loads(document)["nodes"])


def test_both_languages_derive_the_same_graph_documents(run):
    """Not only the same values: the derived graphs both sides write are the same document, except for Rop.

    sharpgrad's ``Rop`` does what Aesara's R-op graphs do: a result that does not use every input of ``f`` gets a
    zero built from each missing input's shape added, so that ``function([W, V, x], Rop(dot(x, W), W, V))`` compiles
    (the tutorial's example); C#'s ``Autodiff.Rop`` returns the bare pushforward. The values agree to the bit (the
    test above); here the Python document must then hold every node of the C# one and more.
    """
    differ, unexplained = [], []
    for name, (case, *_rest) in run.python.items():
        if case.get("random"):
            continue
        mine = (run.work / "py" / f"{name}.graph.json").read_text(encoding="utf-8")
        theirs = (run.work / "cs" / f"{name}.graph.json").read_text(encoding="utf-8")
        if mine == theirs:
            continue
        differ.append(name)
        extra = list(_ops(mine))
        for op in _ops(theirs):
            if op in extra:
                extra.remove(op)
            else:
                extra = None
                break
        if not any(d["api"] == "Rop" for d in case["derive"]) or not extra:
            unexplained.append(name)
    assert not unexplained, f"derived graphs differ between Python and C#: {unexplained}"
    assert len(differ) < len(run.python) // 4


def test_verify_grad_passes_in_both_languages(run):
    verdicts = {}
    for name, (case, _values_in, _mine, report, _n) in run.python.items():
        if not any(d["api"] == "verify_grad" for d in case["derive"]):
            continue
        theirs = json.loads((run.work / "cs" / f"{name}.report.json").read_text())
        verdicts[name] = (report, theirs)
    assert len(verdicts) >= 10
    failed = {n: v for n, v in verdicts.items() if set(v[0].values()) != {"passed"} or set(v[1].values()) != {"passed"}}
    assert not failed, failed


def test_corpus_covers_every_op_every_scalar_op_and_every_gradient_api(run):
    coverage = json.loads((run.work / "cs" / "coverage.json").read_text())
    seen = set(coverage["seen"])
    missing_ops = set(coverage["op_classes"]) - seen - set(NOT_IN_CORPUS)
    assert not missing_ops, f"op classes no case covers (add cases to tests-parity/generate.py): {sorted(missing_ops)}"
    assert set(NOT_IN_CORPUS) <= set(coverage["op_classes"]), "NOT_IN_CORPUS names an op the engine no longer has"
    assert {"NormalRV", "ChoiceRV"} <= seen
    missing_scalars = {s for s in coverage["scalar_ops"] if f"scalar:{s}" not in seen}
    assert not missing_scalars, f"scalar ops no case covers: {sorted(missing_scalars)}"
    apis = {d["api"] for case, *_ in run.python.values() for d in case["derive"]}
    assert apis == set(parity.APIS)


def test_corpus_is_what_the_generator_writes(tmp_path):
    """The committed corpus comes from generate.py: regenerated, every case has the same name, inputs, derivations
    and verdict. (Its graph may differ once the engine builds some expression differently: the stored graph stays a
    valid case; rerun generate.py to refresh it.)"""
    import generate

    count = generate.main(tmp_path)
    assert count == len(CASES), "cases were added or removed: rerun tests-parity/generate.py"
    fields = ("format", "version", "name", "apis", "exact", "why", "rtol", "derive", "random", "inputs")
    for name in CASES:
        fresh = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        stored = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
        for field in fields:
            assert fresh.get(field) == stored.get(field), f"{name}.{field} differs: rerun tests-parity/generate.py"
        assert [v["name"] for v in fresh["graph"]["variables"] if v["kind"] == "input"] == \
            [v["name"] for v in stored["graph"]["variables"] if v["kind"] == "input"]
