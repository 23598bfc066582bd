#!/usr/bin/env bash
# make gpu-bundle: a folder to carry to a machine with a GPU (and PyTorch with CUDA, but no .NET), where `bash run.sh`
# compares every result on the GPU with the CPU's and times the benchmark cases on both.
#
#   tools/gpu_bundle.sh [OUT]        OUT defaults to out/gpu-bundle; reuses the build in out/bin (`make build` first)
#
# OUT holds:
#   dotnet-runtime.tar.xz   the .NET runtime (dotnet, host/, shared/Microsoft.NETCore.App/<version>) of this machine,
#                           compressed once and cached in out/gpu-bundle-cache/
#   app/                    a framework-dependent build of the engine, the check program (Gradient.GpuCheck) and the
#                           NUnit op tables it sweeps, TorchSharp.dll and libLibTorchSharp.so, WITHOUT libtorch: there
#                           libtorch (with CUDA) comes from PyTorch's torch/lib
#   run.sh                  unpacks the runtime, points DOTNET_ROOT and LD_LIBRARY_PATH at it and at torch/lib, runs
#                           the check; arguments pass through (default --device cuda)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/out/gpu-bundle}
bin=$root/out/bin
cache=$root/out/gpu-bundle-cache
limit_mb=60

# What the check program loads: the engine, the op tables (Gradient.Tests.dll, with NUnit for its attributes),
# TorchSharp and its native half. Not libtorch (libtorch*.so, libc10.so, libgomp*, ...): the GPU machine brings its own.
app_files=(
  Gradient.GpuCheck.dll Gradient.GpuCheck.runtimeconfig.json
  Gradient.dll Gradient.Kernels.dll Gradient.Tests.dll nunit.framework.dll
  TorchSharp.dll libLibTorchSharp.so
)
for f in "${app_files[@]}"; do
  [ -f "$bin/$f" ] || { echo "gpu-bundle: $bin/$f is missing; run 'make build' first" >&2; exit 1; }
done

# The runtime the app was built against: the newest installed Microsoft.NETCore.App of its major version.
dotnet_root=${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}
major=$(sed -n 's/.*"version": *"\([0-9]*\)\..*/\1/p' "$bin/Gradient.GpuCheck.runtimeconfig.json" | head -n 1)
version=$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | grep "^$major\." | sort -V | tail -n 1)
[ -n "$version" ] || { echo "gpu-bundle: no Microsoft.NETCore.App $major.* under $dotnet_root/shared" >&2; exit 1; }
runtime=$cache/dotnet-runtime-$version.tar.xz
if [ ! -f "$runtime" ]; then
  echo "gpu-bundle: compressing the .NET runtime $version from $dotnet_root (once; cached in $cache)"
  mkdir -p "$cache"
  tar -C "$dotnet_root" -cf - dotnet host "shared/Microsoft.NETCore.App/$version" | xz -T0 -6 > "$runtime.partial"
  mv "$runtime.partial" "$runtime"
fi

rm -rf "$out"
mkdir -p "$out/app"
cp "$runtime" "$out/dotnet-runtime.tar.xz"
for f in "${app_files[@]}"; do
  cp "$bin/$f" "$out/app/"
done
# No .deps.json: it lists libtorch-cpu's libraries, which are not here; without it the host probes app/ itself.
cat > "$out/run.sh" <<'EOF'
#!/usr/bin/env bash
# Runs the GPU check of the Gradient engine (see tools/gpu_bundle.sh): bash run.sh [--device cuda] [--runs 20] ...
#   TORCH_LIB         folder of libtorch's libraries (default: torch/lib of `python3 -c "import torch"`)
#   GPU_BUNDLE_WORK   where to unpack the .NET runtime (default: a folder under $TMPDIR or /tmp, reused while the
#                     tarball is the same; never inside the bundle, which must stay small enough to carry)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
stamp=$(cksum < "$here/dotnet-runtime.tar.xz" | cut -d' ' -f1)
work=${GPU_BUNDLE_WORK:-${TMPDIR:-/tmp}/gradient-gpu-bundle-$stamp}
if [ ! -x "$work/dotnet/dotnet" ]; then
  mkdir -p "$work"
  partial=$(mktemp -d "$work/unpack.XXXXXX")
  tar -xJf "$here/dotnet-runtime.tar.xz" -C "$partial"
  rm -rf "$work/dotnet"
  mv "$partial" "$work/dotnet"
fi
if [ -z "${TORCH_LIB:-}" ]; then
  TORCH_LIB=$(python3 -c "import torch, os; print(os.path.dirname(torch.__file__) + '/lib')") || {
    echo "run.sh: no PyTorch for python3 (import torch failed): set TORCH_LIB to a folder with libtorch's libraries" >&2
    exit 2
  }
fi
export DOTNET_ROOT="$work/dotnet"
export LD_LIBRARY_PATH="$TORCH_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "run.sh: DOTNET_ROOT=$DOTNET_ROOT; libtorch from $TORCH_LIB"
exec "$DOTNET_ROOT/dotnet" "$here/app/Gradient.GpuCheck.dll" "$@"
EOF
chmod +x "$out/run.sh"

size_kb=$(du -sk "$out" | cut -f1)
if [ "$size_kb" -gt $((limit_mb * 1024)) ]; then
  echo "gpu-bundle: $out is $((size_kb / 1024)) MB, over the $limit_mb MB limit" >&2
  exit 1
fi
echo "gpu-bundle: $out ($((size_kb / 1024)) MB): bash $out/run.sh [--device cuda]"
