"""Aesara 2.9 names that its tutorials use and sharpgrad lacked: ``In``, the plural constructors, the
constructors as ``TensorType`` objects, graph utilities of ``aesara.graph.basic``, ``transpose(x, axes)`` and the
``aesara.compile.function`` import styles."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.compile.io import In
from sharpgrad.graph.basic import (Apply, applys_between, clone_replace, equal_computations, io_toposort,
                                   is_in_ancestors, orphans_between, vars_between)
from sharpgrad.tensor.type import TensorType


# --- In: default values and names ------------------------------------------------------------------------------------

@pytest.fixture
def tutorial_f():
    x, y, w = at.dscalars("x", "y", "w")
    z = (x + y) * w
    return aesara.function([x, In(y, value=1), In(w, value=2, name="w_by_name")], z)


def test_in_defaults_and_names_give_the_tutorial_values(tutorial_f):
    f = tutorial_f
    assert f(33) == 68.0
    assert f(33, 2) == 70.0
    assert f(33, 0, 1) == 33.0
    assert f(33, w_by_name=1) == 34.0
    assert f(33, w_by_name=1, y=0) == 33.0
    assert isinstance(f, aesara.compile.Function)


def test_in_defaults_are_restored_after_each_call(tutorial_f):
    assert tutorial_f(1, 5, 10) == 60.0
    assert tutorial_f(1) == 4.0  # (1 + 1) * 2: the defaults, not the last call's values


@pytest.mark.parametrize("call, message", [
    (lambda f: f(), "missing required input: x"),
    (lambda f: f(1, 2, 3, 4), "too many arguments"),
    (lambda f: f(1, w=2), "unknown input name 'w'"),  # the In's name replaces the variable's
    (lambda f: f(1, x=2), "multiple values for input 'x'"),
    (lambda f: f(1, 2, y=3), "multiple values for input 'y'"),
])
def test_in_call_errors(tutorial_f, call, message):
    with pytest.raises(TypeError, match=message):
        call(tutorial_f)


def test_in_is_reachable_where_aesara_has_it():
    assert aesara.In is aesara.compile.In is aesara.compile.io.In is In


def test_in_name_defaults_to_the_variable_name_unless_autoname_is_false():
    x = at.dscalar("x")
    assert In(x).name == "x"
    assert In(x, name="other").name == "other"
    assert In(x, autoname=False).name is None
    assert In(x, value=3.0).value == 3.0
    with pytest.raises(TypeError, match="name must be a string"):
        In(x, name=3)


def test_in_default_is_converted_to_the_input_dtype_and_copied():
    x = at.dvector("x")
    default = np.array([1, 2, 3])  # int64: converted to float64 as an argument would be
    f = aesara.function([In(x, value=default)], x * 2)
    default[0] = 100
    np.testing.assert_array_equal(f(), [2.0, 4.0, 6.0])
    assert f().dtype == np.float64
    np.testing.assert_array_equal(f([0.5, 1.0]), [1.0, 2.0])


def test_in_default_of_the_wrong_kind_is_refused_when_compiling():
    i = at.iscalar("i")
    with pytest.raises(TypeError, match="precision"):
        aesara.function([In(i, value=1.5)], i + 1)
    v = at.dvector("v")
    with pytest.raises(TypeError, match="default value"):
        aesara.function([In(v, value=1.0)], v + 1)


def test_in_with_a_matrix_default_and_a_required_input_after_it():
    a, b = at.dmatrices("a", "b")
    f = aesara.function([In(a, value=np.eye(2)), b], at.dot(a, b))
    np.testing.assert_array_equal(f(b=np.full((2, 2), 3.0)), np.full((2, 2), 3.0))
    np.testing.assert_array_equal(f(np.ones((2, 2)), np.ones((2, 2))), np.full((2, 2), 2.0))
    with pytest.raises(TypeError, match="missing required input: b"):
        f(np.ones((2, 2)))


def test_in_and_plain_inputs_keep_gradients_working():
    x = at.dscalar("x")
    y = at.dscalar("y")
    cost = x ** 2 * y
    f = aesara.function([x, In(y, value=3.0)], aesara.grad(cost, [x, y]))
    gx, gy = f(2.0)
    assert gx == 12.0 and gy == 4.0


@pytest.mark.parametrize("options, option", [
    ({"update": "x2"}, "update"),
    ({"mutable": True}, "mutable"),
    ({"strict": True}, "strict"),
    ({"allow_downcast": True}, "allow_downcast"),
    ({"implicit": True, "value": 1.0}, "implicit"),
    ({"borrow": True}, "borrow"),
    ({"shared": True}, "shared"),
])
def test_in_options_not_implemented_are_named(options, option):
    x = at.dscalar("x")
    options = {k: (x * 2 if v == "x2" else v) for k, v in options.items()}
    with pytest.raises(NotImplementedError, match=option):
        In(x, **options)


def test_in_with_a_shared_variable_value_is_implicit_and_not_implemented():
    x = at.dscalar("x")
    with pytest.raises(NotImplementedError, match="implicit"):
        In(x, value=aesara.shared(1.0))


def test_in_options_at_their_defaults_are_accepted():
    x = at.dscalar("x")
    spec = In(x, value=1.0, mutable=False, strict=False, borrow=False, implicit=False)
    assert aesara.function([spec], x + 1)() == 2.0


# --- plural constructors ---------------------------------------------------------------------------------------------

def test_plurals_make_one_variable_per_name():
    x, y, w = at.dscalars("x", "y", "w")
    assert [v.name for v in (x, y, w)] == ["x", "y", "w"]
    assert all(v.type == at.dscalar for v in (x, y, w))
    f = aesara.function([x, y, w], (x + y) * w)
    assert f(1.0, 2.0, 3.0) == 9.0


def test_plurals_follow_aesaras_rules_for_one_argument():
    a, b = at.dvectors("ab")  # one string: one variable per character
    assert (a.name, b.name) == ("a", "b")
    single = at.dmatrices("m")  # a single one-character name: the variable itself
    assert single.type == at.dmatrix and single.name == "m"
    listed = at.imatrices(["p", "q"])
    assert [v.name for v in listed] == ["p", "q"] and listed[0].dtype == "int32"
    assert at.dscalars() == []


def test_plurals_with_a_count_make_unnamed_variables():
    three = at.fmatrices(3)
    assert len(three) == 3 and all(v.name is None and v.type == at.fmatrix for v in three)
    one = at.lvectors(1)
    assert isinstance(one, list) and one[0].type == at.lvector


@pytest.mark.parametrize("plural, dtype, shape", [
    ("fscalars", "float32", ()), ("dvectors", "float64", (None,)), ("imatrices", "int32", (None, None)),
    ("lrows", "int64", (1, None)), ("fcols", "float32", (None, 1)), ("dtensor3s", "float64", (None,) * 3),
    ("itensor4s", "int32", (None,) * 4), ("lscalars", "int64", ()), ("drows", "float64", (1, None)),
    ("dcols", "float64", (None, 1)),
])
def test_prefixed_plurals_have_their_types(plural, dtype, shape):
    u, v = getattr(at, plural)("u", "v")
    assert (u.dtype, u.type.shape, v.name) == (dtype, shape, "v")


@pytest.mark.parametrize("plural, shape", [
    ("scalars", ()), ("vectors", (None,)), ("matrices", (None, None)), ("rows", (1, None)), ("cols", (None, 1)),
    ("tensor3s", (None,) * 3), ("tensor4s", (None,) * 4),
])
def test_unprefixed_plurals_follow_floatx_at_call_time(plural, shape):
    with aesara.config.change_flags(floatX="float32"):
        u, v = getattr(at, plural)(2)
    w = getattr(at, plural)("w")
    assert (u.dtype, v.dtype, u.type.shape) == ("float32", "float32", shape)
    assert w.dtype == aesara.config.floatX == "float64"


# --- constructors are TensorType objects -------------------------------------------------------------------------------

def test_prefixed_constructors_are_tensor_types():
    assert isinstance(at.dmatrix, TensorType) and isinstance(at.dmatrix, at.TensorType)
    assert at.dmatrix == TensorType("float64", shape=(None, None))
    x = at.dmatrix("x")
    assert x.type == at.dmatrix and x.name == "x"
    assert at.dmatrix().name is None
    assert repr(at.dmatrix) == "TensorType(float64, (None, None))"
    assert at.frow.broadcastable == (True, False) and at.icol.shape == (None, 1)
    assert at.bscalar.dtype == "int8" and at.zvector.dtype == "complex128" and at.wtensor3.ndim == 3
    assert at.ltensor4.shape == (None,) * 4
    assert at.type.fmatrix is at.fmatrix


def test_variables_of_tensor_type_objects_compute():
    x = at.dmatrix("x")
    v = at.fvector("v")
    f = aesara.function([x, v], at.dot(x, v))
    np.testing.assert_allclose(f([[1.0, 2.0], [3.0, 4.0]], np.array([1.0, -1.0], np.float32)), [-1.0, -1.0])


def test_unprefixed_constructors_are_functions_that_follow_floatx_at_call_time():
    assert not isinstance(at.matrix, TensorType) and callable(at.matrix)
    with aesara.config.change_flags(floatX="float32"):
        assert at.matrix("m").type == at.fmatrix
        assert at.vector().dtype == "float32" and at.scalar().dtype == "float32"
    assert at.matrix("m").type == at.dmatrix
    assert at.matrix(dtype="int32").type == at.imatrix
    assert at.vector(shape=(3,)).type.shape == (3,)


def test_type_groups_hold_the_types():
    assert at.int_types == (at.bscalar, at.wscalar, at.iscalar, at.lscalar)
    assert at.float_vector_types == (at.fvector, at.dvector)
    assert at.complex_matrix_types == (at.cmatrix, at.zmatrix)
    assert at.float_scalar_types is at.float_types


# --- graph utilities -------------------------------------------------------------------------------------------------

@pytest.fixture
def graph():
    x, y = at.dvectors("x", "y")
    a = x * 2
    a.name = "a"
    b = a + y
    b.name = "b"
    c = at.exp(b).sum()
    c.name = "c"
    return x, y, a, b, c


def _is_topological(order):
    produced = set()
    for node in order:
        for v in node.inputs:
            if v.owner is not None and v.owner in order:
                assert v in produced, f"{node} comes before the node computing {v}"
        produced.update(node.outputs)
    return True


def test_io_toposort_orders_the_nodes_between_inputs_and_outputs(graph):
    x, y, a, b, c = graph
    order = io_toposort([x, y], [c])
    assert len(order) == 5 and _is_topological(order)  # DimShuffle of 2, mul, add, exp, sum
    assert order[-1] == c.owner and a.owner in order and b.owner in order
    assert all(isinstance(n, Apply) for n in order)
    stopped = io_toposort([a], [c])
    assert a.owner not in stopped and len(stopped) == 3
    assert [n.op for n in stopped][0] == b.owner.op


def test_io_toposort_with_orderings_and_clients(graph):
    x, y, a, b, c = graph
    clients = {}
    order = io_toposort([x, y], [c], clients=clients)
    assert len(order) == 5 and _is_topological(order)
    assert clients[a] == [b.owner] and clients[b.owner] == [b]
    # p and q are independent; an ordering puts either one first.
    z = at.dvector("z")
    p, q = x + 1, z * 3
    out = p + q
    free = io_toposort([x, z], [out])
    assert _is_topological(free)
    forced = io_toposort([x, z], [out], orderings={p.owner: [q.owner]})
    assert forced.index(q.owner) < forced.index(p.owner)
    forced = io_toposort([x, z], [out], orderings={q.owner: [p.owner]})
    assert forced.index(p.owner) < forced.index(q.owner)


def test_vars_between_and_orphans_between(graph):
    x, y, a, b, c = graph
    between = list(vars_between([x, y], [c]))
    assert between[:3] == [c, c.owner.inputs[0], b]  # breadth first from the outputs, as Aesara
    assert {x, y, a, b, c} <= set(between)
    assert len(between) == len(set(between)) == 8  # + exp, the DimShuffle of 2, the constant 2
    cut = list(vars_between([a], [c]))
    assert a in cut and x not in cut and y in cut
    orphans = list(orphans_between([x], [c]))
    assert y in orphans and x not in orphans
    assert all(v.owner is None for v in orphans) and len(orphans) == 2  # y and the constant 2


def test_applys_between(graph):
    x, y, a, b, c = graph
    nodes = list(applys_between([x, y], [c]))
    assert nodes[0] == c.owner and len(nodes) == 5
    assert set(nodes) == set(io_toposort([x, y], [c]))
    assert list(applys_between([b], [c])) == [c.owner, c.owner.inputs[0].owner]


def test_is_in_ancestors(graph):
    x, y, a, b, c = graph
    assert is_in_ancestors(c.owner, a.owner)
    assert is_in_ancestors(c.owner, c.owner)
    assert not is_in_ancestors(a.owner, c.owner)
    assert not is_in_ancestors(c.owner, (x + y).owner)
    with pytest.raises(TypeError, match="Apply"):
        is_in_ancestors(c, a.owner)


def test_apply_views_of_one_node_are_equal(graph):
    x, y, a, b, c = graph
    assert c.owner == c.owner and hash(c.owner) == hash(c.owner)
    assert c.owner != b.owner and len({c.owner, c.owner, b.owner}) == 2


def test_equal_computations(graph):
    x, y, a, b, c = graph
    assert equal_computations([c], [c])
    assert equal_computations([x * 2 + y], [x * 2 + y])  # separate but identical graphs
    assert not equal_computations([x * 2 + y], [x * 3 + y])  # constants differ
    assert not equal_computations([x * 2 + y], [y * 2 + x])  # inputs differ
    assert not equal_computations([x + y], [x * y])  # ops differ
    assert not equal_computations([x + y], [x])  # one has an owner, the other not
    assert equal_computations([x + 1], [y + 1], in_xs=[x], in_ys=[y])
    assert not equal_computations([x + 1], [y + 1])
    assert equal_computations([at.constant([1.0, np.nan])], [at.constant([1.0, np.nan])])
    assert not equal_computations([at.constant([1.0, 2.0])], [at.constant([1.0, 3.0])])
    assert equal_computations([at.constant(2.0)], [2.0]) and not equal_computations([x], [2.0])
    assert equal_computations([[1, 2]], [[1, 2]]) and not equal_computations([[1, 2]], [[1, 3]])
    assert not equal_computations([at.dvector("u") + 1], [at.dmatrix("u") + 1])
    with pytest.raises(ValueError, match="must match"):
        equal_computations([x], [x, y])


def test_clone_replace_replaces_inputs_and_keeps_the_original(graph):
    x, y, a, b, c = graph
    f_original = aesara.function([x, y], c)
    values = (np.array([0.5, 1.0]), np.array([0.0, -1.0]))
    c2 = clone_replace(c, {x: 2 * x})
    assert isinstance(c2, at.TensorVariable) and c2 is not c and c2.name == "c"
    np.testing.assert_allclose(aesara.function([x, y], c2)(*values), np.exp(4 * values[0] + values[1]).sum())
    np.testing.assert_allclose(f_original(*values), np.exp(2 * values[0] + values[1]).sum())
    assert equal_computations([clone_replace(c)], [c])
    assert not equal_computations([c2], [c])
    assert x in set(vars_between([], [clone_replace(c)]))  # leaves are the original ones


def test_clone_replace_with_replacements_that_read_what_they_replace():
    x = at.dscalar("x")
    out = x * 2 + x
    swapped = clone_replace(out, {x: x * 2})  # (2x) * 2 + 2x: the replacement reads the original x
    assert aesara.function([x], swapped)(1.0) == 6.0
    u, v = at.dscalars("u", "v")
    exchanged = clone_replace([u - v], [(u, v), (v, u)])
    assert isinstance(exchanged, list) and aesara.function([u, v], exchanged[0])(5.0, 2.0) == -3.0


def test_clone_replace_of_an_intermediate_variable_and_by_a_value(graph):
    x, y, a, b, c = graph
    cut = clone_replace(b, {a: y * 10})
    assert aesara.function([y], cut)(np.array([1.0, 2.0])).tolist() == [11.0, 22.0]
    fixed = clone_replace([b], {y: np.array([1.0, 1.0])})
    assert aesara.function([x], fixed[0])(np.array([1.0, 2.0])).tolist() == [3.0, 5.0]
    from_tuple = clone_replace((a, b), {x: at.ones_like(x)})
    assert isinstance(from_tuple, list) and len(from_tuple) == 2


def test_clone_replace_refuses_replacements_of_another_type_and_unsupported_options(graph):
    x, y, a, b, c = graph
    with pytest.raises(TypeError, match="Cannot convert|cannot convert"):
        clone_replace(c, {x: at.fvector()})
    with pytest.raises(TypeError, match="cannot convert"):
        clone_replace(c, {x: at.dmatrix()})
    with pytest.raises(TypeError, match="cannot convert"):
        clone_replace(c, {at.vector(dtype="float64", shape=(2,)): at.vector(dtype="float64", shape=(3,))})
    with pytest.raises(NotImplementedError, match="copy_inputs_over"):
        clone_replace(c, {x: y}, copy_inputs_over=False)
    with pytest.raises(TypeError, match="unexpected keyword"):
        clone_replace(c, {x: y}, nonsense=True)
    with pytest.raises(ValueError, match="replace"):
        clone_replace(c, replace=3)
    assert equal_computations([clone_replace(c, {x: y}, rebuild_strict=True, strict=True)],
                              [clone_replace(c, {x: y})])


def test_clone_replace_is_at_the_top_level():
    assert aesara.clone_replace is clone_replace


# --- transpose(x, axes) ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("axes", [None, (1, 0, 2), [2, 0, 1], (0, 2, 1), (-1, 0, 1), (2, 1, 0)])
def test_transpose_with_axes_matches_numpy(axes):
    x = at.dtensor3("x")
    value = np.arange(24.0).reshape(2, 3, 4)
    result = aesara.function([x], at.transpose(x, axes))(value)
    np.testing.assert_array_equal(result, np.transpose(value, axes))


def test_transpose_names_and_gradient():
    x = at.dmatrix("x")
    assert at.transpose(x).name == "x.T" and x.T.name == "x.T"
    assert at.transpose(x, [1, 0]).name == "x.T"  # as Aesara: a list that reverses the axes
    assert at.transpose(at.dtensor3("t"), (1, 0, 2)).name is None
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    g = aesara.function([x], aesara.grad((at.transpose(x, (1, 0)) * w.T).sum(), x))(np.zeros((2, 3)))
    np.testing.assert_array_equal(g, w)


def test_transpose_axes_errors_and_broadcastable_insertions():
    x = at.dmatrix("x")
    with pytest.raises(ValueError, match="out of range"):
        at.transpose(x, (0, 2))
    with pytest.raises(ValueError, match="repeated"):
        at.transpose(x, (1, 1))
    with pytest.raises(TypeError, match="ints"):
        at.transpose(x, (0.5, 1))
    assert at.transpose(x, ("x", 1, 0)).type.shape == (1, None, None)


# --- aesara.compile.function import styles ---------------------------------------------------------------------------

def test_compile_function_is_callable_and_a_module_path():
    import sharpgrad.compile.function.types as types_by_import
    from sharpgrad.compile.function import function
    from sharpgrad.compile.function import types
    from sharpgrad.compile.function.types import UnusedInputError

    assert function is aesara.function is aesara.compile.function
    assert types is types_by_import is aesara.compile.function.types
    assert UnusedInputError is aesara.compile.UnusedInputError
    x = at.dscalar("x")
    assert aesara.compile.function([x], x + 1)(1.0) == 2.0
    with pytest.raises(UnusedInputError):
        aesara.compile.function([x, at.dscalar("unused")], x + 1)


def test_variable_transpose_method_and_graph_clone_replace():
    import sharpgrad as aesara
    import sharpgrad.tensor as at

    x = at.dtensor3("x")
    value = np.arange(24.0).reshape(2, 3, 4)
    for axes, expected in (((), value.transpose()), ((1, 0, 2), value.transpose(1, 0, 2)),
                           (([2, 0, 1],), value.transpose(2, 0, 1))):
        np.testing.assert_array_equal(aesara.function([x], x.transpose(*axes))(value), expected)
    y = at.dvector("y")
    doubled = aesara.graph.clone_replace(y + 1, {y: 2 * y})
    np.testing.assert_array_equal(aesara.function([y], doubled)(np.array([1.0, 2.0])), [3.0, 5.0])
