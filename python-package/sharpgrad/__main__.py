"""``python -m sharpgrad --version``: the versions of sharpgrad and of the engine under it."""

import sys


def _main(argv):
    if argv in (["--version"], ["-V"]):
        from .selfcheck import versions

        info = versions()
        print(f"sharpgrad {info['sharpgrad']}")
        print(f"Gradient {info['gradient']}; {info['dotnet']}; TorchSharp {info['torchsharp']}; "
              f"libtorch {info['libtorch']}; devices: {info['devices']}")
        return 0
    if argv in (["--selfcheck"], ["selfcheck"]):
        from .selfcheck import main

        return main([])
    print("usage: python -m sharpgrad --version     print the versions of sharpgrad, .NET, TorchSharp and libtorch\n"
          "       python -m sharpgrad.selfcheck     also compute a gradient, to check the installation",
          file=sys.stderr if argv else sys.stdout)
    return 2 if argv else 0


sys.exit(_main(sys.argv[1:]))
