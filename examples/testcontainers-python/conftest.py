"""cos-mock in a throwaway container for the test session (testcontainers-python 4), ready once it prints
its ready line; `cos_client` is a cos-python-sdk-v5 client for it with the default account."""

import os

import pytest
from qcloud_cos import CosConfig, CosS3Client

IMAGE = os.environ.get("COS_MOCK_IMAGE", "ghcr.io/your-org/cos-mock:latest")
PORT = 9400  # the image listens on 0.0.0.0:9400 (COS_MOCK_LISTEN)
ENV = {"COS_MOCK_REGION": "ap-guangzhou", "COS_MOCK_LOG": "warn"}
READY = "cos-mock ready on http://"
REGION, SECRET_ID, SECRET_KEY = "ap-guangzhou", "AKIDCOSMOCKROOT", "cos-mock-root-secret"


@pytest.fixture(scope="session")
def cos_mock_endpoint():
    """(host, port) of a cos-mock container, for the whole session."""
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import LogMessageWaitStrategy

    container = (
        DockerContainer(IMAGE)
        .with_exposed_ports(PORT)
        .with_envs(**ENV)
        .waiting_for(LogMessageWaitStrategy(READY))
    )
    with container:
        yield container.get_container_host_ip(), int(container.get_exposed_port(PORT))


@pytest.fixture
def cos_client(cos_mock_endpoint):
    host, port = cos_mock_endpoint
    config = CosConfig(Region=REGION, SecretId=SECRET_ID, SecretKey=SECRET_KEY, Scheme="http",
                       IP=host, Port=port, ServiceDomain=f"{host}:{port}")
    return CosS3Client(config)
