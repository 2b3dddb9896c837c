"""coscmd (the python CLI, from the venv) against the mock used as an HTTP
proxy (real-clients.md §2): `schema = http` plus `http_proxy`, so every
request arrives in absolute form for examplebucket-1250000000.cos...myqcloud.com."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUCKET, REGION, SECRET_ID, SECRET_KEY
from helpers import read_body

COSCMD = Path(sys.executable).parent / "coscmd"

CONF = f"""[common]
secret_id = {SECRET_ID}
secret_key = {SECRET_KEY}
bucket = {BUCKET}
region = {REGION}
max_thread = 2
part_size = 1
retry = 1
timeout = 10
schema = http
verify = md5
anonymous = False
"""


@pytest.fixture
def coscmd(server, tmp_path):
    conf = tmp_path / "cos.conf"
    conf.write_text(CONF)
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy", "all_proxy")}
    env.update(http_proxy=server.base_url, HTTP_PROXY=server.base_url, HOME=str(tmp_path))

    def run(*args, ok=True):
        proc = subprocess.run(
            [str(COSCMD), "-c", str(conf), "-l", str(tmp_path / "cos.log"), *args],
            env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
        )
        if ok:
            assert proc.returncode == 0, f"coscmd {args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        return proc

    return run


def test_coscmd_createbucket(coscmd, client):
    coscmd("createbucket")
    assert [b["Name"] for b in client.list_buckets()["Buckets"]["Bucket"]] == [BUCKET]


@pytest.mark.parametrize("key", ["doc/a.txt", "doc/a b+c.txt", "doc/中文 ü.txt"])
def test_coscmd_upload_stores_object_with_md5_meta(coscmd, client, bucket, tmp_path, key):
    local = tmp_path / "local.txt"
    data = f"uploaded as {key}\n".encode()
    local.write_bytes(data)
    coscmd("upload", str(local), key)
    got = client.get_object(Bucket=bucket, Key=key)
    assert read_body(got) == data
    assert got["x-cos-meta-md5"] == hashlib.md5(data).hexdigest()


def test_coscmd_upload_skipmd5_sends_empty_signed_meta_header(coscmd, client, bucket, tmp_path):
    local = tmp_path / "local.txt"
    local.write_bytes(b"no md5")
    coscmd("upload", "--skipmd5", str(local), "doc/skip.txt")
    assert read_body(client.get_object(Bucket=bucket, Key="doc/skip.txt")) == b"no md5"


def test_coscmd_download(coscmd, client, bucket, tmp_path):
    data = bytes(range(256)) * 8
    client.put_object(Bucket=bucket, Key="doc/a b+c.bin", Body=data)
    dest = tmp_path / "out.bin"
    coscmd("download", "doc/a b+c.bin", str(dest))
    assert dest.read_bytes() == data


def test_coscmd_list(coscmd, client, bucket):
    for key in ["doc/a.txt", "doc/中文 ü.txt", "top.txt"]:
        client.put_object(Bucket=bucket, Key=key, Body=b"x")
    out = coscmd("list", "-ar")
    listing = out.stdout + out.stderr
    for key in ["doc/a.txt", "doc/中文 ü.txt", "top.txt"]:
        assert key in listing, listing
    out = coscmd("list", "doc/")
    listing = out.stdout + out.stderr
    assert "doc/a.txt" in listing and "top.txt" not in listing, listing


def test_coscmd_delete(coscmd, client, bucket):
    client.put_object(Bucket=bucket, Key="doc/gone.txt", Body=b"x")
    client.put_object(Bucket=bucket, Key="doc/stays.txt", Body=b"y")
    coscmd("delete", "-f", "doc/gone.txt")
    assert [c["Key"] for c in client.list_objects(Bucket=bucket)["Contents"]] == ["doc/stays.txt"]


def test_coscmd_delete_recursive(coscmd, client, bucket):
    for key in ["doc/1.txt", "doc/2.txt", "keep.txt"]:
        client.put_object(Bucket=bucket, Key=key, Body=b"x")
    coscmd("delete", "-rf", "doc/")
    assert [c["Key"] for c in client.list_objects(Bucket=bucket)["Contents"]] == ["keep.txt"]


def test_coscmd_download_missing_key_fails(coscmd, bucket, tmp_path):
    proc = coscmd("download", "doc/missing.txt", str(tmp_path / "x"), ok=False)
    assert proc.returncode != 0
    assert not (tmp_path / "x").exists()
