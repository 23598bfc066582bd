"""Writes the parity corpus: ``tests-parity/corpus/NNN-name.json``, one graph per file.

    make build && PYTHONPATH=python-package .venv/bin/python tests-parity/generate.py

Each case is built here once with sharpgrad, written in the JSON graph format with its input values (drawn from a
seeded generator, inside each op's domain) and the derivations both languages apply to it (see parity.py). The
corpus covers every op class and every scalar op of the engine (tests-python/test_parity_corpus.py checks that
against the engine's own list) and every gradient API. Regenerating gives the same files; commit them.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import sharpgrad as aesara  # noqa: E402
import sharpgrad.sparse as sp  # noqa: E402
import sharpgrad.tensor as at  # noqa: E402
from sharpgrad import gradient  # noqa: E402
from sharpgrad.graph import serialize  # noqa: E402

import parity  # noqa: E402

CORPUS = HERE / "corpus"
CASES = []


class Case:
    def __init__(self, name, inputs, build, derive=(), exact=True, why=None, rtol=None, random=None):
        self.name, self.inputs, self.build, self.derive = name, inputs, build, list(derive)
        self.exact, self.why, self.rtol, self.random = exact, why, rtol, random


def case(name, inputs, build, derive=(), **kwargs):
    """Register a case. ``inputs``: (name, dtype, static shape, value); ``build`` maps the variables to outputs."""
    CASES.append(Case(name, inputs, build, derive, **kwargs))


def rng(name):
    """A generator seeded from the case name, so adding a case never changes another's values."""
    return np.random.default_rng(sum(ord(c) * (i + 1) for i, c in enumerate(name)))


def uniform(name, shape, lo=-1.0, hi=1.0, dtype="float64"):
    return rng(name).uniform(lo, hi, size=shape).astype(dtype)


def U(name, key, shape, lo=-1.0, hi=1.0, static=None):  # noqa: N802 - short, as it is used on every other line
    """A float64 input of values uniform in [lo, hi), drawn from the generator of ``key``."""
    return inp(name, "float64", shape, uniform(key, shape, lo, hi), static=static)


def inp(name, dtype, shape, value, static=None):
    """An input: its type's static shape is ``static`` (None lengths unknown), by default all unknown."""
    return (name, dtype, tuple(static) if static is not None else tuple(None for _ in np.shape(value)),
            np.asarray(value, dtype=dtype))


def _grad_rop(n_in, cost="o1", out="o0", connected=True):
    """grad of ``cost`` and Rop of ``out``: wrt inputs 0..n_in-1, eval points the next n_in inputs. A result that is
    not ``connected`` (an op with no derivative, as floor) asks both to ignore the disconnection."""
    wrt = [f"i{k}" for k in range(n_in)]
    grad = {"api": "grad", "cost": cost, "wrt": wrt}
    rop = {"api": "Rop", "f": [out], "wrt": wrt, "eval_points": [f"i{n_in + k}" for k in range(n_in)]}
    if not connected:
        grad["disconnected_inputs"] = "ignore"
        rop["disconnected_outputs"] = "ignore"
    return [grad, rop]


# --- element-wise: every scalar op --------------------------------------------------------------------------------

UNARY = [  # (name, function, low, high, differentiable)
    ("neg", at.neg, -2, 2, True), ("exp", at.exp, -2, 2, True), ("log", at.log, 0.2, 3, True),
    ("tanh", at.tanh, -2, 2, True), ("sqr", at.sqr, -2, 2, True), ("abs", at.abs, -2, 2, True),
    ("sgn", at.sgn, -2, 2, False), ("exp2", at.exp2, -2, 2, True), ("expm1", at.expm1, -2, 2, True),
    ("log2", at.log2, 0.2, 3, True), ("log10", at.log10, 0.2, 3, True), ("sqrt", at.sqrt, 0.2, 3, True),
    ("reciprocal", at.reciprocal, 0.5, 2, True), ("sin", at.sin, -3, 3, True), ("cos", at.cos, -3, 3, True),
    ("tan", at.tan, -1.2, 1.2, True), ("arcsin", at.arcsin, -0.9, 0.9, True),
    ("arccos", at.arccos, -0.9, 0.9, True), ("arctan", at.arctan, -3, 3, True), ("sinh", at.sinh, -2, 2, True),
    ("cosh", at.cosh, -2, 2, True), ("arcsinh", at.arcsinh, -3, 3, True), ("arccosh", at.arccosh, 1.2, 3, True),
    ("arctanh", at.arctanh, -0.9, 0.9, True), ("deg2rad", at.deg2rad, -180, 180, True),
    ("rad2deg", at.rad2deg, -3, 3, True), ("erf", at.erf, -2, 2, True), ("erfc", at.erfc, -2, 2, True),
    ("erfcx", at.erfcx, -1, 3, True), ("erfinv", at.erfinv, -0.9, 0.9, True),
    ("erfcinv", at.erfcinv, 0.1, 1.9, True), ("gamma", at.gamma, 0.3, 3.7, True),
    ("gammaln", at.gammaln, 0.3, 5, True), ("psi", at.psi, 0.3, 5, True), ("tri_gamma", at.tri_gamma, 0.3, 5, True),
    ("log1mexp", at.log1mexp, -3, -0.1, True), ("log1p", at.log1p, -0.5, 3, True),
    ("sigmoid", at.sigmoid, -4, 4, True), ("softplus", at.softplus, -4, 4, True),
    ("floor", at.floor, -3, 3, False), ("ceil", at.ceil, -3, 3, False), ("trunc", at.trunc, -3, 3, False),
    ("round_half_to_even", at.round_half_to_even, -3, 3, False),
    ("round_half_away_from_zero", at.round_half_away_from_zero, -3, 3, False),
]

for op, fn, lo, hi, differentiable in UNARY:
    def build(x, v, fn=fn):
        y = fn(x)
        return [y, y.sum()]
    value = uniform(op, (2, 3), lo, hi)
    if op.startswith("round"):
        value[0, :2] = [0.5, -2.5]  # ties, where the two rounding modes differ
    case(f"elemwise-{op}", [inp("x", "float64", (2, 3), value), inp("v", "float64", (2, 3), uniform(op + "v", (2, 3)))],
         build, _grad_rop(1, connected=differentiable))

# A float32 path through the commonest rules.
for op, fn, lo, hi in [("exp", at.exp, -2, 2), ("log", at.log, 0.2, 3), ("tanh", at.tanh, -2, 2),
                       ("sigmoid", at.sigmoid, -4, 4), ("sqrt", at.sqrt, 0.2, 3), ("erf", at.erf, -2, 2)]:
    def build(x, v, fn=fn):
        y = fn(x)
        return [y, y.sum()]
    case(f"elemwise-{op}-float32", [inp("x", "float32", (5,), uniform(op + "32", 5, lo, hi, "float32")),
                                    inp("v", "float32", (5,), uniform(op + "32v", 5, dtype="float32"))],
         build, _grad_rop(1))

# Tests give no gradient (Aesara: zero or disconnected); their values must still agree.
for op, fn in [("isnan", at.isnan), ("isinf", at.isinf)]:
    value = np.array([0.0, np.nan, np.inf, -np.inf, 1.5])
    case(f"elemwise-{op}", [inp("x", "float64", (5,), value)], lambda x, fn=fn: [fn(x), at.switch(fn(x), 0.0, x).sum()],
         [{"api": "grad", "cost": "o1", "wrt": ["i0"]}])

BINARY = [  # (name, function, low, high)
    ("add", at.add, -2, 2), ("sub", at.sub, -2, 2), ("mul", at.mul, -2, 2), ("true_div", at.true_div, 0.5, 2),
    ("pow", at.pow, 0.3, 2), ("maximum", at.maximum, -2, 2), ("minimum", at.minimum, -2, 2),
    ("arctan2", at.arctan2, -2, 2),
]
for op, fn, lo, hi in BINARY:
    def build(x, y, vx, vy, fn=fn):
        z = fn(x, y)
        return [z, z.sum()]
    # x (3, 1) against y (4,): broadcasting, so gradients must sum over the broadcast axes.
    case(f"elemwise-{op}-broadcast", [inp("x", "float64", (3, 1), uniform(op, (3, 1), lo, hi), static=(None, 1)),
                                      inp("y", "float64", (4,), uniform(op + "y", 4, lo, hi)),
                                      inp("vx", "float64", (3, 1), uniform(op + "vx", (3, 1)), static=(None, 1)),
                                      inp("vy", "float64", (4,), uniform(op + "vy", 4))],
         build, _grad_rop(2, connected=op != "second"))

# second(a, b) broadcast to a's shape only: the engine's fill kernel expands b to a's shape, not to the broadcast of
# both (Aesara's), so second of a (3, 1) and a (4,) fails at run time in either language; a is full-shaped here.
case("elemwise-second", [U("x", "second", (3, 4)), U("y", "secondy", (4,)),
                         U("vx", "secondvx", (3, 4)), U("vy", "secondvy", (4,))],
     lambda x, y, vx, vy: [at.second(x, y), (at.second(x, y) * x).sum()], _grad_rop(2))

COMPARE = [("lt", at.lt), ("gt", at.gt), ("le", at.le), ("ge", at.ge), ("eq", at.eq), ("neq", at.neq)]
for op, fn in COMPARE:
    a = np.array([1.0, 2.0, 3.0, -1.0, 0.0])
    b = np.array([1.0, 3.0, 2.0, -1.0, -0.0])
    case(f"elemwise-{op}", [inp("a", "float64", (5,), a), inp("b", "float64", (5,), b)],
         lambda a, b, fn=fn: [fn(a, b), at.switch(fn(a, b), a * b, a - b).sum()],
         [{"api": "grad", "cost": "o1", "wrt": ["i0", "i1"]}])

INTEGER = [("int_div", at.int_div), ("mod", at.mod), ("and_", at.and_), ("or_", at.or_), ("xor", at.xor)]
for op, fn in INTEGER:
    a = np.array([7, -7, 5, 12, 0, 9], dtype="int32")
    b = np.array([2, 2, -3, 5, 3, 4], dtype="int32")
    case(f"elemwise-{op}-int32", [inp("a", "int32", (6,), a), inp("b", "int32", (6,), b),
                                  inp("w", "float64", (6,), uniform(op, 6))],
         lambda a, b, w, fn=fn: [fn(a, b), (fn(a, b) * w).sum()],
         [{"api": "grad", "cost": "o1", "wrt": ["i2"]}])
case("elemwise-mod-float", [inp("a", "float64", (5,), [5.5, -5.5, 3.25, 7.0, -0.5]),
                            inp("b", "float64", (5,), [2.0, 2.0, -1.5, 2.5, 3.0])],
     lambda a, b: [at.mod(a, b), at.mod(a, b).sum()], [{"api": "grad", "cost": "o1", "wrt": ["i0", "i1"]}])
case("elemwise-bool-logic", [inp("p", "bool", (4,), [True, True, False, False]),
                             inp("q", "bool", (4,), [True, False, True, False])],
     lambda p, q: [at.and_(p, q), at.or_(p, q), at.xor(p, q), at.invert(p)])
case("elemwise-invert-int8", [inp("k", "int8", (4,), [0, 1, -7, 127])], lambda k: [at.invert(k), k * 2])

case("elemwise-clip", [U("x", "clip", (6,), -2, 2), U("v", "clipv", (6,))],
     lambda x, v: [at.clip(x, -0.5, 0.75), at.clip(x, -0.5, 0.75).sum()], _grad_rop(1))
case("elemwise-clip-symbolic-bounds",
     [U("x", "clipb", (6,), -2, 2), inp("lo", "float64", (), -0.5), inp("hi", "float64", (), 0.8)],
     lambda x, lo, hi: [at.clip(x, lo, hi), (at.clip(x, lo, hi) ** 2).sum()],
     [{"api": "grad", "cost": "o1", "wrt": ["i0", "i1", "i2"]}])
case("elemwise-switch", [inp("c", "bool", (5,), [True, False, True, False, True]),
                         U("a", "swa", (5,)), U("b", "swb", (5,)),
                         U("va", "swva", (5,)), U("vb", "swvb", (5,))],
     lambda c, a, b, va, vb: [at.switch(c, a * a, b), at.switch(c, a * a, b).sum()],
     [{"api": "grad", "cost": "o1", "wrt": ["i1", "i2"]},
      {"api": "Rop", "f": ["o0"], "wrt": ["i1", "i2"], "eval_points": ["i3", "i4"]}])
for dtype in ["float32", "int32", "int64", "bool", "float64"]:
    source = "float64" if dtype != "float64" else "float32"
    case(f"elemwise-cast-{source}-to-{dtype}",
         [inp("x", source, (5,), np.array([-1.7, -0.2, 0.0, 0.6, 2.5], dtype=source))],
         lambda x, dtype=dtype: [at.cast(x, dtype), (at.cast(x, dtype) * 3).sum() if dtype != "bool" else x.sum()],
         [{"api": "grad", "cost": "o1", "wrt": ["i0"]}] if dtype.startswith("float") else [])
case("elemwise-pow-integer-exponent", [U("x", "powi", (4,), -2, 2)],
     lambda x: [x ** 3, (x ** 3).sum(), x ** -2], [{"api": "grad", "cost": "o1", "wrt": ["i0"]}])
case("elemwise-int-promotion", [inp("k", "uint8", (3,), [1, 200, 255]), inp("s", "int16", (3,), [-3, 300, 7])],
     lambda k, s: [k + 1, k * s, k / s, k * 2.0])
case("elemwise-weak-constants-float32", [inp("x", "float32", (4,), uniform("weak", 4, dtype="float32"))],
     lambda x: [x * 0.5 + 1.0, x * 0.1, (x * 0.5 + 1.0).sum()], [{"api": "grad", "cost": "o2", "wrt": ["i0"]}])
case("elemwise-chain", [U("x", "chain", (7,), -2, 2), U("v", "chainv", (7,))],
     lambda x, v: [at.exp(at.tanh(x) * 2.0 - x ** 2) / (1.0 + at.sqr(x)) - at.log(at.exp(-x) + 3),
                   (at.exp(at.tanh(x) * 2.0 - x ** 2) / (1.0 + at.sqr(x)) - at.log(at.exp(-x) + 3)).sum()],
     _grad_rop(1))

# --- reductions ---------------------------------------------------------------------------------------------------

T3 = (2, 3, 4)


def t3(name, lo=-1, hi=1):
    return inp("t", "float64", T3, uniform(name, T3, lo, hi))


def t3v(name):
    return inp("v", "float64", T3, uniform(name + "v", T3))


for axis in [None, 0, 1, (0, 2), -1]:
    label = "all" if axis is None else "-".join(str(a) for a in np.atleast_1d(axis))
    case(f"sum-axis-{label}", [t3(f"sum{label}"), t3v(f"sum{label}")],
         lambda t, v, axis=axis: [at.sum(t, axis=axis), (at.sum(t, axis=axis) ** 2).sum()], _grad_rop(1))
case("sum-keepdims", [t3("sumk"), t3v("sumk")], lambda t, v: [at.sum(t, axis=1, keepdims=True),
                                                           (at.sum(t, axis=1, keepdims=True) * t).sum()], _grad_rop(1))
case("sum-int-to-int64", [inp("k", "int32", (4,), [1, 2, 3, -4])], lambda k: [k.sum(), at.sum(k > 1)])
for axis in [None, 1]:
    label = "all" if axis is None else str(axis)
    value = uniform(f"prod{label}", T3, 0.5, 1.5)
    value[0, 1, 2] = 0.0  # exact with a zero
    case(f"prod-axis-{label}-with-zero", [inp("t", "float64", T3, value), t3v(f"prod{label}")],
         lambda t, v, axis=axis: [at.prod(t, axis=axis), at.prod(t, axis=axis).sum()], _grad_rop(1))
case("prod-two-zeros", [inp("x", "float64", (4,), [0.0, 2.0, 0.0, 3.0]), U("v", "p2z", (4,))],
     lambda x, v: [at.prod(x), at.prod(x)], _grad_rop(1))
for name, fn in [("max", at.max), ("min", at.min)]:
    for axis in [None, 1]:
        label = "all" if axis is None else str(axis)
        case(f"{name}-axis-{label}", [t3(f"{name}{label}"), t3v(f"{name}{label}")],
             lambda t, v, fn=fn, axis=axis: [fn(t, axis=axis), fn(t, axis=axis).sum()], _grad_rop(1))
case("max-and-argmax", [t3("maa"), t3v("maa")],
     lambda t, v: [*at.max_and_argmax(t, axis=2), at.max_and_argmax(t, axis=2)[0].sum()],
     _grad_rop(1, cost="o2"))
case("argmax-argmin", [t3("amx")], lambda t: [at.argmax(t, axis=0), at.argmin(t, axis=1), at.argmax(t)])
case("all-any", [inp("b", "bool", (2, 3), [[True, False, True], [True, True, True]])],
     lambda b: [at.all(b), at.any(b, axis=0), at.all(b, axis=1), at.any(b > 0)])
for axis in [None, 1]:
    label = "all" if axis is None else str(axis)
    case(f"logsumexp-axis-{label}", [t3(f"lse{label}", -3, 3), t3v(f"lse{label}")],
         lambda t, v, axis=axis: [at.logsumexp(t, axis=axis), at.logsumexp(t, axis=axis).sum()], _grad_rop(1))
case("logsumexp-keepdims-large", [inp("x", "float64", (2, 3), [[1000.0, 1000.5, -3], [-1000, -999, -1001]]),
                                  U("v", "lsel", (2, 3))],
     lambda x, v: [at.logsumexp(x, axis=1, keepdims=True), at.logsumexp(x, axis=1).sum()], _grad_rop(1))
for name, fn in [("cumsum", at.cumsum), ("cumprod", at.cumprod)]:
    for axis in [None, 1]:
        label = "flat" if axis is None else str(axis)
        case(f"{name}-axis-{label}", [t3(f"{name}{label}", 0.5, 1.5), t3v(f"{name}{label}")],
             lambda t, v, fn=fn, axis=axis: [fn(t, axis=axis), fn(t, axis=axis).sum()], _grad_rop(1))
for name, fn in [("mean", at.mean), ("var", at.var), ("std", at.std)]:
    case(f"{name}-axis-1", [t3(name), t3v(name)],
         lambda t, v, fn=fn: [fn(t, axis=1), fn(t, axis=1).sum()], _grad_rop(1))
case("mean-int-and-float32", [inp("k", "int64", (4,), [1, 2, 3, 5]),
                              inp("f", "float32", (4,), uniform("mf32", 4, dtype="float32"))],
     lambda k, f: [at.mean(k), at.mean(f), at.mean(f * f)], [{"api": "grad", "cost": "o2", "wrt": ["i1"]}])

# --- products -----------------------------------------------------------------------------------------------------

A34 = lambda n: inp(n, "float64", (3, 4), uniform(n + "A", (3, 4)))  # noqa: E731
case("dot-matrix-vector", [A34("A"), U("x", "dmvx", (4,)),
                           U("vA", "dmvvA", (3, 4)), U("vx", "dmvvx", (4,))],
     lambda A, x, vA, vx: [at.dot(A, x), (at.dot(A, x) ** 2).sum()], _grad_rop(2))
case("dot-matrix-matrix", [A34("A"), U("B", "dmmB", (4, 2)),
                           U("vA", "dmmvA", (3, 4)), U("vB", "dmmvB", (4, 2))],
     lambda A, B, vA, vB: [at.dot(A, B), at.tanh(at.dot(A, B)).sum()], _grad_rop(2))
case("dot-vector-vector", [U("x", "dvvx", (5,)), U("y", "dvvy", (5,)),
                           U("vx", "dvvvx", (5,)), U("vy", "dvvvy", (5,))],
     lambda x, y, vx, vy: [at.dot(x, y), at.dot(x, y)], _grad_rop(2))
case("dot-vector-matrix-float32", [inp("x", "float32", (3,), uniform("dvm", 3, dtype="float32")),
                                   inp("M", "float32", (3, 2), uniform("dvmM", (3, 2), dtype="float32"))],
     lambda x, M: [at.dot(x, M), at.dot(x, M).sum()], [{"api": "grad", "cost": "o1", "wrt": ["i0", "i1"]}])
case("matmul-batched", [U("a", "mma", (2, 3, 4)), U("b", "mmb", (4, 5)),
                        U("va", "mmva", (2, 3, 4)), U("vb", "mmvb", (4, 5))],
     lambda a, b, va, vb: [at.matmul(a, b), at.matmul(a, b).sum()], _grad_rop(2))
case("batched-dot", [U("a", "bda", (2, 3, 4)), U("b", "bdb", (2, 4, 2)),
                     U("va", "bdva", (2, 3, 4)), U("vb", "bdvb", (2, 4, 2))],
     lambda a, b, va, vb: [at.batched_dot(a, b), (at.batched_dot(a, b) ** 2).sum()], _grad_rop(2))
for axes, label in [(2, "2"), ([[1], [0]], "1-0"), ([[0, 2], [1, 0]], "02-10")]:
    case(f"tensordot-axes-{label}", [inp("a", "float64", (3, 4, 2), uniform("tda" + label, (3, 4, 2))),
                                     inp("b", "float64", (4, 2, 3) if label != "02-10" else (2, 3, 5),
                                         uniform("tdb" + label, (4, 2, 3) if label != "02-10" else (2, 3, 5)))],
         lambda a, b, axes=axes: [at.tensordot(a, b, axes=axes), at.tensordot(a, b, axes=axes).sum()],
         [{"api": "grad", "cost": "o1", "wrt": ["i0", "i1"]}])
case("outer", [U("x", "ox", (3,)), U("y", "oy", (4,)),
               U("vx", "ovx", (3,)), U("vy", "ovy", (4,))],
     lambda x, y, vx, vy: [at.outer(x, y), at.outer(x, y).sum()], _grad_rop(2))

# --- shape and structure ------------------------------------------------------------------------------------------

case("dimshuffle-transpose-expand", [t3("ds"), t3v("ds")],
     lambda t, v: [t.dimshuffle(2, "x", 0, 1), at.transpose(t), (t.dimshuffle(2, "x", 0, 1) * 2).sum()],
     _grad_rop(1, cost="o2"))
case("dimshuffle-drop-broadcastable", [U("r", "ddb", (1, 4), static=(1, None)),
                                       U("v", "ddbv", (1, 4), static=(1, None))],
     lambda r, v: [r.dimshuffle(1), (r.dimshuffle(1) ** 2).sum()], _grad_rop(1))
case("reshape", [t3("rs"), t3v("rs")], lambda t, v: [at.reshape(t, (6, 4)), (at.reshape(t, (4, -1)) ** 2).sum()],
     _grad_rop(1))
case("reshape-symbolic-shape", [t3("rss"), inp("n", "int64", (), 12)],
     lambda t, n: [at.reshape(t, (2, n)), at.reshape(t, (2, n)).sum()], [{"api": "grad", "cost": "o1", "wrt": ["i0"]}])
case("flatten", [t3("fl"), t3v("fl")], lambda t, v: [at.flatten(t, 2), at.flatten(t).sum()], _grad_rop(1))
case("shape-and-shape-i", [t3("sh")], lambda t: [t.shape, at.shape_i(t, 1), t.shape[2] * t.sum()],
     [{"api": "grad", "cost": "o2", "wrt": ["i0"]}])
case("make-vector-and-alloc", [inp("a", "float64", (), 1.5), inp("n", "int64", (), 3), inp("m", "int64", (), 2)],
     lambda a, n, m: [at.alloc(a, n, m), at.stack([a, a * 2, a ** 2]), at.alloc(a, n, m).sum()],
     [{"api": "grad", "cost": "o2", "wrt": ["i0"]}, {"api": "jacobian", "expression": "o1", "wrt": ["i0"]}])
case("specify-shape", [U("x", "ss", (2, 3)), U("v", "ssv", (2, 3))],
     lambda x, v: [at.specify_shape(x, (2, 3)), (at.specify_shape(x, (2, 3)) ** 2).sum()], _grad_rop(1))
case("unbroadcast", [U("x", "ub", (1, 3), static=(1, None)),
                     U("v", "ubv", (1, 3), static=(1, None))],
     lambda x, v: [at.unbroadcast(x, 0), (at.unbroadcast(x, 0) ** 2).sum()], _grad_rop(1))
case("eye-tri-identity-like", [inp("n", "int64", (), 4), U("x", "eye", (3, 3))],
     lambda n, x: [at.eye(n), at.eye(n, 3, k=1), at.tri(n, 3, k=-1), at.identity_like(x), (at.eye(3) * x).sum()],
     [{"api": "grad", "cost": "o4", "wrt": ["i1"]}])
case("arange", [inp("n", "int64", (), 5), U("x", "ar", (5,))],
     lambda n, x: [at.arange(n), at.arange(1, n, 2), at.arange(0.0, 1.0, 0.25), (x * at.arange(n)).sum()],
     [{"api": "grad", "cost": "o3", "wrt": ["i1"]}])
case("join-and-stack", [U("a", "ja", (2, 3)), U("b", "jb", (1, 3)),
                        U("va", "jva", (2, 3)), U("vb", "jvb", (1, 3))],
     lambda a, b, va, vb: [at.join(0, a, b), at.concatenate([a, a * 2], axis=1), (at.join(0, a, b) ** 2).sum()],
     _grad_rop(2, cost="o2"))
case("stack-axis-1", [U("a", "sa", (3,)), U("b", "sb", (3,))],
     lambda a, b: [at.stack([a, b], axis=1), (at.stack([a, b], axis=1) ** 3).sum()],
     [{"api": "grad", "cost": "o1", "wrt": ["i0", "i1"]}])
case("split", [U("x", "sp", (7, 2)), U("v", "spv", (7, 2))],
     lambda x, v: [*at.split(x, [2, 5], 2, axis=0), (at.split(x, [2, 5], 2)[1] ** 2).sum()], _grad_rop(1, cost="o2"))
case("repeat", [U("x", "rp", (2, 3)), U("v", "rpv", (2, 3))],
     lambda x, v: [at.repeat(x, 3, axis=1), (at.repeat(x, 2, axis=0) ** 2).sum()], _grad_rop(1))
case("tile-roll", [U("x", "tr", (2, 3)), U("v", "trv", (2, 3))],
     lambda x, v: [at.tile(x, (2, 2)), at.roll(x, 1, axis=1),
                   (at.tile(x, (2, 1)) * at.roll(x, -1).repeat(2, axis=0)).sum()],
     _grad_rop(1, cost="o2"))
case("diag-tril-triu", [U("M", "dtt", (4, 4)), U("d", "dttd", (3,))],
     lambda M, d: [at.diag(M), at.diag(d), at.diag(d, k=1), at.tril(M), at.triu(M, k=1),
                   (at.diag(M) ** 2).sum() + (at.tril(M) * at.triu(M, k=-1)).sum() + at.diag(d).sum()],
     [{"api": "grad", "cost": "o5", "wrt": ["i0", "i1"]}])
case("squeeze-and-broadcast-rows", [U("r", "sq", (1, 3), static=(1, None)),
                                    U("M", "sqM", (4, 3))],
     lambda r, M: [at.squeeze(r), (r * M).sum(), r + M], [{"api": "grad", "cost": "o1", "wrt": ["i0", "i1"]}])
case("scalar-from-and-to-tensor", [inp("x", "float64", (), 0.75)],
     lambda x: [at.scalar_from_tensor(x), at.tensor_from_scalar(at.scalar_from_tensor(x)) * x],
     [{"api": "grad", "cost": "o1", "wrt": ["i0"]}])

# --- indexing -----------------------------------------------------------------------------------------------------

M45 = lambda n: inp(n, "float64", (4, 5), uniform(n + "M", (4, 5)))  # noqa: E731
V45 = lambda n: inp(n, "float64", (4, 5), uniform(n + "V", (4, 5)))  # noqa: E731
case("subtensor-basic", [M45("sb"), V45("sb")],
     lambda M, v: [M[1:, ::-1], M[2], M[:, 1:4:2], M[-1, None, 2:], (M[1:3, ::2] ** 2).sum()], _grad_rop(1, cost="o4"))
case("subtensor-symbolic-index", [M45("ssi"), inp("i", "int64", (), 2)],
     lambda M, i: [M[i], M[1:, i], (M[i] ** 2).sum()], [{"api": "grad", "cost": "o2", "wrt": ["i0"]}])
case("set-and-inc-subtensor", [M45("sis"), U("y", "sisy", (3,)), V45("sis"),
                               U("vy", "sisvy", (3,))],
     lambda M, y, v, vy: [at.set_subtensor(M[1, 1:4], y), at.inc_subtensor(M[:3, 0], y * 2),
                          (at.set_subtensor(M[1, 1:4], y) ** 2).sum() + at.inc_subtensor(M[:3, 0], y * 2).sum()],
     _grad_rop(2, cost="o2"))
case("advanced-subtensor1", [M45("as1"), inp("idx", "int64", (4,), [3, 0, 3, 1]), V45("as1")],
     lambda M, idx, v: [M[idx], at.take(M, idx, axis=0), (M[idx] ** 2).sum()],
     [{"api": "grad", "cost": "o2", "wrt": ["i0"]}, {"api": "Rop", "f": ["o0"], "wrt": ["i0"], "eval_points": ["i2"]}])
case("advanced-inc-and-set-subtensor1", [M45("ai1"), inp("idx", "int64", (3,), [0, 2, 0]),
                                         U("y", "ai1y", (3, 5))],
     lambda M, idx, y: [at.advanced_inc_subtensor1(M, y, idx), at.advanced_set_subtensor1(M, y * 0.5, idx),
                        (at.advanced_inc_subtensor1(M, y, idx) ** 2).sum()],
     [{"api": "grad", "cost": "o2", "wrt": ["i0", "i2"]}])
case("advanced-subtensor-2d",
     [M45("as2"), inp("r", "int64", (3,), [0, 3, 1]), inp("c", "int64", (3,), [4, 0, 4]), V45("as2")],
     lambda M, r, c, v: [M[r, c], M[r, 1:3], M[M > 0.5], (M[r, c] ** 2).sum()],
     [{"api": "grad", "cost": "o3", "wrt": ["i0"]},
      {"api": "Rop", "f": ["o0", "o1"], "wrt": ["i0"], "eval_points": ["i3"]}])
case("advanced-inc-subtensor-2d", [M45("ai2"), inp("r", "int64", (3,), [0, 3, 0]), inp("c", "int64", (3,), [4, 0, 4]),
                                   U("y", "ai2y", (3,))],
     lambda M, r, c, y: [at.advanced_inc_subtensor(M, y, r, c), at.advanced_set_subtensor(M, y, r, c),
                         (at.advanced_inc_subtensor(M, y, r, c) ** 2).sum()
                         + at.advanced_set_subtensor(M, y, r, c).sum()],
     [{"api": "grad", "cost": "o2", "wrt": ["i0", "i3"]}])
case("advanced-boolean-mask-set", [M45("abm"), inp("y", "float64", (), 9.0)],
     lambda M, y: [at.set_subtensor(M[M < 0], y), (at.set_subtensor(M[M < 0], y) ** 2).sum()],
     [{"api": "grad", "cost": "o1", "wrt": ["i0", "i1"]}])
case("permute-row-elements", [U("x", "pre", (2, 4)), inp("p", "int64", (4,), [2, 0, 3, 1])],
     lambda x, p: [at.permute_row_elements(x, p), at.permute_row_elements(x, p, inverse=1), at.inverse_permutation(p),
                   (at.permute_row_elements(x, p) * at.arange(4)).sum()],
     [{"api": "grad", "cost": "o3", "wrt": ["i0"]}])

# --- neural-network and special functions -------------------------------------------------------------------------

for name, fn in [("softmax", at.nnet.softmax), ("log-softmax", at.nnet.log_softmax)]:
    for axis in [-1, 0]:
        case(f"{name}-axis-{axis}", [inp("x", "float64", (3, 4), uniform(f"{name}{axis}", (3, 4), -3, 3)),
                                     inp("w", "float64", (3, 4), uniform(f"{name}{axis}w", (3, 4))),
                                     inp("v", "float64", (3, 4), uniform(f"{name}{axis}v", (3, 4)))],
             lambda x, w, v, fn=fn, axis=axis: [fn(x, axis=axis), (fn(x, axis=axis) * w).sum()],
             [{"api": "grad", "cost": "o1", "wrt": ["i0"]},
              {"api": "Rop", "f": ["o0"], "wrt": ["i0"], "eval_points": ["i2"]}])
case("relu-and-leaky", [inp("x", "float64", (6,), [-2.0, -0.5, 0.0, 0.5, 1.0, 3.0])],
     lambda x: [at.nnet.relu(x), at.nnet.relu(x, alpha=0.1), (at.nnet.relu(x) + at.nnet.relu(x, alpha=0.1) ** 2).sum()],
     [{"api": "grad", "cost": "o2", "wrt": ["i0"]}])
case("crossentropies", [U("p", "cep", (3, 4), -2, 2),
                        inp("t", "float64", (3, 4), np.eye(3, 4)), U("q", "ceq", (5,), 0.05, 0.95),
                        inp("y", "float64", (5,), [0.0, 1.0, 1.0, 0.0, 0.3])],
     lambda p, t, q, y: [at.nnet.categorical_crossentropy(at.nnet.softmax(p), t), at.nnet.binary_crossentropy(q, y),
                         at.nnet.sigmoid_binary_crossentropy(q * 4 - 2, y),
                         at.nnet.categorical_crossentropy(at.nnet.softmax(p), t).sum()
                         + at.nnet.binary_crossentropy(q, y).sum()],
     [{"api": "grad", "cost": "o3", "wrt": ["i0", "i2"]}])
case("log1pexp-and-log1p-of-exp", [inp("x", "float64", (5,), [-40.0, -1.0, 0.0, 1.0, 40.0])],
     lambda x: [at.log1pexp(x), at.log1p(at.exp(x)), at.log(1 + at.exp(x)), at.log1p(at.exp(x)).sum()],
     [{"api": "grad", "cost": "o3", "wrt": ["i0"]}])

# --- linear algebra -----------------------------------------------------------------------------------------------

SPD = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
SQ = np.array([[2.0, 1.0, 0.0], [0.5, 3.0, 1.0], [0.0, -1.0, 1.5]])
VSQ = uniform("vsq", (3, 3))
case("matrix-inverse", [inp("A", "float64", (3, 3), SQ), inp("v", "float64", (3, 3), VSQ)],
     lambda A, v: [at.nlinalg.matrix_inverse(A), (at.nlinalg.matrix_inverse(A) ** 2).sum()], _grad_rop(1))
case("det", [inp("A", "float64", (3, 3), SQ), inp("v", "float64", (3, 3), VSQ)],
     lambda A, v: [at.nlinalg.det(A), at.nlinalg.det(A)], _grad_rop(1))
for assume in ["gen", "sym", "pos"]:
    case(f"solve-{assume}", [inp("A", "float64", (3, 3), SPD if assume != "gen" else SQ),
                             inp("b", "float64", (3, 2), uniform("solveb" + assume, (3, 2))),
                             inp("vA", "float64", (3, 3), VSQ if assume == "gen" else (VSQ + VSQ.T) / 2),
                             inp("vb", "float64", (3, 2), uniform("solvevb" + assume, (3, 2)))],
         lambda A, b, vA, vb, assume=assume: [at.slinalg.solve(A, b, assume_a=assume),
                                              (at.slinalg.solve(A, b, assume_a=assume) ** 2).sum()], _grad_rop(2))
case("solve-lower-triangular",
     [inp("A", "float64", (3, 3), np.tril(SQ) + np.eye(3)), inp("b", "float64", (3,), [1.0, -1.0, 2.0])],
     lambda A, b: [at.slinalg.solve(A, b, assume_a="gen", lower=True), at.slinalg.solve(A, b).sum()],
     [{"api": "grad", "cost": "o1", "wrt": ["i0", "i1"]}])
for lower in [True, False]:
    case(f"cholesky-lower-{str(lower).lower()}",
         [inp("A", "float64", (3, 3), SPD), inp("v", "float64", (3, 3), (VSQ + VSQ.T) / 2)],
         lambda A, v, lower=lower: [at.slinalg.cholesky(A, lower=lower),
                                    (at.slinalg.cholesky(A, lower=lower) ** 2).sum()],
         _grad_rop(1))
case("eigh", [inp("A", "float64", (3, 3), SPD), inp("v", "float64", (3, 3), (VSQ + VSQ.T) / 2)],
     lambda A, v: [at.nlinalg.eigh(A)[0], (at.nlinalg.eigh(A)[1] ** 2).sum() + at.nlinalg.eigh(A)[0].sum()],
     _grad_rop(1))
case("eigh-upper", [inp("A", "float64", (3, 3), SPD)],
     lambda A: [*at.nlinalg.eigh(A, UPLO="U"), at.nlinalg.eigh(A, "U")[0].sum()],
     [{"api": "grad", "cost": "o2", "wrt": ["i0"]}])
case("extract-diag-trace-norm", [U("A", "edt", (3, 4)), U("v", "edtv", (3, 4))],
     lambda A, v: [at.nlinalg.extract_diag(A, offset=1), at.nlinalg.trace(A), at.nlinalg.norm(A, None),
                   (at.nlinalg.extract_diag(A) ** 2).sum() + at.nlinalg.trace(A) + at.nlinalg.norm(A, None)],
     _grad_rop(1, cost="o3"))
case("norms-of-vectors", [U("x", "nv", (5,), -2, 2)],
     lambda x: [at.nlinalg.norm(x, 1), at.nlinalg.norm(x, 2), at.nlinalg.norm(x, np.inf), at.nlinalg.norm(x, 2)],
     [{"api": "grad", "cost": "o3", "wrt": ["i0"]}])
case("matrix-dot-chain", [U("A", "mdA", (2, 3)), inp("B", "float64", (3, 3), SQ),
                          U("C", "mdC", (3, 2))],
     lambda A, B, C: [at.nlinalg.matrix_dot(A, B, C), at.nlinalg.det(at.nlinalg.matrix_dot(A, B, C))],
     [{"api": "grad", "cost": "o1", "wrt": ["i0", "i1", "i2"]}])

# --- sparse -------------------------------------------------------------------------------------------------------

SPARSE = np.array([[1.5, 0.0, 0.0, -2.0], [0.0, 0.0, 3.0, 0.0], [0.5, 0.0, 0.0, 1.0]])
case("sparse-structured-dot", [inp("S", "float64", (3, 4), SPARSE), U("D", "ssdD", (4, 2))],
     lambda S, D: [sp.structured_dot(sp.csr_from_dense(S), D), sp.structured_dot(sp.csr_from_dense(S), D).sum()],
     [{"api": "grad", "cost": "o1", "wrt": ["i0", "i1"]}])
case("sparse-csc-dense-round-trip", [inp("S", "float64", (3, 4), SPARSE)],
     lambda S: [sp.dense_from_sparse(sp.csc_from_dense(S)), sp.dense_from_sparse(sp.csr_from_dense(S)) * 2,
                (sp.dense_from_sparse(sp.csc_from_dense(S)) ** 2).sum()],
     [{"api": "grad", "cost": "o2", "wrt": ["i0"]}])
case("sparse-add", [inp("S", "float64", (3, 4), SPARSE), U("D", "sadd", (3, 4))],
     lambda S, D: [sp.dense_from_sparse(sp.add(sp.csr_from_dense(S), sp.csr_from_dense(S * 2))),
                   sp.add(sp.csr_from_dense(S), D),
                   sp.add(sp.csr_from_dense(S), D).sum()
                   + sp.dense_from_sparse(sp.add(sp.csr_from_dense(S), sp.csr_from_dense(S))).sum()],
     [{"api": "grad", "cost": "o2", "wrt": ["i0", "i1"]}])
case("sparse-mul", [inp("S", "float64", (3, 4), SPARSE), U("D", "smul", (3, 4))],
     lambda S, D: [sp.dense_from_sparse(sp.mul(sp.csr_from_dense(S), D)),
                   sp.dense_from_sparse(sp.mul(sp.csr_from_dense(S), sp.csr_from_dense(S))),
                   sp.dense_from_sparse(sp.mul(sp.csr_from_dense(S), D)).sum()
                   + sp.dense_from_sparse(sp.mul(sp.csr_from_dense(S), sp.csr_from_dense(S))).sum()],
     [{"api": "grad", "cost": "o2", "wrt": ["i0", "i1"]}])
for axis in [None, 0, 1]:
    for sparse_grad in [False, True]:
        label = f"{'all' if axis is None else axis}{'-sparse-grad' if sparse_grad else ''}"
        case(f"sparse-sp-sum-{label}", [inp("S", "float64", (3, 4), SPARSE)],
             lambda S, axis=axis, sparse_grad=sparse_grad: [
                 sp.sp_sum(sp.csr_from_dense(S), axis=axis, sparse_grad=sparse_grad),
                 (sp.sp_sum(sp.csr_from_dense(S), axis=axis, sparse_grad=sparse_grad) ** 2).sum()],
             [{"api": "grad", "cost": "o1", "wrt": ["i0"]}])

# --- gradient control ---------------------------------------------------------------------------------------------

CONTROL = [("zero-grad", gradient.zero_grad), ("disconnected-grad", gradient.disconnected_grad),
           ("consider-constant", gradient.consider_constant),
           ("grad-clip", lambda x: gradient.grad_clip(x, -0.1, 0.2)),
           ("grad-scale", lambda x: gradient.grad_scale(x, -3.0))]
for label, fn in CONTROL:
    case(f"control-{label}",
         [inp("x", "float64", (4,), uniform(label, 4, -2, 2)), inp("v", "float64", (4,), uniform(label + "v", 4))],
         lambda x, v, fn=fn: [fn(x) * x, (fn(x * x) * x).sum()],
         [{"api": "grad", "cost": "o1", "wrt": ["i0"]},
          {"api": "Rop", "f": ["o0"], "wrt": ["i0"], "eval_points": ["i1"]}])
case("control-undefined-grad-elsewhere", [U("x", "ug", (4,)), U("w", "ugw", (4,))],
     lambda x, w: [gradient.undefined_grad(x) * w, (gradient.undefined_grad(x) * w).sum()],
     [{"api": "grad", "cost": "o1", "wrt": ["i1"]}])

# --- gradient APIs: options, several outputs, Jacobians, Hessians, verify_grad ------------------------------------

case("grad-consider-constant", [U("x", "gcc", (4,)), U("w", "gccw", (4,))],
     lambda x, w: [at.tanh(x * w), (at.tanh(x * w) * x).sum()],
     [{"api": "grad", "cost": "o1", "wrt": ["i0", "i1"], "consider_constant": ["o0"]}])
case("grad-known-grads", [U("x", "gkg", (4,)), U("g", "gkgg", (4,))],
     lambda x, g: [at.exp(x) * 2, (at.exp(x) * 2).sum()],
     [{"api": "grad", "cost": None, "wrt": ["i0"], "known_grads": [["o0", "i1"]]},
      {"api": "grad", "cost": "o1", "wrt": ["i0"], "known_grads": [["o0", "i1"]]}])
case("grad-disconnected-ignore", [U("x", "gdi", (3,)), U("u", "gdiu", (2,))],
     lambda x, u: [(x ** 2).sum()],
     [{"api": "grad", "cost": "o0", "wrt": ["i0", "i1"], "disconnected_inputs": "ignore"}])
case("grad-without-names", [U("x", "gwn", (3,))], lambda x: [(x ** 3).sum()],
     [{"api": "grad", "cost": "o0", "wrt": ["i0"], "add_names": False}])
case("grad-integer-path", [U("x", "gip", (4,), -2, 2), inp("k", "int64", (4,), [1, 2, 3, 4])],
     lambda x, k: [(at.cast(x > 0, "int64") * k + x * k).sum()],
     [{"api": "grad", "cost": "o0", "wrt": ["i0"]}])
case("grad-of-gradient", [U("x", "gog", (3,))],
     lambda x: [(at.sin(x) * x ** 2).sum(), (aesara.grad((at.sin(x) * x ** 2).sum(), x) ** 2).sum()],
     [{"api": "grad", "cost": "o1", "wrt": ["i0"]}])
case("lop-two-outputs", [U("x", "l2x", (3,)), U("W", "l2W", (3, 2)),
                         U("u", "l2u", (2,)), inp("s", "float64", (), 0.7)],
     lambda x, W, u, s: [at.dot(x, W), at.exp(x).sum()],
     [{"api": "Lop", "f": ["o0", "o1"], "wrt": ["i0", "i1"], "eval_points": ["i2", "i3"]}])
case("lop-same-output-twice", [U("x", "lst", (3,)), U("u", "lstu", (3,))],
     lambda x, u: [at.tanh(x)], [{"api": "Lop", "f": ["o0", "o0"], "wrt": ["i0"], "eval_points": ["i1", "i1"]}])
case("rop-several-wrt", [U("W", "rswW", (3, 2)), U("x", "rswx", (3,)),
                         U("V", "rswV", (3, 2)), U("u", "rswu", (3,))],
     lambda W, x, V, u: [at.dot(x, W), at.tanh(at.dot(x, W)).sum()],
     [{"api": "Rop", "f": ["o0", "o1"], "wrt": ["i0", "i1"], "eval_points": ["i2", "i3"]},
      {"api": "Rop", "f": ["o0"], "wrt": ["i0"], "eval_points": ["i2"]}])
case("rop-disconnected-ignore", [U("x", "rdi", (3,)), U("y", "rdiy", (3,)),
                                 U("v", "rdiv", (3,))],
     lambda x, y, v: [x * 2, y * 3],
     [{"api": "Rop", "f": ["o0", "o1"], "wrt": ["i0"], "eval_points": ["i2"], "disconnected_outputs": "ignore"}])


def jac_case(name, inputs, build, wrt, extra=(), **kw):
    case(name, inputs, build, [{"api": "jacobian", "expression": "o0", "wrt": wrt, **kw}, *extra])


jac_case("jacobian-vector", [U("x", "jv", (4,))], lambda x: [at.tanh(x) * x.sum()], ["i0"])
jac_case("jacobian-matrix-output", [U("A", "jmA", (3, 2)), U("x", "jmx", (2,))],
         lambda A, x: [at.outer(at.dot(A, x), x)], ["i0", "i1"])
jac_case("jacobian-chunked", [U("x", "jc", (5,), static=(5,))], lambda x: [at.cumsum(at.exp(x))], ["i0"],
         chunk_size=2)
jac_case("jacobian-row-by-row", [U("x", "jr", (3,), static=(3,))], lambda x: [x ** 3 * x[::-1]],
         ["i0"], chunk_size=1)
jac_case("jacobian-scalar-expression", [U("x", "js", (3,))], lambda x: [(x ** 2).sum()], ["i0"])
jac_case("jacobian-through-softmax", [U("x", "jsm", (4,), -2, 2)], lambda x: [at.nnet.softmax(x)], ["i0"])
jac_case("jacobian-through-linalg", [inp("A", "float64", (3, 3), SQ), inp("b", "float64", (3,), [1.0, 2.0, -1.0])],
         lambda A, b: [at.slinalg.solve(A, b)], ["i0", "i1"])
jac_case("jacobian-through-indexing", [U("x", "jti", (5,)), inp("i", "int64", (3,), [4, 0, 4])],
         lambda x, i: [x[i] * x[1:4] + at.set_subtensor(x[:3], x[2:])[1:4]], ["i0"])
jac_case("jacobian-through-reductions", [U("X", "jtr", (3, 4))],
         lambda X: [at.concatenate([X.max(axis=1), at.prod(X, axis=1), at.logsumexp(X, axis=1), X.mean(axis=1)])],
         ["i0"])
jac_case("jacobian-disconnected-ignore", [U("x", "jdi", (3,)), U("y", "jdiy", (2,))],
         lambda x, y: [x * 2], ["i0", "i1"], disconnected_inputs="ignore")
jac_case("jacobian-float32", [inp("x", "float32", (3,), uniform("jf32", 3, dtype="float32"))],
         lambda x: [at.exp(x) * x], ["i0"])


def hess_case(name, inputs, build, wrt, **kw):
    case(name, inputs, build, [{"api": "hessian", "cost": "o0", "wrt": wrt, **kw}])


hess_case("hessian-vector", [U("x", "hv", (4,))], lambda x: [(at.exp(x) * x ** 2).sum()], ["i0"])
hess_case("hessian-matrix-wrt", [U("W", "hmW", (2, 3))],
          lambda W: [at.tanh(at.dot(W, [1.0, 2.0, 3.0])).sum()], ["i0"])
hess_case("hessian-two-wrt", [U("x", "h2x", (3,)), U("y", "h2y", (2,))],
          lambda x, y: [(at.outer(x, y) ** 2).sum() + at.sin(x).sum()], ["i0", "i1"])
hess_case("hessian-scalar-wrt", [inp("a", "float64", (), 0.3), U("x", "hsx", (3,))],
          lambda a, x: [at.exp(a * x).sum()], ["i0", "i1"])
hess_case("hessian-logistic-loss", [U("w", "hllw", (3,)), U("X", "hllX", (6, 3)),
                                    inp("s", "float64", (6,), [1.0, -1.0, 1.0, 1.0, -1.0, -1.0])],
          lambda w, X, s: [at.log(1.0 + at.exp(-s * at.dot(X, w))).mean()], ["i0"])
hess_case("hessian-through-softmax", [U("x", "hts", (4,))],
          lambda x: [(at.nnet.softmax(x) * [1.0, -1.0, 2.0, 0.5]).sum()], ["i0"])
hess_case("hessian-through-det", [inp("A", "float64", (2, 2), [[2.0, 0.5], [0.25, 1.5]])],
          lambda A: [at.log(at.nlinalg.det(A))], ["i0"])
case("hessian-vector-product", [U("x", "hvpx", (4,)), U("v", "hvpv", (4,))],
     lambda x, v: [(at.exp(x) * at.sin(x)).sum() + (x.sum()) ** 3],
     [{"api": "hessian_vector_product", "cost": "o0", "wrt": "i0", "v": "i1"},
      {"api": "hessian", "cost": "o0", "wrt": ["i0"]}])
case("hessian-vector-product-matrix", [U("W", "hvpW", (2, 3)), U("V", "hvpV", (2, 3))],
     lambda W, V: [at.logsumexp(at.dot(W, [0.5, -1.0, 2.0]))],
     [{"api": "hessian_vector_product", "cost": "o0", "wrt": "i0", "v": "i1"}])


def verify_case(name, inputs, build, wrt, **kw):
    """verify_grad on output 0; the projection is the last input (shaped like output 0)."""
    spec = {"api": "verify_grad", "output": "o0", "wrt": wrt, "projection": f"i{len(inputs) - 1}"}
    case(name, inputs, build, [spec], **kw)


def proj(name, shape, dtype="float64"):
    return inp("projection", dtype, shape, rng(name + "proj").random(shape).astype(dtype) + 0.5)


verify_case("verify-grad-elementwise", [U("x", "vge", (4,), 0.2, 2), proj("vge", (4,))],
            lambda x, p: [at.log(x) * at.tanh(x) + at.sqrt(x)], ["i0"])
verify_case("verify-grad-dot", [U("A", "vgdA", (3, 2)), U("x", "vgdx", (2,)),
                                proj("vgd", (3,))], lambda A, x, p: [at.dot(A, x) ** 2], ["i0", "i1"])
verify_case("verify-grad-softmax", [U("x", "vgs", (2, 3)), proj("vgs", (2, 3))],
            lambda x, p: [at.nnet.softmax(x)], ["i0"])
verify_case("verify-grad-prod", [U("x", "vgp", (2, 3), 0.5, 1.5), proj("vgp", (3,))],
            lambda x, p: [at.prod(x, axis=0)], ["i0"])
verify_case("verify-grad-solve",
            [inp("A", "float64", (3, 3), SQ), inp("b", "float64", (3,), [1.0, -2.0, 0.5]), proj("vgsv", (3,))],
            lambda A, b, p: [at.slinalg.solve(A, b)], ["i0", "i1"])
verify_case("verify-grad-cholesky", [inp("A", "float64", (3, 3), SPD), proj("vgc", (3, 3))],
            lambda A, p: [at.slinalg.cholesky(A)], ["i0"])
verify_case("verify-grad-indexing", [U("x", "vgi", (5,)), proj("vgi", (4,))],
            lambda x, p: [x[[0, 2, 4, 1]] * x[1:]], ["i0"])
verify_case("verify-grad-cumprod", [U("x", "vgcp", (4,), 0.5, 1.5), proj("vgcp", (4,))],
            lambda x, p: [at.cumprod(x)], ["i0"])
verify_case("verify-grad-max", [U("x", "vgm", (3, 4)), proj("vgm", (3,))],
            lambda x, p: [at.max(x, axis=1)], ["i0"])
verify_case("verify-grad-special", [U("x", "vgsp", (4,), 0.5, 3), proj("vgsp", (4,))],
            lambda x, p: [at.gammaln(x) + at.erf(x) * at.psi(x)], ["i0"])
verify_case("verify-grad-float32",
            [inp("x", "float32", (4,), uniform("vgf", 4, 0.2, 2, "float32")), proj("vgf", (4,), "float32")],
            lambda x, p: [at.exp(x) * at.log(x)], ["i0"], exact=False, rtol=1e-6,
            why="numeric_grad: sharpgrad returns the numeric gradient of float32 inputs in float32 (as Aesara's "
                "numeric_grad does), C#'s NumericGrad always in float64; rounded to float32, C#'s values agree to the "
                "bit (everything else in the case is bit-identical as it stands)")

# --- models -------------------------------------------------------------------------------------------------------

case("model-logistic-regression", [U("X", "lrX", (9, 3)),
                                   inp("s", "float64", (9,), np.where(uniform("lrs", 9) > 0, 1.0, -1.0)),
                                   U("w", "lrw", (3,)), inp("b", "float64", (), -0.4)],
     lambda X, s, w, b: [at.log(1.0 + at.exp(-s * (at.dot(X, w) + b))).sum() / at.sum(at.ones_like(s))],
     [{"api": "grad", "cost": "o0", "wrt": ["i2", "i3"]}, {"api": "hessian", "cost": "o0", "wrt": ["i2"]}])
case("model-mlp", [U("X", "mlpX", (5, 3)), U("y", "mlpy", (5,)),
                   U("W1", "mlpW1", (3, 4), static=(3, 4)), U("b1", "mlpb1", (4,)),
                   U("w2", "mlpw2", (4,)), inp("b2", "float64", (), 0.3)],
     lambda X, y, W1, b1, w2, b2: [((at.dot(at.tanh(at.dot(X, W1) + b1), w2) + b2 - y) ** 2).mean()
                                   + 0.01 * (W1 ** 2).sum()],
     [{"api": "grad", "cost": "o0", "wrt": ["i2", "i3", "i4", "i5"]}])
case("model-softmax-regression", [U("X", "srX", (6, 4)), U("W", "srW", (4, 3)),
                                  inp("Y", "float64", (6, 3), np.eye(3)[[0, 1, 2, 1, 0, 2]])],
     lambda X, W, Y: [-(Y * at.nnet.log_softmax(at.dot(X, W))).sum(axis=1).mean()],
     [{"api": "grad", "cost": "o0", "wrt": ["i1"]}, {"api": "hessian", "cost": "o0", "wrt": ["i1"]}])
case("model-gaussian-log-likelihood", [U("x", "gll", (8,), -2, 2), inp("mu", "float64", (), 0.1),
                                       inp("log_sigma", "float64", (), -0.2)],
     lambda x, mu, ls: [(-0.5 * ((x - mu) / at.exp(ls)) ** 2 - ls - 0.5 * np.log(2 * np.pi)).sum()],
     [{"api": "grad", "cost": "o0", "wrt": ["i1", "i2"]}, {"api": "hessian", "cost": "o0", "wrt": ["i1", "i2"]}])
case("model-rnn-two-steps", [U("h0", "rnnh", (3,)), U("W", "rnnW", (3, 3)),
                             U("U", "rnnU", (2, 3)), U("xs", "rnnx", (2, 2))],
     lambda h0, W, U, xs: [(at.tanh(at.dot(at.tanh(at.dot(h0, W) + at.dot(xs[0], U)), W) + at.dot(xs[1], U))
                           ** 2).sum()],
     [{"api": "grad", "cost": "o0", "wrt": ["i0", "i1", "i2"]}])
case("model-ridge-closed-form", [U("X", "ridX", (6, 3)), U("y", "ridy", (6,)),
                                 inp("lam", "float64", (), 0.5)],
     lambda X, y, lam: [at.slinalg.solve(at.dot(X.T, X) + lam * at.eye(3), at.dot(X.T, y))],
     [{"api": "jacobian", "expression": "o0", "wrt": ["i2"]}])
case("model-attention", [U("Q", "attQ", (2, 4)), U("K", "attK", (3, 4)),
                         U("V", "attV", (3, 2))],
     lambda Q, K, V: [(at.dot(at.nnet.softmax(at.dot(Q, K.T) / 2.0, axis=-1), V) ** 2).sum()],
     [{"api": "grad", "cost": "o0", "wrt": ["i0", "i1", "i2"]}])
case("model-shared-scale", [U("x", "shx", (3,))],
     lambda x: [(aesara.shared(np.array([0.5, -1.0, 2.0]), name="scale") * at.exp(x)).sum()],
     [{"api": "grad", "cost": "o0", "wrt": ["i0"]}])
case("model-named-constants", [U("x", "ncx", (3,)), U("v", "ncv", (3,))],
     lambda x, v: [at.dot(at.constant(np.array([[1.0, 0.5, -0.25], [0.125, 2.0, 3.0]]), name="C"), x * 3.0)
                + at.constant(np.array([0.1, -0.0])), (x * at.constant(np.array([5e-324, np.inf, -0.0]))).sum()],
     [{"api": "Rop", "f": ["o0"], "wrt": ["i0"], "eval_points": ["i1"]}, {"api": "grad", "cost": "o1", "wrt": ["i0"]}])


# --- random streams (kept beside the graph: random variables cannot be written as JSON) -----------------------------

def random_case(name, inputs, draws, build=lambda *xs: [], derive=(), seed=7, calls=2):
    case(name, inputs, build, derive, random={"seed": seed, "calls": calls, "draws": draws})


random_case("random-normal", [inp("loc", "float64", (3,), [0.0, 10.0, -5.0]), inp("scale", "float64", (), 2.0)],
            [{"dist": "normal", "args": ["i0", "i1"], "size": [2, 3]}, {"dist": "normal", "args": ["i0", "i1"]}])
random_case("random-uniform-float32", [inp("low", "float32", (), -1.0), inp("high", "float32", (), 3.0)],
            [{"dist": "uniform", "args": ["i0", "i1"], "size": [5], "dtype": "float32"}], seed=123)
random_case("random-binomial", [inp("n", "int64", (), 10), inp("p", "float64", (4,), [0.1, 0.5, 0.9, 1.0])],
            [{"dist": "binomial", "args": ["i0", "i1"]}, {"dist": "binomial", "args": ["i0", "i1"], "size": [3, 4]}])
random_case("random-multinomial", [inp("n", "int64", (), 20), inp("pvals", "float64", (3,), [0.2, 0.3, 0.5])],
            [{"dist": "multinomial", "args": ["i0", "i1"], "size": [4]}], seed=99)
random_case("random-choice", [inp("a", "float64", (5,), [1.5, 2.5, 3.5, 4.5, 5.5]), inp("n", "int64", (), 6),
                              inp("p", "float64", (6,), [0.1, 0.1, 0.1, 0.1, 0.1, 0.5])],
            [{"dist": "choice", "args": ["i0"], "size": [3], "replace": False},
             {"dist": "choice", "args": ["i1"], "size": [2, 2], "p": "i2"}])
random_case("random-permutation", [inp("n", "int64", (), 6), U("X", "rperm", (4, 2))],
            [{"dist": "permutation", "args": ["i0"]}, {"dist": "permutation", "args": ["i1"]}])

# --- OpFromGraph: an op defined by a graph, its inner graph nested in the document -----------------------------------

def _opfromgraph(x, w, vx, vw):
    from sharpgrad.compile.builders import OpFromGraph

    a, b = at.dmatrix("a"), at.dmatrix("b")
    inner = OpFromGraph([a], [at.tanh(a) * 2.0], name="inner")
    op = OpFromGraph([a, b], [inner(at.dot(a, b)) + a.sum(), at.exp(b).sum(axis=0)])
    y, z = op(x, w)
    return [y, (y ** 2).sum() + (z * z).sum()]


case("opfromgraph-nested", [U("x", "ofgx", (3, 4)), U("w", "ofgw", (4, 4)), U("vx", "ofgvx", (3, 4)),
                            U("vw", "ofgvw", (4, 4))], _opfromgraph,
     _grad_rop(2) + [{"api": "hessian", "cost": "o1", "wrt": ["i1"]}])

case("model-rnn-scan", [U("h0", "scanh", (3,)), U("W", "scanW", (3, 3), -0.6, 0.6),
                        U("U", "scanU", (2, 3)), U("xs", "scanx", (5, 2)), U("v", "scanv", (3, 3))],
     lambda h0, W, U, xs, v: [(aesara.scan(lambda x, h: at.tanh(at.dot(h, W) + at.dot(x, U)), sequences=xs,
                                           outputs_info=h0)[0] ** 2).sum()],
     [{"api": "grad", "cost": "o0", "wrt": ["i0", "i1", "i2", "i3"]},
      {"api": "hessian_vector_product", "cost": "o0", "wrt": "i1", "v": "i4"}])


def _checkpointed_rnn(h0, W, U, xs, v):
    # checkpoint=3 over 7 steps (blocks of 3, 3, 1); the graph holds the gradient, so that ScanCheckpoints is written.
    h, _ = aesara.scan(lambda x, h: at.tanh(at.dot(h, W) + at.dot(x, U)), sequences=xs, outputs_info=h0, checkpoint=3)
    loss = (h ** 2).sum()
    return [loss, aesara.grad(loss, W)]


case("model-rnn-scan-checkpoint", [U("h0", "ckh", (3,)), U("W", "ckW", (3, 3), -0.6, 0.6),
                                   U("U", "ckU", (2, 3)), U("xs", "ckx", (7, 2)), U("v", "ckv", (3, 3))],
     _checkpointed_rnn,
     [{"api": "grad", "cost": "o0", "wrt": ["i0", "i1", "i2", "i3"]},
      {"api": "hessian_vector_product", "cost": "o0", "wrt": "i1", "v": "i4"}])

# --- writing ------------------------------------------------------------------------------------------------------

def _ops(document):
    names = set()
    for node in document["nodes"]:
        scalar = node.get("props", {}).get("scalar_op") if node["op"] == "Elemwise" else None
        names.add(f"Elemwise{{{scalar}}}" if scalar else node["op"])
    return sorted(names)


def _indent(text, by):
    return text.replace("\n", "\n" + " " * by)


def write(c, index, corpus=CORPUS):
    variables = []
    for name, dtype, static, _ in c.inputs:
        variables.append(at.tensor(dtype, shape=static, name=name))
    values = [v for *_, v in c.inputs]
    outputs = c.build(*variables)
    graph_text = serialize.dump(variables, outputs)
    graph = json.loads(graph_text)
    # Derive and evaluate once here, so that a broken case fails now, not in the test.
    probe = {"derive": c.derive, **({"random": c.random} if c.random else {})}
    inputs, outs = serialize.load(graph_text)
    outs = outs + parity.random_draws(probe, inputs)
    everything, numeric, _ = parity.derive(probe, inputs, outs, values)
    parity.evaluate(inputs, everything, values)
    numeric()
    random_ops = {"normal": "NormalRV", "uniform": "UniformRV", "binomial": "BinomialRV",
                  "multinomial": "MultinomialRV", "choice": "ChoiceRV", "permutation": "PermutationRV"}
    ops = sorted(set(_ops(graph)) | ({random_ops[d["dist"]] for d in c.random["draws"]} if c.random else set()))
    head = {"format": parity.FORMAT, "version": 1, "name": c.name, "ops": ops,
            "apis": sorted({d["api"] for d in c.derive}), "exact": c.exact}
    if not c.exact:
        head["why"] = c.why
        head["rtol"] = c.rtol
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    lines.append(f'  "derive": {json.dumps(c.derive)},')
    if c.random:
        lines.append(f'  "random": {json.dumps(c.random)},')
    lines.append(f'  "inputs": {serialize.dump_values(values)},')
    lines.append(f'  "graph": {_indent(graph_text.strip(), 2)}')
    lines.append("}")
    path = Path(corpus) / f"{index:03d}-{c.name}.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- fused rules the compiler introduces (a + b·c, a - b·c): a graph holding them must derive in both languages ---

from sharpgrad.tensor.math import _elementwise  # noqa: E402  (the rules by name; Aesara has no function for them)

for op in ["addcmul", "subcmul"]:
    def build(a, b, c, va, vb, vc, op=op):
        z = _elementwise(op, a, b, c)
        return [z, (z * z).sum()]
    # a (3, 1) against b (4,) and c (3, 4): broadcasting, so gradients must sum over the broadcast axes.
    case(f"elemwise-{op}-broadcast", [inp("a", "float64", (3, 1), uniform(op, (3, 1)), static=(None, 1)),
                                      U("b", op + "b", (4,)), U("c", op + "c", (3, 4)),
                                      inp("va", "float64", (3, 1), uniform(op + "va", (3, 1)), static=(None, 1)),
                                      U("vb", op + "vb", (4,)), U("vc", op + "vc", (3, 4))],
         build, _grad_rop(3))


# A dense layer as the compiler runs it: dot, the bias add and the transposes of the gradients fused into Gemm
# nodes (the rewritten graph of a compiled function), derived again in both languages.
def _compiled(inputs, outputs):
    return list(aesara.function(inputs, outputs).maker.fgraph.outputs)


case("gemm-dense-layer", [U("x", "gemmx", (4, 3)), U("W", "gemmW", (3, 2)), U("b", "gemmb", (2,)),
                          U("vx", "gemmvx", (4, 3)), U("vW", "gemmvW", (3, 2)), U("vb", "gemmvb", (2,))],
     lambda x, W, b, vx, vW, vb: _compiled(
         [x, W, b], [at.tanh(at.dot(x, W) + b), (at.tanh(at.dot(x, W) + b) ** 2).sum(),
                     at.dot(x.T, at.tanh(at.dot(x, W) + b)), at.dot(at.dot(x, W), W.T)]),
     _grad_rop(3))


def main(corpus=CORPUS):
    """Write every case into ``corpus`` (emptied first); return the number of cases."""
    corpus = Path(corpus)
    warnings.simplefilter("ignore", DeprecationWarning)  # consider_constant is deprecated in Aesara too; covered anyway
    corpus.mkdir(exist_ok=True)
    for old in corpus.glob("*.json"):
        old.unlink()
    names = [c.name for c in CASES]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise SystemExit(f"duplicate case names: {sorted(duplicates)}")
    for i, c in enumerate(CASES):
        try:
            write(c, i, corpus)
        except Exception as exc:
            raise SystemExit(f"case {c.name}: {type(exc).__name__}: {exc}") from exc
    return len(CASES)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS
    print(f"wrote {main(target)} cases to {target}")
