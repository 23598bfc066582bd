"""The type stubs (``*.pyi``) and the docstrings of sharpgrad's public API.

Stubs: every public module has one; it declares every name of the module's
``__all__``; every function, method and property it declares exists at run
time with the same parameter names, kinds and defaults (``inspect.signature``);
and mypy, reading only the stubs, accepts a script written like Aesara's
tutorials and reports wrong calls in it.

Docstrings (numpy style), for every name in the ``__all__`` of a public module
and for the public methods and properties of the classes among them:

* the docstring is not empty;
* a callable with parameters (``self`` and ``cls`` aside) has a ``Parameters``
  section (the word underlined with dashes) that names each parameter (``*args``
  and ``**kwargs`` included; ``a, b : ...`` names two) and nothing else;
* a callable whose stub returns something other than ``None`` has a
  ``Returns`` section;
* except a one-line alias: a docstring of one line that says "see", "name
  of", "alias of", "alias for" or "same as" followed by a ``:func:`` or
  ``:meth:`` reference to another documented sharpgrad callable whose
  parameters are the same (for a method, the target's parameters without its
  first, the tensor itself), e.g. ``TensorVariable.sum``, "see
  :func:`sharpgrad.tensor.sum`". The target is held to the rules above;
* a class documents its constructor's parameters in its own docstring, except
  the views of engine objects that sharpgrad makes and users never construct
  (:data:`ENGINE_VIEWS`); properties need only a docstring.

Modules whose name has a part starting with ``_`` are private and not covered.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import sharpgrad

PACKAGE_DIR = Path(sharpgrad.__file__).resolve().parent

# Classes whose constructor takes an engine object: sharpgrad builds them (``wrap``, ``function``,
# ``Apply.op``, ``Function.maker.fgraph``); their constructor parameters are not part of the documented API.
ENGINE_VIEWS = {
    "sharpgrad.tensor.var.TensorVariable": "handle",
    "sharpgrad.compile.sharedvalue.SharedVariable": "handle",
    "sharpgrad.graph.fg.FunctionGraph": "handle",
    "sharpgrad.graph.basic.OpView": "handle",
    "sharpgrad.compile.function.Function": "compiled",
}

# Stub members with no run-time attribute of that name, and why.
STUB_ONLY = {
    "sharpgrad.graph.basic.OpView.__getattr__": "the op's props are set per instance, so the stub declares them "
                                                "through __getattr__",
}


def _is_public(module_name):
    return not any(part.startswith("_") for part in module_name.split("."))


def _public_modules():
    names = ["sharpgrad"] + [m.name for m in pkgutil.walk_packages(sharpgrad.__path__, "sharpgrad.")]
    return sorted(n for n in names if _is_public(n))


PUBLIC_MODULES = _public_modules()


def _stub_path(module_name):
    parts = module_name.split(".")[1:]
    package = PACKAGE_DIR.joinpath(*parts)
    if (package / "__init__.py").exists():
        return package / "__init__.pyi"
    return package.with_suffix(".pyi")


def _stub_tree(module_name):
    return ast.parse(_stub_path(module_name).read_text(encoding="utf-8"))


def _literal_all(tree):
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return list(ast.literal_eval(node.value))
    return None


def _declared_names(tree):
    """Names a stub binds at module level: defs, classes, annotated and plain assignments, imports."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(a.asname or a.name.split(".")[0] for a in node.names)
    return names


# --- stubs -----------------------------------------------------------------------------------------------------------

def test_the_package_is_marked_typed_and_ships_its_stubs():
    assert (PACKAGE_DIR / "py.typed").is_file()
    pyproject = (PACKAGE_DIR.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    section = pyproject.split("[tool.setuptools.package-data]", 1)
    assert len(section) == 2, "pyproject.toml must list py.typed and *.pyi as package data"
    data = section[1].split("\n[", 1)[0]
    assert '"py.typed"' in data and '"*.pyi"' in data


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_module_has_a_stub(module_name):
    assert _stub_path(module_name).is_file(), f"{module_name} has no stub at {_stub_path(module_name)}"


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_the_stub_declares_every_name_of_the_module_all(module_name):
    module = importlib.import_module(module_name)
    tree = _stub_tree(module_name)
    runtime_all = list(getattr(module, "__all__", []))
    missing = sorted(set(runtime_all) - _declared_names(tree))
    assert not missing, f"{module_name}: names of __all__ missing from the stub: {missing}"
    stub_all = _literal_all(tree)
    if runtime_all:
        assert stub_all is not None, f"{module_name}: the stub has no literal __all__"
    if stub_all is not None:
        assert sorted(stub_all) == sorted(runtime_all), f"{module_name}: the stub's __all__ differs from the module's"


def _parameters_of_stub(func):
    """(name, kind, default) per parameter of a stub ``def``; the default is a value, ``...``, or ``_EMPTY``."""
    args = func.args
    out = []
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for i, (a, d) in enumerate(zip(positional, defaults)):
        kind = "POSITIONAL_ONLY" if i < len(args.posonlyargs) else "POSITIONAL_OR_KEYWORD"
        out.append((a.arg, kind, d))
    if args.vararg is not None:
        out.append((args.vararg.arg, "VAR_POSITIONAL", None))
    for a, d in zip(args.kwonlyargs, args.kw_defaults):
        out.append((a.arg, "KEYWORD_ONLY", d))
    if args.kwarg is not None:
        out.append((args.kwarg.arg, "VAR_KEYWORD", None))
    return out


def _compare_signature(where, stub_func, runtime_obj, overload):
    try:
        signature = inspect.signature(runtime_obj)
    except (TypeError, ValueError):
        return []  # inspect cannot read it (a builtin): nothing to compare
    stub_params = _parameters_of_stub(stub_func)
    runtime_params = list(signature.parameters.values())
    if stub_params and stub_params[0][0] in ("self", "cls") and (
            not runtime_params or runtime_params[0].name != stub_params[0][0]):
        stub_params = stub_params[1:]  # a classmethod, bound at run time
    problems = []
    names = [(p[0], p[1]) for p in stub_params]
    expected = [(p.name, p.kind.name) for p in runtime_params]
    if overload:  # a variant may make a parameter keyword-only (to follow a variant-specific required one)
        expected = [(n, "KEYWORD_ONLY" if (n, "KEYWORD_ONLY") in names and k == "POSITIONAL_OR_KEYWORD" else k)
                    for n, k in expected]
    if names != expected:
        return [f"{where}: stub parameters {names} != run-time {expected}"]
    for (name, _, default), p in zip(stub_params, runtime_params):
        has_runtime_default = p.default is not inspect.Parameter.empty
        if default is None:
            if has_runtime_default and not overload:
                problems.append(f"{where}: parameter {name} has the default {p.default!r} at run time, none in the stub")
            continue
        if isinstance(default, ast.Constant) and default.value is Ellipsis:
            if not has_runtime_default:
                problems.append(f"{where}: parameter {name} has a default in the stub, none at run time")
            continue
        value = ast.literal_eval(default)
        if not has_runtime_default or value != p.default or type(value) is not type(p.default):
            problems.append(f"{where}: parameter {name} defaults to {value!r} in the stub, "
                            f"{p.default!r} at run time")
    return problems


def _is_overload(func):
    return any(isinstance(d, ast.Name) and d.id == "overload" for d in func.decorator_list)


def _decorators(func):
    return {d.id if isinstance(d, ast.Name) else d.attr for d in func.decorator_list
            if isinstance(d, (ast.Name, ast.Attribute))}


def _class_members(tree, cls):
    """The defs of a stub class and of its bases defined in the same stub (the class's own first)."""
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    members, seen = [], set()
    todo = [cls]
    while todo:
        node = todo.pop(0)
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name not in seen:
                members.append(item)
        seen.update(item.name for item in node.body if isinstance(item, ast.FunctionDef))
        todo += [classes[b.id] for b in node.bases if isinstance(b, ast.Name) and b.id in classes]
    return members


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_stub_signatures_match_the_runtime(module_name):
    module = importlib.import_module(module_name)
    tree = _stub_tree(module_name)
    problems = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            if not hasattr(module, node.name):
                problems.append(f"{module_name}.{node.name} is in the stub but not at run time")
                continue
            problems += _compare_signature(f"{module_name}.{node.name}", node, getattr(module, node.name),
                                           _is_overload(node))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            for target in node.targets:
                alias, original = target.id, node.value.id
                if alias.startswith("_") or not hasattr(module, original):
                    continue  # a stub-only type alias, or a name imported into the stub
                if getattr(module, alias, None) is not getattr(module, original):
                    problems.append(f"{module_name}: the stub says {alias} = {original}; not so at run time")
        elif isinstance(node, ast.ClassDef):
            if node.name.startswith("_") and not hasattr(module, node.name):
                continue  # a stub-only base class
            if not hasattr(module, node.name):
                problems.append(f"{module_name}.{node.name} is in the stub but not at run time")
                continue
            cls = getattr(module, node.name)
            for member in _class_members(tree, node):
                where = f"{module_name}.{node.name}.{member.name}"
                decorators = _decorators(member)
                if "setter" in decorators:
                    continue
                try:
                    static = inspect.getattr_static(cls, member.name)
                except AttributeError:
                    if where not in STUB_ONLY:
                        problems.append(f"{where} is in the stub but not at run time")
                    continue
                if "property" in decorators:
                    if not isinstance(static, property):
                        problems.append(f"{where} is a property in the stub but not at run time")
                    continue
                if isinstance(static, staticmethod):
                    if "staticmethod" not in decorators and member.name != "__new__":  # __new__ is implicitly static
                        problems.append(f"{where} is a staticmethod at run time but not in the stub")
                    runtime = static.__func__
                else:
                    runtime = getattr(cls, member.name)
                problems += _compare_signature(where, member, runtime, _is_overload(member))
    assert not problems, "\n".join(problems)


# --- mypy on code written like Aesara's tutorials ---------------------------------------------------------------------

TUTORIAL = '''
import numpy as np

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.graph.basic import Apply
from sharpgrad.graph.op import Op
from sharpgrad.tensor.random.utils import RandomStream

rng = np.random.default_rng(0)
N, feats = 40, 5
D = (rng.standard_normal((N, feats)), rng.integers(size=N, low=0, high=2))
x = at.dmatrix("x")
y = at.dvector("y")
w = aesara.shared(rng.standard_normal(feats), name="w")
b = aesara.shared(0.0, name="b")
p_1 = 1 / (1 + at.exp(-at.dot(x, w) - b))
prediction = p_1 > 0.5
xent = -y * at.log(p_1) - (1 - y) * at.log(1 - p_1)
cost = xent.mean() + 0.01 * (w ** 2).sum()
gw, gb = aesara.grad(cost, [w, b])
train = aesara.function(inputs=[x, y], outputs=[prediction, xent],
                        updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)))
predict = aesara.function([x], prediction)
pred, err = train(D[0], D[1])
w.set_value(np.zeros(feats))
value: np.ndarray = w.get_value()
g = aesara.grad(cost, w)
h = aesara.gradient.hessian(cost, w)
J = aesara.gradient.jacobian(p_1, [w])
s = at.sum(x, axis=(0, 1), keepdims=True) + x.T.sum(axis=0).mean() + x.shape[0] + x.ndim
name: str | None = x.name
print(x.dtype, x.type, s.eval({x: np.ones((2, 2))}))
z = at.switch(at.lt(x, 0), 0, x) @ w + abs(x).max(axis=1)
srng = RandomStream(seed=1)
r = srng.normal(size=(2, 3)) + srng.uniform(0, 1, size=(2, 3))
aesara.config.floatX = "float32"
settings: str = aesara.config.floatX + aesara.config.device + aesara.config.exception_verbosity
text: str = aesara.printing.debugprint(cost, file="str")
aesara.dprint(cost)
formula: str = aesara.pp(cost)
v = at.vector("v")
sm = at.nnet.softmax(v) + at.special.log_softmax(v, axis=0) + at.nnet.relu(v)
m = at.set_subtensor(x[0, 1:], 0.0) + at.inc_subtensor(x[:, 0], y)
st = at.stack([v, v], axis=0) + at.concatenate([x, x], axis=1).reshape((4, -1)).flatten(2)
up = aesara.function([x], [m], givens={y: np.zeros(3)})
f_grad = aesara.function([x], aesara.grad(at.sum(at.tanh(x)), x), name="f_grad")
out = f_grad(np.ones((2, 2)))


class DoubleOp(Op):
    __props__ = ()

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] * 2

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]


double = DoubleOp()(v)
'''

# Each line is wrong; mypy must report every one of them (and nothing else).
WRONG_CALLS = {
    "aesara.grad(cost)": "grad",                        # wrt is missing
    "x.sum(axis='a')": "axis",                          # an axis is an int or a sequence of ints
    "aesara.function(x, cost)": "function",             # inputs is a list
    "at.dvector(name=3)": "dvector",                    # a name is a string
    "w.set_value(np.zeros(3), copy=True)": "set_value",  # no such parameter
    "aesara.config.floatX = 32": "assignment",          # a setting is a string
}


def _mypy(tmp_path, source, cache):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(source), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache), "--no-error-summary",
                           "--show-error-codes", "script.py"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory):
    import mypy  # noqa: F401 - a dependency of the tests (python3-mypy in the Makefile's APT_PACKAGES)

    return tmp_path_factory.mktemp("mypy-cache")


def test_the_stubs_pass_mypy_strict(mypy_cache):
    stubs = sorted(str(p.relative_to(PACKAGE_DIR.parent)) for p in PACKAGE_DIR.rglob("*.pyi"))
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(mypy_cache / "strict"),
                           "--no-error-summary", "--show-error-codes", *stubs],
                          capture_output=True, text=True, cwd=PACKAGE_DIR.parent, timeout=300)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_mypy_accepts_a_tutorial_script(tmp_path, mypy_cache):
    rc, output = _mypy(tmp_path, TUTORIAL, mypy_cache)
    assert rc == 0 and output.strip() == "", output


def test_mypy_uses_the_stubs(tmp_path, mypy_cache):
    source = TUTORIAL + "\nreveal_type(aesara.grad(cost, [w, b]))\nreveal_type(x.sum())\nreveal_type(train)\n"
    rc, output = _mypy(tmp_path, source, mypy_cache)
    revealed = re.findall(r'Revealed type is "([^"]+)"', output)
    assert revealed == ["builtins.list[sharpgrad.tensor.var.TensorVariable]", "sharpgrad.tensor.var.TensorVariable",
                        "sharpgrad.compile.function.Function"], output


def test_mypy_reports_wrong_calls(tmp_path, mypy_cache):
    lines = list(WRONG_CALLS)
    source = TUTORIAL + "\n" + "\n".join(lines) + "\n"
    first = TUTORIAL.count("\n") + 2
    rc, output = _mypy(tmp_path, source, mypy_cache)
    assert rc == 1, output
    reported = {int(n) for n in re.findall(r"script\.py:(\d+): error", output)}
    assert reported == set(range(first, first + len(lines))), output
    for i, (line, word) in enumerate(WRONG_CALLS.items()):
        messages = [m for m in output.splitlines() if m.startswith(f"script.py:{first + i}:")]
        assert any(word in m for m in messages), (line, output)


# --- docstrings -----------------------------------------------------------------------------------------------------

_SECTION = re.compile(r"^(?P<title>[A-Z][A-Za-z ]+)\n-{3,}\n", re.M)


def _sections(doc):
    """{title: body} of the numpy sections of a cleaned docstring."""
    found = list(_SECTION.finditer(doc))
    return {m.group("title"): doc[m.end():(found[i + 1].start() if i + 1 < len(found) else len(doc))]
            for i, m in enumerate(found)}


def _documented_parameters(body):
    names = set()
    for line in body.splitlines():
        if not line or line[0].isspace():
            continue  # a description line
        head = line.split(" : ", 1)[0].rstrip(":").strip()
        for part in head.split(","):
            part = part.strip().lstrip("*")
            if re.fullmatch(r"[A-Za-z_]\w*", part):
                names.add(part)
    return names


def _signature_names(obj, drop_first=False):
    try:
        params = list(inspect.signature(obj).parameters.values())
    except (TypeError, ValueError):
        return None
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    if drop_first:
        params = params[1:]
    return [p.name for p in params]


def _resolve(reference, home):
    """The object a ``:func:`` reference names, looked up from the module or class ``home``.

    Attributes win over submodules, as for Python's own attribute access (``sharpgrad.tensor.var`` is the
    function ``var``, not the module).
    """
    candidates = [reference]
    if not reference.startswith("sharpgrad"):
        module = home if inspect.ismodule(home) else sys.modules[home.__module__]
        candidates = [f"{module.__name__}.{reference}", f"sharpgrad.{reference}"]
    for dotted in candidates:
        parts = dotted.split(".")
        obj = importlib.import_module(parts[0])
        for i, attr in enumerate(parts[1:], start=2):
            if hasattr(obj, attr):
                obj = getattr(obj, attr)
                continue
            try:
                obj = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                obj = None
                break
        if obj is not None:
            return obj
    return None


@functools.lru_cache(maxsize=None)
def _stub_returns(module_name):
    """{qualified name: whether the stub's return annotation is not None} for the defs of a module's stub."""
    out = {}
    path = _stub_path(module_name)
    if not path.is_file():
        return out
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def returns(func):
        r = func.returns
        return not (r is None or (isinstance(r, ast.Constant) and r.value is None))

    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            out[node.name] = out.get(node.name, False) or returns(node)
        elif isinstance(node, ast.ClassDef):
            for item in _class_members(tree, node):
                key = f"{node.name}.{item.name}"
                out[key] = out.get(key, False) or returns(item)
    return out


def _stub_return_lookup(obj, owner=None):
    """Whether the stub says ``obj`` returns something (None when the stub does not declare it)."""
    func = getattr(obj, "__func__", obj)
    module_name = getattr(func, "__module__", None)
    qualname = getattr(func, "__qualname__", "")
    if owner is not None:
        module_name, qualname = owner.__module__, f"{owner.__name__}.{func.__name__}"
    if module_name is None:
        return None
    for name in [module_name] + [m for m in PUBLIC_MODULES if m != module_name]:
        table = _stub_returns(name)
        if qualname in table:
            return table[qualname]
        if owner is None and func.__name__ in table and getattr(importlib.import_module(name), func.__name__, None) \
                is obj:
            return table[func.__name__]
    return None


def _docstring_problems(label, obj, home, owner=None, drop_first_for_alias=False, check_returns=True):
    doc = inspect.getdoc(obj) if not isinstance(obj, property) else (obj.__doc__ or "")
    doc = inspect.cleandoc(doc or "")
    if not doc.strip():
        return [f"{label}: no docstring"]
    if isinstance(obj, property):
        return []
    names = _signature_names(obj)
    if names is None:
        return []
    if len(doc.strip().splitlines()) == 1:
        reference = re.search(r"(?:see|name of|alias of|alias for|same as) :(?:func|meth):`~?([\w.]+)`", doc, re.I)
        if reference is not None:
            target = _resolve(reference.group(1), owner or home)
            if target is None:
                return [f"{label}: its one-line docstring refers to {reference.group(1)}, which does not resolve"]
            target_names = _signature_names(target, drop_first=drop_first_for_alias)
            if target_names == names:
                return _docstring_problems(f"{label} -> {reference.group(1)}", target, home)
    problems = []
    sections = _sections(doc)
    if names:
        if "Parameters" not in sections:
            problems.append(f"{label}: no Parameters section for {names}")
        else:
            documented = _documented_parameters(sections["Parameters"])
            if set(names) - documented:
                problems.append(f"{label}: Parameters does not describe {sorted(set(names) - documented)}")
            if documented - set(names):
                problems.append(f"{label}: Parameters describes {sorted(documented - set(names))}, which it does not "
                                "take")
    if check_returns and _stub_return_lookup(obj, owner) and "Returns" not in sections and "Yields" not in sections:
        problems.append(f"{label}: no Returns section")
    return problems


def _api_objects():
    """(label, object, module) for every callable in the __all__ of a public module, each once."""
    seen, out = set(), []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.ismodule(obj) or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            out.append((f"{module_name}.{name}", obj, module))
    return out


API = _api_objects()


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_module_has_a_docstring(module_name):
    assert (importlib.import_module(module_name).__doc__ or "").strip()


@pytest.mark.parametrize("label, obj, module", API, ids=[label for label, _, _ in API])
def test_public_api_has_numpy_docstrings(label, obj, module):
    if inspect.isfunction(obj):
        problems = _docstring_problems(label, obj, module)
    else:
        problems = _class_docstring_problems(label, obj, module)
    assert not problems, "\n".join(problems)


def _class_docstring_problems(label, cls, module):
    qualified = f"{cls.__module__}.{cls.__qualname__}"
    doc = inspect.cleandoc(cls.__doc__ or "")
    if not doc.strip():
        return [f"{label}: no class docstring"]
    problems = []
    init = cls.__dict__.get("__init__")
    if init is None:
        for base in cls.__mro__[1:]:
            if base.__module__.startswith("sharpgrad") and "__init__" in base.__dict__:
                init = base.__dict__["__init__"]
                break
    if qualified in ENGINE_VIEWS:
        first = _signature_names(cls.__init__)
        assert first and first[0] == ENGINE_VIEWS[qualified], f"{qualified} is listed as an engine view; its " \
                                                              f"constructor takes {first}"
    elif inspect.isfunction(init):
        names = _signature_names(init)
        if names:
            sections = _sections(doc)
            if "Parameters" not in sections:
                problems.append(f"{label}: the class docstring has no Parameters section for {names}")
            else:
                documented = _documented_parameters(sections["Parameters"])
                if set(names) - documented:
                    problems.append(f"{label}: Parameters does not describe {sorted(set(names) - documented)}")
                if documented - set(names):
                    problems.append(f"{label}: Parameters describes {sorted(documented - set(names))}, which the "
                                    "constructor does not take")
    for name, member in sorted(cls.__dict__.items()):
        if name.startswith("_") and name != "__call__":
            continue
        where = f"{label}.{name}"
        if isinstance(member, property):
            problems += _docstring_problems(where, member, module)
        elif isinstance(member, (staticmethod, classmethod)):
            problems += _docstring_problems(where, member.__func__, module, owner=cls)
        elif inspect.isfunction(member):
            problems += _docstring_problems(where, member, module, owner=cls, drop_first_for_alias=True)
    return problems
