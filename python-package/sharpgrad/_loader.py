"""Host the .NET runtime in the current Python process and start pythonnet.

This module replaces the Python half of pythonnet (``pythonnet`` and
``clr_loader`` on PyPI), which is not available here.  It talks to the
.NET hosting layer (``libhostfxr``) directly through :mod:`ctypes`:

1. ``hostfxr_initialize_for_runtime_config`` starts (or attaches to) the
   .NET runtime described by a ``*.runtimeconfig.json`` file.
2. ``hostfxr_get_runtime_delegate`` hands out two helpers,
   ``load_assembly`` (type 7) and ``get_function_pointer`` (type 6).  Both
   work in the *default* ``AssemblyLoadContext`` (.NET 8 or newer).
3. ``Python.Runtime.dll`` is loaded into the default load context and its
   ``Python.Runtime.Loader.Initialize`` entry point is called with an empty
   UTF-8 string, which tells pythonnet to use the Python C API symbols that
   are already present in this process.  Afterwards ``import clr`` works.

Loading into the default context (rather than the isolated context used by
``load_assembly_and_get_function_pointer``, type 5) matters: assemblies added
later with ``clr.AddReference`` are also loaded into the default context, so
they bind to the *same* ``Python.Runtime`` that is running, and methods that
take ``Python.Runtime.PyObject`` arguments can be called from Python.

Only Linux and macOS are supported, where ``char_t`` of the hosting API is
a UTF-8 ``char``.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import re
import shutil
import sys
import threading
from typing import Callable, List, Optional

__all__ = ["load_clr", "is_loaded"]

# hostfxr_delegate_type values (see hostfxr.h in dotnet/runtime).
_HDT_GET_FUNCTION_POINTER = 6
_HDT_LOAD_ASSEMBLY = 7

# Success codes of hostfxr_initialize_for_runtime_config:
# Success, Success_HostAlreadyInitialized, Success_DifferentRuntimeProperties.
_INIT_SUCCESS_CODES = (0, 1, 2)

_LOADER_TYPE = "Python.Runtime.Loader, Python.Runtime"

if sys.platform.startswith("linux"):
    _HOSTFXR_NAME = "libhostfxr.so"
elif sys.platform == "darwin":
    _HOSTFXR_NAME = "libhostfxr.dylib"
else:  # pragma: no cover - Windows uses wchar_t paths; not supported here.
    _HOSTFXR_NAME = "hostfxr.dll"

_DEFAULT_DOTNET_ROOTS = (
    "/usr/share/dotnet",
    "/usr/lib/dotnet",
    "/usr/local/share/dotnet",
    "/opt/dotnet",
    os.path.expanduser("~/.dotnet"),
)


class _InitializeParameters(ctypes.Structure):
    """``hostfxr_initialize_parameters`` from ``hostfxr.h``."""

    _fields_ = [
        ("size", ctypes.c_size_t),
        ("host_path", ctypes.c_char_p),
        ("dotnet_root", ctypes.c_char_p),
    ]


_ErrorWriter = ctypes.CFUNCTYPE(None, ctypes.c_char_p)

# int load_assembly(const char_t *path, void *load_context, void *reserved)
_LoadAssemblyFn = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p
)

# int get_function_pointer(const char_t *type_name, const char_t *method_name,
#                          const char_t *delegate_type_name,
#                          void *load_context, void *reserved,
#                          void **delegate)
_GetFunctionPointerFn = ctypes.CFUNCTYPE(
    ctypes.c_int,
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_void_p),
)

# Default delegate type: ComponentEntryPoint, int (void *arg, int arg_size).
_ComponentEntryPoint = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.c_void_p, ctypes.c_int
)

_lock = threading.Lock()
_loaded = False
# Objects that must stay alive as long as the runtime is in use.
_keepalive: List[object] = []


def is_loaded() -> bool:
    """Return whether :func:`load_clr` has completed in this process.

    Returns
    -------
    bool
        ``True`` once the .NET runtime and pythonnet have been started.
    """
    return _loaded


def _encode(path: str) -> bytes:
    return os.fsencode(path)


def _version_key(name: str) -> tuple:
    """Sort key for folder names such as ``10.0.1`` or ``9.0.0-rc.2``."""
    release, _, prerelease = name.partition("-")
    numbers = tuple(int(p) for p in re.findall(r"\d+", release))
    # A release sorts after any pre-release of the same version.
    return numbers, prerelease == "", prerelease


def _candidate_dotnet_roots() -> List[str]:
    roots: List[str] = []
    env_root = os.environ.get("DOTNET_ROOT")
    if env_root:
        roots.append(env_root)
    dotnet_exe = shutil.which("dotnet")
    if dotnet_exe:
        roots.append(os.path.dirname(os.path.realpath(dotnet_exe)))
    roots.extend(_DEFAULT_DOTNET_ROOTS)
    unique: List[str] = []
    for root in roots:
        root = os.path.abspath(root)
        if root not in unique:
            unique.append(root)
    return unique


def _find_hostfxr() -> "tuple[str, str]":
    """Locate ``libhostfxr`` in the newest ``host/fxr/<version>`` folder.

    Returns
    -------
    tuple of str
        The path of the hostfxr library and the .NET root it belongs to.

    Raises
    ------
    RuntimeError
        If no .NET installation with a hostfxr library is found.
    """
    searched = []
    for root in _candidate_dotnet_roots():
        fxr_dir = os.path.join(root, "host", "fxr")
        searched.append(os.path.join(fxr_dir, "<version>", _HOSTFXR_NAME))
        try:
            versions = os.listdir(fxr_dir)
        except OSError:
            continue
        for version in sorted(versions, key=_version_key, reverse=True):
            candidate = os.path.join(fxr_dir, version, _HOSTFXR_NAME)
            if os.path.isfile(candidate):
                return candidate, root
    raise RuntimeError(
        "Could not find the .NET host library {!r}. Searched: {}. Install the "
        ".NET runtime or set DOTNET_ROOT to the folder that contains "
        "'host/fxr'.".format(_HOSTFXR_NAME, ", ".join(searched))
    )


def _check(code: int, what: str, errors: List[str]) -> None:
    if code != 0:
        detail = " ".join(e.strip() for e in errors if e.strip())
        raise RuntimeError(
            "{} failed with code 0x{:08x}{}".format(
                what, code & 0xFFFFFFFF, ": " + detail if detail else ""
            )
        )


def _start_runtime(runtime_config: str) -> "tuple[Callable, Callable]":
    """Start .NET and return the ``load_assembly`` and ``get_function_pointer``
    delegates."""
    hostfxr_path, dotnet_root = _find_hostfxr()
    try:
        hostfxr = ctypes.CDLL(hostfxr_path)
    except OSError as exc:
        raise RuntimeError(
            "Could not load the .NET host library {!r}: {}".format(
                hostfxr_path, exc
            )
        ) from exc

    errors: List[str] = []

    def write_error(message: Optional[bytes]) -> None:
        if message:
            errors.append(os.fsdecode(message))

    error_writer = _ErrorWriter(write_error)
    set_error_writer = hostfxr.hostfxr_set_error_writer
    set_error_writer.argtypes = [ctypes.c_void_p]
    set_error_writer.restype = ctypes.c_void_p

    initialize = hostfxr.hostfxr_initialize_for_runtime_config
    initialize.argtypes = [
        ctypes.c_char_p,
        ctypes.POINTER(_InitializeParameters),
        ctypes.POINTER(ctypes.c_void_p),
    ]
    initialize.restype = ctypes.c_int32

    get_delegate = hostfxr.hostfxr_get_runtime_delegate
    get_delegate.argtypes = [
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_void_p),
    ]
    get_delegate.restype = ctypes.c_int32

    close = hostfxr.hostfxr_close
    close.argtypes = [ctypes.c_void_p]
    close.restype = ctypes.c_int32

    params = _InitializeParameters(
        ctypes.sizeof(_InitializeParameters), None, _encode(dotnet_root)
    )
    handle = ctypes.c_void_p()
    # The error writer is per thread; restore the previous one afterwards.
    previous_writer = set_error_writer(
        ctypes.cast(error_writer, ctypes.c_void_p)
    )
    try:
        code = initialize(
            _encode(runtime_config), ctypes.byref(params), ctypes.byref(handle)
        )
        if code not in _INIT_SUCCESS_CODES:
            what = "hostfxr_initialize_for_runtime_config({!r}) using {!r}"
            _check(code, what.format(runtime_config, hostfxr_path), errors)
        try:
            load_ptr = ctypes.c_void_p()
            _check(
                get_delegate(
                    handle, _HDT_LOAD_ASSEMBLY, ctypes.byref(load_ptr)
                ),
                "hostfxr_get_runtime_delegate(hdt_load_assembly) "
                "(requires .NET 8 or newer)",
                errors,
            )
            getfn_ptr = ctypes.c_void_p()
            _check(
                get_delegate(
                    handle, _HDT_GET_FUNCTION_POINTER, ctypes.byref(getfn_ptr)
                ),
                "hostfxr_get_runtime_delegate(hdt_get_function_pointer)",
                errors,
            )
        finally:
            # Closing the handle does not unload the runtime; the delegates
            # stay valid.
            close(handle)
    finally:
        set_error_writer(previous_writer)

    _keepalive.extend([hostfxr, error_writer])
    return (
        _LoadAssemblyFn(load_ptr.value),
        _GetFunctionPointerFn(getfn_ptr.value),
    )


def _entry_point(get_function_pointer: Callable, method: str) -> Callable:
    fn = ctypes.c_void_p()
    _check(
        get_function_pointer(
            _LOADER_TYPE.encode(),
            method.encode(),
            None,  # delegate type: default ComponentEntryPoint
            None,  # load context: must be NULL (default context)
            None,  # reserved
            ctypes.byref(fn),
        ),
        "get_function_pointer({!r}, {!r})".format(_LOADER_TYPE, method),
        [],
    )
    return _ComponentEntryPoint(fn.value)


def load_clr(runtime_config: str, python_runtime_dll: str) -> None:
    """Start the .NET runtime and pythonnet so that ``import clr`` works.

    Calling this function again after it succeeded does nothing.

    Parameters
    ----------
    runtime_config : str
        Path of a ``*.runtimeconfig.json`` file that names the framework
        (for example ``Microsoft.NETCore.App`` 10.0) to run.
    python_runtime_dll : str
        Path of pythonnet's ``Python.Runtime.dll``.  It is loaded into the
        default ``AssemblyLoadContext``, so assemblies added later with
        ``clr.AddReference`` share it.

    Raises
    ------
    RuntimeError
        If no .NET host library is found, a file is missing, or a hosting
        call fails.  The message names the failing call and its hex code.
    """
    global _loaded
    with _lock:
        if _loaded:
            return
        runtime_config = os.path.abspath(runtime_config)
        python_runtime_dll = os.path.abspath(python_runtime_dll)
        for path, what in (
            (runtime_config, "runtime config"),
            (python_runtime_dll, "Python.Runtime.dll"),
        ):
            if not os.path.isfile(path):
                raise RuntimeError("{} not found: {!r}".format(what, path))

        load_assembly, get_function_pointer = _start_runtime(runtime_config)
        _check(
            load_assembly(_encode(python_runtime_dll), None, None),
            "load_assembly({!r})".format(python_runtime_dll),
            [],
        )
        initialize = _entry_point(get_function_pointer, "Initialize")
        shutdown = _entry_point(get_function_pointer, "Shutdown")

        # An empty (not NULL) string makes pythonnet use the Python symbols
        # already in this process instead of dlopen()ing a libpython.  This
        # is required for statically linked interpreters such as Debian's.
        empty = ctypes.create_string_buffer(b"")
        code = initialize(ctypes.cast(empty, ctypes.c_void_p), 0)
        if code != 0:
            raise RuntimeError(
                "Python.Runtime.Loader.Initialize failed with code "
                "0x{:08x}".format(code & 0xFFFFFFFF)
            )
        _keepalive.extend(
            [load_assembly, get_function_pointer, initialize, shutdown, empty]
        )
        _loaded = True

        def _shutdown() -> None:
            # Let pythonnet release its Python objects before the
            # interpreter finalizes.
            shutdown(ctypes.cast(empty, ctypes.c_void_p), 0)

        atexit.register(_shutdown)
