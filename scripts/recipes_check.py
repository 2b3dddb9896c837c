#!/usr/bin/env python3
"""Runs the recipes in examples/ as far as this machine allows (scripts/test-recipes.sh calls it).

Each recipe configures the cos-mock image: environment, arguments, published ports, health check, and
the client side (endpoint, credentials). Where there is no Docker engine, the image is replaced by the
real binary run the way a container runs it (`Container`): PID 1 of its own PID namespace (so
`cos-mock healthcheck` finds the server's flags as in the image), in its own network namespace (only a
loopback, so port 9400 is free), with the image's environment (the `ENV` lines of the Dockerfile's final
stage) overlaid by the recipe's, and the recipe's arguments. Then the recipe's health check command is
run in those namespaces, every published port is probed, the recipe's own client steps that use
`COS_ENDPOINT` are run there, and a signed create-bucket / put / get (examples/docker-compose/smoke.py)
is made with the recipe's credentials. So a wrong flag, port, variable or health check in a recipe fails.

Where a Docker engine answers, the compose file and the testcontainers example also run for real.

Prints one line per check, `skipped here: K` and `recipes: N passed, M failed`; exits 1 if any check failed.
`--self-test` instead feeds deliberately broken copies of the recipes through the same checks and
fails unless each one is caught.
"""

import argparse
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# The published image every recipe names (the release workflow pushes ghcr.io/<owner>/<repo>).
IMAGE = "ghcr.io/your-org/cos-mock:latest"
HEALTH_PATH = "/_cos-mock/health"
READY = "cos-mock ready on http://"
IMAGE_BINARY = "/cos-mock"
# The emulated container's own address (on its loopback device): published ports and other containers
# reach it there, not on 127.0.0.1, so a server told to listen on 127.0.0.1 is unreachable, as in Docker.
CONTAINER_IP = "10.88.0.2"
NET_UP = f'ip link set lo up && ip addr add {CONTAINER_IP}/32 dev lo && exec "$@"'


class RecipeError(Exception):
    pass


def check(cond, message):
    if not cond:
        raise RecipeError(message)


# --- the image, as the Dockerfile defines it -----------------------------------------------------


def image_config(dockerfile=ROOT / "Dockerfile"):
    """The final stage's environment and HEALTHCHECK command (exec form), as a dict and a list."""
    stage = dockerfile.read_text().split("\nFROM scratch", 1)[1]
    env = {}
    for k, v in re.findall(r"^ENV ([A-Z_]+)=(\S+)$", stage, re.M):
        env[k] = v
    health = re.search(r"^HEALTHCHECK .* CMD (\[.*\])$", stage, re.M)
    check(health, "the Dockerfile's final stage has no exec-form HEALTHCHECK")
    return env, json.loads(health.group(1))


# --- the binary as a container runs it -----------------------------------------------------------


class Container:
    """The real binary as PID 1 of new PID and mount namespaces (a fresh /proc) and, with `net`, a new
    network namespace (loopback up, CONTAINER_IP added); commands run inside with `exec`."""

    def __init__(self, binary, env, args, workdir, net=True):
        self.binary, self.env, self.args, self.net = binary, env, args, net
        self.log_path = Path(tempfile.mkstemp(prefix="server-", suffix=".log", dir=workdir)[1])
        self.proc = None
        self.pid = None

    def start(self, ready=READY, timeout=20):
        env_args = [f"{k}={v}" for k, v in self.env.items()]
        inner = ["env", "-i", *env_args, self.binary, *self.args]
        if self.net:
            inner = ["sh", "-c", NET_UP, "sh", *inner]
        cmd = ["unshare", "--pid", "--fork", "--mount", "--mount-proc"]
        cmd += ["--net"] if self.net else []
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd + inner, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready in self.log_path.read_text(errors="replace"):
                self.pid = self._server_pid()
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RecipeError(f"no {ready!r} line; the server said: {self.log_tail()}")

    def _server_pid(self):
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        check(children, "cannot find the server process")
        pid = int(children[0])
        nspid = re.search(r"^NSpid:.*\s(\d+)$", Path(f"/proc/{pid}/status").read_text(), re.M)
        check(nspid and nspid.group(1) == "1", "the server is not PID 1 of its namespace")
        return pid

    def exec(self, argv, env=None, timeout=60):
        """Runs argv in the server's namespaces (network, PID, mount) and returns the CompletedProcess."""
        ns = ["nsenter", "--target", str(self.pid), "--pid", "--mount"] + (["--net"] if self.net else [])
        full_env = dict(os.environ, **(env or {}))
        return subprocess.run(ns + ["--"] + argv, env=full_env, capture_output=True, text=True, timeout=timeout)

    def log_tail(self, lines=5):
        text = self.log_path.read_text(errors="replace").strip().splitlines()
        return " | ".join(text[-lines:]) or "(nothing)"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            if self.pid:
                try:
                    os.kill(self.pid, 15)
                except ProcessLookupError:
                    pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# --- what every emulated recipe goes through -----------------------------------------------------


class Run:
    def __init__(self, args):
        self.binary = args.binary
        self.python = args.python
        self.workdir = Path(tempfile.mkdtemp(prefix="cos-mock-recipes-"))
        self.results = []  # (status, name, detail)
        self.image_env, self.image_health = image_config()
        self.docker = docker_engine()
        self.root_why = namespaces_unavailable()

    def record(self, status, name, detail=""):
        self.results.append((status, name, detail))
        print(f"{status:7} {name}" + (f": {detail}" if detail else ""), flush=True)

    def attempt(self, name, fn, *a):
        try:
            detail = fn(*a)
        except RecipeError as e:
            self.record("FAILED", name, str(e))
        except Skip as e:
            self.record("SKIPPED", name, str(e))
        except Exception as e:  # a check that crashed is a failed check, with the reason
            self.record("FAILED", name, f"{type(e).__name__}: {e}")
        else:
            self.record("PASSED", name, detail or "")

    def server(self, env, args, net=True):
        if self.root_why:
            raise Skip(self.root_why)
        return Container(self.binary, {**self.image_env, **env}, args, self.workdir, net=net).start()

    def probe(self, c, health_cmd, published, clients):
        """The recipe's health check, each published container port, then each client: (env, scripts)."""
        argv = [self.binary if a == IMAGE_BINARY else a for a in health_cmd]
        r = c.exec(argv, env=self.image_env_only(c))
        check(r.returncode == 0, f"health check {shlex.join(health_cmd)} failed: {r.stderr.strip()}")
        for port in published:
            r = c.exec(["curl", "-fsS", "-m", "5", f"http://{CONTAINER_IP}:{port}{HEALTH_PATH}"])
            check(r.returncode == 0, f"published container port {port}: nothing answers there ({r.stderr.strip()})")
        for env, scripts in clients:
            path = os.pathsep.join([str(Path(self.python).parent), os.environ.get("PATH", "")])
            for script in scripts:
                r = c.exec(["bash", "-e", "-c", script], env={**env, "PATH": path})
                check(r.returncode == 0, f"client step {script.strip()!r} failed: {(r.stderr or r.stdout).strip()}")
            r = c.exec([self.python, str(EXAMPLES / "docker-compose" / "smoke.py")], env=env)
            check(r.returncode == 0, f"signed create/put/get with {env.get('COS_ENDPOINT')}: {r.stderr.strip()[-400:]}")

    def image_env_only(self, c):
        # The health check runs with the container's environment, not the caller's.
        return {k: v for k, v in c.env.items()}

    def summary(self):
        counts = {s: sum(1 for r in self.results if r[0] == s) for s in ("PASSED", "FAILED", "SKIPPED")}
        # The skipped count on its own line: `recipes: N passed, M failed` is what scripts/test.sh counts.
        print(f"skipped here: {counts['SKIPPED']}")
        print(f"recipes: {counts['PASSED']} passed, {counts['FAILED']} failed")
        return counts["FAILED"]


class Skip(Exception):
    pass


def docker_engine():
    """None when a Docker engine answers, else why not."""
    if not shutil.which("docker"):
        return "no docker CLI"
    try:
        r = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return "docker info timed out"
    return None if r.returncode == 0 else f"no Docker engine answers ({r.stderr.strip().splitlines()[-1] if r.stderr.strip() else 'docker info failed'})"


def namespaces_unavailable():
    if os.geteuid() != 0:
        return "running the binary as a container needs root (unshare, nsenter)"
    for tool in ("unshare", "nsenter", "ip", "curl"):
        if not shutil.which(tool):
            return f"{tool} is missing"
    r = subprocess.run(["unshare", "--pid", "--fork", "--net", "--mount", "--mount-proc", "true"], capture_output=True, text=True)
    return None if r.returncode == 0 else f"cannot make namespaces here: {r.stderr.strip()}"


def in_namespace(url, published=None, aliases=()):
    """The client's endpoint in the emulation: CONTAINER_IP and the container port. An alias (compose
    service name, GitLab service alias) names the container port directly; the runner's
    127.0.0.1/localhost reaches it through a published port (host -> container)."""
    u = urllib.parse.urlsplit(url)
    check(u.scheme == "http" and u.port, f"endpoint {url}: want http://HOST:PORT")
    if u.hostname in aliases:
        port = u.port
    else:
        check(u.hostname in ("127.0.0.1", "localhost"), f"endpoint {url}: host is neither 127.0.0.1 nor a service alias {list(aliases)}")
        check(published and u.port in published, f"endpoint {url}: port {u.port} is not published (ports: {published})")
        port = published[u.port]
    return f"http://{CONTAINER_IP}:{port}"


def port_map(ports):
    """Published ports ("HOST:CONTAINER" or "CONTAINER") as {host: container}."""
    out = {}
    for p in ports or []:
        parts = str(p).split("/")[0].split(":")
        check(1 <= len(parts) <= 3 and all(x.isdigit() for x in parts[-2:]), f"cannot read the port mapping {p!r}")
        host, container = (int(parts[-2]), int(parts[-1])) if len(parts) > 1 else (int(parts[0]), int(parts[0]))
        out[host] = container
    return out


def client_env(env, endpoint):
    check(all(k in env for k in ("COS_ENDPOINT", "COS_REGION", "COS_SECRET_ID", "COS_SECRET_KEY")),
          f"the client side lacks one of COS_ENDPOINT, COS_REGION, COS_SECRET_ID, COS_SECRET_KEY: {sorted(env)}")
    return {k: str(v) for k, v in env.items()} | {"COS_ENDPOINT": endpoint}


def scripts_using_endpoint(lines):
    return [s for s in lines if "COS_ENDPOINT" in s]


# --- the recipes ---------------------------------------------------------------------------------


def github_actions_lint(run, path):
    r = subprocess.run([str(ROOT / "scripts" / "lint-workflows.sh"), str(path)], capture_output=True, text=True)
    check(r.returncode == 0, (r.stdout + r.stderr).strip()[-800:])
    return "actionlint and shellcheck clean"


def github_actions_run(run, path):
    doc = yaml.safe_load(path.read_text())
    jobs = [j for j in (doc.get("jobs") or {}).values() if "cos-mock" in (j.get("services") or {})]
    check(len(jobs) == 1, "want one job with a `cos-mock` service")
    job = jobs[0]
    svc = job["services"]["cos-mock"]
    check(svc.get("image") == IMAGE, f"service image {svc.get('image')!r}, want {IMAGE}")
    options = shlex.split(svc.get("options") or "")
    # `docker run --health-cmd` is CMD-SHELL (/bin/sh -c), and the FROM scratch image has no shell.
    check("--health-cmd" not in options, "--health-cmd runs through /bin/sh, which the FROM scratch image lacks; keep the image's HEALTHCHECK and set only --health-interval/-timeout/-retries")
    check("--entrypoint" not in options, "--entrypoint replaces /cos-mock")
    published = port_map(svc.get("ports"))
    env = {k: str(v) for k, v in (svc.get("env") or {}).items()}
    steps = [s["run"] for s in job.get("steps") or [] if "run" in s]
    endpoint = in_namespace(job.get("env", {}).get("COS_ENDPOINT", ""), published)
    check(any(HEALTH_PATH in s for s in steps), f"no step waits on {HEALTH_PATH}")
    with run.server(env, []) as c:
        run.probe(c, run.image_health, sorted(set(published.values())),
                  [(client_env(job.get("env") or {}, endpoint), scripts_using_endpoint(steps))])
    return f"service env {sorted(env)}, ports {svc.get('ports')}, image HEALTHCHECK, {len(scripts_using_endpoint(steps))} client step(s), signed put/get"


def compose_validate(run, path):
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        r = subprocess.run(["docker", "compose", "-f", str(path), "config", "-q"], capture_output=True, text=True)
        check(r.returncode == 0, f"docker compose config: {r.stderr.strip()}")
        how = "docker compose config"
    else:
        how = "parsed (no docker compose plugin here)"
    doc = yaml.safe_load(path.read_text())
    svc = (doc.get("services") or {}).get("cos-mock")
    check(svc, "no `cos-mock` service")
    check(re.fullmatch(r"\$\{COS_MOCK_IMAGE:-" + re.escape(IMAGE) + r"\}", svc.get("image", "")),
          f"image {svc.get('image')!r}, want ${{COS_MOCK_IMAGE:-{IMAGE}}}")
    test = (svc.get("healthcheck") or {}).get("test")
    check(isinstance(test, list) and test[:1] == ["CMD"],
          f"healthcheck test {test!r}: want the exec form [\"CMD\", ...] (CMD-SHELL needs /bin/sh, which the FROM scratch image lacks)")
    users = [n for n, s in doc["services"].items()
             if ((s.get("depends_on") or {}).get("cos-mock") or {}).get("condition") == "service_healthy"]
    check(users, "no service waits for cos-mock with `condition: service_healthy`")
    return how


def compose_env(value):
    if isinstance(value, list):
        return dict(item.split("=", 1) for item in value)
    return {k: str(v) for k, v in (value or {}).items()}


def compose_run(run, path):
    doc = yaml.safe_load(path.read_text())
    svc = doc["services"]["cos-mock"]
    command = svc.get("command") or []
    args = shlex.split(command) if isinstance(command, str) else [str(a) for a in command]
    check("entrypoint" not in svc, "entrypoint replaces /cos-mock")
    published = port_map(svc.get("ports"))
    clients = []
    for name, other in doc["services"].items():
        env = compose_env(other.get("environment"))
        if name != "cos-mock" and "COS_ENDPOINT" in env:
            clients.append((client_env(env, in_namespace(env["COS_ENDPOINT"], aliases=("cos-mock",))), []))
    check(clients, "no service has COS_ENDPOINT")
    with run.server(compose_env(svc.get("environment")), args) as c:
        run.probe(c, svc["healthcheck"]["test"][1:], sorted(set(published.values())), clients)
    return f"environment, command {args}, healthcheck, ports {svc.get('ports')}, smoke.py with the tests service's environment"


def compose_docker(run, path):
    if run.docker:
        raise Skip(run.docker)
    env = dict(os.environ, COS_MOCK_IMAGE=os.environ.get("COS_MOCK_IMAGE", IMAGE))
    base = ["docker", "compose", "-f", str(path), "-p", f"cos-mock-recipes-{os.getpid()}"]
    try:
        r = subprocess.run(base + ["up", "--abort-on-container-exit", "--exit-code-from", "tests"],
                           env=env, capture_output=True, text=True, timeout=600)
    finally:
        subprocess.run(base + ["down", "-v"], env=env, capture_output=True)
    check(r.returncode == 0, (r.stdout + r.stderr).strip()[-800:])
    return f"docker compose up with {env['COS_MOCK_IMAGE']}: tests passed"


def load_module(path):
    spec = importlib.util.spec_from_file_location(f"recipe_{path.parent.name.replace('-', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def testcontainers_run(run, directory):
    """The example's own tests, with testcontainers' DockerContainer replaced by the real binary
    (scripts/recipes_fake_testcontainers.py): the fixture code runs as written."""
    if run.root_why:
        raise Skip(run.root_why)
    conftest = load_module(directory / "conftest.py")
    check(conftest.IMAGE == IMAGE, f"IMAGE default {conftest.IMAGE!r}, want {IMAGE}")
    env = dict(os.environ, RECIPES_BIN=run.binary, RECIPES_IMAGE=IMAGE, RECIPES_IMAGE_ENV=json.dumps(run.image_env),
               RECIPES_WORKDIR=str(run.workdir), PYTHONPATH=os.pathsep.join([str(ROOT / "scripts"), os.environ.get("PYTHONPATH", "")]))
    env.pop("COS_MOCK_IMAGE", None)
    # The tests run in a network namespace of their own (port 9400 free); the server in a PID namespace.
    cmd = ["unshare", "--net", "sh", "-c", NET_UP, "sh",
           run.python, "-m", "pytest", "-q", "-p", "recipes_fake_testcontainers", "-p", "no:cacheprovider", str(directory)]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=directory)
    check(r.returncode == 0, pytest_failure(r))
    return r.stdout.strip().splitlines()[-1]


def pytest_failure(r):
    """pytest's reasons (its `E ` lines, deduplicated) and closing line."""
    lines = (r.stdout + r.stderr).strip().splitlines()
    reasons = list(dict.fromkeys(line[1:].strip() for line in lines if line.startswith("E ")))
    return " | ".join(reasons[-3:] + lines[-1:])[-1200:]


def testcontainers_docker(run, directory):
    if run.docker:
        raise Skip(run.docker)
    env = dict(os.environ)
    r = subprocess.run([run.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(directory)],
                       env=env, capture_output=True, text=True, timeout=600, cwd=directory)
    check(r.returncode == 0, pytest_failure(r))
    return f"with {env.get('COS_MOCK_IMAGE', IMAGE)}: {r.stdout.strip().splitlines()[-1]}"


def gitlab_run(run, path):
    doc = yaml.safe_load(path.read_text())
    jobs = [j for j in doc.values() if isinstance(j, dict) and j.get("services")]
    check(len(jobs) == 1, "want one job with services")
    job = jobs[0]
    services = [s if isinstance(s, dict) else {"name": s} for s in job["services"]]
    svc = next((s for s in services if s.get("name") == IMAGE), None)
    check(svc, f"no service named {IMAGE} (services: {[s.get('name') for s in services]})")
    check("command" not in svc and "entrypoint" not in svc, "the service's command/entrypoint replace /cos-mock's arguments; use variables")
    aliases = [a.strip() for a in str(svc.get("alias", "")).split(",") if a.strip()]
    check(aliases, "the service has no alias")
    variables = {k: str(v) for k, v in (job.get("variables") or {}).items()}
    script = [str(line) for line in job.get("script") or []]
    check(any(HEALTH_PATH in line for line in script), f"no script line waits on {HEALTH_PATH}")
    endpoint = in_namespace(variables.get("COS_ENDPOINT", ""), aliases=aliases)
    # GitLab passes the job's variables to its services too; the service's own come last.
    env = {**variables, **{k: str(v) for k, v in (svc.get("variables") or {}).items()}}
    with run.server(env, []) as c:
        run.probe(c, run.image_health, [], [(client_env(variables, endpoint), scripts_using_endpoint(script))])
    return f"service variables {sorted(svc.get('variables') or {})}, alias {aliases}, {len(scripts_using_endpoint(script))} script line(s), signed put/get"


def main_checks(run, files):
    run.attempt("github-actions: lint", github_actions_lint, run, files["actions"])
    run.attempt("github-actions: service as configured", github_actions_run, run, files["actions"])
    run.attempt("docker-compose: validate", compose_validate, run, files["compose"])
    run.attempt("docker-compose: cos-mock service as configured", compose_run, run, files["compose"])
    run.attempt("docker-compose: docker compose up", compose_docker, run, files["compose"])
    run.attempt("testcontainers-python: example tests (binary as the container)", testcontainers_run, run, files["testcontainers"])
    run.attempt("testcontainers-python: example tests (Docker)", testcontainers_docker, run, files["testcontainers"])
    run.attempt("gitlab-ci: service as configured", gitlab_run, run, files["gitlab"])


RECIPES = {
    "actions": EXAMPLES / "github-actions" / "cos-mock.yml",
    "compose": EXAMPLES / "docker-compose" / "docker-compose.yml",
    "testcontainers": EXAMPLES / "testcontainers-python",
    "gitlab": EXAMPLES / "gitlab-ci" / ".gitlab-ci.yml",
}

# Broken copies for --self-test: (recipe, what is changed, old text, new text, the check that must fail).
BREAKAGES = [
    ("compose", "the server told to listen elsewhere than the published port",
     '    healthcheck:\n', '    command: ["--listen", "0.0.0.0:9500"]\n    healthcheck:\n', compose_run),
    ("compose", "a misspelt flag", '    healthcheck:\n', '    command: ["--lissten", "0.0.0.0:9400"]\n    healthcheck:\n', compose_run),
    ("compose", "a shell-form health check", 'test: ["CMD", "/cos-mock", "healthcheck"]', 'test: /cos-mock healthcheck', compose_validate),
    ("actions", "--health-cmd (needs a shell)", "--health-interval 2s", '--health-cmd "/cos-mock healthcheck" --health-interval 2s', github_actions_run),
    ("actions", "a wrong listen variable", "COS_MOCK_REGION: ap-guangzhou", "COS_MOCK_LISTEN: 127.0.0.1:9400", github_actions_run),
    ("actions", "an unknown step key", "      - name: Tests\n", "      - nme: Tests\n", github_actions_lint),
    ("gitlab", "a wrong endpoint port", "COS_ENDPOINT: http://cos-mock:9400", "COS_ENDPOINT: http://cos-mock:9401", gitlab_run),
    ("gitlab", "a wrong secret key", "COS_SECRET_KEY: cos-mock-root-secret", "COS_SECRET_KEY: wrong", gitlab_run),
    ("testcontainers", "the wrong port exposed", "PORT = 9400", "PORT = 9401", testcontainers_run),
    ("testcontainers", "a wrong environment value", '"COS_MOCK_LOG": "warn"', '"COS_MOCK_AUTH": "maybe"', testcontainers_run),
]


def self_test(run):
    for recipe, what, old, new, fn in BREAKAGES:
        src = RECIPES[recipe]
        copy = run.workdir / f"broken-{len(run.results)}"
        if src.is_dir():
            shutil.copytree(src, copy)
            target = copy / "conftest.py"
            path = copy
        else:
            copy.mkdir()
            target = copy / src.name
            shutil.copy(src, target)
            path = target
        text = target.read_text()
        name = f"self-test: {recipe} with {what} is caught"
        if old not in text:
            run.record("FAILED", name, f"the recipe no longer contains {old!r}")
            continue
        target.write_text(text.replace(old, new, 1))
        try:
            fn(run, path)
        except RecipeError as e:
            run.record("PASSED", name, str(e).splitlines()[0][:160])
        except Skip as e:
            run.record("SKIPPED", name, str(e))
        else:
            run.record("FAILED", name, "the broken recipe passed")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", required=True, help="the cos-mock binary standing in for the image's /cos-mock")
    p.add_argument("--python", default=sys.executable, help="a python with cos-python-sdk-v5, pytest, testcontainers")
    p.add_argument("--self-test", action="store_true", help="check that broken copies of the recipes fail")
    args = p.parse_args()
    run = Run(args)
    try:
        if args.self_test:
            self_test(run)
        else:
            main_checks(run, RECIPES)
    finally:
        shutil.rmtree(run.workdir, ignore_errors=True)
    sys.exit(1 if run.summary() else 0)


if __name__ == "__main__":
    main()
