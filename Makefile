# `make demo` and `make test` set everything up on a fresh Debian 12 machine with the .NET SDK.
SHELL := /bin/bash
DOTNET ?= dotnet
SYSTEM_PYTHON := /usr/bin/python3
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := python3-numpy python3-pytest python3-venv python3-setuptools python3-wheel python3-pip graphviz python3-mypy binutils
RESULTS := out/test-results
VERSION := $(shell cat VERSION)
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: all deps build venv demo test stress bench bench-smoke gpu-bundle wheel nupkg nuget-sample clean

all: build

# Debian packages the Python side needs (no Python package index is reachable: numpy and pytest come from apt).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

# One build of the solution into out/bin (shared by tests, examples and sharpgrad). Serial, because all projects
# copy libtorch into the same folder.
build:
	$(DOTNET) build Gradient.sln -c Release -m:1 -nologo -clp:ErrorsOnly

# A venv over Debian's Python with sharpgrad installed in editable mode, offline.
venv: deps
	@test -x $(PY) || $(SYSTEM_PYTHON) -m venv --system-site-packages $(VENV)
	@$(PY) -m pip show -q sharpgrad >/dev/null 2>&1 || \
	  $(PY) -m pip install -q --no-build-isolation --no-deps --no-index -e .

demo: deps build venv
	$(PY) examples/python/logistic_regression.py
	$(DOTNET) out/bin/Gradient.Examples.dll

# NUnit, then pytest, then one line "N passed, N failed" for both; non-zero exit on any failure.
test: deps build venv
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	-$(DOTNET) test tests-dotnet/Gradient.Tests.csproj -c Release --no-build --nologo \
	  --logger "trx;LogFileName=nunit.trx" --results-directory $(RESULTS); echo $$? > $(RESULTS)/nunit.rc
	-$(PY) -m pytest tests-python -q -p no:cacheprovider --junitxml=$(RESULTS)/pytest.xml; \
	  rc=$$?; echo $$rc > $(RESULTS)/pytest.rc
	@$(SYSTEM_PYTHON) tools/test_summary.py $(RESULTS)

# Reliability, measured and held (a few minutes): every generated bad input of both languages in child processes,
# memory over 100,000 calls and 10,000 compilations, 8 threads on one function, 10,000 random graphs against finite
# differences, clean interpreter exit. Prints one summary block; exits non-zero when a goal is missed. Failing random
# graphs are saved as JSON reproducers under out/stress/graphs (re-check one: dotnet out/bin/Gradient.Stress.dll replay
# FILE, shrink it: ... minimize FILE).
stress: deps build venv
	$(PY) stress/stress.py

# Measurements, never assertions (beyond every peer computing the same outputs): writes bench/results.md and
# bench/results.json, then the Python step appends its sections and merges its figures. PYTHONPATH makes the Python
# step use this checkout's sharpgrad even when the venv's editable install points at another checkout.
bench: build venv
	$(DOTNET) out/bin/Gradient.Bench.dll --out bench
	PYTHONPATH=python-package $(PY) bench/python_overhead.py --out bench

# The same with tiny sizes and one or two samples (a few seconds): checks only that everything runs.
bench-smoke: build venv
	$(DOTNET) out/bin/Gradient.Bench.dll --smoke --out out/bench-smoke
	PYTHONPATH=python-package $(PY) bench/python_overhead.py --smoke --out out/bench-smoke

# A folder to carry to a machine with a GPU (at most 60 MB, git-ignored): the .NET runtime, the engine without libtorch,
# the check program and run.sh, which compares every result on the GPU with the CPU's and times the benchmark cases
# (README, "GPU"). Reuses out/bin; the compressed runtime is cached in out/gpu-bundle-cache.
gpu-bundle: build
	tools/gpu_bundle.sh out/gpu-bundle

# The Python wheel: sharpgrad with the .NET assemblies, TorchSharp, pythonnet and the libtorch CPU libraries inside
# (sharpgrad/_bin), tagged py3-none-linux_x86_64 (setup.py). `pip install dist/sharpgrad-*.whl` needs no network
# and no checkout; the machine needs a .NET 10 runtime.
wheel: deps build
	rm -rf dist/sharpgrad-*.whl build/lib/sharpgrad
	$(SYSTEM_PYTHON) -m pip wheel -q --no-build-isolation --no-deps --no-index . -w dist
	@ls -l dist/sharpgrad-*.whl

# The NuGet packages Gradient and Gradient.Kernels (version: the VERSION file) in out/nupkg.
nupkg: build
	rm -f out/nupkg/Gradient.*.nupkg
	$(DOTNET) pack kernels/Gradient.Kernels.csproj -c Release --no-build -nologo -v:q
	$(DOTNET) pack managed/Gradient.csproj -c Release --no-build -nologo -v:q
	@ls -l out/nupkg/*.nupkg

# The sample console app outside the solution restores the packages from out/nupkg (samples/nuget-consumer).
# Packages rebuilt under an unchanged version would be taken from the NuGet cache: drop ours (only ours) first.
nuget-sample: nupkg
	rm -rf samples/nuget-consumer/bin samples/nuget-consumer/obj
	@cache=$$($(DOTNET) nuget locals global-packages --list | sed 's/^global-packages: //'); \
	  rm -rf "$$cache/gradient/$(VERSION)" "$$cache/gradient.kernels/$(VERSION)"
	$(DOTNET) run --project samples/nuget-consumer -c Release

clean:
	rm -rf out $(VENV) */obj */bin examples/*/obj python-package/*.egg-info build dist samples/*/bin samples/*/obj samples/*/.packages
