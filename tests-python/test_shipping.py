"""What users install: the wheel (``make wheel``) and the NuGet packages (``make nupkg``), each used from a place
that knows nothing of this checkout.

* The wheel goes into a brand-new venv in a temporary folder (Debian's Python with the system numpy), offline
  (``pip install --no-index``); it then runs there with no PYTHONPATH, no SHARPGRAD_BIN_DIR and the temporary folder
  as working directory, and every .NET assembly and native library it loads must come from inside that venv.
  The test uses ``dist/sharpgrad-<version>-py3-none-linux_x86_64.whl`` when ``make wheel`` made it after the last
  change to what goes in, and builds its own wheel otherwise.
* The NuGet packages are packed under a version of their own (so that no package cache can hand back an older
  build), into a local folder feed that the sample console app (samples/nuget-consumer) restores from, with
  TorchSharp and libtorch taken from the machine's NuGet cache; the app prints the gradient.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VERSION = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
WHEEL_NAME = f"sharpgrad-{VERSION}-py3-none-linux_x86_64.whl"
BIN = ROOT / "out" / "bin"

# Files of the libtorch package the wheel must not carry (nothing loads them; they are a quarter of its size).
NOT_SHIPPED = ["libtorch_python.so", "libshm.so", "libtorch_global_deps.so", "libjitbackend_test.so",
               "libtorchbind_test.so", "libbackend_with_compiler.so", "libnnapi_backend.so", "libaoti_custom_ops.so",
               "Gradient.Tests.dll", "nunit.framework.dll"]


def _system_python():
    for candidate in ("/usr/bin/python3", getattr(sys, "_base_executable", None)):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.skip("no base Python interpreter to make a fresh venv from")


def _clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "SHARPGRAD_BIN_DIR", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env.update(extra)
    return env


def _run(args, cwd, timeout=600, **kwargs):
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _wheel_inputs():
    files = [ROOT / "setup.py", ROOT / "pyproject.toml", ROOT / "VERSION"]
    files += [p for p in (ROOT / "python-package" / "sharpgrad").rglob("*") if p.suffix in (".py", ".pyi", ".typed")]
    files += [p for p in BIN.glob("*") if p.name.startswith(("Gradient.", "lib", "TorchSharp", "Python.Runtime"))]
    return files


def _wheel(tmp_path):
    """The wheel `make wheel` made, if no input changed since; else one built here from out/bin."""
    made = ROOT / "dist" / WHEEL_NAME
    if made.is_file() and made.stat().st_mtime >= max(p.stat().st_mtime for p in _wheel_inputs()):
        return made
    if not (BIN / "Gradient.Interop.dll").is_file():
        pytest.fail("out/bin is empty: run `make build` (make test does) before this test")
    house = tmp_path / "wheelhouse"
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-build-isolation", "--no-deps", "--no-index", ROOT,
          "-w", house], cwd=ROOT)
    return house / WHEEL_NAME


# Runs inside the fresh venv: a gradient, and where everything was loaded from.
PROBE = r"""
import json, sys
import numpy as np
import sharpgrad, sharpgrad.tensor as at
from sharpgrad import _bridge

x = at.dvector("x")
w = at.dvector("w")
cost = at.tanh(at.dot(x, w)).sum() + (w ** 2).sum()
f = sharpgrad.function([x, w], sharpgrad.grad(cost, w))
g = f(np.ones(3), np.array([0.1, 0.2, 0.3]))
paths = {line.split()[-1] for line in open("/proc/self/maps") if len(line.split()) >= 6}
ours = ("libtorch", "libLibTorchSharp", "libc10", "libgomp", "TorchSharp", "Gradient", "Python.Runtime")
loaded = sorted(p for p in paths if p.rsplit("/", 1)[-1].startswith(ours))
print(json.dumps({"file": sharpgrad.__file__, "bin": str(_bridge.bin_dir()), "grad": g.tolist(),
                  "loaded": loaded, "path": sys.path}))
"""


def test_wheel_installs_offline_into_a_fresh_venv_and_runs_without_the_checkout(tmp_path):
    wheel = _wheel(tmp_path)
    size = wheel.stat().st_size
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    shipped = {Path(n).name for n in names if "/_bin/" in n}
    assert {"Gradient.Interop.dll", "Gradient.dll", "Gradient.Kernels.dll", "TorchSharp.dll", "Python.Runtime.dll",
            "libLibTorchSharp.so", "libtorch_cpu.so", "libc10.so", "Gradient.Interop.runtimeconfig.json"} <= shipped
    assert not shipped & set(NOT_SHIPPED), f"the wheel carries what nothing loads: {shipped & set(NOT_SHIPPED)}"
    assert "sharpgrad/VERSION" in names and "sharpgrad/py.typed" in names
    assert size < 150 * 2 ** 20, f"the wheel is {size / 2 ** 20:.0f} MiB"

    venv = tmp_path / "venv"
    _run([_system_python(), "-m", "venv", "--system-site-packages", venv], cwd=tmp_path, env=_clean_env())
    python = venv / "bin" / "python"
    # Offline: no index; numpy, the one dependency, comes from Debian's site-packages.
    _run([python, "-m", "pip", "install", "-q", "--no-index", wheel], cwd=tmp_path, env=_clean_env())

    env = _clean_env()
    out = _run([python, "-m", "sharpgrad", "--version"], cwd=tmp_path, env=env)
    assert out.splitlines()[0] == f"sharpgrad {VERSION}"
    assert f"Gradient {VERSION}" in out and "TorchSharp 0.107.0" in out and "libtorch 2.10" in out

    out = _run([python, "-m", "sharpgrad.selfcheck"], cwd=tmp_path, env=env)
    assert "grad of sum(x**2) at [1, 2, 3] = [2.0, 4.0, 6.0]: ok" in out
    assert out.rstrip().endswith("self-check passed")
    assert str(venv) in out  # the assemblies line names the venv's copy

    (tmp_path / "probe.py").write_text(PROBE)
    probe = json.loads(_run([python, "probe.py"], cwd=tmp_path, env=env).splitlines()[-1])
    site = venv / "lib"
    assert Path(probe["file"]).is_relative_to(site) and Path(probe["bin"]) == Path(probe["file"]).parent / "_bin"
    assert all(not p.startswith(str(ROOT)) for p in probe["path"]), probe["path"]
    names = {Path(p).name for p in probe["loaded"]}
    assert {"libtorch_cpu.so", "libLibTorchSharp.so", "TorchSharp.dll", "Gradient.dll"} <= names, names
    outside = [p for p in probe["loaded"] if not Path(p).is_relative_to(site)]
    assert not outside, f"loaded from outside the venv: {outside}"
    x, w = [1.0, 1.0, 1.0], [0.1, 0.2, 0.3]
    s = sum(w)
    import math
    expected = [(1 - math.tanh(s) ** 2) * xi + 2 * wi for xi, wi in zip(x, w)]
    assert probe["grad"] == pytest.approx(expected, rel=1e-14)


def test_editable_install_uses_the_checkout_build(tmp_path):
    """`make venv` installs sharpgrad in editable mode: no _bin is copied, the package finds out/bin."""
    venv = tmp_path / "venv"
    _run([_system_python(), "-m", "venv", "--system-site-packages", "--without-pip", venv], cwd=tmp_path,
         env=_clean_env())
    python = venv / "bin" / "python"
    # Debian's pip (system site-packages) installs into the venv; the editable wheel is built in the checkout.
    _run([python, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-deps", "--no-index", "-e", ROOT],
         cwd=ROOT, env=_clean_env())
    out = _run([python, "-c", "import sharpgrad, sharpgrad._bridge as b; print(sharpgrad.__file__); "
                              "print(b.bin_dir()); print(sharpgrad.__version__)"], cwd=tmp_path, env=_clean_env())
    file, folder, version = out.split()
    assert Path(file) == ROOT / "python-package" / "sharpgrad" / "__init__.py"
    assert Path(folder) == BIN and version == VERSION
    assert not (ROOT / "python-package" / "sharpgrad" / "_bin").exists()


def _global_packages():
    out = _run(["dotnet", "nuget", "locals", "global-packages", "--list"], cwd=ROOT)
    return Path(out.strip().split(": ", 1)[1])


NUGET_CONFIG = """<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config><add key="globalPackagesFolder" value="{packages}" /></config>
  <fallbackPackageFolders><clear /><add key="machine" value="{fallback}" /></fallbackPackageFolders>
  <packageSources>
    <clear />
    <add key="gradient-local" value="{feed}" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="gradient-local"><package pattern="Gradient" /><package pattern="Gradient.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
"""


def test_nuget_packages_restore_from_a_local_feed_and_compute_a_gradient(tmp_path):
    if not (BIN / "Gradient.dll").is_file():
        pytest.fail("out/bin is empty: run `make build` (make test does) before this test")
    # A version no cache has seen, so restore must take the packages just packed.
    version = f"{VERSION}-test.{int(time.time() * 1000)}"
    feed = tmp_path / "feed"
    env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")
    for project in ("kernels/Gradient.Kernels.csproj", "managed/Gradient.csproj"):
        _run(["dotnet", "pack", project, "-c", "Release", "--no-build", "-nologo", "-v:q", f"-p:Version={version}",
              f"-p:NuspecOutputPath={tmp_path / 'nuspec'}/", "-o", feed], cwd=ROOT, env=env)
    kernels = feed / f"Gradient.Kernels.{version}.nupkg"
    engine = feed / f"Gradient.{version}.nupkg"
    with zipfile.ZipFile(kernels) as z:
        names = set(z.namelist())
        nuspec = z.read("Gradient.Kernels.nuspec").decode()
    assert {"README.md", "lib/net10.0/Gradient.Kernels.dll", "lib/net10.0/Gradient.Kernels.xml",
            "buildTransitive/Gradient.Kernels.targets"} <= names
    assert '<dependency id="TorchSharp" version="0.107.0"' in nuspec
    assert '<dependency id="libtorch-cpu-linux-x64" version="2.10.0"' in nuspec
    with zipfile.ZipFile(engine) as z:
        names = set(z.namelist())
        nuspec = z.read("Gradient.nuspec").decode()
    assert {"README.md", "lib/net10.0/Gradient.dll", "lib/net10.0/Gradient.xml"} <= names
    assert f'<dependency id="Gradient.Kernels" version="{version}"' in nuspec
    assert "<readme>README.md</readme>" in nuspec

    app = tmp_path / "app"
    sample = ROOT / "samples" / "nuget-consumer"
    app.mkdir()
    for name in ("Program.cs", "NuGetConsumer.csproj", "Directory.Build.props", "Directory.Build.targets"):
        shutil.copy(sample / name, app / name)
    (app / "NuGet.Config").write_text(NUGET_CONFIG.format(packages=tmp_path / "packages", fallback=_global_packages(),
                                                           feed=feed))
    out = _run(["dotnet", "run", "-c", "Release", f"-p:GradientVersion={version}"], cwd=app, env=env)
    assert "(dcost/dx) of sum(x**2) at [1, 2, 3] = [2, 4, 6] (cost 14)" in out
    assert out.rstrip().endswith("ok")
    assert f"Gradient {VERSION}" in out and "TorchSharp 0.107.0" in out
    # The packages came from the feed, and the package's build step patched the app's copy of libLibTorchSharp.so.
    assert (tmp_path / "packages" / "gradient" / version).is_dir()
    native = next(app.rglob("runtimes/linux-x64/native/libLibTorchSharp.so"))
    assert _weak_glibcxx(native.read_bytes())


def _weak_glibcxx(elf):
    """Whether the ELF file's version need GLIBCXX_3.4.32 carries VER_FLG_WEAK (readelf -V, without readelf)."""
    import struct

    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    for s in range(shnum):
        sh = shoff + s * shentsize
        if struct.unpack_from("<I", elf, sh + 4)[0] != 0x6FFFFFFE:
            continue
        off, = struct.unpack_from("<Q", elf, sh + 24)
        link, count = struct.unpack_from("<II", elf, sh + 40)
        strtab, = struct.unpack_from("<Q", elf, shoff + link * shentsize + 24)
        need = off
        for _ in range(count):
            aux_count, = struct.unpack_from("<H", elf, need + 2)
            aux = need + struct.unpack_from("<I", elf, need + 8)[0]
            for _ in range(aux_count):
                flags, = struct.unpack_from("<H", elf, aux + 4)
                name_off, = struct.unpack_from("<I", elf, aux + 8)
                name = elf[strtab + name_off:elf.index(b"\0", strtab + name_off)]
                if name == b"GLIBCXX_3.4.32":
                    return bool(flags & 0x2)
                aux += struct.unpack_from("<I", elf, aux + 12)[0]
            need += struct.unpack_from("<I", elf, need + 12)[0]
    return False
