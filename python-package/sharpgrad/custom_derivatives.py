"""Custom derivative rules for Python functions of symbolic tensors (JAX's ``jax.custom_vjp`` and ``jax.custom_jvp``).

The function, its rules and their results are graphs: calling a decorated
function on variables makes one node (an inline
:class:`~sharpgrad.compile.builders.OpFromGraph`) whose pullback is the
user's ``bwd`` rule (for :class:`custom_vjp`) or whose pushforward is the
user's ``jvp`` rule (for :class:`custom_jvp`). ``grad``, ``Lop``, ``Rop``,
``jacobian`` and ``hessian`` all use the rules::

    @sharpgrad.custom_vjp
    def clip_gradient(x):
        return x

    def fwd(x):
        return x, ()

    def bwd(res, g):
        return (at.clip(g, -1.0, 1.0),)

    clip_gradient.defvjp(fwd, bwd)

Variables a function closes over (rather than takes as arguments) are
differentiated through the function's own graph, not through the rules.
"""

from __future__ import annotations

import functools

from . import _args, _pytree
from ._bridge import api, call
from .tensor.var import TensorVariable, as_tensor_variable, wrap

__all__ = ["custom_vjp", "custom_jvp"]


def _symbolic_arguments(name, args, nondiff_argnums):
    """The positions of the differentiable arguments, them as variables, and a stand-in for each."""
    for i in nondiff_argnums:
        if not isinstance(i, int) or not -len(args) <= i < len(args):
            raise ValueError(f"{name}: nondiff_argnums entry {i!r} does not name one of the {len(args)} arguments")
    nondiff = {i % len(args) for i in nondiff_argnums}
    positions = [i for i in range(len(args)) if i not in nondiff]
    primals = []
    for i in positions:
        try:
            primals.append(as_tensor_variable(args[i]))
        except (TypeError, ValueError):
            raise TypeError(f"{name}: argument {i} ({args[i]!r:.60}) is not a tensor; list it in nondiff_argnums") from None
    stand_ins = [_pytree.stand_in(p) for p in primals]
    return positions, primals, stand_ins, [args[i] for i in sorted(nondiff)]


def _with(args, positions, values):
    full = list(args)
    for i, v in zip(positions, values):
        full[i] = v
    return full


def _float_like(v):
    dtype = v.dtype if v.dtype.startswith(("float", "complex")) else _floatx()
    shape = [-1 if n is None else int(n) for n in v.static_shape]
    return wrap(call(api.Tensor, dtype, shape, None if v.name is None else f"{v.name}_dot"))


def _same_dtype(x, like):
    from .tensor.math import cast

    return x if x.dtype == like.dtype else cast(x, like.dtype)


def _floatx():
    import sharpgrad

    return sharpgrad.config.floatX


def _build(name, inputs, outputs, lop=None, rop=None):
    from .compile.builders import OpFromGraph

    return OpFromGraph(inputs, outputs, inline=True, lop_overrides=lop if lop is not None else "default",
                       rop_overrides=rop if rop is not None else "default", name=name)


class custom_vjp:  # noqa: N801 - JAX's name
    """A function with a custom reverse-mode rule (JAX's ``jax.custom_vjp``).

    Use it as a decorator, then give the rule with :meth:`defvjp`. The
    function and the rules take and return sharpgrad variables (and nested
    tuples, lists or dicts of them); calling the decorated function on
    variables returns the function's outputs as one graph node whose pullback
    is ``bwd``. Forward mode (``Rop``) differentiates the function's own
    graph.

    Parameters
    ----------
    fun : callable
        The function; its value is the primal output.
    nondiff_argnums : tuple of int
        Positions of arguments that are not differentiated (e.g. Python
        numbers or functions); they are passed to ``fun``, ``fwd`` and, first,
        to ``bwd`` as they are.
    """

    def __init__(self, fun, nondiff_argnums=()):
        _args.callable_arg(fun, "fun", "custom_vjp")
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = _args.argnums(nondiff_argnums, "nondiff_argnums", "custom_vjp")
        self.fwd = None
        self.bwd = None

    def defvjp(self, fwd, bwd):
        """Set the rule.

        Parameters
        ----------
        fwd : callable
            Takes the function's arguments and returns ``(output, residuals)``:
            the primal output (ignored: the function's own output is used) and
            any tree of variables the backward rule needs, saved from the
            forward pass.
        bwd : callable
            Takes the non-differentiated arguments, then ``residuals`` and the
            output cotangent ``g`` (shaped like the output), and returns a
            tuple with one cotangent per differentiated argument (None for
            zero).
        """
        self.fwd = _args.callable_arg(fwd, "fwd", "custom_vjp.defvjp")
        self.bwd = _args.callable_arg(bwd, "bwd", "custom_vjp.defvjp")

    def __call__(self, *args):
        """Apply the function to ``args``, as one node that differentiates with the rule.

        Parameters
        ----------
        *args : TensorVariable or array_like
            The function's arguments.

        Returns
        -------
        object
            The function's output (variables in its tree structure).
        """
        name = f"custom_vjp({getattr(self.fun, '__name__', 'fun')})"
        if self.fwd is None or self.bwd is None:
            raise AttributeError(f"No VJP defined for custom_vjp function {self.fun.__name__} using defvjp.")
        if self.__dict__.get("_building"):
            # ``fwd`` calling the function itself (JAX's usual ``return f(x), residuals``): its plain value.
            return self.fun(*args)
        positions, primals, stand_ins, nondiff = _symbolic_arguments(name, args, self.nondiff_argnums)
        full = _with(args, positions, stand_ins)
        self.__dict__["_building"] = True
        try:
            out_leaves, out_def = _pytree.flatten(self.fun(*full))
            # The residuals are computed in the outer graph, on the real arguments, and passed to the node: the
            # forward pass keeps them, and a second derivative differentiates through fwd's graph.
            pair = self.fwd(*_with(args, positions, primals))
        finally:
            self.__dict__["_building"] = False
        out_leaves = _pytree.tensor_leaves(out_leaves, f"{name}: output")
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"Custom VJP fwd rule {getattr(self.fwd, '__name__', self.fwd)} for function {name} must "
                            f"produce a pair (list or tuple of length two) representing primal outputs and residuals; "
                            f"got {pair!r}")
        res_leaves, res_def = _pytree.flatten(pair[1])
        res_leaves = _pytree.tensor_leaves(res_leaves, f"{name}: residual")
        res_stand_ins = [_pytree.stand_in(r) for r in res_leaves]
        free = _pytree.free_variables(out_leaves, stand_ins)
        n_diff, n_res = len(stand_ins), len(res_leaves)
        bwd, cache = self.bwd, {}

        def cotangents(inputs, outputs, grads):
            if "cts" not in cache:
                residuals = _pytree.unflatten(res_def, inputs[n_diff:n_diff + n_res])
                g = _pytree.unflatten(out_def, grads)
                cts = bwd(*nondiff, residuals, g)
                if not isinstance(cts, (tuple, list)) or len(cts) != n_diff:
                    raise TypeError(f"Custom VJP bwd rule must produce a tuple of length equal to the number of "
                                    f"primal inputs ({n_diff}) for {name}; got {cts!r}")
                cache["cts"] = [None if c is None else as_tensor_variable(c) for c in cts]
            return cache["cts"]

        lop = [functools.partial(lambda k, i, o, g: cotangents(i, o, g)[k], k) for k in range(n_diff)]
        lop += [None] * n_res + ["default"] * len(free)
        op = _build(name, stand_ins + res_stand_ins + free, out_leaves, lop=lop)
        outputs = op(*(primals + res_leaves + free), return_list=True)
        return _pytree.unflatten(out_def, outputs)


class custom_jvp:  # noqa: N801 - JAX's name
    """A function with a custom forward-mode rule (JAX's ``jax.custom_jvp``).

    Use it as a decorator, then give the rule with :meth:`defjvp` (or
    :meth:`defjvps`). Calling the decorated function on variables returns its
    outputs as one graph node whose pushforward is the rule; reverse mode
    (``grad``, ``Lop``, ``jacobian``) uses the rule too, transposed (its
    tangent output must be linear in the tangents).

    Parameters
    ----------
    fun : callable
        The function; its value is the primal output.
    nondiff_argnums : tuple of int
        Positions of arguments that are not differentiated; they are passed to
        ``fun`` and, first, to the rule as they are.
    """

    def __init__(self, fun, nondiff_argnums=()):
        _args.callable_arg(fun, "fun", "custom_jvp")
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = _args.argnums(nondiff_argnums, "nondiff_argnums", "custom_jvp")
        self.jvp = None

    def defjvp(self, jvp):
        """Set the rule; returns it, so that it can be a decorator.

        Parameters
        ----------
        jvp : callable
            Takes the non-differentiated arguments, then ``primals`` and
            ``tangents`` (tuples, one entry per differentiated argument) and
            returns ``(primal_out, tangent_out)``, the tangent shaped like the
            output (None entries for zero).

        Returns
        -------
        callable
            ``jvp``.
        """
        self.jvp = _args.callable_arg(jvp, "jvp", "custom_jvp.defjvp")
        return jvp

    def defjvps(self, *jvps):
        """Set the rule from one function per differentiated argument (JAX's ``defjvps``).

        Parameters
        ----------
        *jvps : callable or None
            ``jvps[i](g, ans, *primals)`` is argument ``i``'s contribution to
            the tangent output for its tangent ``g``; None for an argument
            that does not contribute.
        """
        fun = self.fun

        def jvp(*args):
            nondiff, (primals, tangents) = args[:-2], args[-2:]
            ans = fun(*self._full(nondiff, primals))
            ans_leaves, ans_def = _pytree.flatten(ans)
            total = [None] * len(ans_leaves)
            for rule, t in zip(jvps, tangents):
                if rule is None or t is None:
                    continue
                part, _ = _pytree.flatten(rule(t, ans, *primals))
                total = [p if q is None else q if p is None else p + q for p, q in zip(total, part)]
            return ans, _pytree.unflatten(ans_def, total)

        self.jvp = jvp

    def _full(self, nondiff, primals):
        n = len(nondiff) + len(primals)
        fixed = {i % n for i in self.nondiff_argnums}
        nondiff_it, primal_it = iter(nondiff), iter(primals)
        return [next(nondiff_it) if i in fixed else next(primal_it) for i in range(n)]

    def __call__(self, *args):
        """Apply the function to ``args``, as one node that differentiates with the rule.

        Parameters
        ----------
        *args : TensorVariable or array_like
            The function's arguments.

        Returns
        -------
        object
            The function's output (variables in its tree structure).
        """
        name = f"custom_jvp({getattr(self.fun, '__name__', 'fun')})"
        if self.jvp is None:
            raise AttributeError(f"No JVP defined for custom_jvp function {self.fun.__name__} using defjvp.")
        positions, primals, stand_ins, nondiff = _symbolic_arguments(name, args, self.nondiff_argnums)
        full = _with(args, positions, stand_ins)
        out_leaves, out_def = _pytree.flatten(self.fun(*full))
        out_leaves = _pytree.tensor_leaves(out_leaves, f"{name}: output")
        free = _pytree.free_variables(out_leaves, stand_ins)
        n_diff, n_out = len(stand_ins), len(out_leaves)
        rule = self.jvp

        def tangent_out(primal_vars, tangent_vars):
            pair = rule(*nondiff, tuple(primal_vars), tuple(tangent_vars))
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"custom_jvp: Custom JVP rule must produce a pair (list or tuple of length two) representing "
                                f"primal and tangent outputs for {name}; got {pair!r}")
            leaves, _ = _pytree.flatten(pair[1])
            if len(leaves) != n_out:
                raise TypeError(f"custom_jvp: Custom JVP rule for {name} must produce primal and tangent outputs with equal "
                                f"container (pytree) structures; got {n_out} primal and {len(leaves)} tangent leaves")
            return [None if t is None else as_tensor_variable(t) for t in leaves]

        inner = {}

        def rop(inputs, eval_points):
            tangents = tangent_out(inputs[:n_diff], eval_points[:n_diff])
            if free:
                from .gradient import Rop

                extra = Rop(inner["outputs"], list(inputs[n_diff:n_diff + len(free)]),
                            list(eval_points[n_diff:n_diff + len(free)]), disconnected_outputs="ignore",
                            return_disconnected="None")
                tangents = [e if t is None else t if e is None else t + e for t, e in zip(tangents, extra)]
            return tangents

        cache = {}

        def transposed(inputs, outputs, grads):
            if "cts" not in cache:
                vs = [_float_like(x) for x in inputs[:n_diff]]
                tangents = tangent_out(inputs[:n_diff], vs)
                pairs = [(t, g) for t, g in zip(tangents, grads) if t is not None]
                if pairs:
                    handles = call(api.Vjp, [t._v for t, _ in pairs], [v._v for v in vs], [g._v for _, g in pairs])
                    cts = [wrap(h) for h in handles]
                else:
                    cts = [None] * n_diff
                real = [c for c in cts if c is not None and not str(api.PlaceholderKind(c._v))]
                if real and call(api.DependsOnValuesOf, [v._v for v in vs], [c._v for c in real]):
                    raise ValueError(f"custom_jvp {name}: the tangent output of the rule is not linear in the "
                                     "tangents, so reverse mode cannot transpose it; define a custom_vjp instead")
                if real:
                    # A linear map's transpose does not depend on the tangents, but may read their shape (a sum's
                    # gradient is shaped like its input): the primal input, of the same shape, stands in for them.
                    handles = call(api.CloneReplace, [c._v for c in real], [v._v for v in vs],
                                   [_same_dtype(x, v)._v for x, v in zip(inputs[:n_diff], vs)])
                    replaced = iter(wrap(h) for h in handles)
                    cts = [next(replaced) if c is not None and not str(api.PlaceholderKind(c._v)) else c for c in cts]
                cache["cts"] = cts
            return cache["cts"]

        lop = [functools.partial(lambda k, i, o, g: transposed(i, o, g)[k], k) for k in range(n_diff)]
        lop += ["default"] * len(free)
        op = _build(name, stand_ins + free, out_leaves, lop=lop, rop=rop)
        inner["outputs"] = op.inner_outputs  # what the R-op rule reads (not the op: the op keeps the rule)
        outputs = op(*(primals + free), return_list=True)
        return _pytree.unflatten(out_def, outputs)
