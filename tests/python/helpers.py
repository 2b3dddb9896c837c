"""Shared helpers for the python SDK suites: error assertions, requests
signed by the SDK's own signer (for cases the SDK's calls cannot express),
and a raw-socket client that shows the exact bytes of a response head."""

import contextlib
import socket
import time
import types
from unittest import mock
from urllib.parse import quote

import pytest
import requests
from qcloud_cos import cos_auth
from qcloud_cos.cos_exception import CosServiceError

from conftest import BUCKET, vhost


def expect_error(call, status, code, message=None):
    """Run `call`; it must raise CosServiceError with this status and code
    (and message, when given). The error body must be complete enough for the
    SDK to parse it: a non-empty RequestId and Resource."""
    with pytest.raises(CosServiceError) as info:
        call()
    err = info.value
    assert (err.get_status_code(), err.get_error_code()) == (status, code), err.get_origin_msg()
    if message is not None:
        assert err.get_error_msg() == message
    assert err.get_request_id() not in ("", "Unknown")
    assert err.get_resource_location() not in ("", "Unknown")
    return err


@contextlib.contextmanager
def signing_clock(unix_seconds):
    """Make the python SDK's signer believe it is `unix_seconds` now, so it
    signs a q-sign-time window in the past or the future."""
    fake = types.SimpleNamespace(time=lambda: unix_seconds)
    with mock.patch.object(cos_auth, "time", fake):
        yield


def wire_path(key):
    """The path the python SDK puts on the wire for a key."""
    return "/" + quote(key.encode("utf-8"), "/-_.~").replace("./", ".%2F")


def signed_request(server, client, method, key, headers=None, params=None, data=None, bucket=BUCKET, host=None):
    """Send a request signed by `client.get_auth` (the SDK's own signer) with
    the `requests` library, addressed by virtual host like the SDK does
    (`host` overrides the Host, e.g. for a bucket name the SDK refuses)."""
    host = host or vhost(bucket)
    sign_headers = {"Host": host, **(headers or {})}
    auth = client.get_auth(Method=method, Bucket=BUCKET, Key=key or "/", Headers=dict(sign_headers), Params=dict(params or {}))
    send_headers = {**sign_headers, "Authorization": auth}
    url = server.base_url + (wire_path(key) if key else "/")
    return requests.request(method, url, headers=send_headers, params=params, data=data, timeout=10)


def raw_exchange(server, request_head, body=b""):
    """Send raw bytes (the request head, CRLF line ends, without the final
    blank line) with Connection: close; return (status_line, header_lines,
    body_bytes) exactly as the server wrote them."""
    payload = request_head.rstrip("\r\n").encode("utf-8") + b"\r\nConnection: close\r\n\r\n" + body
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(payload)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks)
    head, sep, rest = raw.partition(b"\r\n\r\n")
    assert sep, f"no end of response head in {raw[:200]!r}"
    lines = head.decode("latin-1").split("\r\n")
    return lines[0], lines[1:], rest


def header_names(header_lines):
    return [line.split(":", 1)[0] for line in header_lines]


def now():
    return int(time.time())


def crc64ecma(data):
    """CRC-64/XZ (ECMA-182 reflected), what COS puts in x-cos-hash-crc64ecma."""
    crc = 0xFFFFFFFFFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xC96C5795D7870F42 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFFFFFFFFFF


def read_body(get_object_response):
    """All bytes of a get_object response body."""
    return b"".join(get_object_response["Body"].get_stream(65536))
