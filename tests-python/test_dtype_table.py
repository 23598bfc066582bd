"""Output dtype and shape of mixed-dtype arithmetic, Python numbers, reductions and broadcasting.

Expected dtypes come from numpy (applying the same expression to numpy arrays)
wherever numpy and Aesara agree, and are written by hand where Aesara's rule
differs from numpy 1.x's value-based casting: Aesara types a Python int as the
smallest of int8/16/32/64 that holds it and a Python float as float32 when
float32 holds it exactly (always, when floatX is float32), else float64, and
then promotes dtypes without looking at values; integer true division gives
floatX; exp and friends of small integers give float32. Each case is compiled
and run: the symbolic dtype, the result's dtype and its shape must all match.
"""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at

NUMPY = object()  # "ask numpy"


def case(name, inputs, build, expected=NUMPY, numpy_build=None, floatX="float64"):
    """inputs: list of (dtype, shape, static shape or None); build works on variables (and on arrays unless
    numpy_build is given)."""
    return pytest.param(inputs, build, expected, numpy_build or build, floatX, id=name)


def v(dtype, n=3):
    return (dtype, (n,), None)


def m(dtype, r=3, c=4):
    return (dtype, (r, c), None)


CASES = [
    # tensor-tensor promotion: numpy's table
    case("int8+int8", [v("int8"), v("int8")], lambda a, b: a + b),
    case("int8+int16", [v("int8"), v("int16")], lambda a, b: a + b),
    case("int8+int32", [v("int8"), v("int32")], lambda a, b: a + b),
    case("int16+int64", [v("int16"), v("int64")], lambda a, b: a + b),
    case("uint8+int8", [v("uint8"), v("int8")], lambda a, b: a + b),
    case("uint8+int16", [v("uint8"), v("int16")], lambda a, b: a + b),
    case("uint8+int64", [v("uint8"), v("int64")], lambda a, b: a + b),
    case("bool+int8", [v("bool"), v("int8")], lambda a, b: a + b),
    case("bool+bool", [v("bool"), v("bool")], lambda a, b: a + b),
    case("bool*bool", [v("bool"), v("bool")], lambda a, b: a * b),
    case("int8*float32", [v("int8"), v("float32")], lambda a, b: a * b),
    case("int16*float32", [v("int16"), v("float32")], lambda a, b: a * b),
    case("int32*float32", [v("int32"), v("float32")], lambda a, b: a * b),
    case("int64*float32", [v("int64"), v("float32")], lambda a, b: a * b),
    case("uint8*float32", [v("uint8"), v("float32")], lambda a, b: a * b),
    case("float32+float64", [v("float32"), v("float64")], lambda a, b: a + b),
    case("float16+float32", [v("float16"), v("float32")], lambda a, b: a + b),
    case("int8+float16", [v("int8"), v("float16")], lambda a, b: a + b),
    case("int16+float16", [v("int16"), v("float16")], lambda a, b: a + b),
    case("float32+complex64", [v("float32"), v("complex64")], lambda a, b: a + b),
    case("float64+complex64", [v("float64"), v("complex64")], lambda a, b: a + b),
    case("int32*complex64", [v("int32"), v("complex64")], lambda a, b: a * b),
    case("float32-int8", [v("float32"), v("int8")], lambda a, b: a - b),
    case("int16-uint8", [v("int16"), v("uint8")], lambda a, b: a - b),
    # division, floor division, modulo, power
    case("int32/int32", [v("int32"), v("int32")], lambda a, b: a / b),
    case("int8/int8", [v("int8"), v("int8")], lambda a, b: a / b),
    case("float32/int32", [v("float32"), v("int32")], lambda a, b: a / b),
    case("float32/float32", [v("float32"), v("float32")], lambda a, b: a / b),
    case("int32//int8", [v("int32"), v("int8")], lambda a, b: a // b),
    case("float32//float64", [v("float32"), v("float64")], lambda a, b: a // b),
    case("int8%int16", [v("int8"), v("int16")], lambda a, b: a % b),
    case("float64%float32", [v("float64"), v("float32")], lambda a, b: a % b),
    case("float32**float32", [v("float32"), v("float32")], lambda a, b: a ** b),
    case("int32**int8", [v("int32"), v("int8")], lambda a, b: a ** b),
    # comparisons and bitwise operations
    case("float32<float64", [v("float32"), v("float64")], lambda a, b: a < b),
    case("int8>=int32", [v("int8"), v("int32")], lambda a, b: a >= b),
    case("eq(float32,int8)", [v("float32"), v("int8")], lambda a, b: at.eq(a, b), numpy_build=np.equal),
    case("neq(int64,float64)", [v("int64"), v("float64")], lambda a, b: at.neq(a, b), numpy_build=np.not_equal),
    case("int8&int16", [v("int8"), v("int16")], lambda a, b: a & b),
    case("bool|bool", [v("bool"), v("bool")], lambda a, b: a | b),
    case("int32^int64", [v("int32"), v("int64")], lambda a, b: a ^ b),
    case("~int16", [v("int16")], lambda a: ~a),
    case("~bool", [v("bool")], lambda a: ~a),
    case("abs(int16)", [v("int16")], lambda a: abs(a)),
    case("-float32", [v("float32")], lambda a: -a),
    # Python numbers: Aesara's autocasting, then promotion without value-based casting (hand-written)
    case("int8*2.0", [v("int8")], lambda a: a * 2.0, "float32"),
    case("int16*2.0", [v("int16")], lambda a: a * 2.0, "float32"),
    case("int32*2.0", [v("int32")], lambda a: a * 2.0, "float64"),
    case("float32*2.0", [v("float32")], lambda a: a * 2.0, "float32"),
    case("float32*0.1", [v("float32")], lambda a: a * 0.1, "float64"),
    case("float32*0.5", [v("float32")], lambda a: a * 0.5, "float32"),
    case("float16*2.0", [v("float16")], lambda a: a * 2.0, "float32"),
    case("int8+2", [v("int8")], lambda a: a + 2, "int8"),
    case("int8+300", [v("int8")], lambda a: a + 300, "int16"),
    case("int8+70000", [v("int8")], lambda a: a + 70000, "int32"),
    case("int8+2**40", [v("int8")], lambda a: a + 2 ** 40, "int64"),
    case("uint8+1", [v("uint8")], lambda a: a + 1, "int16"),
    case("int32+2", [v("int32")], lambda a: a + 2, "int32"),
    case("float32+3", [v("float32")], lambda a: a + 3, "float32"),
    case("2.0-int8", [v("int8")], lambda a: 2.0 - a, "float32"),
    case("int8/2", [v("int8")], lambda a: a / 2, "float64"),
    case("float32/2", [v("float32")], lambda a: a / 2, "float32"),
    case("float32**2", [v("float32")], lambda a: a ** 2, "float32"),
    case("int32**2", [v("int32")], lambda a: a ** 2, "int32"),
    case("int8<2.5", [v("int8")], lambda a: a < 2.5, "bool"),
    case("float32*np.float64(2)", [v("float32")], lambda a: a * np.float64(2), "float64"),
    case("int8*np.float32(2)", [v("int8")], lambda a: a * np.float32(2), "float32"),
    case("int16+np.int64(1)", [v("int16")], lambda a: a + np.int64(1), "int64"),
    case("float32*0-d float64 array", [v("float32")], lambda a: a * np.array(2.0), "float64"),
    case("int8*[1,2,3]", [v("int8")], lambda a: a * [1, 2, 3], "int64"),
    # unary functions: Aesara's upgrade_to_float (numpy gives float16 for small ints)
    case("exp(int8)", [v("int8")], lambda a: at.exp(a), "float32", numpy_build=np.exp),
    case("exp(int32)", [v("int32")], lambda a: at.exp(a), "float64", numpy_build=np.exp),
    case("exp(bool)", [v("bool")], lambda a: at.exp(a), "float32", numpy_build=np.exp),
    case("tanh(float32)", [v("float32")], lambda a: at.tanh(a), "float32", numpy_build=np.tanh),
    # reductions: numpy agrees (integers sum to int64 on Linux, integer means are float64)
    case("sum(int8)", [m("int8")], lambda a: a.sum()),
    case("sum(bool)", [v("bool")], lambda a: a.sum()),
    case("sum(float32, axis=0)", [m("float32")], lambda a: a.sum(axis=0)),
    case("sum(float32, axis=(0,2), keepdims)", [("float32", (2, 3, 4), None)], lambda a: a.sum(axis=(0, 2), keepdims=True)),
    case("mean(int32)", [m("int32")], lambda a: a.mean()),
    case("mean(float32, axis=1)", [m("float32")], lambda a: a.mean(axis=1)),
    case("mean(int8, axis=(0,1), keepdims)", [m("int8")], lambda a: a.mean(axis=(0, 1), keepdims=True)),
    case("mean(float16)", [v("float16")], lambda a: a.mean()),
    case("max(int16, axis=0)", [m("int16")], lambda a: a.max(axis=0)),
    case("max(float32, axis=(0,2))", [("float32", (2, 3, 4), None)], lambda a: a.max(axis=(0, 2))),
    case("max(float64, keepdims)", [m("float64")], lambda a: a.max(keepdims=True)),
    case("max(uint8, axis=-1)", [v("uint8")], lambda a: a.max(axis=-1)),
    # broadcasting
    case("(3,4) float32 + (4,) float64", [m("float32"), v("float64", 4)], lambda a, b: a + b),
    case("col int8 * row int32", [("int8", (3, 1), (None, 1)), ("int32", (1, 4), (1, None))], lambda a, b: a * b),
    case("scalar float32 + (3,4) int16", [("float32", (), None), m("int16")], lambda a, b: a + b),
    case("(2,3,4) float64 * (4,) int8", [("float64", (2, 3, 4), None), v("int8", 4)], lambda a, b: a * b),
    case("(3,1,4) int32 - (1,5,1) float32", [("int32", (3, 1, 4), (None, 1, None)),
                                             ("float32", (1, 5, 1), (1, None, 1))], lambda a, b: a - b),
    # shapes, indexing and products
    case("shape", [m("float32")], lambda a: a.shape, "int64", numpy_build=lambda a: np.asarray(a.shape)),
    case("shape[1]", [m("float32")], lambda a: a.shape[1], "int64", numpy_build=lambda a: np.asarray(a.shape[1])),
    case("reshape((2,-1))", [m("float32")], lambda a: a.reshape((2, -1))),
    case("reshape(6, 2)", [m("int8")], lambda a: a.reshape(6, 2)),
    case("flatten(int8 tensor3)", [("int8", (2, 3, 4), None)], lambda a: a.flatten()),
    case("flatten(ndim=2)", [("float32", (2, 3, 4), None)], lambda a: a.flatten(ndim=2), numpy_build=lambda a: a.reshape(2, 12)),
    case("x[1:, ::-1]", [m("float32")], lambda a: a[1:, ::-1]),
    case("x[None, -1]", [m("int32")], lambda a: a[None, -1]),
    case("x[..., 0]", [("float64", (2, 3, 4), None)], lambda a: a[..., 0]),
    case("x.T", [m("int16")], lambda a: a.T),
    case("dimshuffle(1,'x',0)", [m("float32")], lambda a: a.dimshuffle(1, "x", 0),
         numpy_build=lambda a: a.T[:, None, :]),
    case("astype(int8)", [m("float64")], lambda a: a.astype("int8")),
    case("float32 @ float64", [m("float32"), v("float64", 4)], lambda a, b: a @ b),
    case("int32 @ float32", [m("int32"), m("float32", 4, 2)], lambda a, b: a @ b),
    case("float32 @ float32", [m("float32"), m("float32", 4, 2)], lambda a, b: a @ b),
    # floatX=float32: every Python float is float32; integer division gives float32
    case("floatX32: float32*0.1", [v("float32")], lambda a: a * 0.1, "float32", floatX="float32"),
    case("floatX32: int8*0.1", [v("int8")], lambda a: a * 0.1, "float32", floatX="float32"),
    case("floatX32: int32/int32", [v("int32"), v("int32")], lambda a, b: a / b, "float32", floatX="float32"),
    case("floatX32: float64*0.1", [v("float64")], lambda a: a * 0.1, "float64", floatX="float32"),
    case("floatX32: mlp stays float32", [m("float32"), m("float32", 4, 2), v("float32", 2)],
         lambda x, w, b: (at.tanh(at.dot(x, w) * 0.5 + b) * 3.0 - 1.0).mean(axis=1), "float32", floatX="float32",
         numpy_build=lambda x, w, b: (np.tanh(x @ w * 0.5 + b) * 3.0 - 1.0).mean(axis=1)),
]


@pytest.fixture
def floatx():
    saved = aesara.config.floatX
    yield
    aesara.config.floatX = saved


def test_table_has_at_least_sixty_cases():
    assert len(CASES) >= 60


@pytest.mark.parametrize("inputs, build, expected, numpy_build, floatX", CASES)
def test_output_dtype_and_shape(inputs, build, expected, numpy_build, floatX, floatx):
    aesara.config.floatX = floatX
    values = [np.arange(1, 1 + int(np.prod(shape))).reshape(shape).astype(dtype) for dtype, shape, _ in inputs]
    with np.errstate(all="ignore"):
        reference = np.asarray(numpy_build(*values))
    want = reference.dtype.name if expected is NUMPY else expected
    variables = [at.tensor(dtype, shape=static if static is not None else (None,) * len(shape))
                 for dtype, shape, static in inputs]
    out = build(*variables)
    assert out.dtype == want, "symbolic dtype"
    result = aesara.function(variables, out)(*values)
    assert result.dtype.name == want, "run-time dtype"
    assert result.shape == reference.shape, "shape"


def test_python_number_constants_are_autocast(floatx):
    assert at.constant(2).dtype == "int8"
    assert at.constant(300).dtype == "int16"
    assert at.constant(2 ** 31).dtype == "int64"
    assert at.constant(2.0).dtype == "float32"
    assert at.constant(0.1).dtype == "float64"
    assert at.constant(np.float64(2.0)).dtype == "float64"
    assert at.constant(np.int16(2)).dtype == "int16"
    assert at.constant([1, 2]).dtype == "int64"
    assert at.constant([1.5]).dtype == "float64"
    assert at.constant(2.0, dtype="float64").dtype == "float64"
    assert at.constant(1, ndim=2).static_shape == (1, 1)
    aesara.config.floatX = "float32"
    assert at.constant(0.1).dtype == "float32"
    assert at.constant(np.float64(0.1)).dtype == "float64"
    assert at.vector().dtype == "float32"
    assert at.as_tensor_variable(1e300).dtype == "float32"  # Aesara casts unsafely to floatX too


def test_bools_are_not_tensors():
    with pytest.raises(TypeError, match="Cannot cast True or False"):
        at.as_tensor_variable(True)
    assert at.as_tensor_variable(np.array(True)).dtype == "bool"


def test_constructors_cover_every_prefix_and_rank():
    prefixes = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32", "d": "float64",
                "c": "complex64", "z": "complex128"}
    ranks = {"scalar": (), "vector": (None,), "matrix": (None, None), "row": (1, None), "col": (None, 1),
             "tensor3": (None,) * 3, "tensor4": (None,) * 4}
    for rank, shape in ranks.items():
        plain = getattr(at, rank)("x")
        assert (plain.dtype, plain.static_shape, plain.name) == (aesara.config.floatX, shape, "x")
        assert plain.broadcastable == tuple(n == 1 for n in shape)
        assert getattr(at, rank)(dtype="int32").dtype == "int32"
        for prefix, dtype in prefixes.items():
            x = getattr(at, prefix + rank)()
            assert (x.dtype, x.static_shape) == (dtype, shape), prefix + rank
    t = at.tensor("float32", shape=(None, 3, 1))
    assert (t.dtype, t.static_shape, t.broadcastable) == ("float32", (None, 3, 1), (False, False, True))
    assert at.tensor(dtype="int8", broadcastable=(True, False)).static_shape == (1, None)
    assert at.tensor("bool", shape=()).dtype == "bool"
    assert at.tensor("uint8", shape=(2,)).dtype == "uint8"
    assert at.tensor("float16", shape=(None,)).dtype == "float16"
    with pytest.raises(TypeError):
        at.tensor("uint64", shape=(None,))
