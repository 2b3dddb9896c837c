"""``python -m cos_mock ARGS``: runs the packaged ``cos-mock`` binary with ARGS."""

import os
import subprocess
import sys

from ._binary import binary_path


def main() -> int:
    binary = binary_path()
    if os.name == "posix":
        os.execv(binary, [binary, *sys.argv[1:]])
    return subprocess.call([binary, *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
