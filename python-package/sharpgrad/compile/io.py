"""Inputs with options for :func:`sharpgrad.function` (Aesara's ``aesara.compile.io``).

``In(x, value=1.0)`` gives an input a default value, as a Python argument
with a default: the call may leave it out. ``In(x, name='w')`` lets the
call give it by that name (``f(w=2)``); by default the name is the
variable's own. The example of Aesara's tutorial::

    x, y, w = at.dscalars('x', 'y', 'w')
    z = (x + y) * w
    f = function([x, In(y, value=1), In(w, value=2, name='w_by_name')], z)
    f(33)                          # 68.0
    f(33, w_by_name=1, y=0)        # 33.0
"""

from __future__ import annotations

__all__ = ["In"]


class In:
    """An input of :func:`sharpgrad.function` with a default value and a name (Aesara's ``In``).

    Parameters
    ----------
    variable : TensorVariable
        The symbolic input.
    name : str, optional
        The keyword the call may give this input by; the variable's name
        when None (and ``autoname`` is True).
    value : array_like, optional
        The default value, used when the call gives none for this input.
        None means the input is required.
    update : TensorVariable, optional
        Aesara's expression that replaces the stored value after each call;
        not implemented (NotImplementedError).
    mutable : bool, optional
        Aesara's permission to overwrite the argument in place; only None
        and False are supported (the engine never overwrites arguments).
    strict : bool
        Aesara's "the argument must have exactly the input's type"; only
        False is supported.
    allow_downcast : bool, optional
        Aesara's per-input ``allow_input_downcast``; only None is supported
        (pass ``allow_input_downcast`` to :func:`sharpgrad.function`).
    autoname : bool
        Whether a missing ``name`` is taken from the variable.
    implicit : bool, optional
        Aesara's input that the call may not give; only None and False are
        supported.
    borrow : bool, optional
        Aesara's permission for an output to alias the argument; only None
        and False are supported (outputs never alias arguments).
    shared : bool
        Aesara's value shared between functions; only False is supported.

    Raises
    ------
    TypeError
        When ``variable`` is not a variable or ``name`` is not a string.
    NotImplementedError
        When an option other than ``name``, ``value`` and ``autoname`` is
        given a value that changes behaviour.
    """

    def __init__(self, variable, name=None, value=None, update=None, mutable=None, strict=False,
                 allow_downcast=None, autoname=True, implicit=None, borrow=None, shared=False):
        from ..tensor.var import TensorVariable

        if not isinstance(variable, TensorVariable):
            raise TypeError(f"In: expected a symbolic variable; got {type(variable).__name__}")
        self.variable = variable
        self.name = variable.name if autoname and name is None else name
        if self.name is not None and not isinstance(self.name, str):
            raise TypeError(f"In: name must be a string; got {self.name!r}")
        self.value = value
        self.update = update
        self.mutable = bool(mutable) if mutable is not None else update is not None
        self.strict = strict
        self.allow_downcast = allow_downcast
        self.borrow = self.mutable if borrow is None else borrow
        self.shared = shared
        if implicit is None:
            from .sharedvalue import SharedVariable

            implicit = isinstance(value, SharedVariable)  # as in Aesara (a Container, too, there)
        self.implicit = implicit
        for option, given, supported in (("update", update, (None,)), ("mutable", mutable, (None, False)),
                                         ("strict", strict, (False,)), ("allow_downcast", allow_downcast, (None,)),
                                         ("implicit", implicit, (False,)), ("borrow", borrow, (None, False)),
                                         ("shared", shared, (False,))):
            if not any(given is s for s in supported):
                raise NotImplementedError(f"In: the option {option}={given!r} is not implemented yet; only name, "
                                          "value and autoname are")

    def __repr__(self):
        return f"In({self.variable!r})"

    __str__ = __repr__


def _bind(specs, args, kwargs, label):
    """One value per input from a call's positional and keyword arguments, defaults filling the rest.

    ``specs`` holds (name, default, has_default, variable) per input, in call order.
    """
    if len(args) + len(kwargs) > len(specs):
        raise TypeError(f"{label}: too many arguments: it takes {len(specs)}, got {len(args) + len(kwargs)}")
    values = list(args) + [_UNSET] * (len(specs) - len(args))
    for key, value in kwargs.items():
        where = [i for i, spec in enumerate(specs) if spec[0] == key]
        if not where:
            raise TypeError(f"{label}: unknown input name {key!r}; inputs are {[spec[0] for spec in specs]}")
        if len(where) > 1:
            raise TypeError(f"{label}: the name {key!r} is ambiguous: {len(where)} inputs have it")
        if values[where[0]] is not _UNSET:
            raise TypeError(f"{label}: multiple values for input {key!r}")
        values[where[0]] = value
    for i, (name, default, has_default, variable) in enumerate(specs):
        if values[i] is _UNSET:
            if not has_default:
                raise TypeError(f"{label}: missing required input: {variable!r}")
            values[i] = default
    return values


_UNSET = object()
