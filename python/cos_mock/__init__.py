"""cos-mock for Python: the ``cos-mock`` server binary, packaged, and a handle to run it.

``pip install cos-mock`` puts the ``cos-mock`` command on your PATH. From Python::

    from cos_mock import CosMock

    with CosMock() as server:                      # 127.0.0.1, a free port
        client = server.cos_client()               # qcloud_cos (pip install cos-mock[cos])
        client.create_bucket(Bucket=server.bucket_name("examplebucket"))

With pytest, the ``cos_mock`` fixture (``cos_mock.pytest_plugin``, loaded automatically) does the
same once per session.
"""

from ._binary import BinaryNotFound, binary_path
from .server import CosMock, CosMockError

try:
    from importlib.metadata import PackageNotFoundError, version

    try:
        __version__ = version("cos-mock")
    except PackageNotFoundError:  # running from a source tree
        __version__ = "0+unknown"
except ImportError:  # pragma: no cover
    __version__ = "0+unknown"

__all__ = ["BinaryNotFound", "CosMock", "CosMockError", "binary_path", "__version__"]
