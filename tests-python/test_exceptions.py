"""Exceptions: Aesara's names, bases and module paths; messages that say what was expected and given; no .NET
stack trace unless ``config.exception_verbosity == 'high'``."""

import importlib
import traceback

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad._bridge import System, _python_exception, api, call
from sharpgrad.compile.function.types import UnusedInputError
from sharpgrad.gradient import DisconnectedInputError, GradientError, NullTypeGradError
from sharpgrad.graph.utils import MissingInputError

# (module where Aesara keeps it, class name, its only base in Aesara)
AESARA_HOMES = [
    ("sharpgrad.gradient", "NullTypeGradError", TypeError),
    ("sharpgrad.gradient", "DisconnectedInputError", ValueError),
    ("sharpgrad.gradient", "GradientError", Exception),
    ("sharpgrad.compile.function.types", "UnusedInputError", Exception),
    ("sharpgrad.compile.function.types", "AliasedMemoryError", Exception),
    ("sharpgrad.graph.utils", "MissingInputError", Exception),
    ("sharpgrad.graph.utils", "InconsistencyError", Exception),
    ("sharpgrad.graph.utils", "MethodNotDefined", Exception),
    ("sharpgrad.graph.utils", "TestValueError", Exception),
    ("sharpgrad.graph.fg", "MissingInputError", Exception),
    ("sharpgrad.graph.fg", "InconsistencyError", Exception),
    ("sharpgrad.tensor.exceptions", "ShapeError", Exception),
    ("sharpgrad.tensor.exceptions", "NotScalarConstantError", Exception),
    ("sharpgrad.tensor.exceptions", "AdvancedIndexingError", TypeError),
    ("sharpgrad.configparser", "ConfigAccessViolation", AttributeError),
    ("sharpgrad.configparser", "AesaraConfigWarning", Warning),
]


@pytest.mark.parametrize(("module", "name", "base"), AESARA_HOMES)
def test_each_exception_lives_where_aesara_keeps_it_with_aesaras_base(module, name, base):
    cls = getattr(importlib.import_module(module), name)
    assert cls.__name__ == name
    assert cls.__bases__ == (base,)


def test_empty_constant_error_is_a_not_scalar_constant_error():
    from sharpgrad.tensor.exceptions import EmptyConstantError, NotScalarConstantError

    assert EmptyConstantError.__bases__ == (NotScalarConstantError,)


def test_every_home_of_one_error_holds_the_same_class():
    import sharpgrad.compile
    import sharpgrad.compile.function
    import sharpgrad.graph.fg

    function_module = importlib.import_module("sharpgrad.compile.function")
    assert function_module.MissingInputError is MissingInputError is sharpgrad.graph.fg.MissingInputError
    assert sharpgrad.compile.MissingInputError is MissingInputError
    assert function_module.UnusedInputError is UnusedInputError is sharpgrad.compile.UnusedInputError
    assert aesara.gradient.GradientError is GradientError


def test_the_aesara_import_lines_work_unchanged():
    namespace = {}
    exec("from sharpgrad.compile.function.types import UnusedInputError\n"  # noqa: S102 - the import lines users write
         "from sharpgrad.graph.fg import MissingInputError, InconsistencyError\n"
         "from sharpgrad.tensor.exceptions import NotScalarConstantError, ShapeError\n"
         "from sharpgrad.gradient import DisconnectedInputError, NullTypeGradError, GradientError\n", namespace)
    assert namespace["UnusedInputError"] is UnusedInputError


def test_missing_input_error_keeps_aesaras_signature():
    x = at.dvector("x")
    error = MissingInputError("first line", "second line", variable=x)
    assert str(error) == "first line\nsecond line"
    assert error.variable is x


def test_gradient_error_carries_aesaras_fields():
    error = GradientError(1, 4, (2, 3), 0.5, 0.25, 0.25, 1 / 3, 1e-4, 1e-4)
    assert (error.arg, error.err_pos, error.shape, error.val1, error.val2) == (1, 4, (2, 3), 0.5, 0.25)
    assert (error.abs_err, error.rel_err, error.abs_tol, error.rel_tol) == (0.25, 1 / 3, 1e-4, 1e-4)
    assert "At position 4 of argument 1 with shape (2, 3)" in str(error)


# --- the errors users meet, raised with Aesara's classes ------------------------------------------------------------

def test_missing_input_names_the_variable_and_its_type():
    x, y = at.dvector("x"), at.dvector("y")
    with pytest.raises(MissingInputError) as info:
        aesara.function([x], x + y)
    assert "y (TensorType(float64, (None,)))" in str(info.value)


def test_unused_input_names_the_input_and_its_position():
    x, y = at.dvector("x"), at.dvector("y")
    with pytest.raises(UnusedInputError) as info:
        aesara.function([x, y], x * 2)
    assert "input variable at index 1" in str(info.value) and ": y." in str(info.value)


def test_disconnected_input_is_a_value_error_naming_the_variable():
    x, y = at.dvector("x"), at.dvector("y")
    with pytest.raises(ValueError) as info:
        aesara.grad(x.sum(), y)
    assert type(info.value) is DisconnectedInputError
    assert str(info.value).endswith("or is used only by a non-differentiable operator: y")


def test_undefined_gradient_is_a_type_error_saying_why():
    x = at.dvector("x")
    with pytest.raises(TypeError) as info:
        aesara.grad(aesara.gradient.undefined_grad(x).sum(), x)
    assert type(info.value) is NullTypeGradError
    assert "undefined_grad: the gradient of this variable is undefined" in str(info.value)


# --- messages: what was expected and what was given -------------------------------------------------------------------

def _fxy():
    x, y = at.dvector("x"), at.dvector("y")
    return aesara.function([x, y], x + y)


def test_wrong_argument_count():
    with pytest.raises(TypeError) as info:
        _fxy()([1.0])
    message = str(info.value)
    assert "2" in message and "1" in message and "x" in message and "y" in message


def test_wrong_dtype():
    with pytest.raises(TypeError) as info:
        _fxy()(np.array([1, 2], dtype="complex128"), [1.0, 2.0])
    assert "complex128" in str(info.value) and "float64" in str(info.value)


def test_wrong_rank():
    with pytest.raises((TypeError, ValueError)) as info:
        _fxy()([[1.0]], [1.0])
    message = str(info.value)
    assert "rank" in message or "dimensions" in message
    assert "(1, 1)" in message or "2" in message


def test_shape_mismatch_at_run_time():
    with pytest.raises(ValueError) as info:
        _fxy()([1.0, 2.0, 3.0], [1.0, 2.0])
    assert str(info.value) == ("Elemwise{add}: input shapes (3,) and (2,) do not match on axis 0 (3 != 2); only axes "
                               "of static length 1 broadcast")


def test_grad_of_a_non_scalar():
    x = at.dvector("x")
    with pytest.raises(TypeError) as info:
        aesara.grad(x * 2, x)
    assert str(info.value).startswith("cost must be a scalar. Got ")
    assert "TensorType(float64, (None,)) (1 dimensions)" in str(info.value)


def test_hessian_of_a_non_scalar():
    x = at.dvector("x")
    with pytest.raises(TypeError, match=r"hessian: cost must be a scalar. Got .* \(1 dimensions\)"):
        aesara.gradient.hessian(x * 2, x)


def test_lop_and_rop_length_mismatches_give_both_lengths():
    x = at.dvector("x")
    with pytest.raises(ValueError, match=r"Got 1 f and 2 eval_points"):
        aesara.Lop(x * 2, x, [x, x])
    with pytest.raises(ValueError, match=r"Got 1 wrt and 2 eval_points"):
        aesara.Rop(x * 2, [x], [x, x])


def test_argument_exception_messages_lose_the_dotnet_parameter_suffix():
    shared = aesara.shared(np.ones(2), name="w")
    with pytest.raises(ValueError) as info:
        shared.set_value(np.ones((2, 2)))
    assert "(Parameter '" not in str(info.value)
    assert "rank 1" in str(info.value) and "(2, 2)" in str(info.value)


# --- how .NET exceptions become Python ones ---------------------------------------------------------------------------

def _net(name):
    return getattr(System, name)


@pytest.mark.parametrize(("net", "python"), [
    ("ArgumentException", ValueError), ("ArgumentOutOfRangeException", ValueError),
    ("ArgumentNullException", TypeError), ("InvalidCastException", TypeError), ("FormatException", ValueError),
    ("NotImplementedException", NotImplementedError), ("NotSupportedException", NotImplementedError),
    ("PlatformNotSupportedException", NotImplementedError), ("IndexOutOfRangeException", IndexError),
    ("DivideByZeroException", ZeroDivisionError), ("OverflowException", OverflowError),
    ("InvalidOperationException", RuntimeError), ("ObjectDisposedException", RuntimeError),
])
def test_dotnet_exceptions_map_to_python_ones_by_their_nearest_known_type(net, python):
    error = _python_exception(_net(net)("the message"))
    assert type(error) is python


def test_engine_exceptions_map_to_aesaras_classes():
    from Gradient import DisconnectedInputException, MissingInputException, NullTypeGradException
    from Gradient import UnusedInputException
    from Gradient.Serialization import GraphJsonException

    from sharpgrad.graph.serialize import GraphFormatError

    for net, python in [(DisconnectedInputException, DisconnectedInputError),
                        (MissingInputException, MissingInputError), (UnusedInputException, UnusedInputError),
                        (NullTypeGradException, NullTypeGradError), (GraphJsonException, GraphFormatError)]:
        error = _python_exception(net("what went wrong"))
        assert type(error) is python and str(error) == "what went wrong"


def test_a_dotnet_gradient_exception_becomes_a_gradient_error_with_its_fields():
    from Gradient import GradientException

    error = _python_exception(GradientException(1, 2, [3, 4], 0.5, 0.25, 0.25, 1 / 3, 1e-4, 2e-4))
    assert type(error) is GradientError
    assert (error.arg, error.err_pos, error.shape, error.val1, error.val2) == (1, 2, (3, 4), 0.5, 0.25)
    assert (error.abs_err, error.rel_err, error.abs_tol, error.rel_tol) == (0.25, 1 / 3, 1e-4, 2e-4)


def test_reflection_wrappers_are_peeled_off():
    from System.Reflection import TargetInvocationException

    error = _python_exception(TargetInvocationException(System.ArgumentException("inner message", "p")))
    assert type(error) is ValueError and str(error) == "inner message"


def test_a_key_not_found_exception_is_a_key_error():
    from System.Collections.Generic import KeyNotFoundException

    assert type(_python_exception(KeyNotFoundException("no such key"))) is KeyError


def test_libtorch_backtraces_are_cut_from_messages():
    text = "shape '[2]' is invalid for input of size 3\nException raised from infer_size_impl at x.cpp:1\nframe #0: ..."
    assert str(_python_exception(System.Runtime.InteropServices.ExternalException(text))) == (
        "shape '[2]' is invalid for input of size 3")


# --- no .NET stack trace unless exception_verbosity is 'high' -----------------------------------------------------

def _engine_error():
    """A ValueError raised inside the engine (C#) at run time."""
    with pytest.raises(ValueError) as info:
        _fxy()([1.0, 2.0, 3.0], [1.0, 2.0])
    return info.value


def test_low_verbosity_shows_no_dotnet_trace():
    assert aesara.config.exception_verbosity == "low"
    error = _engine_error()
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    assert error.__cause__ is None and error.__suppress_context__
    assert "System." not in text and "   at Gradient." not in text and ".NET" not in text
    assert text.strip().splitlines()[-1] == ("ValueError: Elemwise{add}: input shapes (3,) and (2,) do not match on "
                                             "axis 0 (3 != 2); only axes of static length 1 broadcast")


def test_high_verbosity_appends_the_dotnet_type_and_stack_trace():
    with aesara.config.change_flags(exception_verbosity="high"):
        error = _engine_error()
    message = str(error)
    first, details = message.split("\n\n", 1)
    assert first == ("Elemwise{add}: input shapes (3,) and (2,) do not match on axis 0 (3 != 2); only axes of static "
                     "length 1 broadcast")
    assert details.startswith(".NET exception (config.exception_verbosity='high'):\nSystem.ArgumentException: ")
    assert "   at Gradient." in details  # the .NET stack trace
    assert error.__cause__ is None and error.__suppress_context__
    assert "   at Gradient." not in str(_engine_error())  # back to low


def test_high_verbosity_gradient_error_keeps_its_fields_and_adds_the_trace():
    from Gradient import GradientException

    with aesara.config.change_flags(exception_verbosity="high"):
        error = _python_exception(GradientException(0, 1, [2], 1.0, 2.0, 1.0, 0.5, 1e-4, 1e-4))
    assert error.err_pos == 1
    assert "Exception args: .NET exception (config.exception_verbosity='high'):\nGradient.GradientException" in str(
        error)


def test_call_passes_results_and_python_exceptions_through():
    assert str(call(api.DTypeName, at.dvector()._v)) == "float64"

    def fails():
        raise KeyError("a Python error")

    with pytest.raises(KeyError, match="a Python error"):
        call(fails)
