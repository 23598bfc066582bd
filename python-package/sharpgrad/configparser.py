"""The settings object behind ``sharpgrad.config`` (Aesara's ``aesara.configparser``)."""

from __future__ import annotations

from ._bridge import api, call

__all__ = ["Config"]


class Config:
    """Process-wide settings; each one also set in the engine, so C# and Python agree."""

    def __init__(self):
        self._floatX = "float64"

    @property
    def floatX(self):  # noqa: N802 - Aesara's name
        """Float type of un-prefixed constructors and bare float constants: 'float64' or 'float32'."""
        return self._floatX

    @floatX.setter
    def floatX(self, value):  # noqa: N802
        if value not in ("float32", "float64"):
            raise ValueError(f"config.floatX: expected 'float32' or 'float64'; got {value!r}")
        call(api.SetFloatX, value)
        self._floatX = value
