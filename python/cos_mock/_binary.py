"""Where the ``cos-mock`` binary is: the one this package installed, unless told otherwise."""

import os
import shutil
import sysconfig
from pathlib import Path

EXE = "cos-mock.exe" if os.name == "nt" else "cos-mock"


class BinaryNotFound(FileNotFoundError):
    """No ``cos-mock`` binary was found."""


def binary_path() -> str:
    """The ``cos-mock`` binary to run, in this order:

    1. ``$COS_MOCK_BIN`` (e.g. ``target/debug/cos-mock`` of a source checkout);
    2. the file this distribution installed as a script (from its RECORD, so a ``--user`` or
       ``--target`` install is found too);
    3. the scripts directory of the running interpreter (a venv's ``bin/``);
    4. ``cos-mock`` on ``PATH``.
    """
    given = os.environ.get("COS_MOCK_BIN")
    if given:
        if not os.path.isfile(given):
            raise BinaryNotFound(f"COS_MOCK_BIN={given} is not a file")
        return given
    for candidate in (_from_record(), _from_scripts_dir(), shutil.which(EXE)):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BinaryNotFound(
        "the cos-mock binary was not found: install the cos-mock wheel (pip install cos-mock), "
        "or set COS_MOCK_BIN to a built binary"
    )


def _from_record():
    try:
        from importlib.metadata import PackageNotFoundError, distribution
    except ImportError:  # pragma: no cover
        return None
    try:
        dist = distribution("cos-mock")
    except PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.name == EXE:  # the package itself has no file of that name
            return Path(dist.locate_file(file)).resolve()
    return None


def _from_scripts_dir():
    scripts = sysconfig.get_path("scripts")
    return os.path.join(scripts, EXE) if scripts else None
