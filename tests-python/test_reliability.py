"""Reliability: bad input answered by clear, documented exceptions (a sample of ``make stress``'s generated cases,
run in child processes so that a crash is caught and counted), calls from many threads, memory over repeated calls,
clean interpreter exit — and one regression test per failure those runs found."""

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.gradient as gradient
import sharpgrad.tensor as at
from sharpgrad.graph.basic import Apply
from sharpgrad.graph.op import Op
from sharpgrad.tensor import nnet

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "stress"))

import stress  # noqa: E402  (stress/stress.py, the make stress driver)
from py_stress import SHUTDOWN_SCENARIOS, threads as thread_run  # noqa: E402
from verdict import generic_reason  # noqa: E402


# ---------------------------------------------------------------- the stress runs, small

def test_a_sample_of_the_bad_inputs_in_child_processes_raises_clear_documented_errors():
    """Every 7th generated case of both languages: no death, no hang, no generic message, nothing silently accepted."""
    ok, summary = stress.bad_input(quick=True)
    problems = summary["deaths"] + summary["hangs"] + summary["failures"]
    assert not problems, problems[:10]
    assert ok and summary["tried"] >= 1000


def test_calls_from_eight_python_threads_give_the_serial_results_and_atomic_updates():
    report = thread_run(8, 40)
    assert report["errors"] == []
    assert report["mismatches"] == 0
    assert report["update_violations"] == 0


@pytest.mark.parametrize("scenario", ["functions-alive", "after-exceptions", "threads-running"])
def test_the_interpreter_exits_cleanly(scenario):
    assert scenario in SHUTDOWN_SCENARIOS
    done = subprocess.run([sys.executable, str(ROOT / "stress" / "py_stress.py"), "shutdown", scenario],
                          capture_output=True, text=True, timeout=120, env=stress._env(), cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Unhandled exception" not in done.stderr and "Fatal" not in done.stderr


def test_repeated_calls_and_compilations_hold_memory_and_leave_no_tensor():
    done = subprocess.run([sys.executable, str(ROOT / "stress" / "py_stress.py"), "memory", "--calls", "5000",
                           "--warmup", "2000", "--cycles", "300", "--compile-warmup", "100"],
                          capture_output=True, text=True, timeout=600, env=stress._env(), cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    import json

    reports = json.loads(next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))[7:])
    for report in reports:
        assert report["tensors_leaked"] <= 0, report
        assert abs(report["drift_percent"]) <= 10, report


# ---------------------------------------------------------------- what counts as generic

@pytest.mark.parametrize("message, generic", [
    ("Object reference not set to an instance of an object.", True),
    ("Value cannot be null. (Parameter 'x')", True),
    ("'NoneType' object is not iterable", True),
    ("DefaultCPUAllocator: can't allocate memory\nException raised from alloc at alloc_cpu.cpp:1", True),
    ("setting an array element with a sequence.", True),
    ("exp: x must be a TensorVariable, number or array; got NoneType", False),
    ("Alloc: expected lengths >= 0; got -3", False),
])
def test_generic_messages_are_recognized(message, generic):
    assert (generic_reason(message, ["exp", "x"], python=True) is not None) == generic


# ---------------------------------------------------------------- regressions: messages name the call

@pytest.mark.parametrize("call, kind, words", [
    (lambda: at.exp(None), TypeError, ["exp", "x", "NoneType"]),
    (lambda: at.dot(at.dmatrix(), "abc"), TypeError, ["dot", "str"]),
    (lambda: at.sum(at.dmatrix(), axis=1.5), TypeError, ["sum", "axis", "1.5"]),
    (lambda: at.cumsum(at.dvector(), axis="a"), TypeError, ["cumsum", "axis"]),
    (lambda: at.dscalar(5), TypeError, ["dscalar", "name"]),
    (lambda: at.tensor("float64", shape=(1.5,)), TypeError, ["tensor", "shape[0]"]),
    (lambda: at.tensor("float64", shape=(10 ** 20,)), ValueError, ["tensor", "shape[0]"]),
    (lambda: at.zeros((2,), dtype="bogus"), TypeError, ["zeros", "dtype", "bogus"]),
    (lambda: at.constant([[1.0], [1.0, 2.0]]), ValueError, ["constant", "x", "numeric array"]),
    (lambda: at.take(at.dvector(), [[1], [1, 2]]), TypeError, ["take", "index array"]),
    (lambda: at.argmin(at.dmatrix(), axis=9), ValueError, ["argmin"]),
    (lambda: aesara.shared(np.ones(2), name=5), TypeError, ["shared", "name"]),
    (lambda: aesara.grad((at.dvector() ** 2).sum(), at.dvector(), known_grads=5), TypeError, ["grad", "known_grads"]),
    (lambda: aesara.Lop(at.dvector() * 2, at.dvector(), at.dmatrix()), ValueError, ["Lop", "dimensionality"]),
    (lambda: gradient.jvp(5, [at.dvector()], [at.dvector()]), TypeError, ["jvp", "fun", "callable"]),
    (lambda: gradient.verify_grad(lambda a: a * 2, [np.ones(3)], eps=0), ValueError, ["verify_grad", "eps"]),
    (lambda: gradient.verify_grad(lambda a: a * 2, [np.ones(3)], rng="a"), TypeError, ["verify_grad", "rng"]),
    (lambda: gradient.numeric_grad(lambda a: a.sum(), None), TypeError, ["numeric_grad", "pt"]),
    (lambda: gradient.grad_clip(at.dvector(), "a", 1.0), TypeError, ["grad_clip"]),
    (lambda: float(at.dvector("v")), TypeError, ["float()", "symbolic"]),
    (lambda: at.dvector()[::0], ValueError, ["indexing", "step"]),
    (lambda: at.transpose(at.dmatrix(), axes=1), TypeError, ["transpose", "axes"]),
    (lambda: aesara.scan(None, sequences=at.dmatrix(), outputs_info=at.dscalar()), TypeError, ["scan", "fn"]),
    (lambda: aesara.scan(lambda h: h, sequences=at.dmatrix(), outputs_info=at.dscalar()), TypeError,
     ["scan", "fn", "2 positional argument", "1 sequence slice"]),
    (lambda: aesara.map(lambda a: a, sequences=at.dmatrix(), truncate_gradient="a"), TypeError,
     ["map", "truncate_gradient"]),
    (lambda: aesara.reduce(5, sequences=at.dvector(), outputs_info=at.dscalar()), TypeError, ["reduce", "fn"]),
    (lambda: aesara.scan(lambda a, h: h + a.sum(), sequences=[None], outputs_info=at.dscalar()), TypeError,
     ["scan", "NoneType"]),
    (lambda: aesara.OpFromGraph([at.dvector()], [at.dvector() * 2], lop_overrides=5), TypeError,
     ["OpFromGraph", "lop_overrides"]),
    (lambda: aesara.OpFromGraph([at.dvector()], [at.dvector() * 2], rop_overrides=["default", "default"]),
     ValueError, ["OpFromGraph", "rop_overrides", "expected 1"]),
    (lambda: aesara.custom_vjp(None), TypeError, ["custom_vjp", "fun", "callable"]),
    (lambda: aesara.custom_vjp(lambda a: a).defvjp(lambda a: (a, a), 5), TypeError, ["defvjp", "bwd"]),
    (lambda: aesara.custom_jvp(lambda a: a, nondiff_argnums="a"), TypeError, ["custom_jvp", "nondiff_argnums"]),
    (lambda: aesara.checkpoint(lambda a: a * 2, static_argnums="a"), TypeError, ["checkpoint", "static_argnums"]),
    (lambda: aesara.checkpoint(at.dvector() * 2, inputs=5), TypeError, ["checkpoint", "inputs"]),
])
def test_bad_arguments_raise_errors_naming_the_call(call, kind, words):
    with pytest.raises(kind) as info:
        call()
    for word in words:
        assert word in str(info.value)


def test_bad_call_arguments_name_the_function_and_the_argument():
    x = at.dvector("x")
    f = aesara.function([x], x * 2, name="double")
    for bad in (["a", "b"], [[1.0], [1.0, 2.0]], np.array([object()])):
        with pytest.raises(TypeError, match=r"function double: argument 0 \(x"):
            f(bad)
    s = aesara.shared(np.ones(2), name="s")
    with pytest.raises(TypeError, match="set_value"):
        s.set_value(["a", "b"])


def test_a_custom_op_whose_make_node_returns_no_apply_is_named():
    class Broken(Op):
        def make_node(self, x):
            return None

    with pytest.raises(TypeError, match="make_node must return an Apply"):
        Broken()(at.dvector())


# ---------------------------------------------------------------- regressions: engine failures

def test_a_result_too_large_to_allocate_is_a_memory_error_naming_the_op():
    m = at.dmatrix("m")
    f = aesara.function([m], at.exp(m))
    with pytest.raises(MemoryError, match=r"^Elemwise\{exp\}: the result is too large"):
        f(np.broadcast_to(np.float64(1), (10 ** 7, 10 ** 7)))


def test_categorical_crossentropy_refuses_class_indices_out_of_range():
    p, labels = at.dmatrix("p"), at.lvector("labels")
    f = aesara.function([p, labels], nnet.categorical_crossentropy(p, labels))
    with pytest.raises(IndexError, match="out of bounds"):
        f(np.full((2, 3), 1 / 3), np.array([0, 7]))
    np.testing.assert_allclose(f(np.full((2, 3), 1 / 3), np.array([0, 2])), [np.log(3)] * 2)


def test_a_dense_op_on_a_sparse_matrix_says_to_convert_it():
    import sharpgrad.sparse as sp

    m = at.dmatrix("m")
    f = aesara.function([m], at.exp(sp.csr_from_dense(m)))
    with pytest.raises(NotImplementedError, match="dense_from_sparse"):
        f(np.eye(2))


def test_one_piece_split_differentiates_correctly():
    x, y = at.dvector("x"), at.dvector("y")
    piece = at.split(x * y, [4], 1, axis=0)[0]
    gx, gy = aesara.function([x, y], aesara.grad(piece.sum(), [x, y]))(np.arange(1.0, 5.0), np.arange(10.0, 50.0, 10))
    np.testing.assert_array_equal(gx, [10, 20, 30, 40])
    np.testing.assert_array_equal(gy, [1, 2, 3, 4])


def test_python_threads_sharing_one_function_get_its_exact_results():
    """The engine releases the GIL while it computes, so these calls overlap; each must still get the exact value."""
    x = at.dmatrix("x")
    f = aesara.function([x], at.dot(x, x).sum())
    value = np.ones((200, 200))
    results = []

    def work():
        results.extend(float(f(value)) for _ in range(20))

    workers = [threading.Thread(target=work) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert results == [200.0 ** 3] * 80


def test_log_of_one_minus_sigmoid_and_its_gradient_are_stable():
    """Found by the random graphs: the value lost every digit for x in the tens, then its gradient was 0 / 0."""
    x = at.dvector("x")
    y = at.log(1.0 - nnet.sigmoid(x))
    f = aesara.function([x], [y, aesara.grad(y.sum(), x)])
    value, grad = f(np.array([30.0, 43.1]))
    np.testing.assert_allclose(value, [-30.000000000000092, -43.1], rtol=0, atol=1e-12)
    np.testing.assert_allclose(grad, [-1.0, -1.0], rtol=0, atol=1e-12)


def test_an_opfromgraph_override_returning_a_string_is_named():
    x = at.dvector("x")
    op = aesara.OpFromGraph([x], [x * 2], lop_overrides=lambda i, o, g: ["a"])
    with pytest.raises(TypeError, match="OpFromGraph: an override returned 'a'"):
        aesara.grad(op(x).sum(), x)


def test_pydotprint_with_a_format_graphviz_lacks_is_a_value_error(tmp_path):
    import sharpgrad.printing as printing

    with pytest.raises(ValueError, match="pydotprint: format 'bogus'"):
        printing.pydotprint(at.dvector("x") * 2, outfile=str(tmp_path / "g.bogus"), format="bogus")
