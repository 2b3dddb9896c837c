"""README.md as written: every fenced block marked `<!-- snippet: NAME -->` is taken from the
README itself (never retyped) and run against the cos-mock this module starts: the python ones
with this venv's python, the shell ones with bash (the venv's `coscmd` and `python` first on
PATH), the `ini` one as coscmd's `cos.conf`. Only the port 9400 becomes this server's port and
`/tmp/cos-mock-ca.pem` this module's CA file. The node snippet runs in tests/node/readme.test.js.
The config file example (section "Config file") must start a server.
"""

import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import BUCKET, REPO_ROOT, Server
from helpers import read_body

README = REPO_ROOT / "README.md"

# The HTTPS snippets need the TLS listener and its CA (README, "HTTPS, unchanged clients").
CA_DIR = tempfile.mkdtemp(prefix="cos-mock-readme-")
atexit.register(shutil.rmtree, CA_DIR, True)
CA = os.path.join(CA_DIR, "cos-mock-ca.pem")
COS_MOCK_ARGS = ["--tls-listen", "127.0.0.1:0", "--tls-cert-out", CA]

SNIPPET_RE = re.compile(r"^<!-- snippet: ([\w-]+) -->\n```(\w*)\n(.*?)^```$", re.M | re.S)

# Who runs each snippet; a snippet named nowhere here fails test_readme_every_snippet_is_run.
RUN_HERE = {"commands", "python", "node", "coscmd-conf", "coscmd", "https", "https-my-test", "https-proxies"}
RUN_BY_NODE = {"node"}  # tests/node/readme.test.js
NOT_RUN = {
    "bench": "the full benchmark takes minutes and installs nginx, wrk and moto; test.sh runs `scripts/bench.sh --smoke`",
    "go": "no Go toolchain or cos-go-sdk-v5 in the test dependencies",
    "docker": "no Docker engine here; scripts/image-check.sh builds the same image with buildah",
}
# README sections whose every fenced block must carry a snippet marker.
MARKED_SECTIONS = ("The two commands", "Prerequisites", "Pointing clients at it")


def snippets():
    """{name: (language, text)} of the README's marked blocks."""
    found = {}
    for name, lang, text in SNIPPET_RE.findall(README.read_text()):
        assert name not in found, f"README.md has two snippets named {name}"
        found[name] = (lang, text)
    return found


def snippet(name):
    lang, text = snippets()[name]
    return text


def section(title):
    text = README.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def local(text, server):
    """The snippet for this server: its port for 9400, this module's CA file for /tmp's."""
    assert "9400" in text, "the snippet no longer names the default port 9400"
    return text.replace("9400", str(server.port)).replace("/tmp/cos-mock-ca.pem", CA)


def run(args, cwd, **env):
    """Run with a clean proxy environment, the venv's commands first on PATH and HOME in cwd
    (coscmd writes ~/.cos.log)."""
    base = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy", "all_proxy", "requests_ca_bundle")}
    base.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", HOME=str(cwd), **env)
    proc = subprocess.run(args, cwd=cwd, env=base, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{args} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


def bucket_names(server):
    return [b["name"] for b in server.state()["buckets"]]


def test_readme_every_snippet_is_run_or_named():
    names = set(snippets())
    assert names == RUN_HERE | RUN_BY_NODE | set(NOT_RUN), "a README snippet is neither run nor listed in NOT_RUN"
    for title in MARKED_SECTIONS:
        text = section(title)
        fences = re.findall(r"^```\w+$", text, re.M)
        marked = SNIPPET_RE.findall(text)
        assert len(fences) == len(marked), f"section {title!r} has a fenced block without a snippet marker"


def test_readme_python_snippet_creates_bucket_and_object(server, client, tmp_path):
    script = tmp_path / "readme_python.py"
    script.write_text(local(snippet("python"), server))
    proc = run([sys.executable, str(script)], tmp_path)
    assert proc.stdout.strip() == "b'hello'"
    assert read_body(client.get_object(Bucket=BUCKET, Key="doc/a.txt")) == b"hello"


def test_readme_coscmd_snippet_creates_bucket_uploads_and_lists(server, client, tmp_path):
    (tmp_path / "cos.conf").write_text(snippet("coscmd-conf"))
    proc = run(["bash", "-euo", "pipefail", "-c", local(snippet("coscmd"), server)], tmp_path)
    assert bucket_names(server) == [BUCKET]
    assert read_body(client.get_object(Bucket=BUCKET, Key="doc/a.txt")) == b"hello\n"
    assert "doc/a.txt" in proc.stdout + proc.stderr


def test_readme_https_line_runs_an_unchanged_client_through_the_proxy(server, tmp_path):
    (tmp_path / "my_test.py").write_text(snippet("https-my-test"))
    proc = run(["bash", "-euo", "pipefail", "-c", local(snippet("https"), server)], tmp_path)
    assert bucket_names(server) == [BUCKET]
    assert BUCKET in proc.stdout


def test_readme_https_proxies_snippet_needs_only_the_ca(server, tmp_path):
    script = tmp_path / "readme_proxies.py"
    script.write_text(local(snippet("https-proxies"), server))
    run([sys.executable, str(script)], tmp_path, REQUESTS_CA_BUNDLE=CA)
    assert bucket_names(server) == [BUCKET]


def commands():
    """The two commands: [(command, comment)] of the `commands` snippet."""
    lines = [line.split("#", 1) for line in snippet("commands").splitlines()]
    return [(cmd.strip(), comment.strip()) for cmd, comment in lines]


def test_readme_test_command_is_what_ci_runs_and_lists_its_steps():
    cmd, comment = commands()[1]
    assert cmd == "scripts/test.sh"
    assert cmd in (REPO_ROOT / ".ci/run").read_text()
    proc = subprocess.run([cmd, "--list"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    steps = proc.stdout.split()
    for name in ("fmt", "clippy", "cargo-test", "fuzz", "sdk", "image"):
        assert name in steps


@pytest.mark.skipif(os.environ.get("COS_MOCK_README_RELEASE") != "1", reason="a release build: set COS_MOCK_README_RELEASE=1")
def test_readme_serve_command_prints_the_ready_line(tmp_path):
    cmd, comment = commands()[0]
    expected = re.search(r'prints "(cos-mock ready on http://127\.0\.0\.1:)9400"', comment).group(1)
    # Port 0 through the environment (COS_MOCK_LISTEN), so a server already on 9400 does not matter.
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, shell=True, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "COS_MOCK_LISTEN": "127.0.0.1:0", "NO_COLOR": "1"}, start_new_session=True)
    try:
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline and proc.poll() is None:
            if re.search(re.escape(expected) + r"\d+\n", log.read_text(errors="replace")):
                break
            time.sleep(0.5)
        assert re.search(re.escape(expected) + r"\d+\n", log.read_text(errors="replace")), log.read_text(errors="replace")[-3000:]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
        proc.wait(timeout=30)


def test_readme_config_file_example_starts_a_server():
    block = re.search(r"^```json\n(.*?)^```$", section("Config file"), re.M | re.S).group(1)
    srv = Server(config=json.loads(block))
    try:
        assert "examplebucket-1250000000" in [b["name"] for b in srv.state()["buckets"]]
    finally:
        srv.stop()
