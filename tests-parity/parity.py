"""The Python half of the cross-language parity corpus, shared by the generator (generate.py) and the test
(tests-python/test_parity_corpus.py).

A case (``corpus/NNN-name.json``, format ``gradient-parity-case``) is a graph in the JSON graph format
(docs/graph-json.md), the values of its inputs, and a list of derivations, each naming a gradient API and its
arguments by reference (``iK``: input K of the graph, ``oK``: output K)::

    {"format": "gradient-parity-case", "version": 1, "name": "...", "ops": [...], "exact": true,
     "derive": [{"api": "grad", "cost": "o0", "wrt": ["i0"]}, {"api": "Rop", "f": ["o0"], "wrt": ["i0"],
                 "eval_points": ["i1"]}],
     "inputs": {"format": "gradient-values", ...}, "graph": {"format": "gradient-graph", ...}}

Each side derives the case with its own API (here sharpgrad's ``grad``, ``Lop``, ``Rop``, ``jacobian``,
``hessian``, ``hessian_vector_product``, ``verify_grad`` and ``numeric_grad``; in C# ``Autodiff``), compiles the
graph's outputs followed by the derived ones, evaluates them on the case's inputs and writes the derived graph; the
other side reads that graph back and evaluates it. ``exact: false`` cases say why in ``why`` and give ``rtol``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import sharpgrad as aesara
from sharpgrad import gradient
from sharpgrad.graph import serialize
from sharpgrad.graph.basic import Apply

FORMAT = "gradient-parity-case"
APIS = ("grad", "Lop", "Rop", "jacobian", "hessian", "hessian_vector_product", "verify_grad")


def load_case(path):
    """Read a case file: ``(case dict, inputs, outputs, values)`` with the graph loaded through sharpgrad."""
    case = json.loads(Path(path).read_text(encoding="utf-8"))
    if case.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} document")
    inputs, outputs = serialize.load(json.dumps(case["graph"]))
    values = serialize.load_values(json.dumps(case["inputs"]))
    return case, inputs, outputs, values


def random_draws(case, inputs):
    """The draws of a case's ``random`` section (made on one RandomStream of its seed), or [].

    ``{"seed": S, "calls": N, "draws": [{"dist": "normal", "args": ["i0", "i1"], "size": [2, 3], "dtype": ...}]}``:
    random variables hold a generator state per node, so graphs with them cannot be written as JSON; a random case
    keeps them here, on top of its graph's inputs. Draw K is then output ``len(graph outputs) + K``, and the compiled
    function is called ``calls`` times (each call draws anew).
    """
    spec = case.get("random")
    if not spec:
        return []
    from sharpgrad.tensor.random.utils import RandomStream

    stream = RandomStream(spec["seed"])
    draws = []
    for d in spec["draws"]:
        args = [inputs[int(r[1:])] for r in d.get("args", [])]
        size = tuple(d["size"]) if d.get("size") is not None else None
        dist = d["dist"]
        if dist in ("normal", "uniform"):
            draws.append(getattr(stream, dist)(*args, size=size, dtype=d.get("dtype")))
        elif dist in ("binomial", "multinomial"):
            draws.append(getattr(stream, dist)(*args, size=size))
        elif dist == "choice":
            p = inputs[int(d["p"][1:])] if d.get("p") else None
            draws.append(stream.choice(args[0], size=size, replace=d.get("replace", True), p=p))
        elif dist == "permutation":
            draws.append(stream.permutation(args[0]))
        else:
            raise ValueError(f"unknown distribution {dist!r}")
    return draws


def _ref(reference, inputs, outputs):
    kind, index = reference[0], int(reference[1:])
    if kind == "i":
        return inputs[index]
    if kind == "o":
        return outputs[index]
    raise ValueError(f"bad reference {reference!r}: expected iK (input K) or oK (output K)")


def rebuild(output, replace):
    """``output`` rebuilt with each variable in ``replace`` (a dict) substituted (each op's own ``make_node``)."""
    done = dict(replace)
    order, seen = [], set()

    def visit(v):
        node = v.owner
        if v in done or node is None or node.outputs[0] in seen:
            return
        seen.add(node.outputs[0])
        for x in node.inputs:
            visit(x)
        order.append(node)

    visit(output)
    for node in order:
        ins = [done.get(x, x) for x in node.inputs]
        if all(a is b for a, b in zip(ins, node.inputs)):
            continue
        new = Apply(node.op, ins)
        for old, fresh in zip(node.outputs, new.outputs):
            done[old] = fresh
    return done.get(output, output)


def derive(case, inputs, outputs, values):
    """Apply the case's derivations with sharpgrad's API.

    Returns
    -------
    (all_outputs, numeric, report)
        The graph's outputs followed by the derived ones; a function that, once the outputs are evaluated, gives the
        numeric gradients of the verify_grad derivations; and what ``verify_grad`` itself said, by derivation.
    """
    everything = list(outputs)
    numeric_steps = []
    report = {}
    for k, spec in enumerate(case.get("derive", [])):
        api = spec["api"]

        def refs(field, spec=spec):
            return [_ref(r, inputs, outputs) for r in spec.get(field, [])]

        def ref(field, spec=spec):
            return _ref(spec[field], inputs, outputs)

        if api == "grad":
            cost = ref("cost") if spec.get("cost") is not None else None
            known = {_ref(a, inputs, outputs): _ref(b, inputs, outputs) for a, b in spec.get("known_grads", [])}
            everything += list(aesara.grad(cost, refs("wrt"), consider_constant=refs("consider_constant") or None,
                                           disconnected_inputs=spec.get("disconnected_inputs", "raise"),
                                           add_names=spec.get("add_names", True), known_grads=known or None))
        elif api == "Lop":
            everything += list(aesara.Lop(refs("f"), refs("wrt"), refs("eval_points"),
                                          consider_constant=refs("consider_constant") or None,
                                          disconnected_inputs=spec.get("disconnected_inputs", "raise")))
        elif api == "Rop":
            everything += list(aesara.Rop(refs("f"), refs("wrt"), refs("eval_points"),
                                          disconnected_outputs=spec.get("disconnected_outputs", "raise")))
        elif api == "jacobian":
            everything += list(gradient.jacobian(ref("expression"), refs("wrt"),
                                                 consider_constant=refs("consider_constant") or None,
                                                 disconnected_inputs=spec.get("disconnected_inputs", "raise"),
                                                 chunk_size=spec.get("chunk_size")))
        elif api == "hessian":
            everything += list(gradient.hessian(ref("cost"), refs("wrt"),
                                                consider_constant=refs("consider_constant") or None,
                                                disconnected_inputs=spec.get("disconnected_inputs", "raise")))
        elif api == "hessian_vector_product":
            everything.append(gradient.hessian_vector_product(ref("cost"), ref("wrt"), ref("v")))
        elif api == "verify_grad":
            numeric_steps.append(_verify_grad_style(spec, k, inputs, outputs, values, everything, report))
        else:
            raise ValueError(f"unknown api {api!r}")

    def numeric():
        return [g for step in numeric_steps for g in step()]

    return everything, numeric, report


def _verify_grad_style(spec, k, inputs, outputs, values, everything, report):
    """Aesara's verify_grad in two parts; see ParityCorpus.VerifyGradStyle (C#) for the same steps."""
    output = _ref(spec["output"], inputs, outputs)
    wrt = [_ref(r, inputs, outputs) for r in spec["wrt"]]
    projection = _ref(spec["projection"], inputs, outputs)
    cost = (projection * output).sum()
    everything.append(cost)
    everything += list(aesara.grad(cost, wrt, disconnected_inputs="ignore"))
    positions = [next(i for i, v in enumerate(inputs) if v is w) for w in wrt]
    cost_fn = aesara.function(inputs, cost, on_unused_input="ignore")

    def f(*moved):
        args = list(values)
        for p, m in zip(positions, moved):
            args[p] = m
        return cost_fn(*args)

    def numeric():
        gf = gradient.numeric_grad(f, [values[p] for p in positions]).gf
        return list(gf)

    def fun(*xs):
        replace = {v: (xs[positions.index(i)] if i in positions else aesara.tensor.constant(values[i]))
                   for i, v in enumerate(inputs)}
        return rebuild(output, replace)

    try:
        gradient.verify_grad(fun, [values[p] for p in positions], modes=("rev", "fwd"))
        report[f"verify_grad {k}"] = "passed"
    except gradient.GradientError as exc:
        report[f"verify_grad {k}"] = f"GradientError: {exc}"
    return numeric


def evaluate(inputs, outputs, values, calls=1):
    """Compile ``outputs`` (unused inputs allowed) and evaluate them on ``values`` ``calls`` times: a list of arrays,
    the outputs of each call in turn."""
    f = aesara.function(inputs, outputs, on_unused_input="ignore")
    arrays = []
    for _ in range(calls):
        results = f(*values)
        arrays += [np.asarray(r) for r in (results if isinstance(results, list) else [results])]
    return arrays


def run_case(path, work):
    """Python's part for one case: derive, evaluate, write ``py/NAME.graph.json`` (not for random cases).

    Returns
    -------
    (case, values, results, report, compiled)
        ``results`` holds the compiled outputs of each call, then the numeric gradients; ``compiled`` is how many of
        them the compiled function gave in all.
    """
    case, inputs, outputs, values = load_case(path)
    outputs = outputs + random_draws(case, inputs)
    everything, numeric, report = derive(case, inputs, outputs, values)
    calls = case.get("random", {}).get("calls", 1)
    results = evaluate(inputs, everything, values, calls)
    compiled = len(results)
    results += [np.asarray(g) for g in numeric()]
    if not case.get("random"):
        name = Path(path).stem
        (Path(work) / "py").mkdir(parents=True, exist_ok=True)
        serialize.save(Path(work) / "py" / f"{name}.graph.json", inputs, everything)
    return case, values, results, report, compiled


def written_document(inputs, outputs):
    """The graph document sharpgrad writes for ``outputs`` (used by the generator)."""
    return serialize.dump(inputs, outputs)


__all__ = ["load_case", "random_draws", "derive", "evaluate", "run_case", "rebuild", "written_document", "APIS"]
