"""``sharpgrad.config``: Aesara's flags, set by code, by ``change_flags`` and at import by SHARPGRAD_FLAGS/AESARA_FLAGS."""

import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import sharpgrad as aesara
import sharpgrad.tensor as at
from sharpgrad._bridge import api
from sharpgrad.configparser import AesaraConfigWarning, Config, flags_from_environment, parse_config_string

# What a child process prints: every flag, and the dtype the engine (C#) gives a bare float constant, which shows that
# floatX reached the engine and not only the Python side.
_REPORT = (
    "import json, sharpgrad, sharpgrad.tensor as at; from sharpgrad._bridge import api; "
    "c = sharpgrad.config; "
    "print(json.dumps({'floatX': c.floatX, 'device': c.device, 'exception_verbosity': c.exception_verbosity, "
    "'vector': at.vector().dtype, 'engine': str(api.DTypeName(api.FloatConstant(0.1)))}))"
)


def _child(code=_REPORT, **variables):
    """Run ``code`` in a fresh Python with only the given flag variables set; return the completed process."""
    env = {k: v for k, v in os.environ.items() if k not in ("SHARPGRAD_FLAGS", "AESARA_FLAGS")}
    env.update(variables)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def _report(**variables):
    done = _child(**variables)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


# --- defaults and setting by code -----------------------------------------------------------------------------------

def test_defaults_without_any_flag_variable():
    flags, stderr = _report()
    assert flags == {"floatX": "float64", "device": "cpu", "exception_verbosity": "low", "vector": "float64",
                     "engine": "float64"}
    assert "Warning" not in stderr


def test_floatX_set_by_code_reaches_constructors_and_the_engine():
    assert aesara.config.floatX == "float64"
    aesara.config.floatX = "float32"
    try:
        assert at.vector("v").dtype == "float32"
        assert str(api.DTypeName(api.FloatConstant(0.1))) == "float32"
    finally:
        aesara.config.floatX = "float64"
    assert at.vector("v").dtype == "float64"
    assert str(api.DTypeName(api.FloatConstant(0.1))) == "float64"


@pytest.mark.parametrize("bad", ["float16", "int32", "floatX", None])
def test_a_bad_floatX_says_what_was_expected_and_given_and_changes_nothing(bad):
    with pytest.raises(ValueError) as info:
        aesara.config.floatX = bad
    assert str(info.value).startswith(f"config.floatX: expected 'float32' or 'float64'; got {bad!r}")
    assert aesara.config.floatX == "float64"


def test_exception_verbosity_accepts_low_and_high_only():
    aesara.config.exception_verbosity = "high"
    assert aesara.config.exception_verbosity == "high"
    aesara.config.exception_verbosity = "low"
    with pytest.raises(ValueError, match=r"config.exception_verbosity: expected 'low' or 'high'; got 'medium'"):
        aesara.config.exception_verbosity = "medium"
    assert aesara.config.exception_verbosity == "low"


# --- device ---------------------------------------------------------------------------------------------------------

def test_device_cpu_is_the_default_and_can_be_set_again():
    assert aesara.config.device == "cpu"
    aesara.config.device = "cpu"
    assert aesara.config.device == "cpu"


CUDA = bool(api.CudaAvailable())
without_cuda = pytest.mark.skipif(CUDA, reason="this machine has CUDA")


@without_cuda
@pytest.mark.parametrize("device", ["cuda", "cuda0", "cuda1", "cuda:1"])
def test_a_cuda_device_without_cuda_is_refused_with_what_was_looked_for(device):
    with pytest.raises(ValueError) as info:
        aesara.config.device = device
    message = str(info.value)
    assert message.startswith(f"config.device: {device!r} was asked for, but CUDA is not available: TorchSharp's "
                              "torch.cuda.is_available() is false")  # what was asked, what libtorch said
    assert "libtorch_cuda.so was looked for next to TorchSharp.dll" in message  # which library, where
    assert "LD_LIBRARY_PATH" in message and "libLibTorchSharp.so" in message  # and which backend was loaded
    assert message.endswith("Use device 'cpu' here.")
    assert aesara.config.device == "cpu"


@pytest.mark.parametrize("device", ["cuda", "cuda0", "cuda:0"])
def test_a_cuda_device_is_accepted_exactly_where_libtorch_has_one(device):
    if not CUDA:
        with pytest.raises(ValueError, match="CUDA is not available"):
            aesara.config.device = device
        assert aesara.config.device == "cpu"
        return
    with aesara.config.change_flags(device=device):
        assert aesara.config.device == device
        f = aesara.function([at.dvector("x")], at.dvector("x") * 2, on_unused_input="ignore")
    assert f.device == "cuda:0"


@pytest.mark.parametrize("device", ["gpu", "gpu0", "opencl0:0", "CPU", "cuda-0", "cuda:"])
def test_other_device_names_are_refused(device):
    with pytest.raises(ValueError, match=rf"config.device: expected 'cpu', 'cuda', 'cuda:N' or Aesara's 'cudaN' "
                                         rf"\(N a GPU number\); got {device!r}$"):
        aesara.config.device = device
    assert aesara.config.device == "cpu"


def test_a_device_that_is_not_a_string_is_a_type_error():
    with pytest.raises(TypeError, match=r"config.device: expected a string such as 'cpu'; got int 0"):
        aesara.config.device = 0


# --- change_flags ---------------------------------------------------------------------------------------------------

def test_change_flags_sets_for_a_block_and_restores():
    with aesara.config.change_flags(floatX="float32", exception_verbosity="high") as config:
        assert config is aesara.config
        assert at.vector().dtype == "float32"
        assert aesara.config.exception_verbosity == "high"
    assert aesara.config.floatX == "float64"
    assert aesara.config.exception_verbosity == "low"
    assert at.vector().dtype == "float64"


def test_change_flags_restores_after_an_exception():
    with pytest.raises(KeyError):
        with aesara.config.change_flags(floatX="float32"):
            raise KeyError("inside")
    assert aesara.config.floatX == "float64"
    assert str(api.DTypeName(api.FloatConstant(0.1))) == "float64"


def test_change_flags_with_a_bad_value_raises_and_restores_what_it_had_set():
    with pytest.raises(ValueError, match="config.device"):
        with aesara.config.change_flags(floatX="float32", device="gpu0"):
            pass  # not reached
    assert aesara.config.floatX == "float64"
    assert aesara.config.device == "cpu"


def test_change_flags_as_a_decorator_and_with_a_dict():
    @aesara.config.change_flags({"floatX": "float32"})
    def make():
        """Docstring kept."""
        return at.scalar("s").dtype

    assert make() == "float32"
    assert make.__name__ == "make" and make.__doc__ == "Docstring kept."
    assert aesara.config.floatX == "float64"
    assert make() == "float32"  # reusable


def test_change_flags_rejects_positional_arguments_other_than_one_dict():
    with pytest.raises(TypeError, match=r"change_flags: expected one dict of flags"):
        aesara.config.change_flags("floatX", "float32")


def test_unknown_flags_warn_and_are_kept_until_restored():
    with pytest.warns(UserWarning, match=r"sharpgrad.config has no flag 'compute_test_value'"):
        with aesara.config.change_flags(compute_test_value="off"):
            assert aesara.config.compute_test_value == "off"
    with pytest.raises(AttributeError, match=r"sharpgrad.config has no flag 'compute_test_value'; its flags are "
                                             r"floatX, device, exception_verbosity"):
        aesara.config.compute_test_value  # noqa: B018


def test_reading_an_unknown_flag_is_an_attribute_error():
    with pytest.raises(AttributeError, match=r"no flag 'floatx'"):
        aesara.config.floatx  # noqa: B018
    assert not hasattr(aesara.config, "mode")


def test_printing_the_config_lists_every_flag_with_its_value():
    text = str(aesara.config)
    assert "floatX (float64, float32)\n" in text and "    Value:  float64\n" in text
    assert "device (cpu, cuda, cuda:N, cudaN)\n" in text and "    Value:  cpu\n" in text
    assert "exception_verbosity (low, high)\n" in text and "    Value:  low\n" in text
    assert repr(aesara.config) == "<sharpgrad.config floatX='float64', device='cpu', exception_verbosity='low'>"


# --- parsing flag strings as Aesara parses AESARA_FLAGS ---------------------------------------------------------------

def test_parse_config_string_follows_aesara():
    assert parse_config_string("floatX=float32,device=cpu") == {"floatX": "float32", "device": "cpu"}
    # pairs are stripped; empty pairs skipped; the last value wins; '=' inside a value is kept
    assert parse_config_string(" floatX=float32 ,, floatX=float64 ,a=b=c") == {"floatX": "float64", "a": "b=c"}
    # spaces around '=' are not removed (so the key is 'floatX ')
    assert parse_config_string("floatX = float32") == {"floatX ": " float32"}
    # shell quotes protect commas
    assert parse_config_string('gcc__cxxflags="-O3,-g",floatX=float32') == {"gcc__cxxflags": "-O3,-g",
                                                                            "floatX": "float32"}
    assert parse_config_string("") == {}


def test_a_pair_without_value_warns_and_is_ignored():
    with pytest.warns(AesaraConfigWarning, match=r"Config key 'floatX' has no value, ignoring it"):
        assert parse_config_string("floatX,device=cpu") == {"device": "cpu"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert parse_config_string("floatX", issue_warnings=False) == {}


def test_flags_from_environment_reads_aesara_then_sharpgrad():
    environ = {"AESARA_FLAGS": "floatX=float32,mode=FAST_RUN", "SHARPGRAD_FLAGS": "floatX=float64"}
    assert flags_from_environment(environ) == {"floatX": ("float64", "SHARPGRAD_FLAGS"),
                                               "mode": ("FAST_RUN", "AESARA_FLAGS")}


def test_a_config_built_from_flags_names_the_source_of_a_bad_value():
    with pytest.raises(ValueError, match=r"^SHARPGRAD_FLAGS: config.floatX: expected 'float32' or 'float64'; got "
                                         r"'float16'"):
        Config({"floatX": ("float16", "SHARPGRAD_FLAGS")})
    assert aesara.config.floatX == "float64"


# --- the variables, read at import (child processes) ----------------------------------------------------------------

def test_sharpgrad_flags_set_every_flag_at_import():
    flags, stderr = _report(SHARPGRAD_FLAGS="floatX=float32,exception_verbosity=high,device=cpu")
    assert flags == {"floatX": "float32", "device": "cpu", "exception_verbosity": "high", "vector": "float32",
                     "engine": "float32"}
    assert "Warning" not in stderr


def test_whitespace_around_pairs_and_empty_pairs_are_ignored():
    flags, _ = _report(SHARPGRAD_FLAGS="  floatX=float32 , ,exception_verbosity=high,  ")
    assert (flags["floatX"], flags["exception_verbosity"]) == ("float32", "high")


def test_aesara_flags_are_read_too_and_sharpgrad_flags_win():
    flags, stderr = _report(AESARA_FLAGS="floatX=float32,mode=FAST_RUN,cxx=")
    assert (flags["floatX"], flags["engine"]) == ("float32", "float32")
    assert "recognise" not in stderr  # Aesara's own flags are not sharpgrad's business
    flags, _ = _report(AESARA_FLAGS="floatX=float32", SHARPGRAD_FLAGS="floatX=float64")
    assert (flags["floatX"], flags["vector"]) == ("float64", "float64")


def test_an_unknown_flag_in_sharpgrad_flags_warns_at_import():
    flags, stderr = _report(SHARPGRAD_FLAGS="floatX=float32,optimizer=fast_run")
    assert flags["floatX"] == "float32"
    assert "UserWarning: sharpgrad does not recognise this flag: optimizer" in stderr


def test_a_pair_without_value_in_the_variable_warns_at_import():
    flags, stderr = _report(SHARPGRAD_FLAGS="floatX,exception_verbosity=high")
    assert (flags["floatX"], flags["exception_verbosity"]) == ("float64", "high")
    assert "AesaraConfigWarning: Config key 'floatX' has no value, ignoring it" in stderr


def test_a_bad_value_in_the_variable_fails_the_import_with_a_value_error():
    done = _child(SHARPGRAD_FLAGS="floatX=float16")
    assert done.returncode == 1  # a Python exception, not a native crash
    assert done.stderr.strip().splitlines()[-1] == (
        "ValueError: SHARPGRAD_FLAGS: config.floatX: expected 'float32' or 'float64'; got 'float16' "
        "(Aesara's float16 floatX is not supported)")
    done = _child(AESARA_FLAGS="exception_verbosity=max")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "ValueError: AESARA_FLAGS: config.exception_verbosity: expected 'low' or 'high'; got 'max'")


@without_cuda
def test_a_cuda_device_in_the_variable_fails_the_import_clearly_without_crashing():
    done = _child(SHARPGRAD_FLAGS="device=cuda0")
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ValueError: SHARPGRAD_FLAGS: config.device: 'cuda0' was asked for, but CUDA is not "
                           "available: TorchSharp's torch.cuda.is_available() is false")
    assert "libtorch_cuda.so" in last


def test_the_device_in_the_variable_is_what_functions_run_on():
    code = ("import sharpgrad, sharpgrad.tensor as at; x = at.dvector('x'); "
            "print(sharpgrad.config.device, sharpgrad.function([x], x * 2).device)")
    done = _child(code, SHARPGRAD_FLAGS="device=cpu")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["cpu", "cpu"]


def test_flags_from_the_variable_can_still_be_changed_by_code():
    code = ("import sharpgrad, sharpgrad.tensor as at; sharpgrad.config.floatX = 'float64'; "
            "print(sharpgrad.config.floatX, at.vector().dtype)")
    done = _child(code, SHARPGRAD_FLAGS="floatX=float32")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["float64", "float64"]


def test_values_computed_under_float32_flags_are_float32():
    code = ("import numpy as np, sharpgrad, sharpgrad.tensor as at; x = at.vector('x'); "
            "r = sharpgrad.function([x], (x * 0.1).sum())(np.ones(3, dtype='float32')); print(r.dtype, r)")
    done = _child(code, SHARPGRAD_FLAGS="floatX=float32")
    assert done.returncode == 0, done.stderr
    dtype, value = done.stdout.split()
    assert dtype == "float32"
    assert np.isclose(float(value), 0.3, atol=1e-6)
