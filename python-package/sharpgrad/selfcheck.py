"""Check that sharpgrad works here: ``python -m sharpgrad.selfcheck``.

Prints the versions of sharpgrad and of what it runs on (the engine, the
.NET runtime, TorchSharp, libtorch), where its assemblies were loaded from,
the device, and a gradient computed end to end — of ``sum(x ** 2)`` at
``[1, 2, 3]``, which must be ``[2, 4, 6]``. Exits 0 when the gradient is
right, 1 otherwise. The same report is what a bug report needs.
"""

from __future__ import annotations

import sys

import numpy as np

__all__ = ["versions", "gradient_check", "main"]


def versions():
    """The versions of sharpgrad and of the engine under it.

    Returns
    -------
    dict
        ``sharpgrad``, ``gradient`` (the engine's assemblies), ``dotnet``
        (the .NET runtime), ``torchsharp``, ``libtorch``, ``devices`` (what
        libtorch can run on here), ``assemblies`` (the folder the .NET
        assemblies came from) and ``python``.
    """
    import clr

    from . import __version__, _bridge

    folder = _bridge.bin_dir()
    clr.AddReference(str(folder / "Gradient.Kernels.dll"))
    from Gradient.Kernels import Versions  # noqa: E402  (a .NET namespace, importable once referenced)

    return {
        "sharpgrad": __version__,
        "gradient": str(Versions.Gradient),
        "dotnet": str(Versions.DotNet),
        "torchsharp": str(Versions.TorchSharp),
        "libtorch": str(Versions.LibTorch),
        "devices": str(Versions.Devices),
        "assemblies": str(folder),
        "python": sys.version.split()[0],
    }


def gradient_check():
    """Compile the gradient of ``sum(x ** 2)`` and evaluate it at ``[1, 2, 3]``.

    Returns
    -------
    numpy.ndarray
        The gradient; ``[2, 4, 6]`` when the engine works.
    """
    import sharpgrad
    import sharpgrad.tensor as at

    x = at.dvector("x")
    f = sharpgrad.function([x], sharpgrad.grad((x ** 2).sum(), x))
    return np.asarray(f(np.array([1.0, 2.0, 3.0])))


def main(argv=None):
    """Run the self-check, print its report and return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Ignored; the check takes no options.

    Returns
    -------
    int
        0 when the gradient is right, 1 otherwise.
    """
    import sharpgrad

    info = versions()
    print(f"sharpgrad {info['sharpgrad']} (Python {info['python']})")
    print(f"  engine      Gradient {info['gradient']}")
    print(f"  .NET        {info['dotnet']}")
    print(f"  TorchSharp  {info['torchsharp']}")
    print(f"  libtorch    {info['libtorch']}")
    print(f"  devices     {info['devices']} (sharpgrad.config.device = {sharpgrad.config.device!r})")
    print(f"  assemblies  {info['assemblies']}")
    grad = gradient_check()
    ok = grad.shape == (3,) and grad.dtype == np.float64 and np.array_equal(grad, [2.0, 4.0, 6.0])
    print(f"  grad of sum(x**2) at [1, 2, 3] = {grad.tolist()}: {'ok' if ok else 'WRONG, expected [2.0, 4.0, 6.0]'}")
    print("self-check passed" if ok else "self-check FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
