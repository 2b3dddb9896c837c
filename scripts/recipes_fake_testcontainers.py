"""A pytest plugin for scripts/recipes_check.py: testcontainers' DockerContainer and
LogMessageWaitStrategy replaced by stand-ins that run the real cos-mock binary the way the example
configures the container (image name, environment, exposed port, the log line waited for).

Each method the example calls must exist on the real testcontainers class (installed beside), so an
example that calls something testcontainers lacks fails here too. The server is PID 1 of its own PID
namespace, in the network namespace pytest runs in (scripts/recipes_check.py makes one).
"""

import json
import os
import sys

import testcontainers.core.container as real_container
import testcontainers.core.wait_strategies as real_wait

from recipes_check import CONTAINER_IP, Container


def _real(cls, name):
    if not hasattr(cls, name):
        raise AttributeError(f"testcontainers' {cls.__name__} has no {name}")


class LogMessageWaitStrategy:
    def __init__(self, message, times=1, predicate_streams_and=False):
        self.message = message


class DockerContainer:
    def __init__(self, image, **kwargs):
        want = os.environ["RECIPES_IMAGE"]
        if image != want:
            raise AssertionError(f"the example starts {image!r}, want {want!r}")
        self.env, self.ports, self.command, self.wait, self.server = {}, [], [], None, None

    def __getattr__(self, name):
        _real(real_container.DockerContainer, name)
        raise NotImplementedError(f"the recipe check has no stand-in for DockerContainer.{name}")

    def with_exposed_ports(self, *ports):
        self.ports += [int(p) for p in ports]
        return self

    def with_env(self, key, value):
        self.env[key] = str(value)
        return self

    def with_envs(self, **variables):
        self.env.update({k: str(v) for k, v in variables.items()})
        return self

    def with_command(self, command):
        self.command = command.split() if isinstance(command, str) else list(command)
        return self

    def waiting_for(self, strategy):
        self.wait = strategy
        return self

    def start(self):
        image_env = json.loads(os.environ["RECIPES_IMAGE_ENV"])
        ready = self.wait.message if self.wait else "cos-mock ready on http://"
        self.server = Container(os.environ["RECIPES_BIN"], {**image_env, **self.env}, self.command,
                                os.environ["RECIPES_WORKDIR"], net=False).start(ready=ready)
        return self

    def stop(self, **kwargs):
        if self.server:
            self.server.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def get_container_host_ip(self):
        return CONTAINER_IP

    def get_exposed_port(self, port):
        if int(port) not in self.ports:
            raise AssertionError(f"port {port} was not exposed (with_exposed_ports: {self.ports})")
        return str(port)


for _name in ("with_exposed_ports", "with_env", "with_envs", "with_command", "waiting_for", "start", "stop",
              "get_container_host_ip", "get_exposed_port"):
    _real(real_container.DockerContainer, _name)
real_wait.LogMessageWaitStrategy  # noqa: B018 (it must exist)

sys.modules["testcontainers.core.container"] = type(sys)("testcontainers.core.container")
sys.modules["testcontainers.core.container"].DockerContainer = DockerContainer
sys.modules["testcontainers.core.wait_strategies"] = type(sys)("testcontainers.core.wait_strategies")
sys.modules["testcontainers.core.wait_strategies"].LogMessageWaitStrategy = LogMessageWaitStrategy
