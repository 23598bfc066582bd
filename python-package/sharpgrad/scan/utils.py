"""What a scan step function may return besides its outputs (Aesara's ``aesara.scan.utils``)."""

from __future__ import annotations

from collections import OrderedDict

__all__ = ["until", "get_updates_and_outputs"]


class until:  # noqa: N801 - Aesara's name
    """The stopping condition of a ``while`` loop: return ``until(cond)`` from the step function.

    The loop stops after the first step whose condition is true (that
    step's outputs are kept); ``n_steps`` is then the largest number of
    steps.

    Parameters
    ----------
    condition : TensorVariable or number
        A scalar; the loop stops once it is non-zero.
    """

    def __init__(self, condition):
        from ..tensor.var import as_tensor_variable

        self.condition = as_tensor_variable(condition)
        if self.condition.ndim != 0:
            raise ValueError(f"until: the condition must be a scalar; got {self.condition.ndim} dimension(s)")


def get_updates_and_outputs(ls):
    """Split what a step function returned into ``(condition, outputs, updates)``, as Aesara does.

    Accepted forms: outputs (a variable or a list of them); updates (a dict
    or a list of pairs); ``(outputs, updates)``; ``(outputs, until)``;
    ``(updates, until)``; ``(outputs, updates, until)``.

    Parameters
    ----------
    ls : object
        The step function's return value.

    Returns
    -------
    tuple
        ``(condition or None, list of outputs, OrderedDict of updates)``.

    Raises
    ------
    ValueError
        For anything else, or for values that are not variables.
    """
    from ..tensor.var import TensorVariable

    def is_outputs(elem):
        return isinstance(elem, TensorVariable) or (
            isinstance(elem, (list, tuple)) and all(isinstance(x, TensorVariable) for x in elem))

    def is_updates(elem):
        return isinstance(elem, dict) or (
            isinstance(elem, (list, tuple)) and len(elem) > 0
            and all(isinstance(x, (list, tuple)) and len(x) == 2 for x in elem))

    def as_list(x):
        return list(x) if isinstance(x, (list, tuple)) else [x]

    def allowed(x):
        if isinstance(x, (list, tuple)):
            return all(allowed(y) for y in x)
        if isinstance(x, dict):
            return all(allowed(y) for y in x.items())
        return isinstance(x, (TensorVariable, until))

    if not allowed(ls):
        raise ValueError(
            "The return value of your scan lambda expression may only be made of lists, tuples, or dictionaries "
            "containing sharpgrad variables (or `sharpgrad.scan.utils.until` objects for conditions). In "
            "particular if you need to use constant values, you can use `tensor.constant` to turn them into "
            "sharpgrad variables.")
    if is_outputs(ls):
        return None, as_list(ls), OrderedDict()
    if is_updates(ls):
        return None, [], OrderedDict(ls)
    if isinstance(ls, until):
        return ls.condition, [], OrderedDict()
    message = f"Scan cannot parse the return value of your lambda expression, which is: {ls}"
    if not isinstance(ls, (list, tuple)):
        raise ValueError(message)
    ls = list(ls)
    if len(ls) == 2:
        first, second = ls
        if is_outputs(first) and is_updates(second):
            return None, as_list(first), OrderedDict(second)
        if is_outputs(first) and isinstance(second, until):
            return second.condition, as_list(first), OrderedDict()
        if is_updates(first) and isinstance(second, until):
            return second.condition, [], OrderedDict(first)
        if is_updates(first) and is_outputs(second):
            raise ValueError("The return value of the lambda function has been restricted. you have to always "
                             "return first the outputs (if any), afterwards the updates (if any) and at the end the "
                             "conclusion")
    elif len(ls) == 3 and is_outputs(ls[0]) and is_updates(ls[1]) and isinstance(ls[2], until):
        return ls[2].condition, as_list(ls[0]), OrderedDict(ls[1])
    raise ValueError(message)
