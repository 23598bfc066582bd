"""The settings object behind ``sharpgrad.config`` (Aesara's ``aesara.configparser``).

Flags
-----
floatX : {'float64', 'float32'}
    Float type of un-prefixed constructors and of bare float constants.
device : 'cpu', 'cuda', 'cuda:N' or Aesara's 'cudaN'
    Where compiled functions run (``function(..., device=...)`` overrides it
    per function). A CUDA device is accepted when libtorch can use it in
    this process; otherwise setting it raises a ValueError that says what
    was looked for: TorchSharp's ``torch.cuda.is_available()``, and where
    libtorch's CUDA library ``libtorch_cuda.so`` was searched.
exception_verbosity : {'low', 'high'}
    ``'high'`` appends the .NET exception type and stack trace to the message
    of an error raised in the engine; ``'low'`` (the default) shows only the
    message, which says what was expected and what was given.

How flags are set
-----------------
By code, ``sharpgrad.config.floatX = 'float32'``; for a block or a test,
``with sharpgrad.config.change_flags(floatX='float32'): ...`` (also a
decorator); and once, at import, from environment variables in Aesara's form
``key=value,key=value``:

- ``AESARA_FLAGS`` is read first, so a script run with Aesara's settings keeps
  them when it does ``import sharpgrad as aesara``. Flags that are Aesara's but
  not sharpgrad's (``mode``, ``cxx``, ``compiledir``, ...) are ignored there
  without a word.
- ``SHARPGRAD_FLAGS`` is read second and wins for every flag it names. A flag
  it names that sharpgrad does not have gives a UserWarning, ``sharpgrad does
  not recognise this flag: <key>``, as Aesara warns for ``AESARA_FLAGS``.

Both are parsed as Aesara parses ``AESARA_FLAGS``: split at commas (with
shell-style quoting, so ``key="a,b"`` keeps its comma), each pair stripped of
surrounding whitespace and empty pairs skipped, split at the first ``=``
(spaces around it are kept, so ``floatX = float32`` names the flag
``'floatX '``); a pair without ``=`` gives an :class:`AesaraConfigWarning` and
is ignored; a later pair overrides an earlier one. An invalid value makes
``import sharpgrad`` raise ValueError naming the variable, the flag, what was
expected and what was given.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import warnings

from ._bridge import api, call

__all__ = ["Config", "AesaraConfigWarning", "ConfigAccessViolation", "parse_config_string", "flags_from_environment"]

_FLAG_DOCS = {
    "floatX": "Float type of un-prefixed constructors and of bare float constants: 'float64' (default) or 'float32'.",
    "device": "Where compiled functions run: 'cpu' (default), 'cuda' (GPU 0), 'cuda:N' or Aesara's 'cudaN'; a CUDA "
              "device is accepted only when libtorch can use it in this process.",
    "exception_verbosity": "'low' (default): engine errors show their message only; 'high': the .NET exception type "
                           "and stack trace are appended.",
}
_OPTIONS = {"floatX": ("float64", "float32"), "device": ("cpu", "cuda", "cuda:N", "cudaN"),
            "exception_verbosity": ("low", "high")}
_DEVICE_NAME = re.compile(r"(cpu|cuda(:?[0-9]+)?)\Z")
_UNSET = object()


class AesaraConfigWarning(Warning):
    """A flag string has a malformed entry (Aesara's ``aesara.configparser.AesaraConfigWarning``)."""


class ConfigAccessViolation(AttributeError):
    """A setting was reached through the wrong config object (Aesara's ``ConfigAccessViolation``).

    Defined for ``except`` clauses written for Aesara; sharpgrad has one config object and never raises it.
    """


def parse_config_string(config_string, issue_warnings=True):
    """Parse a flag string ``key=value,key=value`` into a dict, as Aesara parses ``AESARA_FLAGS``.

    Parameters
    ----------
    config_string : str
        Comma-separated ``key=value`` pairs; shell-style quotes protect commas.
    issue_warnings : bool
        Warn (:class:`AesaraConfigWarning`) about a pair without ``=``, which is ignored.

    Returns
    -------
    dict of str to str
        The pairs; a later value for a key replaces an earlier one.
    """
    flags = {}
    splitter = shlex.shlex(config_string, posix=True)
    splitter.whitespace = ","
    splitter.whitespace_split = True
    for pair in splitter:
        pair = pair.strip()
        if not pair:
            continue
        key, sep, value = pair.partition("=")
        if not sep:
            if issue_warnings:
                warnings.warn(f"Config key '{key}' has no value, ignoring it", AesaraConfigWarning, stacklevel=2)
            continue
        flags[key] = value
    return flags


def flags_from_environment(environ=None):
    """The flags set by ``AESARA_FLAGS`` and then ``SHARPGRAD_FLAGS`` (the latter wins), each with its source.

    Parameters
    ----------
    environ : mapping, optional
        The environment to read; ``os.environ`` when None.

    Returns
    -------
    dict of str to (str, str)
        ``{key: (value, variable name)}``.
    """
    environ = os.environ if environ is None else environ
    flags = {}
    for variable in ("AESARA_FLAGS", "SHARPGRAD_FLAGS"):
        for key, value in parse_config_string(environ.get(variable, "")).items():
            flags[key] = (value, variable)
    return flags


class Config:
    """Process-wide settings (``sharpgrad.config``); floatX is also set in the engine, so C# and Python agree.

    Parameters
    ----------
    flags : dict, optional
        Initial flags ``{key: value}`` or ``{key: (value, source)}``; when None,
        they are read from ``AESARA_FLAGS`` and ``SHARPGRAD_FLAGS`` (see
        :func:`flags_from_environment`).

    Raises
    ------
    ValueError
        For an invalid value of a known flag; the message names its source.
    """

    def __init__(self, flags=None):
        object.__setattr__(self, "_floatX", "float64")
        object.__setattr__(self, "_device", "cpu")
        object.__setattr__(self, "_exception_verbosity", "low")
        flags = flags_from_environment() if flags is None else flags
        for key, entry in flags.items():
            value, source = entry if isinstance(entry, tuple) else (entry, None)
            if key in _OPTIONS:
                try:
                    setattr(self, key, value)
                except ValueError as exc:
                    raise ValueError(f"{source}: {exc}" if source else str(exc)) from None
            elif source != "AESARA_FLAGS":
                warnings.warn(f"sharpgrad does not recognise this flag: {key}", UserWarning, stacklevel=3)

    def __setattr__(self, name, value):
        if name.startswith("_") or name in _OPTIONS:
            object.__setattr__(self, name, value)
            return
        warnings.warn(f"sharpgrad.config has no flag {name!r} (its flags are {', '.join(_OPTIONS)}); the value is "
                      "kept but nothing reads it", UserWarning, stacklevel=2)
        object.__setattr__(self, name, value)

    def __getattr__(self, name):
        raise AttributeError(f"sharpgrad.config has no flag {name!r}; its flags are {', '.join(_OPTIONS)}")

    def change_flags(self, *args, **kwargs):
        """Set flags for the duration of a ``with`` block or of each call of a decorated function.

        Parameters
        ----------
        *args : dict, optional
            One dict of flags (Aesara's older spelling).
        **kwargs
            Flags and their temporary values.

        Returns
        -------
        context manager and decorator
            The previous values come back on exit, also after an exception.

        Examples
        --------
        >>> with sharpgrad.config.change_flags(floatX="float32"):
        ...     x = sharpgrad.tensor.vector("x")   # float32
        """
        if args:
            if len(args) != 1 or not isinstance(args[0], dict):
                raise TypeError(f"change_flags: expected one dict of flags and/or keyword flags; got {args!r}")
            kwargs = {**args[0], **kwargs}
        return _ChangeFlags(self, kwargs)

    def config_print(self, buf=None, print_doc=True):
        """Write each flag, its documentation and its value (Aesara's ``config_print``).

        Parameters
        ----------
        buf : file-like, optional
            Where to write; standard output when None.
        print_doc : bool
            Also write each flag's documentation.
        """
        for key, options in _OPTIONS.items():
            print(f"{key} ({', '.join(options)})", file=buf)
            if print_doc:
                print(f"    Doc:  {_FLAG_DOCS[key]}", file=buf)
            print(f"    Value:  {getattr(self, key)}", file=buf)
            print("", file=buf)

    def __str__(self):
        import io

        text = io.StringIO()
        self.config_print(buf=text)
        return text.getvalue()

    def __repr__(self):
        return "<sharpgrad.config " + ", ".join(f"{key}={getattr(self, key)!r}" for key in _OPTIONS) + ">"

    @property
    def device(self):
        """Where compiled functions run: ``'cpu'`` (default), ``'cuda'``, ``'cuda:N'`` or Aesara's ``'cudaN'``.

        Setting a CUDA device raises ValueError when libtorch cannot use it in
        this process; the message says what was looked for (TorchSharp's
        ``torch.cuda.is_available()``, and where ``libtorch_cuda.so`` was
        searched). The value keeps the spelling it was given.
        """
        return self._device

    @device.setter
    def device(self, value):
        if not isinstance(value, str):
            raise TypeError(f"config.device: expected a string such as 'cpu'; got {type(value).__name__} {value!r}")
        if not _DEVICE_NAME.match(value):
            raise ValueError(f"config.device: expected 'cpu', 'cuda', 'cuda:N' or Aesara's 'cudaN' (N a GPU number); "
                             f"got {value!r}")
        call(api.SetDevice, value)  # asks libtorch whether the device can be used; a ValueError says why not
        object.__setattr__(self, "_device", value)

    @property
    def exception_verbosity(self):
        """``'low'`` or ``'high'``: whether engine errors also show the .NET exception type and stack trace."""
        return self._exception_verbosity

    @exception_verbosity.setter
    def exception_verbosity(self, value):
        if value not in _OPTIONS["exception_verbosity"]:
            raise ValueError(f"config.exception_verbosity: expected 'low' or 'high'; got {value!r}")
        object.__setattr__(self, "_exception_verbosity", value)

    @property
    def floatX(self):  # noqa: N802 - Aesara's name
        """Float type of un-prefixed constructors and bare float constants: 'float64' or 'float32'."""
        return self._floatX

    @floatX.setter
    def floatX(self, value):  # noqa: N802
        if value not in ("float32", "float64"):
            unsupported = " (Aesara's float16 floatX is not supported)" if value == "float16" else ""
            raise ValueError(f"config.floatX: expected 'float32' or 'float64'; got {value!r}{unsupported}")
        call(api.SetFloatX, value)
        object.__setattr__(self, "_floatX", value)


class _ChangeFlags:
    """What :meth:`Config.change_flags` returns: a context manager that is also a decorator."""

    def __init__(self, config, flags):
        self._config = config
        self._flags = dict(flags)
        self._saved = []

    def __enter__(self):
        saved = []
        try:
            for key, value in self._flags.items():
                saved.append((key, self._config.__dict__.get(key, _UNSET) if key not in _OPTIONS
                              else getattr(self._config, key)))
                setattr(self._config, key, value)
        except BaseException:
            self._restore(saved)
            raise
        self._saved.append(saved)
        return self._config

    def __exit__(self, *exc_info):
        self._restore(self._saved.pop())
        return False

    def _restore(self, saved):
        for key, old in reversed(saved):
            if old is _UNSET:
                self._config.__dict__.pop(key, None)
            else:
                object.__setattr__(self._config, key, old)

    def __call__(self, function):
        @functools.wraps(function)
        def with_flags(*args, **kwargs):
            with self:
                return function(*args, **kwargs)

        return with_flags
