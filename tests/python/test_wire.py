"""What is on the wire: exact response header spellings (the python SDK
indexes its header dict case-sensitively, real-clients.md §9.0), error bodies,
HEAD errors without a body, the SDK's proxy (absolute-form) mode, admin."""

import json
import re
import urllib.request

import pytest
from qcloud_cos import CosConfig, CosS3Client

from conftest import BUCKET, REGION, SECRET_ID, SECRET_KEY, vhost
from helpers import header_names, raw_exchange, wire_path

REQUIRED_ON_GET = ["ETag", "Content-Length", "Content-Type", "Last-Modified", "Date", "Server", "x-cos-request-id", "x-cos-hash-crc64ecma"]
# Names COS spells with capitals; anything else (x-cos-*) is lower case.
CANONICAL = {n.lower(): n for n in ["ETag", "Content-Length", "Content-Type", "Content-Range", "Accept-Ranges", "Last-Modified", "Date", "Server", "Connection"]}


def signed_head(client, method, key, extra=None):
    headers = {"Host": vhost(), **(extra or {})}
    auth = client.get_auth(Method=method, Bucket=BUCKET, Key=key, Headers=dict(headers))
    path = "/" if key == "/" else wire_path(key)
    lines = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()] + [f"Authorization: {auth}"]
    return "\r\n".join(lines)


@pytest.fixture
def hello(client, bucket):
    client.put_object(Bucket=bucket, Key="doc/hello.txt", Body=b"hello", ContentType="text/plain", Metadata={"x-cos-meta-foo": "bar"})
    return "doc/hello.txt"


def test_get_object_response_header_names_are_spelled_as_cos_does(server, client, hello):
    status, lines, body = raw_exchange(server, signed_head(client, "GET", hello))
    assert status.startswith("HTTP/1.1 200")
    names = header_names(lines)
    for name in REQUIRED_ON_GET:
        assert name in names, f"{name!r} not among {names}"
    for name in names:
        if name.lower() in CANONICAL:
            assert name == CANONICAL[name.lower()], f"{name!r} should be spelled {CANONICAL[name.lower()]!r}"
        elif name.lower().startswith("x-cos-"):
            assert name == name.lower(), f"{name!r} should be lower case"
    assert "x-cos-meta-foo" in names
    assert body == b"hello"
    values = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in lines}
    assert values["Server"] == "tencent-cos"
    assert values["ETag"] == '"5d41402abc4b2a76b9719d911017c592"'
    assert values["x-cos-hash-crc64ecma"] == "11177612005948864433"


def test_range_response_header_names(server, client, hello):
    status, lines, body = raw_exchange(server, signed_head(client, "GET", hello, {"Range": "bytes=1-3"}))
    assert status.startswith("HTTP/1.1 206")
    names = header_names(lines)
    assert "Content-Range" in names
    assert body == b"ell"


def test_sdk_header_dicts_have_exact_keys(client, hello):
    put = client.put_object(Bucket=BUCKET, Key="k", Body=b"v")
    for name in ("ETag", "x-cos-request-id", "x-cos-hash-crc64ecma", "Date", "Server"):
        assert name in put, f"{name!r} missing from put_object result {sorted(put)}"
    head = client.head_object(Bucket=BUCKET, Key=hello)
    for name in ("ETag", "Content-Length", "Content-Type", "Last-Modified", "x-cos-request-id", "x-cos-meta-foo"):
        assert name in head, f"{name!r} missing from head_object result {sorted(head)}"


def test_error_response_is_cos_xml_with_request_and_trace_ids(server, client, bucket):
    status, lines, body = raw_exchange(server, signed_head(client, "GET", "missing.txt"))
    assert status.startswith("HTTP/1.1 404")
    values = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in lines}
    assert values["Content-Type"] == "application/xml"
    assert values["x-cos-request-id"]
    assert values["x-cos-trace-id"]
    text = body.decode()
    for element in ("Code", "Message", "Resource", "RequestId", "TraceId"):
        m = re.search(rf"<{element}>([^<]+)</{element}>", text)
        assert m and m.group(1).strip(), f"<{element}> missing or empty in {text}"
    assert "<Code>NoSuchKey</Code>" in text
    assert f"<RequestId>{values['x-cos-request-id']}</RequestId>" in text


def test_head_missing_object_error_has_no_body(server, client, bucket):
    status, lines, body = raw_exchange(server, signed_head(client, "HEAD", "missing.txt"))
    assert status.startswith("HTTP/1.1 404")
    assert body == b""
    names = header_names(lines)
    assert "x-cos-request-id" in names


def test_head_anonymous_private_object_error_has_no_body(server, hello):
    status, lines, body = raw_exchange(server, f"HEAD /{hello} HTTP/1.1\r\nHost: {vhost()}")
    assert status.startswith("HTTP/1.1 403")
    assert body == b""


def test_head_missing_bucket_error_has_no_body(server, client):
    status, _, body = raw_exchange(server, signed_head(client, "HEAD", "/"))
    assert status.startswith("HTTP/1.1 404")
    assert body == b""


def test_python_sdk_in_proxy_mode_sends_absolute_form_and_works(server):
    # real-clients.md §1 C: Proxies= makes requests send `PUT http://host/path`.
    conf = CosConfig(Region=REGION, SecretId=SECRET_ID, SecretKey=SECRET_KEY, Scheme="http", Proxies={"http": server.base_url})
    proxied = CosS3Client(conf, retry=0)
    proxied.create_bucket(Bucket=BUCKET)
    proxied.put_object(Bucket=BUCKET, Key="doc/中文 ü.txt", Body=b"via proxy")
    got = proxied.get_object(Bucket=BUCKET, Key="doc/中文 ü.txt")
    assert got["Body"].get_raw_stream().read() == b"via proxy"
    assert [c["Key"] for c in proxied.list_objects(Bucket=BUCKET)["Contents"]] == ["doc/中文 ü.txt"]


def test_health_endpoint(server):
    with urllib.request.urlopen(server.base_url + "/_cos-mock/health", timeout=10) as resp:
        assert resp.status == 200
        assert json.loads(resp.read()) == {"status": "ok"}


def test_state_endpoint_shows_buckets_and_objects(server, hello):
    state = server.state()
    [b] = [b for b in state["buckets"] if b["name"] == BUCKET]
    assert [o["key"] for o in b["objects"]] == [hello]
    assert b["objects"][0]["etag"].strip('"') == "5d41402abc4b2a76b9719d911017c592"
