"""``CosMock``: one ``cos-mock`` child process on 127.0.0.1 and a free port, its identity, its admin
API and ready-made SDK clients. Only the standard library; the SDKs are imported when asked for."""

import collections
import json
import os
import re
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

from ._binary import binary_path

# The default identity (README "Default identity"); a config file replaces it.
DEFAULT_SECRET_ID = "AKIDCOSMOCKROOT"
DEFAULT_SECRET_KEY = "cos-mock-root-secret"
DEFAULT_APPID = "1250000000"
DEFAULT_UIN = "100000000001"
DEFAULT_REGION = "ap-guangzhou"
DEFAULT_OSS_ACCESS_KEY_ID = "LTAIOSSMOCKROOT"
DEFAULT_OSS_ACCESS_KEY_SECRET = "oss-mock-root-secret"
DEFAULT_OSS_UID = "1000000000000001"
DEFAULT_OSS_REGION = "cn-hangzhou"

# The stable ready line (interface.md); only address characters, so a JSON log line matches too.
READY_RE = re.compile(r"cos-mock ready on http://([0-9A-Za-z.:\[\]_-]+)")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")
# What of the caller's environment reaches the server: its logging, nothing that changes behaviour.
PASSED_ENV = ("COS_MOCK_LOG", "COS_MOCK_LOG_FORMAT")


class CosMockError(RuntimeError):
    """The server did not start, or an admin request failed."""


class CosMock:
    """A ``cos-mock`` server in a child process.

    ``config`` is a config file path or the config as a dict (written to a temporary file);
    ``args`` are more flags (``["--auth", "off"]``). The server's behaviour depends only on these:
    ``COS_MOCK_*`` variables of the environment are not passed on, but ``COS_MOCK_LOG`` and
    ``COS_MOCK_LOG_FORMAT``. Use it as a context manager, or call ``start()`` and ``stop()``.

    Once started: ``endpoint`` (``http://127.0.0.1:PORT``), ``host``, ``port``, ``address``, the
    COS identity (``secret_id``, ``secret_key``, ``appid``, ``uin``, ``region``: the default
    account, or the first account of the config file; ``None`` when it has none) and the OSS one
    (``oss_access_key_id``, ``oss_access_key_secret``, ``oss_uid``, ``oss_region``).
    """

    def __init__(self, config=None, args=(), binary=None, start_timeout=15.0, admin_token=None):
        self.config = config
        self.args = [str(a) for a in args]
        self.binary = binary
        self.start_timeout = start_timeout
        self.admin_token = admin_token if admin_token is not None else _flag(self.args, "--admin-token")
        self.proc = None
        self.address = self.host = self.port = self.endpoint = None  # set by start()
        self._set_identity(self._config_doc())
        self._lines = collections.deque(maxlen=400)
        self._ready = threading.Event()
        self._tmp = None
        self._reader = None

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self):
        """Starts the server and waits for its ready line; raises ``CosMockError`` with the
        server's stderr if it exits or stays silent for ``start_timeout`` seconds."""
        if self.proc is not None:
            return self
        binary = self.binary or binary_path()
        self.address = None
        self._ready.clear()
        self._lines.clear()
        argv = [binary, "--listen", "127.0.0.1:0", *self._config_args(), *self.args]
        env = {k: v for k, v in os.environ.items() if not k.startswith("COS_MOCK_") or k in PASSED_ENV}
        env["NO_COLOR"] = "1"
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
        )
        self._reader = threading.Thread(target=self._read_stderr, name="cos-mock-stderr", daemon=True)
        self._reader.start()
        exited = self._ready.wait(self.start_timeout) and self.address is None
        if self.address is None:
            why = f"printed no ready line in {self.start_timeout} s"
            if exited:  # its stderr closed: it is exiting
                try:
                    why = f"exited with code {self.proc.wait(timeout=5)}"
                except subprocess.TimeoutExpired:
                    pass
            self.stop()
            raise CosMockError(f"cos-mock {why}: {' '.join(argv)}\n--- its stderr ---\n{self.stderr()}")
        self.host, port = self.address.rsplit(":", 1)
        self.host = self.host.strip("[]")
        self.port = int(port)
        self.endpoint = f"http://{self.address}"
        return self

    def stop(self):
        """Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its temporary files."""
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
            if self._reader is not None:
                self._reader.join(timeout=5)
            if proc.stderr is not None:
                proc.stderr.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def stderr(self, lines=None):
        """The server's last stderr lines (up to 400), colour codes removed."""
        tail = list(self._lines)
        return "\n".join(tail if lines is None else tail[-lines:])

    def _read_stderr(self):
        for raw in iter(self.proc.stderr.readline, b""):
            line = ANSI_RE.sub("", raw.decode("utf-8", "replace").rstrip("\r\n"))
            self._lines.append(line)
            if self.address is None:
                m = READY_RE.search(line)
                if m:
                    self.address = m.group(1)
                    self._ready.set()
        self._ready.set()  # exited: start() reports it

    # -- config and identity ---------------------------------------------------------------------

    def _config_doc(self):
        if self.config is None:
            return None
        if isinstance(self.config, dict):
            return self.config
        try:
            return json.loads(Path(self.config).read_text())
        except (OSError, ValueError):
            return {}  # the server says what is wrong with it

    def _config_args(self):
        if self.config is None:
            return []
        if isinstance(self.config, dict):
            self._tmp = tempfile.TemporaryDirectory(prefix="cos-mock-")
            path = Path(self._tmp.name) / "config.json"
            path.write_text(json.dumps(self.config))
            return ["--config", str(path)]
        return ["--config", os.fspath(self.config)]

    def _set_identity(self, doc):
        """The credentials a test signs with: the default identity, or the config's first
        accounts (the server's own rule: a config replaces the COS identity; without an ``oss``
        section the default OSS account stays)."""
        if isinstance(doc, dict):
            cos = _first(doc.get("accounts"))
        else:
            doc = {}
            cos = {"secret_id": DEFAULT_SECRET_ID, "secret_key": DEFAULT_SECRET_KEY,
                   "appid": DEFAULT_APPID, "uin": DEFAULT_UIN}
        self.secret_id, self.secret_key = cos.get("secret_id"), cos.get("secret_key")
        self.appid, self.uin = cos.get("appid"), cos.get("uin")
        self.region = _flag(self.args, "--region") or _text(doc.get("region")) or DEFAULT_REGION
        oss = doc.get("oss")
        if oss is None:
            oss = {"accounts": [{"access_key_id": DEFAULT_OSS_ACCESS_KEY_ID,
                                 "access_key_secret": DEFAULT_OSS_ACCESS_KEY_SECRET,
                                 "uid": DEFAULT_OSS_UID}]}
        oss = oss if isinstance(oss, dict) else {}
        first = _first(oss.get("accounts"))
        self.oss_access_key_id = first.get("access_key_id")
        self.oss_access_key_secret = first.get("access_key_secret")
        self.oss_uid = first.get("uid")
        self.oss_region = _text(oss.get("region")) or DEFAULT_OSS_REGION

    def bucket_name(self, name):
        """``name-<appid>``: a COS bucket name the account may create."""
        return f"{name}-{self.appid}"

    # -- admin API -------------------------------------------------------------------------------

    def admin(self, method, path, body=None):
        """Calls ``/_cos-mock/<path>``; returns (status, body bytes). A dict body is sent as JSON
        (the admin API refuses other content types); no Origin header is sent, so it is never taken
        for a web page; proxies from the environment are not used."""
        if self.endpoint is None:
            raise CosMockError("the server is not running")
        data, headers = None, {}
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.admin_token:
            headers["Authorization"] = f"Bearer {self.admin_token}"
        req = urllib.request.Request(f"{self.endpoint}/_cos-mock/{path}", data, headers, method=method)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(req, timeout=30) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def _admin_ok(self, method, path, want, body=None):
        status, data = self.admin(method, path, body)
        if status != want:
            raise CosMockError(f"{method} /_cos-mock/{path} answered {status}: {data[:500]!r}")
        return data

    def reset(self):
        """``POST /_cos-mock/reset``: buckets, objects, temporary keys and the request journal
        back to what the config (or the default identity) created."""
        self._admin_ok("POST", "reset", 204)

    def health(self):
        """True when ``GET /_cos-mock/health`` answers 200."""
        try:
            return self.admin("GET", "health")[0] == 200
        except OSError:
            return False

    def state(self):
        """``GET /_cos-mock/state`` as a dict: buckets and their objects."""
        return json.loads(self._admin_ok("GET", "state", 200))

    def requests(self):
        """``GET /_cos-mock/requests``: the request journal, most recent first."""
        return json.loads(self._admin_ok("GET", "requests", 200))["requests"]

    def clock(self, **fields):
        """``/_cos-mock/clock``: with no arguments GET (``offset_seconds``, ``now``,
        ``restore_delay_seconds``); else POST them as JSON, e.g. ``clock(advance_seconds=86400)``
        (lifecycle rules run at the new time)."""
        if not fields:
            return json.loads(self._admin_ok("GET", "clock", 200))
        return json.loads(self._admin_ok("POST", "clock", 200, body=fields))

    # -- SDK clients -----------------------------------------------------------------------------

    def cos_config(self, **kwargs):
        """A ``qcloud_cos.CosConfig`` pointed at the server (IP/Port mode, as the README shows);
        keyword arguments override the defaults (e.g. ``SecretId=``, ``Region=``)."""
        from qcloud_cos import CosConfig  # pip install cos-mock[cos]

        kwargs.setdefault("Region", self.region)
        kwargs.setdefault("Scheme", "http")
        kwargs.setdefault("IP", self.host)
        kwargs.setdefault("Port", self.port)
        kwargs.setdefault("ServiceDomain", self.address)
        if not kwargs.get("Anonymous"):
            kwargs.setdefault("SecretId", self.secret_id)
            kwargs.setdefault("SecretKey", self.secret_key)
        return CosConfig(**kwargs)

    def cos_client(self, retry=1, **kwargs):
        """A ``qcloud_cos.CosS3Client`` for the server; ``kwargs`` go to ``cos_config``."""
        from qcloud_cos import CosS3Client

        return CosS3Client(self.cos_config(**kwargs), retry=retry)

    def oss_bucket(self, name, access_key_id=None, access_key_secret=None, v4=False, **kwargs):
        """An ``oss2.Bucket`` for bucket ``name`` on the server (path style on the IP endpoint),
        signed V1, or V4 with ``v4=True``; ``kwargs`` go to ``oss2.Bucket``."""
        import oss2  # pip install cos-mock[oss]

        key_id = access_key_id or self.oss_access_key_id
        secret = access_key_secret or self.oss_access_key_secret
        if v4:
            kwargs.setdefault("region", self.oss_region)
            auth = oss2.AuthV4(key_id, secret)
        else:
            auth = oss2.Auth(key_id, secret)
        return oss2.Bucket(auth, self.endpoint, name, **kwargs)

    def __repr__(self):
        where = self.endpoint or "not running"
        return f"<CosMock {where}>"


def _flag(args, name):
    """The value of ``--name VALUE`` or ``--name=VALUE`` in args (the last one), else None."""
    value = None
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(name + "="):
            value = arg.split("=", 1)[1]
    return value


def _first(accounts):
    """The first account of a config list, or {} (a malformed config is the server's to report)."""
    if isinstance(accounts, list) and accounts and isinstance(accounts[0], dict):
        return accounts[0]
    return {}


def _text(value):
    return value if isinstance(value, str) else None
