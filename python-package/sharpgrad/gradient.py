"""Symbolic differentiation (Aesara's ``aesara.gradient``).

Reverse mode (:func:`grad`, :func:`Lop`) runs each op's pullback and forward
mode (:func:`Rop`) each op's pushforward, in the engine; this module gives
them Aesara's signatures, container kinds, names and errors, and adds the
numerical checks (:class:`numeric_grad`, :func:`verify_grad`).
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence

import numpy as np

from . import _args
from ._bridge import api, call
from .tensor.var import TensorVariable, as_tensor_variable, wrap

__all__ = [
    "grad", "Lop", "Rop", "pullback", "pushforward", "jvp", "vjp", "linearize", "subgraph_grad", "jacobian", "hessian", "hessian_vector_product",
    "verify_grad", "numeric_grad", "as_list_or_tuple",
    "consider_constant", "zero_grad", "disconnected_grad", "grad_clip", "grad_scale", "undefined_grad",
    "grad_not_implemented", "grad_undefined",
    "ConsiderConstant", "ZeroGrad", "DisconnectedGrad", "GradClip", "GradScale", "UndefinedGrad",
    "DisconnectedType", "NullType", "DisconnectedInputError", "NullTypeGradError", "GradientError",
]


class DisconnectedInputError(ValueError):
    """``grad`` was asked for the gradient with respect to a variable that is
    not part of the cost's graph (or is used only by a non-differentiable op)."""


class NullTypeGradError(TypeError):
    """A gradient is undefined (NullType) and was asked for, used or compiled."""


class GradientError(Exception):
    """The analytic and numeric gradients disagree (raised by :func:`verify_grad`).

    Attributes
    ----------
    arg : int
        Which input disagrees most.
    err_pos : int
        Flat position of the worst element in that input.
    shape : tuple
        That input's shape.
    val1, val2 : float
        The analytic and numeric values there.
    abs_err, rel_err : float
        Their absolute and relative errors.
    abs_tol, rel_tol : float
        The tolerances both errors exceeded.

    Parameters
    ----------
    arg, err_pos, shape, val1, val2, abs_err, rel_err, abs_tol, rel_tol
        The attributes above, in that order.
    """

    def __init__(self, arg, err_pos, shape, val1, val2, abs_err, rel_err, abs_tol, rel_tol):
        super().__init__()
        self.arg = arg
        self.err_pos = err_pos
        self.shape = shape
        self.val1 = val1
        self.val2 = val2
        self.abs_err = abs_err
        self.rel_err = rel_err
        self.abs_tol = abs_tol
        self.rel_tol = rel_tol

    def __str__(self):
        extra = ", ".join(str(a) for a in self.args)
        return ("GradientError: numeric gradient and analytic gradient exceed tolerance:\n"
                f"        At position {self.err_pos} of argument {self.arg} with shape {self.shape},\n"
                f"            val1 = {self.val1:f}      ,  val2 = {self.val2:f}\n"
                f"            abs. error = {self.abs_err:f},  abs. tolerance = {self.abs_tol:f}\n"
                f"            rel. error = {self.rel_err:f},  rel. tolerance = {self.rel_tol:f}\n"
                f"Exception args: {extra}")


class DisconnectedType:
    """The type of a disconnected gradient: a placeholder that knows it is zero by disconnection.

    As in Aesara, ``DisconnectedType()()`` makes such a placeholder, for an Op's ``grad`` to return.
    """

    def __call__(self, name=None):
        """A variable of this type, as in Aesara (``DisconnectedType()()``), for an Op's ``grad`` to return.

        Parameters
        ----------
        name : str, optional
            Not used.

        Returns
        -------
        object
            A placeholder whose ``type`` is this type.
        """
        return _Placeholder(self, name)

    def __eq__(self, other):
        return isinstance(other, DisconnectedType)

    def __hash__(self):
        return hash(DisconnectedType)

    def __repr__(self):
        return "DisconnectedType"


class _Placeholder:
    """A variable of :class:`DisconnectedType`: it only says that a gradient is disconnected."""

    def __init__(self, type_, name=None):
        self.type = type_
        self.name = name

    def __repr__(self):
        return f"<{self.type}>"


class NullType:
    """The type of an undefined gradient; ``why_null`` says why.

    Parameters
    ----------
    why_null : str
        Why the gradient is undefined; error messages quote it.
    """

    def __init__(self, why_null="(no explanation given)"):
        self.why_null = why_null

    def __eq__(self, other):
        return isinstance(other, NullType)

    def __hash__(self):
        return hash(NullType)

    def __repr__(self):
        return f"NullType{{{self.why_null}}}"

    def __call__(self, name=None):
        """A variable of this type, as in Aesara (``NullType()()``): e.g. a known gradient saying "undefined".

        Parameters
        ----------
        name : str, optional
            Not used.

        Returns
        -------
        object
            A placeholder whose ``type`` is this type.
        """
        return _Placeholder(self, name)


def _container(like, items):
    """``items`` in the container kind of ``like`` (list, tuple, or a single item)."""
    if isinstance(like, tuple):
        return tuple(items)
    if isinstance(like, list):
        return list(items)
    return items[0]


def _as_list(x, what):
    items = list(x) if isinstance(x, (list, tuple)) else [x]
    for i, item in enumerate(items):
        if not isinstance(item, TensorVariable):
            raise TypeError(f"{_args.entry_point()}: {what}[{i}] must be a Variable; got {item!r:.60} of type "
                            f"{type(item).__name__}")
    return items


def _check_policy(name, value, allowed):
    if value not in allowed:
        raise ValueError(f"Invalid value for keyword '{name}', valid values are "
                         + ", ".join(f"'{a}'" for a in allowed[:-1]) + f" and '{allowed[-1]}'.")


def _finish(handle, like, policy, return_disconnected, message):
    """Turn a disconnected placeholder into what ``return_disconnected`` asks for; wrap everything else."""
    if str(api.PlaceholderKind(handle)) != "disconnected":
        return wrap(handle)
    if policy == "warn":
        warnings.warn(message, stacklevel=3)
    mode = return_disconnected.lower()
    if mode == "zero":
        return wrap(call(api.FloatZerosLike, like._v))
    if mode == "none":
        return None
    return wrap(handle)


def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", add_names=True,
         known_grads=None, return_disconnected="zero", null_gradients="raise"):
    """Return the symbolic gradient of ``cost`` with respect to ``wrt``.

    Parameters
    ----------
    cost : TensorVariable or None
        A scalar expression; None only with ``known_grads``.
    wrt : TensorVariable or list or tuple of TensorVariable
        The variables to differentiate with respect to.
    consider_constant : list of TensorVariable, optional
        Variables whose own inputs get no gradient through them.
    disconnected_inputs : {'raise', 'warn', 'ignore'}
        What to do when ``cost`` does not depend on an element of ``wrt``.
    add_names : bool
        Name each gradient ``(dcost/dx)`` when cost and wrt are named.
    known_grads : dict, optional
        Gradients already known for some variables; each replaces what the
        cost would send into that variable (on the cost, the seed 1).
    return_disconnected : {'zero', 'None', 'Disconnected'}
        What a disconnected gradient is returned as: zeros, None, or a
        variable of :class:`DisconnectedType`.
    null_gradients : {'raise', 'return'}
        Whether an undefined gradient raises :class:`NullTypeGradError` or is
        returned as a variable of :class:`NullType`.

    Returns
    -------
    TensorVariable or list or tuple of TensorVariable
        One gradient per ``wrt``, in ``wrt``'s container kind.
    """
    if cost is None and known_grads is None:
        raise ValueError("cost and known_grads can't both be None.")
    if cost is not None:
        if not isinstance(cost, TensorVariable):
            raise TypeError(f"grad: cost must be a Variable; got {cost!r} of type {type(cost).__name__}")
        if str(api.PlaceholderKind(cost._v)) == "null":
            raise ValueError("Can't differentiate a NaN cost. cost is NaN because " + str(api.NullWhy(cost._v)))
        if cost.ndim != 0:
            raise TypeError(f"cost must be a scalar. Got {cost!r} of type {cost.type} ({cost.ndim} dimensions); "
                            "reduce it first, e.g. cost.sum()")
    items = _as_list(wrt, "wrt")
    _check_policy("disconnected_inputs", disconnected_inputs, ("ignore", "warn", "raise"))
    if not isinstance(return_disconnected, str) or return_disconnected.lower() not in ("zero", "none", "disconnected"):
        raise ValueError("return_disconnected must be 'zero', 'None' or 'Disconnected'; "
                         f"got {return_disconnected!r}")
    _check_policy("null_gradients", null_gradients, ("raise", "return"))
    constants = [] if consider_constant is None else _as_list(consider_constant, "consider_constant")
    if known_grads is not None and not isinstance(known_grads, dict):
        raise TypeError(f"grad: known_grads must be a dict {{variable: gradient}}; got {known_grads!r:.60} of type "
                        f"{type(known_grads).__name__}")
    known = dict(known_grads or {})
    keys, values = [], []
    for key, value in known.items():
        if not isinstance(key, TensorVariable):
            raise TypeError(f"known_grads: keys must be Variables; got {key!r}")
        if isinstance(getattr(value, "type", None), DisconnectedType):
            # A disconnected known gradient: nothing flows through ``key`` (as with consider_constant).
            constants.append(key)
            continue
        keys.append(key._v)
        if isinstance(getattr(value, "type", None), NullType):
            values.append(call(api.MakeNullGradient, key._v, value.type.why_null))
        else:
            values.append(as_tensor_variable(value)._v)
    handles = call(api.GradFull, None if cost is None else cost._v, [w._v for w in items], [c._v for c in constants],
                   keys, values, disconnected_inputs, bool(add_names), null_gradients == "return")
    message = ("grad method was asked to compute the gradient with respect to a variable that is not part of the "
               "computational graph of the cost, or is used only by a non-differentiable operator: {}")
    grads = [_finish(h, w, disconnected_inputs, return_disconnected, message.format(w))
             for h, w in zip(handles, items)]
    return _container(wrt, grads)


def Lop(f, wrt, eval_points, consider_constant=None, disconnected_inputs="raise"):  # noqa: N802 - Aesara's name
    """Vector-Jacobian product: the gradient of ``sum_i <f_i, eval_points_i>`` with respect to ``wrt``.

    Returns ``wrt``'s container kind.

    Parameters
    ----------
    f : TensorVariable or list or tuple of TensorVariable
        The outputs.
    wrt : TensorVariable or list or tuple of TensorVariable
        The variables to differentiate with respect to.
    eval_points : TensorVariable or array_like, or a list of them
        One cotangent per output in ``f``, shaped like it.
    consider_constant : list of TensorVariable, optional
        Variables whose own inputs get no gradient through them.
    disconnected_inputs : {'raise', 'warn', 'ignore'}
        What to do when the expression does not depend on an element of ``wrt``.

    Returns
    -------
    TensorVariable or list or tuple of TensorVariable
        One result per ``wrt``, shaped like it.
    """
    fs = _as_list(f, "f")
    points = [as_tensor_variable(p) for p in (eval_points if isinstance(eval_points, (list, tuple)) else [eval_points])]
    if len(fs) != len(points):
        raise ValueError(f"`f` and `eval_points` must be lists of the same size. Got {len(fs)} f and "
                         f"{len(points)} eval_points")
    known = {}
    for i, (fi, point) in enumerate(zip(fs, points)):
        if point.ndim != fi.ndim:
            raise ValueError(f"Lop: element {i} of f/eval_points have mismatched dimensionality: {fi.ndim} versus "
                             f"{point.ndim}")
        known[fi] = point if fi not in known else known[fi] + point
    result = grad(None, _as_list(wrt, "wrt"), consider_constant=consider_constant,
                  disconnected_inputs=disconnected_inputs, known_grads=known)
    return _container(wrt, result)


def Rop(f, wrt, eval_points, disconnected_outputs="raise", return_disconnected="zero"):  # noqa: N802
    """Jacobian-vector product of ``f`` along ``eval_points`` (one per ``wrt``), in forward mode.

    Every op has a pushforward, so this is one forward pass and works
    where Aesara's R-op is missing. Returns ``f``'s container kind;
    ``Rop(x, x, v)`` is ``v`` itself.

    Parameters
    ----------
    f : TensorVariable or list or tuple of TensorVariable
        The outputs.
    wrt : TensorVariable or list or tuple of TensorVariable
        The inputs the direction is given for.
    eval_points : TensorVariable or array_like, or a list of them
        One tangent per ``wrt``, shaped like it.
    disconnected_outputs : {'raise', 'warn', 'ignore'}
        What to do when an output does not depend on any of ``wrt``.
    return_disconnected : {'zero', 'None', 'Disconnected'}
        What a disconnected result is returned as: zeros, None, or a
        variable of :class:`DisconnectedType`.

    Returns
    -------
    TensorVariable or list or tuple of TensorVariable
        One directional derivative per output in ``f``, shaped like it.
    """
    fs = _as_list(f, "f")
    ws = _as_list(wrt, "wrt")
    points = [as_tensor_variable(p) for p in (eval_points if isinstance(eval_points, (list, tuple)) else [eval_points])]
    if len(ws) != len(points):
        raise ValueError(f"`wrt` must be the same length as `eval_points`. Got {len(ws)} wrt and "
                         f"{len(points)} eval_points")
    for i, (w, p) in enumerate(zip(ws, points)):
        if w.ndim != p.ndim:
            raise ValueError(f"Element {i} of wrt/eval_point have mismatched dimensionality: {w.ndim} versus {p.ndim}")
    _check_policy("disconnected_outputs", disconnected_outputs, ("ignore", "warn", "raise"))
    if not isinstance(return_disconnected, str) or return_disconnected.lower() not in ("zero", "none", "disconnected"):
        raise ValueError("return_disconnected must be 'zero', 'None' or 'Disconnected'; "
                         f"got {return_disconnected!r}")
    handles = call(api.RopFull, [x._v for x in fs], [w._v for w in ws], [p._v for p in points], disconnected_outputs)
    message = "Rop: output {} of f does not depend on any of wrt: its directional derivative is disconnected"
    results = [_finish(h, y, disconnected_outputs, return_disconnected, message.format(i))
               for i, (h, y) in enumerate(zip(handles, fs))]
    results = [r if r is None or y in ws else _depending_on_inputs_of(r, y) for r, y in zip(results, fs)]
    return _container(f, results)


def _depending_on_inputs_of(result, f):
    """``result``, made to depend on every input of ``f``, as Aesara's R-op graphs do.

    Aesara's R-op sends ``zeros_like(v)`` in for each input ``v`` that is not
    differentiated, so its result depends on all of ``f``'s inputs and
    ``function([W, V, x], Rop(dot(x, W), W, V))`` (the tutorial's example)
    compiles although the value does not use ``W``. The pushforward here
    leaves such inputs out; each missing one is added as a zero built from
    its shape, which the compiler folds away after checking the inputs.
    """
    if not isinstance(result, TensorVariable) or str(api.PlaceholderKind(result._v)):
        return result
    from .compile.sharedvalue import SharedVariable
    from .graph.basic import Constant, graph_inputs
    from .tensor.math import zeros_like

    have = set(graph_inputs([result]))
    for v in graph_inputs([f]):
        if v in have or isinstance(v, (Constant, SharedVariable)) or str(api.PlaceholderKind(v._v)):
            continue
        result = result + zeros_like(v.shape[0] if v.ndim else v, dtype=result.dtype)
    return result


pullback = Lop
pushforward = Rop


def _call_fun(fun, primals):
    out = _args.callable_arg(fun, "fun")(*primals)
    if isinstance(out, (list, tuple)):
        return type(out)(as_tensor_variable(o) for o in out)
    return as_tensor_variable(out)


def jvp(fun, primals, tangents):
    """JAX's ``jvp`` on symbolic variables: ``(fun(*primals), J·tangents)``, one forward pass of pushforwards.

    Parameters
    ----------
    fun : callable
        Maps symbolic variables to a symbolic output (or a list or tuple of them).
    primals, tangents : sequence of TensorVariable
        Where to differentiate, and one direction per primal (shaped like it).

    Returns
    -------
    out, tangent_out
        ``fun(*primals)`` and its directional derivative, in ``fun``'s container kind.
    """
    _args.callable_arg(fun, "fun")
    primals = _as_list(list(primals), "primals")
    tangents = [as_tensor_variable(t) for t in tangents]
    if len(tangents) != len(primals):
        raise ValueError(f"jvp: expected one tangent per primal ({len(primals)}); got {len(tangents)}")
    out = _call_fun(fun, primals)
    return out, Rop(out, primals, tangents, disconnected_outputs="ignore")


def vjp(fun, *primals):
    """JAX's ``vjp`` on symbolic variables: ``(fun(*primals), vjp_fun)``.

    ``vjp_fun(cotangent)`` returns the tuple of gradients of
    ``<fun(*primals), cotangent>`` with respect to each primal.

    Parameters
    ----------
    fun : callable
        Maps symbolic variables to a symbolic output (or a list or tuple of them).
    *primals : TensorVariable
        Where to differentiate.

    Returns
    -------
    out, vjp_fun
        ``fun(*primals)``, and a function of a cotangent (shaped like ``out``) that returns
        one gradient per primal.
    """
    primals = _as_list(list(primals), "primals")
    out = _call_fun(fun, primals)

    def vjp_fun(cotangent):
        return tuple(Lop(out, primals, cotangent, disconnected_inputs="ignore"))

    return out, vjp_fun


def linearize(fun, *primals):
    """JAX's ``linearize`` on symbolic variables: ``(fun(*primals), f_jvp)`` with ``f_jvp(*tangents)`` = J·tangents.

    Parameters
    ----------
    fun : callable
        Maps symbolic variables to a symbolic output (or a list or tuple of them).
    *primals : TensorVariable
        Where to linearize.

    Returns
    -------
    out, f_jvp
        ``fun(*primals)``, and a function of one tangent per primal that returns the
        directional derivative of ``out``.
    """
    primals = _as_list(list(primals), "primals")
    out = _call_fun(fun, primals)

    def f_jvp(*tangents):
        return Rop(out, primals, [as_tensor_variable(t) for t in tangents], disconnected_outputs="ignore")

    return out, f_jvp


def subgraph_grad(wrt, end, start=None, cost=None, details=False):
    """Gradients of a subgraph, for chaining backpropagation piece by piece (Aesara's ``subgraph_grad``).

    Parameters
    ----------
    wrt : list of TensorVariable
        Variables to differentiate with respect to.
    end : list of TensorVariable
        Where this piece of the graph ends (treated as constants); their
        gradients are returned too, to seed the next piece as ``start``.
    start : dict, optional
        Known gradients flowing in from the piece above (variable → gradient).
    cost : TensorVariable, optional
        A scalar cost whose gradient is added to the one from ``start``.
    details : bool
        Also return the gradients from ``start`` and from ``cost`` separately.

    Returns
    -------
    tuple
        ``(wrt_grads, end_grads)``, or with ``details`` also
        ``start_grads, cost_grads``.
    """
    if cost is None and start is None:
        raise ValueError("subgraph_grad: give a cost, a start, or both")
    if not isinstance(end, list) or not isinstance(wrt, list):
        raise TypeError(f"subgraph_grad: wrt and end must be lists; got {type(wrt).__name__} and "
                        f"{type(end).__name__}")
    if start is not None and not isinstance(start, dict):
        raise TypeError(f"subgraph_grad: start must be a dict; got {type(start).__name__}")
    params = []
    for v in wrt + end:
        if v not in params:
            params.append(v)
    start_grads = cost_grads = None
    if start is not None:
        start_grads = list(grad(None, params, known_grads=start, consider_constant=end, disconnected_inputs="ignore"))
    if cost is not None:
        cost_grads = list(grad(cost, params, consider_constant=end, disconnected_inputs="ignore"))
    if start_grads is None:
        grads = cost_grads
    elif cost_grads is None:
        grads = start_grads
    else:
        grads = [a + b for a, b in zip(start_grads, cost_grads)]
    by_param = dict(zip(params, grads))
    wrt_grads = [by_param[v] for v in wrt]
    end_grads = [by_param[v] for v in end]
    if details:
        return wrt_grads, end_grads, start_grads, cost_grads
    return wrt_grads, end_grads


def jacobian(expression, wrt, consider_constant=None, disconnected_inputs="raise", *, vectorize=True,
             chunk_size=None):
    """The Jacobian of ``expression`` with respect to each of ``wrt``.

    Unlike Aesara's scan over rows, this is one pullback vectorized over
    the rows of an identity, and ``expression`` may have any rank: each
    result has shape ``(*expression.shape, *wrt.shape)`` (Aesara's
    ``(n_out, *wrt.shape)`` for a vector). A scalar ``expression`` gives
    :func:`grad`. Returns ``wrt``'s container kind.

    ``chunk_size`` (beyond Aesara) bounds memory by doing the rows in
    batches of that many (the expression's shape must then be static);
    ``vectorize=False`` is the row-by-row construction (``chunk_size=1``).

    Parameters
    ----------
    expression : TensorVariable
        The expression to differentiate, of any rank.
    wrt : TensorVariable or list or tuple of TensorVariable
        The variables to differentiate with respect to.
    consider_constant : list of TensorVariable, optional
        Variables whose own inputs get no gradient through them.
    disconnected_inputs : {'raise', 'warn', 'ignore'}
        What to do when the expression does not depend on an element of ``wrt``.
    vectorize : bool
        One vectorized pullback (True) or one pullback per element of ``expression``.
    chunk_size : int, optional
        Do the rows in batches of this many; all at once when None.

    Returns
    -------
    TensorVariable or list or tuple of TensorVariable
        One Jacobian per ``wrt``, in ``wrt``'s container kind.
    """
    if not isinstance(expression, TensorVariable):
        raise TypeError(f"jacobian: expression must be a Variable; got {type(expression).__name__}")
    items = _as_list(wrt, "wrt")
    _check_policy("disconnected_inputs", disconnected_inputs, ("ignore", "warn", "raise"))
    if expression.ndim == 0:
        return grad(expression, wrt, consider_constant=consider_constant, disconnected_inputs=disconnected_inputs)
    constants = [] if consider_constant is None else _as_list(consider_constant, "consider_constant")
    policy = "ignore" if disconnected_inputs == "warn" else disconnected_inputs
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise ValueError(f"jacobian: chunk_size must be a positive int; got {chunk_size!r}")
    chunk = 1 if not vectorize else (chunk_size or 0)
    handles = call(api.Jacobian, expression._v, [w._v for w in items], [c._v for c in constants], policy, chunk)
    return _container(wrt, [wrap(h) for h in handles])


def hessian(cost, wrt, consider_constant=None, disconnected_inputs="raise"):
    """The Hessian of the scalar ``cost`` with respect to each of ``wrt`` separately (no cross terms).

    Computed forward over reverse (the pushforward of the gradient,
    vectorized over an identity); ``wrt`` may have any shape, and each
    result has shape ``(*wrt.shape, *wrt.shape)``. Returns ``wrt``'s
    container kind.

    Parameters
    ----------
    cost : TensorVariable
        A scalar expression.
    wrt : TensorVariable or list or tuple of TensorVariable
        The variables to differentiate with respect to.
    consider_constant : list of TensorVariable, optional
        Variables whose own inputs get no gradient through them.
    disconnected_inputs : {'raise', 'warn', 'ignore'}
        What to do when the expression does not depend on an element of ``wrt``.

    Returns
    -------
    TensorVariable or list or tuple of TensorVariable
        One Hessian per ``wrt``, in ``wrt``'s container kind.
    """
    if not isinstance(cost, TensorVariable):
        raise TypeError(f"hessian: cost must be a Variable; got {type(cost).__name__}")
    if cost.ndim != 0:
        raise TypeError(f"hessian: cost must be a scalar. Got {cost!r} of type {cost.type} ({cost.ndim} "
                        "dimensions)")
    items = _as_list(wrt, "wrt")
    _check_policy("disconnected_inputs", disconnected_inputs, ("ignore", "warn", "raise"))
    constants = [] if consider_constant is None else _as_list(consider_constant, "consider_constant")
    policy = "ignore" if disconnected_inputs == "warn" else disconnected_inputs
    handles = call(api.Hessian, cost._v, [w._v for w in items], [c._v for c in constants], policy)
    return _container(wrt, [wrap(h) for h in handles])


def hessian_vector_product(cost, wrt, v):
    """The Hessian of ``cost`` with respect to ``wrt`` applied to ``v``, at the cost of about two gradients.

    Parameters
    ----------
    cost : TensorVariable
        A scalar expression.
    wrt : TensorVariable
        The variable to differentiate with respect to.
    v : TensorVariable or array_like
        The vector (shaped like ``wrt``) the Hessian is applied to.

    Returns
    -------
    TensorVariable
        ``H @ v``, shaped like ``wrt``.
    """
    return wrap(call(api.HessianVectorProduct, cost._v, as_tensor_variable(wrt)._v, as_tensor_variable(v)._v))


def as_list_or_tuple(use_list, use_tuple, outputs):
    """Return ``outputs`` as a list, a tuple, or (both flags false) a single object.

    Parameters
    ----------
    use_list, use_tuple : bool
        Which container to return (at most one may be true).
    outputs : object or sequence
        The outputs.

    Returns
    -------
    list, tuple or object
        ``outputs`` in the container asked for; with both flags false, the only
        element of a one-element list or tuple, or ``outputs`` itself.
    """
    if use_list and use_tuple:
        raise ValueError("Both flags cannot be simultaneously True")
    if use_list or use_tuple:
        items = list(outputs) if isinstance(outputs, Sequence) and not isinstance(outputs, str) else [outputs]
        return items if use_list else tuple(items)
    if isinstance(outputs, (list, tuple)):
        if len(outputs) != 1:
            raise ValueError("Wrong arguments; expected a one element list")
        return outputs[0]
    return outputs


# --- gradient-control functions and their op classes --------------------------------------------------------------

def _control(name, x, a=0.0, b=0.0):
    return wrap(call(api.GradientControl, name, as_tensor_variable(x)._v, _args.real(a, "the bound or multiplier"),
                     _args.real(b, "the upper bound")))


def zero_grad(x):
    """``x``, whose gradient is zero (still connected, also inside second derivatives).

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``x`` (the same values), marked.
    """
    return _control("zero_grad", x)


def disconnected_grad(x):
    """``x``, disconnected from its inputs for gradients: ``grad`` then treats them as unused.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``x`` (the same values), marked.
    """
    return _control("disconnected_grad", x)


def consider_constant(x):
    """``x``, through which no gradient flows (deprecated in Aesara in favour of :func:`disconnected_grad`).

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``x`` (the same values), marked.
    """
    warnings.warn("consider_constant() is deprecated, use zero_grad() or disconnected_grad() instead.",
                  DeprecationWarning, stacklevel=2)
    return _control("consider_constant", x)


def grad_clip(x, lower_bound, upper_bound):
    """``x``, whose gradient is clipped element-wise to ``[lower_bound, upper_bound]``.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    lower_bound, upper_bound : float
        The bounds of the clipped gradient.

    Returns
    -------
    TensorVariable
        ``x`` (the same values), marked.
    """
    return _control("grad_clip", x, lower_bound, upper_bound)


def grad_scale(x, multiplier):
    """``x``, whose gradient is multiplied by ``multiplier``.

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.
    multiplier : float
        The factor applied to the gradient.

    Returns
    -------
    TensorVariable
        ``x`` (the same values), marked.
    """
    return _control("grad_scale", x, multiplier)


def undefined_grad(x):
    """``x``, whose gradient is undefined (a :class:`NullType` variable).

    Parameters
    ----------
    x : TensorVariable or array_like
        The input.

    Returns
    -------
    TensorVariable
        ``x`` (the same values), marked.
    """
    return _control("undefined_grad", x)


def grad_undefined(op, x_pos, x, comment=""):
    """A :class:`NullType` gradient for input ``x_pos`` of ``op``, for use in an Op's ``grad`` method.

    Parameters
    ----------
    op : Op
        The op whose gradient it is (for the message).
    x_pos : int
        The position of the input.
    x : TensorVariable
        The input; the result is shaped like it.
    comment : str
        Appended to the explanation.

    Returns
    -------
    TensorVariable
        A variable of :class:`NullType`; using it in a graph raises
        :class:`NullTypeGradError`.
    """
    why = (f"This variable is Null because the grad method for input {x_pos} ({x}) of the {op} op is "
           f"mathematically undefined. {comment}")
    return wrap(call(api.MakeNullGradient, as_tensor_variable(x)._v, why))


def grad_not_implemented(op, x_pos, x, comment=""):
    """A :class:`NullType` gradient for input ``x_pos`` of ``op`` whose gradient is not implemented.

    Parameters
    ----------
    op : Op
        The op whose gradient it is (for the message).
    x_pos : int
        The position of the input.
    x : TensorVariable
        The input; the result is shaped like it.
    comment : str
        Appended to the explanation.

    Returns
    -------
    TensorVariable
        A variable of :class:`NullType`; using it in a graph raises
        :class:`NullTypeGradError`.
    """
    why = (f"This variable is Null because the grad method for input {x_pos} ({x}) of the {op} op is not "
           f"implemented. {comment}")
    return wrap(call(api.MakeNullGradient, as_tensor_variable(x)._v, why))


def _control_class(name, engine_name, args_doc="None: this op has no parameters.", params=()):
    doc = f"""The op of :func:`{engine_name}`.

    Parameters
    ----------
    *args
        {args_doc}
    handle : engine op, optional
        Internal: the engine op that a view of an existing node wraps.
    """
    from .graph.basic import OpView, register_op_class

    def __init__(self, *args, handle=None):  # noqa: N807
        if len(args) != len(params):
            raise TypeError(f"{name}: expected {len(params)} argument(s) {params}; got {len(args)}")
        self._args = args
        self._op = handle
        for key, value in zip(params, args):
            setattr(self, key, value)

    def __call__(self, x):
        """Apply the op to ``x``, as the function of the same name does.

        Parameters
        ----------
        x : TensorVariable or array_like
            The input.

        Returns
        -------
        TensorVariable
            ``x`` (the same values), marked for gradients.
        """
        return _control(engine_name, x, *self._args)

    def connection_pattern(self, node):
        """Aesara's: ``[[False]]`` for :class:`DisconnectedGrad`, ``[[True]]`` for the others.

        Parameters
        ----------
        node : Apply
            The node (not used: the pattern is the op's).

        Returns
        -------
        list of list of bool
            One row per input, one column per output.
        """
        return [[engine_name != "disconnected_grad"]]

    cls = type(name, (OpView,), {"__init__": __init__, "__call__": __call__, "__doc__": doc,
                                 "connection_pattern": connection_pattern,
                                 "__props__": tuple(params), "__module__": __name__})
    register_op_class(name, cls)
    return cls


ZeroGrad = _control_class("ZeroGrad", "zero_grad")
DisconnectedGrad = _control_class("DisconnectedGrad", "disconnected_grad")
ConsiderConstant = _control_class("ConsiderConstant", "consider_constant")
UndefinedGrad = _control_class("UndefinedGrad", "undefined_grad")
GradClip = _control_class("GradClip", "grad_clip", "``clip_lower_bound, clip_upper_bound`` (floats): the bounds of the "
                          "gradient.", ("clip_lower_bound", "clip_upper_bound"))
GradScale = _control_class("GradScale", "grad_scale", "``multiplier`` (float): the factor of the gradient.",
                           ("multiplier",))


# --- numerical checks ---------------------------------------------------------------------------------------------

class numeric_grad:  # noqa: N801 - Aesara's name
    """One-sided finite-difference gradient of a scalar function at a point (Aesara's ``numeric_grad``).

    The step is 1e-7 for float64 and 3e-4 for float32 (5e-2 for float16),
    taken in the lowest precision among the inputs, as Aesara does.

    Parameters
    ----------
    f : callable
        A function of the arrays in ``pt`` returning a scalar.
    pt : array_like or list of array_like
        The point.
    eps : float, optional
        The step; by default from the dtypes as above.
    out_type : str, optional
        The dtype the gradients are computed in (default: the inputs' lowest precision).

    Attributes
    ----------
    gf : array or list of arrays
        The gradient, one array per input (a single array when ``pt`` was one).
    """

    type_eps = {"float64": 1e-7, "float32": 3e-4, "float16": 5e-2}

    def __init__(self, f, pt, eps=None, out_type=None):
        _args.callable_arg(f, "f", "numeric_grad")
        if pt is None:
            raise TypeError("numeric_grad: pt must be an array or a list of arrays; got None")
        eps = _step(eps, "numeric_grad")
        single = not isinstance(pt, (list, tuple))
        points = [_point(p, i, "numeric_grad") for i, p in enumerate([pt] if single else pt)]
        dtypes = [str(p.dtype) for p in points]
        if eps is None:
            eps = max(self.type_eps.get(d, 1e-7) for d in dtypes)
        if out_type is None:
            floats = [d for d in dtypes if d in self.type_eps]
            out_type = min(floats, key=lambda d: np.dtype(d).itemsize) if floats else "float64"
        flat = np.concatenate([p.ravel().astype(out_type) for p in points]) if points else np.zeros(0)
        sizes = [p.size for p in points]

        def unpack(vector):
            parts, at = [], 0
            for p, n in zip(points, sizes):
                parts.append(vector[at:at + n].reshape(p.shape).astype(p.dtype))
                at += n
            return parts

        base = _scalar(f(*unpack(flat)), "numeric_grad")
        gradient = np.zeros_like(flat)
        for i in range(flat.size):
            moved = flat.copy()
            moved[i] += eps
            gradient[i] = (_scalar(f(*unpack(moved)), "numeric_grad") - base) / eps
        parts, at = [], 0
        for p, n in zip(points, sizes):
            parts.append(gradient[at:at + n].reshape(p.shape))
            at += n
        self.gf = parts[0] if single else parts

    @staticmethod
    def abs_rel_err(a, b):
        """Absolute and relative error of ``a`` against ``b``: ``|a-b|`` and ``|a-b| / max(|a|+|b|, 1e-8)``.

        Parameters
        ----------
        a, b : array_like
            The values to compare (``b`` the reference).

        Returns
        -------
        abs_err, rel_err : numpy.ndarray
            The element-wise absolute and relative errors.
        """
        abs_err = np.abs(a - b)
        rel_err = abs_err / np.maximum(np.abs(a) + np.abs(b), 1e-8)
        return abs_err, rel_err

    def abs_rel_errors(self, g_pt):
        """``abs_rel_err`` of each analytic gradient in ``g_pt`` against this numeric one.

        Parameters
        ----------
        g_pt : array_like or list of array_like
            The analytic gradients, one per input.

        Returns
        -------
        list of (numpy.ndarray, numpy.ndarray)
            ``(abs_err, rel_err)`` per input.
        """
        numeric = self.gf if isinstance(self.gf, list) else [self.gf]
        analytic = g_pt if isinstance(g_pt, (list, tuple)) else [g_pt]
        if len(analytic) != len(numeric):
            raise ValueError(f"numeric_grad: {len(analytic)} analytic gradients for {len(numeric)} inputs")
        errors = []
        for a, n in zip(analytic, numeric):
            if np.shape(a) != np.shape(n):
                raise ValueError(f"numeric_grad: analytic gradient of shape {np.shape(a)} for an input of shape "
                                 f"{np.shape(n)}")
            errors.append(self.abs_rel_err(np.asarray(a), n))
        return errors

    def max_err(self, g_pt, abs_tol, rel_tol):
        """The worst disagreement, scaled by the tolerances.

        Parameters
        ----------
        g_pt : array_like or list of array_like
            The analytic gradients, one per input.
        abs_tol, rel_tol : float
            The tolerances the errors are scaled by.

        Returns
        -------
        tuple
            ``(argument index, flat position, abs_err, rel_err)`` where
            ``min(abs_err / abs_tol, rel_err / rel_tol)`` is largest.
        """
        best = None
        for arg, (abs_err, rel_err) in enumerate(self.abs_rel_errors(g_pt)):
            if not np.all(np.isfinite(abs_err)):
                raise ValueError("verify_grad: abs_err not finite", repr(abs_err))
            if not np.all(np.isfinite(rel_err)):
                raise ValueError("rel_err not finite", repr(rel_err))
            if abs_err.size == 0:
                continue
            scaled = np.minimum(abs_err / abs_tol, rel_err / rel_tol).ravel()
            pos = int(scaled.argmax())
            candidate = (scaled[pos], arg, pos, float(abs_err.ravel()[pos]), float(rel_err.ravel()[pos]))
            if best is None or candidate[0] > best[0]:
                best = candidate
        if best is None:
            return 0, 0, 0.0, 0.0
        return best[1], best[2], best[3], best[4]


def verify_grad(fun, pt, n_tests=2, rng=None, eps=None, out_type=None, abs_tol=None, rel_tol=None, mode=None,
                cast_to_output_type=False, no_debug_ref=True, *, modes=("rev",)):
    """Check ``grad`` of ``fun`` against finite differences at ``pt`` (Aesara's ``verify_grad``).

    Builds ``cost = sum(random_projection * fun(*inputs))`` and compares its
    symbolic gradient with :class:`numeric_grad`, ``n_tests`` times with
    fresh projections.

    Parameters
    ----------
    fun : callable
        Maps symbolic inputs (one per array in ``pt``) to one symbolic output.
    pt : list of array_like
        The point; floating-point arrays only.
    n_tests : int
        How many random projections to check.
    rng : numpy.random.Generator or RandomState, optional
        Source of the random projections; a generator seeded with 42 when
        omitted.
    eps : float, optional
        The finite-difference step (see :class:`numeric_grad`).
    out_type : str, optional
        The dtype of the numeric gradient (see :class:`numeric_grad`).
    abs_tol, rel_tol : float, optional
        Tolerances; by default 1e-4 for float64, 1e-2 for float32 and 5e-2
        for float16 (the loosest among the inputs).
    mode : None
        Aesara's compilation mode; only None is supported.
    cast_to_output_type : bool
        Cast the random projection to the output's dtype when it is float32.
    no_debug_ref : bool
        Accepted for Aesara's signature; not used.
    modes : tuple of {'rev', 'fwd'}
        Beyond Aesara (like JAX's ``check_grads``): 'rev' checks the
        gradient (Aesara's check); 'fwd' also checks the R-op, comparing the
        directional derivative of the projected cost along a random
        direction with a finite difference.

    Raises
    ------
    GradientError
        When some element exceeds both tolerances (``arg`` is -1 for the
        forward-mode check).
    """
    from .compile.function import function
    from .compile.sharedvalue import shared
    from .tensor.math import sum as at_sum
    from .tensor.type import TensorType

    if mode is not None:
        raise NotImplementedError("verify_grad: the option mode is not implemented yet")
    _args.callable_arg(fun, "fun", "verify_grad")
    if not isinstance(pt, (list, tuple)):
        raise TypeError(f"verify_grad: pt must be a list of arrays, one per input of fun; got {pt!r:.60} of type "
                        f"{type(pt).__name__}")
    points = [_point(p, i, "verify_grad") for i, p in enumerate(pt)]
    n_tests = _args.integer(n_tests, "n_tests", "verify_grad")
    eps = _step(eps, "verify_grad")
    abs_tol = None if abs_tol is None else _tolerance(abs_tol, "abs_tol")
    rel_tol = None if rel_tol is None else _tolerance(rel_tol, "rel_tol")
    tolerance = {"float16": 5e-2, "float32": 1e-2, "float64": 1e-4}
    for i, p in enumerate(points):
        if str(p.dtype) not in tolerance:
            raise TypeError(f'verify_grad can work only with floating point inputs, but input {i} has dtype "{p.dtype}".')
    if abs_tol is None:
        abs_tol = max(tolerance[str(p.dtype)] for p in points)
    if rel_tol is None:
        rel_tol = max(tolerance[str(p.dtype)] for p in points)
    if rng is None:
        rng = np.random.default_rng(42)
    uniform = getattr(rng, "random", None) or getattr(rng, "rand", None)
    if not callable(uniform):
        raise TypeError(f"verify_grad: rng must be a numpy Generator or RandomState; got {rng!r:.60}")

    if not set(modes) <= {"rev", "fwd"} or not modes:
        raise ValueError(f"verify_grad: modes must be a non-empty subset of ('rev', 'fwd'); got {modes!r}")
    inputs = [TensorType(str(p.dtype), shape=tuple(1 if n == 1 else None for n in p.shape))(name=f"input {i}")
              for i, p in enumerate(points)]
    output = fun(*inputs)
    if isinstance(output, (list, tuple)):
        raise NotImplementedError("Can't (yet) auto-test the gradient of a function with multiple outputs")
    if output is None or isinstance(output, str):
        raise TypeError(f"verify_grad: fun must return a symbolic variable; got {output!r:.60}")
    output = as_tensor_variable(output)
    value = function(inputs, output, on_unused_input="ignore")(*[p.copy() for p in points])

    def random_projection():
        plain = np.asarray(uniform(np.shape(value))) + 0.5
        if cast_to_output_type and output.dtype == "float32":
            return np.asarray(plain, dtype=output.dtype)
        return plain

    projection = shared(random_projection(), name="random_projection")
    cost = at_sum(projection * output)
    cost_fn = function(inputs, cost, name="gradient.py cost", on_unused_input="ignore")
    symbolic = grad(cost, inputs, disconnected_inputs="ignore")
    grad_fn = function(inputs, symbolic, name="gradient.py symbolic grad", on_unused_input="ignore")
    for test in range(n_tests):
        if "rev" in modes:
            numeric = numeric_grad(cost_fn, [p.copy() for p in points], eps, out_type)
            analytic = grad_fn(*[p.copy() for p in points])
            arg, pos, abs_err, rel_err = numeric.max_err(analytic, abs_tol, rel_tol)
            if abs_err > abs_tol and rel_err > rel_tol:
                numeric_values = numeric.gf if isinstance(numeric.gf, list) else [numeric.gf]
                raise GradientError(arg, pos, analytic[arg].shape, analytic[arg].ravel()[pos],
                                    numeric_values[arg].ravel()[pos], abs_err, rel_err, abs_tol, rel_tol)
        if "fwd" in modes:
            _check_forward(inputs, cost, cost_fn, points, uniform, eps, abs_tol, rel_tol)
        if test < n_tests - 1:
            projection.set_value(random_projection())


def _point(value, i, who):
    """One array of a point, which must be numeric."""
    try:
        array = np.array(value)
    except (ValueError, TypeError) as error:
        raise TypeError(f"{who}: pt[{i}] cannot be made into a numeric array ({error})") from None
    if array.dtype.kind not in "biufc":
        raise TypeError(f"{who}: pt[{i}] must be numeric; got dtype {array.dtype}")
    return array


def _step(eps, who):
    """A finite-difference step: None (the default) or a positive finite number."""
    if eps is None:
        return None
    if not isinstance(eps, (numbers.Real, np.floating)) or isinstance(eps, bool) or not (0 < eps < np.inf):
        raise ValueError(f"{who}: eps must be a positive finite number; got {eps!r:.60}")
    return float(eps)


def _tolerance(value, what):
    if not isinstance(value, (numbers.Real, np.floating)) or isinstance(value, bool) or not value >= 0:
        raise ValueError(f"verify_grad: {what} must be a number >= 0; got {value!r:.60}")
    return float(value)


def _scalar(value, who):
    """The value of the function numeric_grad differentiates, which must be a single number."""
    array = np.asarray(value)
    if array.size != 1 or array.dtype.kind not in "biuf":
        raise ValueError(f"{who}: f must return a single real number; got {array.dtype} of shape {array.shape}")
    return float(array.reshape(()))


def _check_forward(inputs, cost, cost_fn, points, uniform, eps, abs_tol, rel_tol):
    """The R-op of the projected cost along a random direction against a one-sided finite difference."""
    from .compile.function import function
    from .tensor.type import TensorType

    directions = [(np.asarray(uniform(p.shape)) - 0.5).astype(p.dtype) for p in points]  # in the inputs' dtypes
    tangents = [TensorType(str(p.dtype), shape=tuple(1 if n == 1 else None for n in p.shape))(name=f"tangent {i}")
                for i, p in enumerate(points)]
    derivative = Rop(cost, inputs, tangents, disconnected_outputs="ignore")
    analytic = float(function(inputs + tangents, derivative, on_unused_input="ignore")(
        *[p.copy() for p in points], *directions))
    step = eps if eps is not None else max(numeric_grad.type_eps.get(str(p.dtype), 1e-7) for p in points)
    moved = [(p + step * d).astype(p.dtype) for p, d in zip(points, directions)]
    numeric = (float(cost_fn(*moved)) - float(cost_fn(*[p.copy() for p in points]))) / step
    abs_err, rel_err = numeric_grad.abs_rel_err(np.float64(analytic), np.float64(numeric))
    if abs_err > abs_tol and rel_err > rel_tol:
        raise GradientError(-1, 0, (), analytic, numeric, float(abs_err), float(rel_err), abs_tol, rel_tol)
