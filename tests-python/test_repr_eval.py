"""``repr``/``str`` of variables and types as Aesara prints them, constants' data, and ``Variable.eval``."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad.compile.function.types import UnusedInputError
from sharpgrad.graph.utils import MissingInputError


# --- types ------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("make", "text"), [
    (at.dscalar, "TensorType(float64, ())"),
    (at.dvector, "TensorType(float64, (None,))"),
    (at.fmatrix, "TensorType(float32, (None, None))"),
    (at.drow, "TensorType(float64, (1, None))"),
    (at.lcol, "TensorType(int64, (None, 1))"),
    (lambda: at.tensor("int32", shape=(3, None)), "TensorType(int32, (3, None))"),
    (lambda: at.tensor("float64", shape=(2, 3, 4)), "TensorType(float64, (2, 3, 4))"),
])
def test_type_str_and_repr(make, text):
    t = make().type
    assert str(t) == repr(t) == text


def test_a_named_type_prints_its_name_and_still_equals_the_unnamed_one():
    named = at.TensorType("float64", (None,), name="vec")
    assert str(named) == repr(named) == "vec"
    assert named == at.dvector().type and hash(named) == hash(at.dvector().type)
    assert named("v").type == at.dvector().type


# --- variables --------------------------------------------------------------------------------------------------------

def test_a_named_variable_prints_its_name():
    x = at.dvector("x")
    assert repr(x) == str(x) == "x"
    x.name = "renamed"
    assert repr(x) == "renamed"


@pytest.mark.parametrize(("make", "text"), [
    (at.dvector, "<TensorType(float64, (None,))>"),
    (at.dmatrix, "<TensorType(float64, (None, None))>"),
    (at.iscalar, "<TensorType(int32, ())>"),
    (lambda: at.tensor("float64", shape=(3,)), "<TensorType(float64, (3,))>"),
])
def test_an_unnamed_input_prints_its_type_in_angle_brackets(make, text):
    v = make()
    assert repr(v) == str(v) == text


def test_a_computed_variable_prints_its_op_and_output_index():
    x, y = at.dvector("x"), at.dvector("y")
    for result in (x + y, at.exp(x), (x * y).sum(), x[1:], x.dimshuffle("x", 0)):
        assert repr(result) == str(result) == f"{result.owner.op}.0"
    assert repr(x + y) == "Elemwise{add}.0"
    named = x + y
    named.name = "z"
    assert repr(named) == "z"


def test_shared_variables_print_like_inputs():
    assert repr(aesara.shared(np.zeros(3))) == "<TensorType(float64, (None,))>"
    assert repr(aesara.shared(np.zeros((2, 2), dtype="float32"))) == "<TensorType(float32, (None, None))>"
    assert repr(aesara.shared(np.zeros(3), name="w")) == str(aesara.shared(np.zeros(3), name="w")) == "w"


# --- constants --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "text"), [
    (2.0, "TensorConstant{2.0}"),
    (0.1, "TensorConstant{0.1}"),
    (3, "TensorConstant{3}"),
    (-7, "TensorConstant{-7}"),
    (np.array(True), "TensorConstant{True}"),
    ([1.0, 2.0], "TensorConstant{[1. 2.]}"),
    ([[1, 2], [3, 4]], "TensorConstant{[[1 2]\n [3 4]]}"),
    ([1.0, 1.0, 1.0], "TensorConstant{(3,) of 1.0}"),
    (np.zeros((2, 3)), "TensorConstant{(2, 3) of 0.0}"),
    (np.arange(100.0), "TensorConstant{[ 0.  1.  ... 98. 99.]}"),  # numpy's text, cut to 10..10
])
def test_constants_print_as_aesara_prints_them(value, text):
    c = at.constant(value)
    assert repr(c) == str(c) == text


def test_a_named_constant_prints_its_name_before_the_value():
    assert repr(at.constant(2.0, name="two")) == "two{2.0}"
    assert repr(at.constant([5, 5], name="fives")) == "fives{(2,) of 5}"


def test_constants_inside_expressions_keep_their_text():
    x = at.dvector("x")
    node = (x * 2.0).owner
    assert [repr(v) for v in node.inputs] == ["x", "DimShuffle{x}.0"]
    assert repr(node.inputs[1].owner.inputs[0]) == "TensorConstant{2.0}"


def test_constant_data_and_value():
    c = at.constant([[1, 2], [3, 4]])
    data = c.data
    assert isinstance(data, np.ndarray) and data.dtype == np.int64  # a list keeps numpy's dtype
    np.testing.assert_array_equal(data, [[1, 2], [3, 4]])
    data[0, 0] = 99  # a copy: the constant does not change
    np.testing.assert_array_equal(c.data, [[1, 2], [3, 4]])
    assert c.value.dtype == np.int64 and c.value.tolist() == [[1, 2], [3, 4]]
    assert at.constant(0.1).data == np.float64(0.1) and at.constant(0.1).data.shape == ()


def test_only_constants_have_data():
    x = at.dvector("x")
    for v in (x, x + 1, aesara.shared(np.ones(2))):
        with pytest.raises(AttributeError, match=r"is not a constant, so it has no data"):
            v.data  # noqa: B018
        assert not hasattr(v, "value")


# --- eval -------------------------------------------------------------------------------------------------------------

def test_eval_with_values_for_the_inputs():
    x, y = at.dvector("x"), at.dscalar("y")
    result = (x * y).eval({x: [1.0, 2.0, 3.0], y: 2.0})
    assert isinstance(result, np.ndarray) and result.dtype == np.float64
    np.testing.assert_array_equal(result, [2.0, 4.0, 6.0])


def test_eval_without_inputs_for_constants_and_shared_variables():
    np.testing.assert_array_equal((at.constant([1.0, 2.0]) * 3).eval(), [3.0, 6.0])
    assert at.constant(5).eval() == 5
    w = aesara.shared(np.array([1.0, 2.0]), name="w")
    total = (w * 10).sum()
    assert total.eval() == 30.0
    w.set_value(np.array([3.0, 4.0, 5.0]))
    assert total.eval() == 120.0  # the cached function reads the shared variable's current value


def test_eval_caches_one_compiled_function_per_set_of_inputs():
    x, y = at.dvector("x"), at.dvector("y")
    z = (x + y).sum()
    assert z.eval({x: [1.0], y: [2.0]}) == 3.0
    cached = dict(z._fn_cache)
    assert len(cached) == 1
    assert z.eval({y: [5.0, 5.0], x: [1.0, 2.0]}) == 13.0  # same inputs in another order: same function
    assert z._fn_cache == cached
    assert (x * 2).sum().eval({x: [4.0]}) == 8.0
    w = at.dvector("w")
    assert (x + y + w).sum().eval({x: [1.0], y: [1.0], w: [1.0]}) == 3.0


def test_eval_accepts_input_names():
    x, y = at.dvector("x"), at.dvector("y")
    z = (x - y).sum()
    assert z.eval({"x": [5.0], "y": [2.0]}) == 3.0
    assert z.eval({"x": [5.0], y: [1.0]}) == 4.0
    assert len(z._fn_cache) == 1  # a name resolves to the variable, so the cache is shared


def test_eval_with_an_unknown_or_ambiguous_name():
    x = at.dvector("x")
    twin = at.dvector("x")
    with pytest.raises(ValueError, match=r"expected one input named 'q' in the graph; found no input with that name "
                                         r"\(named inputs: \['x'\]\)"):
        (x * 2).sum().eval({"q": [1.0]})
    with pytest.raises(ValueError, match=r"expected one input named 'x' in the graph; found 2 inputs with that name"):
        (x + twin).sum().eval({"x": [1.0]})


def test_eval_errors_are_aesaras():
    x, y = at.dvector("x"), at.dvector("y")
    with pytest.raises(MissingInputError, match=r"the graph needs y"):
        (x + y).eval({x: [1.0]})
    with pytest.raises(UnusedInputError, match=r"is not part of the computational graph"):
        (x * 2).eval({x: [1.0], y: [1.0]})
    with pytest.raises(TypeError, match=r"the keys of inputs_to_values must be variables \(or input names\); got 3 "
                                        r"of type int"):
        (x * 2).eval({3: [1.0]})
    with pytest.raises(TypeError, match=r"inputs_to_values must be a dict \{variable: value\}; got list"):
        (x * 2).eval([[1.0]])
