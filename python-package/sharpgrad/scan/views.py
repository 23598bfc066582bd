"""``map``, ``reduce``, ``foldl`` and ``foldr``: common loops written with ``scan`` (Aesara's ``aesara.scan.views``)."""

from __future__ import annotations

from .basic import scan

__all__ = ["map", "reduce", "foldl", "foldr"]


def map(fn, sequences, non_sequences=None, truncate_gradient=-1, go_backwards=False, mode=None,  # noqa: A001
        name=None):
    """Apply ``fn`` to each step of ``sequences`` (a ``scan`` with no fed-back output).

    Parameters
    ----------
    fn : callable
        Called with the slices of the sequences, then the non-sequences.
    sequences : TensorVariable or list of them
        What to iterate over.
    non_sequences : TensorVariable or list of them, optional
        Values every step reads whole.
    truncate_gradient : int
        See :func:`sharpgrad.scan.scan`.
    go_backwards : bool
        Iterate from the end.
    mode : optional
        Accepted for Aesara compatibility.
    name : str, optional
        A name for printing.

    Returns
    -------
    tuple
        ``(outputs, updates)`` as :func:`sharpgrad.scan.scan` returns them.
    """
    return scan(fn=fn, sequences=sequences, outputs_info=[], non_sequences=non_sequences,
                truncate_gradient=truncate_gradient, go_backwards=go_backwards, mode=mode, name=name)


def reduce(fn, sequences, outputs_info, non_sequences=None, go_backwards=False, mode=None, name=None):
    """Fold ``fn`` over ``sequences`` and keep the last value of each output.

    Parameters
    ----------
    fn : callable
        The step function, as for :func:`sharpgrad.scan.scan`.
    sequences : TensorVariable or list of them
        What to iterate over.
    outputs_info : TensorVariable or list of them
        The initial values of the accumulated outputs.
    non_sequences : TensorVariable or list of them, optional
        Values every step reads whole.
    go_backwards : bool
        Iterate from the end.
    mode : optional
        Accepted for Aesara compatibility.
    name : str, optional
        A name for printing.

    Returns
    -------
    tuple
        ``(last values, updates)``: one variable or a list of them.
    """
    outputs, updates = scan(fn=fn, sequences=sequences, outputs_info=outputs_info, non_sequences=non_sequences,
                            go_backwards=go_backwards, truncate_gradient=-1, mode=mode, name=name)
    if isinstance(outputs, (list, tuple)):
        return [x[-1] for x in outputs], updates
    return outputs[-1], updates


def foldl(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None):
    """:func:`reduce` from the start of the sequences to their end.

    Parameters
    ----------
    fn : callable
        The step function.
    sequences : TensorVariable or list of them
        What to iterate over.
    outputs_info : TensorVariable or list of them
        The initial values.
    non_sequences : TensorVariable or list of them, optional
        Values every step reads whole.
    mode : optional
        Accepted for Aesara compatibility.
    name : str, optional
        A name for printing.

    Returns
    -------
    tuple
        ``(last values, updates)``.
    """
    return reduce(fn=fn, sequences=sequences, outputs_info=outputs_info, non_sequences=non_sequences,
                  go_backwards=False, mode=mode, name=name)


def foldr(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None):
    """:func:`reduce` from the end of the sequences to their start.

    Parameters
    ----------
    fn : callable
        The step function.
    sequences : TensorVariable or list of them
        What to iterate over.
    outputs_info : TensorVariable or list of them
        The initial values.
    non_sequences : TensorVariable or list of them, optional
        Values every step reads whole.
    mode : optional
        Accepted for Aesara compatibility.
    name : str, optional
        A name for printing.

    Returns
    -------
    tuple
        ``(last values, updates)``.
    """
    return reduce(fn=fn, sequences=sequences, outputs_info=outputs_info, non_sequences=non_sequences,
                  go_backwards=True, mode=mode, name=name)
