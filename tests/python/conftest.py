"""Harness for the python SDK suites: one cos-mock process per test module.

The binary comes from $COS_MOCK_BIN (default: target/debug/cos-mock under the
repo root). It is started as `cos-mock --listen 127.0.0.1:0 [--config FILE]`;
the harness waits for the stderr line `cos-mock ready on http://ADDR`, and
before every test it calls `POST /_cos-mock/reset` so each test starts from
the state the config (or the default identity) creates.

A module that needs accounts sets a module-level `COS_MOCK_CONFIG = {...}`
(the JSON of interface.md); it is written to a temp file and passed with
`--config`. A module may also set `COS_MOCK_ARGS = [...]` for more flags.
"""

import json
import os
import re
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from qcloud_cos import CosConfig, CosS3Client

REPO_ROOT = Path(__file__).resolve().parents[2]

# The default identity (interface.md, "Default identity").
SECRET_ID = "AKIDCOSMOCKROOT"
SECRET_KEY = "cos-mock-root-secret"
APPID = "1250000000"
UIN = "100000000001"
REGION = "ap-guangzhou"
BUCKET = f"examplebucket-{APPID}"

READY_RE = re.compile(r"cos-mock ready on http://([^\s\"]+)[^\n]*\n")  # whole line (pretty or json): the log may end mid-address
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")
START_TIMEOUT_S = 15.0


def vhost(bucket=BUCKET, region=REGION):
    """The virtual-host name the SDKs put into Host for a bucket."""
    return f"{bucket}.cos.{region}.myqcloud.com"


class Server:
    """A running cos-mock child process."""

    def __init__(self, config=None, extra_args=()):
        binary = os.environ.get("COS_MOCK_BIN") or str(REPO_ROOT / "target/debug/cos-mock")
        if not os.path.exists(binary):
            pytest.exit(f"cos-mock binary not found at {binary} (set COS_MOCK_BIN or cargo build)", 2)
        self.tmp = tempfile.TemporaryDirectory(prefix="cos-mock-py-")
        args = [binary, "--listen", "127.0.0.1:0", *extra_args]
        if config is not None:
            cfg_path = Path(self.tmp.name) / "config.json"
            cfg_path.write_text(json.dumps(config))
            args += ["--config", str(cfg_path)]
        self.log_path = Path(self.tmp.name) / "stderr.log"
        self._log = open(self.log_path, "wb")
        env = {**os.environ, "NO_COLOR": "1"}
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log, env=env)
        self.addr = self._wait_ready()
        self.host, port = self.addr.rsplit(":", 1)
        self.port = int(port)
        self.base_url = f"http://{self.addr}"

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            m = READY_RE.search(self.log_path.read_text(errors="replace"))
            if m:
                return m.group(1)
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"cos-mock did not print its ready line; stderr:\n{self.log_tail()}")

    def log_tail(self, n=12):
        try:
            text = ANSI_RE.sub("", self.log_path.read_text(errors="replace"))
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-n:])

    def admin(self, method, path):
        req = urllib.request.Request(self.base_url + path, method=method)
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()

    def reset(self):
        status, _ = self.admin("POST", "/_cos-mock/reset")
        assert status == 204, f"reset answered {status}"

    def state(self):
        _, body = self.admin("GET", "/_cos-mock/state")
        return json.loads(body)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._log.close()
        self.tmp.cleanup()

    def config(self, secret_id=SECRET_ID, secret_key=SECRET_KEY, **kw):
        """CosConfig in the recommended IP/Port mode (real-clients.md §1 A)."""
        kw.setdefault("Region", REGION)
        kw.setdefault("Scheme", "http")
        kw.setdefault("IP", "127.0.0.1")
        kw.setdefault("Port", self.port)
        kw.setdefault("ServiceDomain", f"127.0.0.1:{self.port}")
        if not kw.get("Anonymous"):
            kw.setdefault("SecretId", secret_id)
            kw.setdefault("SecretKey", secret_key)
        return CosConfig(**kw)

    def client(self, secret_id=SECRET_ID, secret_key=SECRET_KEY, **kw):
        # retry=0: a 5xx from the mock must surface at once, not after sleeps.
        return CosS3Client(self.config(secret_id, secret_key, **kw), retry=0)


@pytest.fixture(scope="module")
def server(request):
    config = getattr(request.module, "COS_MOCK_CONFIG", None)
    extra_args = getattr(request.module, "COS_MOCK_ARGS", ())
    srv = Server(config=config, extra_args=extra_args)
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def _clean_state(server):
    server.reset()
    yield


@pytest.fixture
def client(server):
    return server.client()


@pytest.fixture
def bucket(client):
    """examplebucket-1250000000, created fresh for the test."""
    client.create_bucket(Bucket=BUCKET)
    return BUCKET


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Show the server's stderr when a test fails: it names the request and decision.
    if call.when == "call" and call.excinfo is not None:
        srv = item.funcargs.get("server")
        if srv is not None:
            item.add_report_section("call", "cos-mock stderr (tail)", srv.log_tail())
    yield
