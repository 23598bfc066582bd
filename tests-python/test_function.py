"""``function`` and ``shared`` behave as in Aesara: updates, givens, unused inputs, borrow, output kinds."""

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at


def test_single_output_gives_an_array_and_a_list_gives_a_list():
    x = at.dvector("x")
    single = aesara.function([x], x * 2.0)([1.0, 2.0])
    listed = aesara.function([x], [x * 2.0])([1.0, 2.0])
    assert isinstance(single, np.ndarray)
    assert isinstance(listed, list) and len(listed) == 1
    np.testing.assert_array_equal(single, listed[0])


def test_no_outputs_gives_an_empty_list():
    x = at.dvector("x")
    assert aesara.function([x], None, on_unused_input="ignore")([1.0]) == []


def test_shared_accumulator_with_updates():
    state = aesara.shared(0, name="state")
    inc = at.iscalar("inc")
    accumulator = aesara.function([inc], state, updates=[(state, state + inc)])
    assert state.get_value() == 0
    # Aesara returns the value before the update.
    assert accumulator(1) == 0
    assert state.get_value() == 1
    assert accumulator(300) == 1
    assert state.get_value() == 301
    state.set_value(-1)
    assert accumulator(3) == -1
    assert state.get_value() == 2


def test_updates_are_atomic():
    a = aesara.shared(np.array([1.0, 2.0]), name="a")
    b = aesara.shared(np.array([10.0, 20.0]), name="b")
    swap = aesara.function([], [], updates={a: b, b: a})
    swap()
    np.testing.assert_array_equal(a.get_value(), [10.0, 20.0])
    np.testing.assert_array_equal(b.get_value(), [1.0, 2.0])


def test_update_of_another_type_raises():
    a = aesara.shared(np.zeros(2, dtype=np.float32), name="a")
    x = at.dvector("x")
    with pytest.raises(ValueError, match="same type as the original shared variable"):
        aesara.function([x], [], updates=[(a, x)])


def test_givens_replace_a_shared_variable():
    state = aesara.shared(0, name="state")
    inc = at.iscalar("inc")
    fn_of_state = state * 2 + inc
    foo = at.scalar(dtype=state.dtype)
    skip_shared = aesara.function([inc, foo], fn_of_state, givens=[(state, foo)])
    assert skip_shared(1, 3) == 7
    assert state.get_value() == 0


def test_givens_replace_an_intermediate_by_an_input():
    x, y = at.dvector("x"), at.dvector("y")
    z = at.exp(x)
    f = aesara.function([y], (z * 2.0).sum(), givens={z: y})
    assert f([1.0, 2.0]) == 6.0


def test_gradient_descent_with_shared_weights():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 2))
    target = X @ np.array([1.5, -0.5])
    w = aesara.shared(np.zeros(2), name="w")
    Xv, tv = at.dmatrix("X"), at.dvector("t")
    cost = ((at.dot(Xv, w) - tv) ** 2).sum() / 50.0
    train = aesara.function([Xv, tv], cost, updates=[(w, w - 0.5 * aesara.grad(cost, w))])
    first = train(X, target)
    for _ in range(200):
        last = train(X, target)
    assert last < first * 1e-6
    np.testing.assert_allclose(w.get_value(), [1.5, -0.5], atol=1e-4)


def test_unused_input_policies():
    x, y = at.dvector("x"), at.dvector("y")
    with pytest.raises(aesara.compile.UnusedInputError, match="index 1"):
        aesara.function([x, y], x * 2.0)
    with pytest.warns(UserWarning, match="not part of the computational graph"):
        aesara.function([x, y], x * 2.0, on_unused_input="warn")
    f = aesara.function([x, y], x * 2.0, on_unused_input="ignore")
    np.testing.assert_array_equal(f([1.0], [5.0, 6.0]), [2.0])
    with pytest.raises(ValueError, match="on_unused_input"):
        aesara.function([x], x, on_unused_input="loud")


def test_shared_variable_as_explicit_input_is_refused():
    w = aesara.shared(np.zeros(2), name="w")
    with pytest.raises(ValueError, match="shared variable"):
        aesara.function([w], w * 2.0)


def test_get_value_returns_a_copy_and_set_value_copies():
    start = np.array([1.0, 2.0])
    w = aesara.shared(start, name="w")
    start[0] = 99.0                      # the caller's array is not shared with the engine
    got = w.get_value()
    got[1] = -5.0                        # nor is what get_value returns
    np.testing.assert_array_equal(w.get_value(), [1.0, 2.0])
    new = np.array([3.0, 4.0, 5.0])      # lengths may change: shared variables have unknown static shapes
    w.set_value(new)
    new[:] = 0.0
    np.testing.assert_array_equal(w.get_value(borrow=True), [3.0, 4.0, 5.0])


def test_set_value_rejects_a_lossy_dtype_and_a_wrong_rank():
    w = aesara.shared(np.zeros(2, dtype=np.float32), name="w")
    with pytest.raises(TypeError, match="losing precision|lose precision"):
        w.set_value(np.zeros(2))
    with pytest.raises(ValueError, match="rank"):
        w.set_value(np.zeros((2, 2), dtype=np.float32))


def test_inputs_are_not_mutated():
    x = at.dvector("x")
    f = aesara.function([x], x * 2.0)
    data = np.array([1.0, 2.0, 3.0])
    f(data)
    np.testing.assert_array_equal(data, [1.0, 2.0, 3.0])


def test_an_output_that_is_an_input_is_a_copy():
    x = at.dvector("x")
    data = np.array([1.0, 2.0])
    out = aesara.function([x], x)(data)
    out[0] = 7.0
    np.testing.assert_array_equal(data, [1.0, 2.0])


def test_keyword_arguments_by_input_name():
    x, y = at.dvector("x"), at.dvector("y")
    f = aesara.function([x, y], x - y)
    np.testing.assert_array_equal(f(y=[1.0], x=[3.0]), [2.0])
    with pytest.raises(TypeError, match="unknown input name"):
        f(x=[1.0], z=[2.0])


def test_python_int_accepted_for_float32_input_and_downcast_rules():
    x = at.fscalar("x")
    f = aesara.function([x], x * 2)
    assert f(2) == 4.0 and f(2).dtype == np.float32
    with pytest.raises(TypeError, match="losing precision"):
        f(np.float64(0.1))
    g = aesara.function([x], x * 2, allow_input_downcast=True)
    assert g(np.float64(0.5)) == 1.0


def test_toposort_lists_aesara_class_names():
    x, w = at.dvector("x"), at.dvector("w")
    f = aesara.function([x, w], at.tanh(at.dot(x, w)))
    names = [type(node.op).__name__ for node in f.maker.fgraph.toposort()]
    assert names[-2:] == ["Dot", "Elemwise"]
    last = f.maker.fgraph.toposort()[-1]
    assert last.op.scalar_op == "tanh"
    assert last.inputs[0].owner.op == f.maker.fgraph.toposort()[-2].op


def test_wrong_static_shape_names_the_input():
    x = at.tensor("float64", shape=(None, 3), name="x")
    f = aesara.function([x], x * 2.0)
    with pytest.raises(ValueError, match=r"argument 0 \(x: .*expected shape \(None, 3\); got \(2, 4\)"):
        f(np.ones((2, 4)))
    np.testing.assert_array_equal(f(np.ones((2, 3))), np.full((2, 3), 2.0))
