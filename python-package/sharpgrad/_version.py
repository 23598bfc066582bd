"""sharpgrad's version: the ``VERSION`` file, the one place the wheel and the NuGet packages take theirs from.

A wheel carries a copy inside the package (``setup.py`` puts it there); a source checkout (editable install or
``PYTHONPATH``) has it at the root.
"""

from pathlib import Path


def _read():
    here = Path(__file__).resolve().parent
    for candidate in (here / "VERSION", here.parent.parent / "VERSION"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8").strip()
    try:
        from importlib.metadata import version

        return version("sharpgrad")
    except Exception:  # noqa: BLE001 - any failure means the version is unknown
        return "unknown"


__version__ = _read()
