"""What counts as a good answer to bad input, shared by the Python and C# bad-input runs.

A bad input must raise a *documented* exception whose message *names the problem*. Precisely, a message is
**generic** (a failure) when any of these holds:

1. it is empty or shorter than 20 characters;
2. it starts with a stock runtime sentence that says nothing about the call (``STOCK``: .NET's "Object reference
   not set to an instance of an object.", "Value cannot be null.", "Specified argument was out of the range of
   valid values.", "Index was outside the bounds of the array.", ...; Python's "'NoneType' object is not
   iterable", "... object has no attribute ...", ...);
3. it carries native or runtime internals: a libtorch C++ backtrace or dispatcher dump (``Exception raised from``,
   ``frame #``, ``Could not run 'aten::``), or, in Python, a .NET type or namespace (``System.``,
   ``Python.Runtime``, ``TorchSharp``) or pythonnet's binding failure ("No method matches given arguments");
4. it names neither the entry point (function, op or method, in any of its spellings) nor one of its arguments
   (the case's ``tokens``). Naming the op the entry point built, in the engine's ``Op: problem`` form
   (``Alloc: expected lengths >= 0``, ``Elemwise{exp}: ...``), counts as naming the entry point; for an error raised
   while a compiled function runs, naming the failing op or function that way is enough.

A *documented* exception is, in Python, ``TypeError``, ``ValueError``, ``IndexError``, ``KeyError``,
``NotImplementedError``, ``MemoryError``, ``OverflowError`` and their subclasses (Aesara's ``DisconnectedInputError``,
``NullTypeGradError``, ``MissingInputError``, ``UnusedInputError``, ``GraphFormatError``, ...) plus ``GradientError``
from ``verify_grad``; a custom op's own exception passes through unchanged and counts as documented. In C#: the
``ArgumentException`` family (the engine's ``DisconnectedInputException``, ``MissingInputException``,
``UnusedInputException`` included), ``InvalidOperationException`` (``NullTypeGradException``,
``OpContractException``), ``NotSupportedException``, ``FormatException`` (``GraphJsonException``),
``IndexOutOfRangeException`` raised by the engine's own indexing checks, ``OutOfMemoryException``,
``ObjectDisposedException`` and ``GradientException``. Anything else (``RuntimeError`` for an unmapped .NET
exception, ``AttributeError``, ``NullReferenceException``, ``InvalidCastException``, ``ExternalException`` from
libtorch, ...) is an *undocumented* exception.
"""

from __future__ import annotations

import re

STOCK = (
    # .NET
    "Object reference not set to an instance of an object",
    "Value cannot be null.",
    "Specified argument was out of the range of valid values",
    "Index was outside the bounds of the array",
    "Sequence contains no elements",
    "Sequence contains more than one element",
    "The given key",
    "Input string was not in a correct format",
    "The input string",
    "Unable to cast object of type",
    "Arithmetic operation resulted in an overflow",
    "Attempted to divide by zero",
    "Exception of type '",
    "Collection was modified",
    "Nullable object must have a value",
    "Destination array was not long enough",
    "Offset and length were out of bounds",
    "Non-negative number required",
    "Array dimensions exceeded supported range",
    "Operation is not valid due to the current state of the object",
    "Specified method is not supported",
    "The method or operation is not implemented",
    "Index was out of range",
    "Insufficient memory to continue the execution of the program",
    # Python
    "'NoneType' object",
    "object is not iterable",
    "object is not subscriptable",
    "object is not callable",
    "unsupported operand type",
    "__trunc__ returned non-Integral",
    "__index__ returned non-int",
    "invalid literal for int()",
    "could not convert string to float",
    "list index out of range",
    "tuple index out of range",
    "setting an array element with a sequence",
    "int() argument must be",
    "float() argument must be",
    "can't multiply sequence",
    "maximum recursion depth exceeded",
)

INTERNALS = (
    "Exception raised from",
    "frame #",
    "Could not run 'aten::",
    "No method matches given arguments",
    "Python.Runtime",
)

_DOTNET_NAME = re.compile(r"\bSystem\.[A-Z]\w+|\bTorchSharp\.")
_ATTRIBUTE_ERROR = re.compile(r"object has no attribute")

PYTHON_DOCUMENTED = ("TypeError", "ValueError", "IndexError", "KeyError", "NotImplementedError", "MemoryError",
                     "OverflowError", "GradientError", "UnusedInputError", "MissingInputError", "AliasedMemoryError",
                     "GraphFormatError", "DisconnectedInputError", "NullTypeGradError")

CSHARP_DOCUMENTED = ("ArgumentException", "InvalidOperationException", "NotSupportedException", "FormatException",
                     "IndexOutOfRangeException", "OutOfMemoryException", "ObjectDisposedException",
                     "GradientException", "NotImplementedException")


_OP_PREFIX = re.compile(r"^[A-Za-z_][\w.]*(\{[^}]*\})?:")
_OP_CLASS_PREFIX = re.compile(r"^[A-Z][A-Za-z0-9_]*(\{[^}]*\})?:")


def generic_reason(message: str, tokens, python: bool, runtime: bool = False) -> str | None:
    """Why ``message`` is generic (rules 1-4 of the module docstring), or None when it names the problem.

    With ``runtime`` (an error raised while a compiled function runs), naming the op that failed in the engine's
    ``Op: problem`` form satisfies rule 4: the user called the function, and the op is where it went wrong.
    """
    text = message.strip()
    if len(text) < 20:
        return f"too short ({len(text)} characters)"
    for stock in STOCK:
        if text.startswith(stock) or (python and stock.startswith("'") and stock in text[:60]):
            return f"stock sentence {stock!r}"
    for marker in INTERNALS:
        if marker in text:
            return f"runtime internals ({marker!r})"
    if python and _DOTNET_NAME.search(text):
        return "names a .NET type"
    if _ATTRIBUTE_ERROR.search(text) and python:
        return "an attribute lookup failed"
    lowered = text.lower()
    spellings = set()
    for token in tokens:
        token = str(token)
        spellings.update({token.lower(), token.lower().replace("_", ""), _snake(token)})
    if (runtime and _OP_PREFIX.match(text)) or _OP_CLASS_PREFIX.match(text):
        return None
    if spellings and not any(s and s in lowered for s in spellings):
        return f"names neither the entry point nor an argument (looked for {sorted(t for t in tokens)})"
    return None


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def python_verdict(exc: BaseException | None, tokens, must_raise=True, expect=None, runtime=False) -> dict:
    """The verdict on one Python case: ``ok``, ``accepted`` (no exception where one was due), ``undocumented`` or
    ``generic``."""
    if exc is None:
        return {"status": "accepted" if must_raise else "probe-ok"}
    kind = type(exc).__name__
    message = str(exc)
    base = {"type": kind, "message": message[:600]}
    if expect is not None:
        return {**base, "status": "ok" if isinstance(exc, expect) else "undocumented"}
    if not any(c.__name__ in PYTHON_DOCUMENTED for c in type(exc).__mro__):
        return {**base, "status": "undocumented"}
    reason = generic_reason(message, tokens, python=True, runtime=runtime)
    return {**base, "status": "generic", "why": reason} if reason else {**base, "status": "ok"}


def csharp_verdict(result: dict) -> dict:
    """The verdict on one C# case, from what the child reported (``raised``, ``type``, ``types``, ``message``)."""
    if result.get("skip"):
        return {"status": "skip"}
    tokens, must_raise = result.get("tokens", []), result.get("must_raise", True)
    if not result.get("raised"):
        return {"status": "accepted" if must_raise else "probe-ok"}
    base = {"type": result["type"], "message": result["message"]}
    if result.get("expect"):
        return {**base, "status": "ok" if result.get("expected_type_ok") else "undocumented"}
    types = result.get("types", [])
    if not any(t in CSHARP_DOCUMENTED for t in types):
        return {**base, "status": "undocumented"}
    if result["type"] == "IndexOutOfRangeException" and result["message"].startswith("Index was outside"):
        return {**base, "status": "undocumented"}
    runtime = result.get("phase") == "run" or result.get("category") == "call"
    reason = generic_reason(result["message"], tokens, python=False, runtime=runtime)
    return {**base, "status": "generic", "why": reason} if reason else {**base, "status": "ok"}
