"""The pytest plugin (entry point ``pytest11``, loaded when cos-mock is installed).

Fixtures:

- ``cos_mock`` (session): a ``CosMock`` server on 127.0.0.1 and a free port, started once and
  stopped at the end of the session; state is shared by the tests unless reset.
- ``cos_mock_fresh`` (function): the same server, reset (``POST /_cos-mock/reset``) before the test.

Marker ``@pytest.mark.cos_mock_reset``: reset the server before the test (on a module:
``pytestmark = pytest.mark.cos_mock_reset``).

Options: ``--cos-mock-config PATH`` (ini ``cos_mock_config``, relative to the ini file) gives the
server ``--config PATH``; ini ``cos_mock_args`` adds flags (``cos_mock_args = --auth off``).
``COS_MOCK_BIN`` runs another binary than the packaged one. For a server with another config in
one module, use ``CosMock`` in a module fixture: ``with CosMock(config={...}) as s: yield s``.
"""

from pathlib import Path

import pytest

from ._binary import BinaryNotFound
from .server import CosMock, CosMockError

RESET_MARKER = "cos_mock_reset"


def pytest_addoption(parser):
    group = parser.getgroup("cos-mock", "cos-mock server (the cos_mock fixture)")
    group.addoption(
        "--cos-mock-config",
        metavar="PATH",
        default=None,
        help="config file for the cos_mock fixture's server (its --config)",
    )
    parser.addini("cos_mock_config", "config file for the cos_mock fixture's server", default=None)
    parser.addini("cos_mock_args", "more flags for the cos_mock fixture's server", type="args", default=[])


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"{RESET_MARKER}: reset the cos_mock server (POST /_cos-mock/reset) before the test"
    )


def _config_path(config):
    given = config.getoption("cos_mock_config")
    if given:
        return str(Path(config.invocation_params.dir, given))
    from_ini = config.getini("cos_mock_config")
    if from_ini:
        base = config.inipath.parent if config.inipath else config.rootpath
        return str(Path(base, from_ini))
    return None


@pytest.fixture(scope="session")
def cos_mock(pytestconfig):
    """The session's cos-mock server (a ``cos_mock.CosMock``)."""
    server = CosMock(config=_config_path(pytestconfig), args=pytestconfig.getini("cos_mock_args"))
    failure = None
    try:
        server.start()
    except (CosMockError, BinaryNotFound) as e:  # the message has the server's stderr
        failure = str(e)
    if failure is not None:
        pytest.fail(failure, pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def cos_mock_fresh(cos_mock):
    """The session's server, reset before this test."""
    cos_mock.reset()
    return cos_mock


@pytest.fixture(autouse=True)
def _cos_mock_reset_marker(request):
    if request.node.get_closest_marker(RESET_MARKER) is not None:
        request.getfixturevalue("cos_mock").reset()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # A failing test shows the server's last log lines: they name each request and its decision.
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.when in ("setup", "call"):
        funcargs = getattr(item, "funcargs", {})
        server = funcargs.get("cos_mock") or funcargs.get("cos_mock_fresh")
        if isinstance(server, CosMock):
            report.sections.append(("cos-mock stderr (tail)", server.stderr(lines=30)))
