"""``RandomStream``: symbolic random variables (Aesara's ``aesara.tensor.random.utils``).

Each method returns a symbolic sample. Every call of a compiled function that
computes it draws new numbers: the variable's generator state lives in the
engine and advances on each call, as Aesara's default updates of the shared RNG
variables do (so ``updates()`` is empty here: nothing needs to be passed to
``function``). A fresh stream with the same seed, asked for the same variables
in the same order, gives the same sequence of samples. The numbers come from
libtorch's generators and differ from numpy's (and Aesara's) for the same seed.

Gradients through a sample are undefined, as in Aesara (``grad_undefined`` for
the inputs of a ``RandomVariable``): asking for one raises ``NullTypeGradError``. Graphs holding random variables cannot be serialized to JSON.
"""

from __future__ import annotations

import numbers

import numpy as np

from ... import _args
from ..._bridge import api, call
from ..var import TensorVariable, as_tensor_variable, constant, wrap

__all__ = ["RandomStream"]


def _size(size):
    if size is None:
        return None
    if isinstance(size, TensorVariable):
        return size._v
    if isinstance(size, numbers.Integral):
        size = (size,)
    if isinstance(size, (tuple, list)) and all(isinstance(n, numbers.Integral) for n in size):
        return constant(np.asarray([int(n) for n in size], dtype="int64").reshape(len(size)))._v
    return as_tensor_variable(size)._v


def _named(variable, name):
    if name is not None:
        variable.name = name
    return variable


class RandomStream:
    """A source of random variables whose generators derive from one seed.

    Parameters
    ----------
    seed : int, optional
        The seed; None draws one from the system's entropy.
    namespace, rng_ctor : None
        Accepted for Aesara's signature; other values are not supported.
    """

    def __init__(self, seed=None, namespace=None, rng_ctor=None):
        if namespace is not None or rng_ctor is not None:
            raise NotImplementedError("RandomStream: namespace and rng_ctor are not supported")
        self.default_instance_seed = seed
        self._stream = call(api.NewRandomStream, seed is not None, 0 if seed is None else int(seed))
        self.state_updates = []

    def seed(self, seed=None):
        """Reseed the stream and every variable it made (a fresh seed when None).

        Parameters
        ----------
        seed : int, optional
            The new seed; a fresh one from the system's entropy when None.
        """
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> 1)
        call(api.SeedRandomStream, self._stream, int(seed))

    def updates(self):
        """The updates to pass to ``function``: none, the engine advances the states itself.

        Returns
        -------
        list
            Always empty.
        """
        return []

    def get_state(self):
        """The generator states of the variables made so far, as ``(seed, draws)`` pairs.

        Returns
        -------
        list of (int, int)
            One ``(seed, draws)`` pair per variable, in the order they were made.
        """
        flat = list(call(api.RandomStreamStates, self._stream))
        return [(int(flat[i]), int(flat[i + 1])) for i in range(0, len(flat), 2)]

    def set_state(self, states):
        """Restore states read with :meth:`get_state`.

        Parameters
        ----------
        states : sequence of (int, int)
            Pairs as returned by :meth:`get_state`.
        """
        for i, (seed, draws) in enumerate(states):
            call(api.SetRandomStreamState, self._stream, i, int(seed), int(draws))

    def _draw(self, distribution, first, second, size, dtype, name):
        dtype = None if dtype is None else _args.dtype(dtype)
        handle = call(api.RandomDraw, self._stream, distribution, as_tensor_variable(first)._v,
                      as_tensor_variable(second)._v, _size(size), dtype)
        return _named(wrap(handle), name)

    def normal(self, loc=0.0, scale=1.0, size=None, name=None, dtype=None):
        """Normal samples ``loc + scale * N(0, 1)`` of dtype ``floatX`` unless given.

        Parameters
        ----------
        loc : TensorVariable or array_like
            The means.
        scale : TensorVariable or array_like
            The standard deviations.
        size : int, sequence of int and integer scalars, or TensorVariable, optional
            The sample shape; the broadcast shape of the parameters when None.
        name : str, optional
            A name for the variable.
        dtype : str, optional
            The dtype; ``config.floatX`` when None.

        Returns
        -------
        TensorVariable
            The symbolic samples.
        """
        return self._draw("normal", loc, scale, size, dtype, name)

    def uniform(self, low=0.0, high=1.0, size=None, name=None, dtype=None):
        """Uniform samples in ``[low, high)`` of dtype ``floatX`` unless given.

        Parameters
        ----------
        low : TensorVariable or array_like
            The lower bounds (included).
        high : TensorVariable or array_like
            The upper bounds (excluded).
        size : int, sequence of int and integer scalars, or TensorVariable, optional
            The sample shape; the broadcast shape of the parameters when None.
        name : str, optional
            A name for the variable.
        dtype : str, optional
            The dtype; ``config.floatX`` when None.

        Returns
        -------
        TensorVariable
            The symbolic samples.
        """
        return self._draw("uniform", low, high, size, dtype, name)

    def binomial(self, n, p, size=None, name=None):
        """int64 counts of successes in ``n`` trials of probability ``p``.

        Parameters
        ----------
        n : TensorVariable or array_like
            The numbers of trials.
        p : TensorVariable or array_like
            The success probabilities.
        size : int, sequence of int and integer scalars, or TensorVariable, optional
            The sample shape; the broadcast shape of the parameters when None.
        name : str, optional
            A name for the variable.

        Returns
        -------
        TensorVariable
            The symbolic counts (int64).
        """
        return self._draw("binomial", n, p, size, None, name)

    def multinomial(self, n, pvals, size=None, name=None):
        """int64 counts, shaped ``size + (k,)``, of ``n`` draws over the ``k`` categories of ``pvals``.

        Parameters
        ----------
        n : TensorVariable or array_like
            The number of draws.
        pvals : TensorVariable or array_like
            The probabilities of the ``k`` categories (last axis).
        size : int, sequence of int and integer scalars, or TensorVariable, optional
            The sample shape; the broadcast shape of the parameters when None.
        name : str, optional
            A name for the variable.

        Returns
        -------
        TensorVariable
            The symbolic counts (int64).
        """
        return self._draw("multinomial", n, pvals, size, None, name)

    def choice(self, a, size=None, replace=True, p=None, name=None):
        """Picks from ``a`` (a vector, or ``arange(a)`` for an integer), as numpy's ``choice``.

        Parameters
        ----------
        a : TensorVariable or array_like
            The values to pick from, or an integer ``n`` for ``arange(n)``.
        size : int, sequence of int, or TensorVariable, optional
            The sample shape; one pick when None.
        replace : bool
            Pick with replacement.
        p : TensorVariable or array_like, optional
            The probability of each value; uniform when None.
        name : str, optional
            A name for the variable.

        Returns
        -------
        TensorVariable
            The symbolic picks.
        """
        handle = call(api.RandomChoice, self._stream, as_tensor_variable(a)._v, _size(size), bool(replace),
                      None if p is None else as_tensor_variable(p)._v)
        return _named(wrap(handle), name)

    def permutation(self, x, name=None):
        """A shuffled ``arange(x)`` for an integer ``x``, else ``x`` shuffled along its first axis.

        Parameters
        ----------
        x : TensorVariable or array_like
            An integer ``n`` or a tensor to shuffle along its first axis.
        name : str, optional
            A name for the variable.

        Returns
        -------
        TensorVariable
            The symbolic permutation.
        """
        return _named(wrap(call(api.RandomPermutation, self._stream, as_tensor_variable(x)._v)), name)
