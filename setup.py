"""Build steps pyproject.toml cannot declare: the .NET payload of the wheel and its platform tag.

A wheel (``make wheel``, or ``pip wheel --no-build-isolation --no-deps --no-index .`` after ``make build``) carries
the engine's assemblies, TorchSharp, pythonnet's ``Python.Runtime.dll`` and the libtorch CPU libraries in
``sharpgrad/_bin``, copied from the build output (``out/bin``, or the folder named by ``SHARPGRAD_WHEEL_BIN``), so
that ``pip install sharpgrad-*.whl`` works offline with no source tree around. The libraries are native x86-64
Linux code loaded through ctypes, not CPython extensions: the wheel is tagged ``py3-none-linux_x86_64``. It needs a
.NET 10 runtime on the machine (found as the checkout finds it: ``DOTNET_ROOT`` or ``/usr/share/dotnet``).

An editable install (``pip install -e .``, what ``make venv`` does) copies nothing: ``sharpgrad._bridge.bin_dir``
then falls back to the checkout's ``out/bin``.
"""

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

try:
    from wheel.bdist_wheel import bdist_wheel
except ImportError:  # pragma: no cover - wheel is a build requirement of `make wheel`
    bdist_wheel = None

ROOT = Path(__file__).resolve().parent

# What the engine needs at run time, and nothing else (checked by running the test suite's wheel check).
# Managed: our three assemblies with the runtime config hostfxr starts from, pythonnet's runtime and TorchSharp.
# TorchSharp's own references (Google.Protobuf, SharpZipLib, SkiaSharp: TensorBoard, archives, images) are never
# loaded by the engine, and the deps.json is not read when hostfxr starts from a runtime config: both stay out.
MANAGED = [
    "Gradient.Interop.dll", "Gradient.Interop.runtimeconfig.json", "Gradient.dll", "Gradient.Kernels.dll",
    "Python.Runtime.dll", "TorchSharp.dll",
]
# Native: TorchSharp's bridge (with its GLIBCXX_3.4.32 need already marked weak by kernels/build/NativeFix.targets)
# and the libraries it links (readelf -d: NEEDED). libtorch-cpu-linux-x64 also carries libtorch_python.so,
# libshm.so, libtorch_global_deps.so and test or mobile backends (libjitbackend_test.so, libtorchbind_test.so,
# libbackend_with_compiler.so, libnnapi_backend.so, libaoti_custom_ops.so): nothing here loads them.
NATIVE = [
    "libLibTorchSharp.so", "libtorch.so", "libtorch_cpu.so", "libc10.so", "libgomp-98b21ff3.so.1",
]
# Dropping the static symbol tables (.symtab/.strtab, ~90 MB in libtorch_cpu.so) keeps every dynamic symbol, so
# loading, linking and libtorch's own error messages are unchanged. SHARPGRAD_WHEEL_STRIP=0 ships them as built.
STRIP = os.environ.get("SHARPGRAD_WHEEL_STRIP", "1") != "0"


def _bin_source():
    folder = Path(os.environ.get("SHARPGRAD_WHEEL_BIN") or ROOT / "out" / "bin")
    missing = [name for name in MANAGED + NATIVE if not (folder / name).is_file()]
    if missing:
        raise SystemExit(f"sharpgrad wheel: {folder} lacks {', '.join(missing)}; run `make build` first "
                         "(or set SHARPGRAD_WHEEL_BIN to a Release build output)")
    return folder


def _copy_native(source, target):
    strip = shutil.which("strip") if STRIP else None
    if strip:
        subprocess.run([strip, "--strip-unneeded", "-o", str(target), str(source)], check=True)
    else:
        shutil.copyfile(source, target)


class BuildPyWithBin(build_py):
    """``build_py`` that also puts the .NET payload and the VERSION file into the package (not when editable)."""

    def run(self):
        editable = getattr(self, "editable_mode", False)
        package = Path(self.build_lib) / "sharpgrad"
        if not editable and package.exists():
            shutil.rmtree(package)  # no module deleted from the source since the last build may linger in the wheel
        super().run()
        if editable:
            return
        shutil.copyfile(ROOT / "VERSION", package / "VERSION")
        source = _bin_source()
        target = package / "_bin"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name in MANAGED:
            shutil.copyfile(source / name, target / name)
        for name in NATIVE:
            _copy_native(source / name, target / name)
        self.announce(f"sharpgrad: copied {len(MANAGED) + len(NATIVE)} files from {source} into {target}", level=2)


class BinaryDistribution(Distribution):
    """A distribution with native code, so that the package installs into platlib and the wheel is not pure."""

    def has_ext_modules(self):
        return True


cmdclass = {"build_py": BuildPyWithBin}

if bdist_wheel is not None:
    class PlatformWheel(bdist_wheel):
        """Tag the wheel ``py3-none-linux_x86_64``: any Python 3, no CPython ABI, x86-64 Linux native libraries.

        Not ``manylinux``: libLibTorchSharp.so names GLIBCXX_3.4.32 (weak) and the engine needs a .NET runtime
        outside the wheel, so the wheel makes no promise a manylinux policy checks.
        """

        def get_tag(self):
            return "py3", "none", "linux_x86_64"

    cmdclass["bdist_wheel"] = PlatformWheel

setup(cmdclass=cmdclass, distclass=BinaryDistribution)
