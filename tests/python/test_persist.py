"""--data-dir through cos-python-sdk-v5: objects (some multipart, some with tags and ACLs) and
bucket configurations written with the SDK survive `kill -9` and a restart on the same
directory byte for byte, an upload in progress can still be completed, the export document
round-trips through import, and a second server on the same directory is refused."""

import hashlib
import json
import os
import signal
import subprocess
import urllib.request

from conftest import BUCKET, REPO_ROOT, Server

MB = 1024 * 1024
N = 50

POLICY = {
    "version": "2.0",
    "Statement": [
        {
            "Principal": {"qcs": ["qcs::cam::anyone:anyone"]},
            "Effect": "allow",
            "Action": ["name/cos:GetObject"],
            "Resource": [f"qcs::cos:ap-guangzhou:uid/1250000000:{BUCKET}/public/*"],
        }
    ],
}
CORS = {"CORSRule": [{"ID": "web", "AllowedOrigin": ["https://app.example"], "AllowedMethod": ["GET", "PUT"], "MaxAgeSeconds": 600}]}
LIFECYCLE = {"Rule": [{"ID": "logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled", "Expiration": {"Days": 3}}]}
TAGS = {"TagSet": {"Tag": [{"Key": "team", "Value": "storage"}]}}


def admin(srv, method, path, body=None):
    req = urllib.request.Request(srv.base_url + path, method=method, data=body,
                                 headers={"Content-Type": "application/json"} if body else {})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.read()


def write_state(client):
    """N objects and the bucket's configurations; what each object must read back as."""
    client.create_bucket(Bucket=BUCKET)
    client.put_bucket_versioning(Bucket=BUCKET, Status="Enabled")
    client.put_bucket_policy(Bucket=BUCKET, Policy=POLICY)
    client.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=CORS)
    client.put_bucket_lifecycle(Bucket=BUCKET, LifecycleConfiguration=LIFECYCLE)
    client.put_bucket_tagging(Bucket=BUCKET, Tagging=TAGS)
    expected = {}
    for i in range(N):
        key = f"obj/{i:03d}" + (" space" if i % 11 == 0 else "")
        body = os.urandom(17 * i + (i % 3))
        if i % 10 == 0:
            upload_id = client.create_multipart_upload(Bucket=BUCKET, Key=key, ContentType="application/x-part")["UploadId"]
            parts = [os.urandom(MB), body]
            etags = [client.upload_part(Bucket=BUCKET, Key=key, Body=p, PartNumber=n, UploadId=upload_id)["ETag"]
                     for n, p in enumerate(parts, start=1)]
            client.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id,
                                             MultipartUpload={"Part": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, start=1)]})
            body = b"".join(parts)
        else:
            kw = {}
            if i % 7 == 0:
                kw["Tagging"] = f"n={i}&kind=tagged"
            if i % 3 == 0:
                kw["ACL"] = "public-read"
            client.put_object(Bucket=BUCKET, Key=key, Body=body, ContentType="text/x-test",
                              Metadata={"x-cos-meta-index": str(i)}, **kw)
        if i % 9 == 0:
            client.put_object_tagging(Bucket=BUCKET, Key=key, Tagging={"TagSet": {"Tag": [{"Key": "later", "Value": str(i)}]}})
        head = client.head_object(Bucket=BUCKET, Key=key)
        expected[key] = {
            "md5": hashlib.md5(body).hexdigest(),
            "head": {h: head.get(h) for h in ("ETag", "Content-Length", "Content-Type", "x-cos-meta-index",
                                               "x-cos-version-id", "x-cos-hash-crc64ecma", "Last-Modified", "x-cos-tagging-count")},
            "tags": client.get_object_tagging(Bucket=BUCKET, Key=key).get("TagSet"),
            "acl": client.get_object_acl(Bucket=BUCKET, Key=key),
        }
    # An overwritten key keeps its older version; a deleted one leaves a delete marker.
    client.put_object(Bucket=BUCKET, Key="obj/001", Body=b"second version")
    expected["obj/001"]["head"] = {h: client.head_object(Bucket=BUCKET, Key="obj/001").get(h) for h in expected["obj/001"]["head"]}
    expected["obj/001"]["md5"] = hashlib.md5(b"second version").hexdigest()
    client.delete_object(Bucket=BUCKET, Key="obj/002")
    del expected["obj/002"]
    return expected


def read_state(client):
    return {
        "policy": client.get_bucket_policy(Bucket=BUCKET),
        "cors": client.get_bucket_cors(Bucket=BUCKET),
        "lifecycle": client.get_bucket_lifecycle(Bucket=BUCKET),
        "tagging": client.get_bucket_tagging(Bucket=BUCKET),
        "versioning": client.get_bucket_versioning(Bucket=BUCKET),
        "versions": client.list_objects_versions(Bucket=BUCKET, MaxKeys=1000),
    }


def check_objects(client, expected):
    for key, want in expected.items():
        got = client.get_object(Bucket=BUCKET, Key=key)
        body = got["Body"].get_raw_stream().read()
        assert hashlib.md5(body).hexdigest() == want["md5"], key
        head = client.head_object(Bucket=BUCKET, Key=key)
        assert {h: head.get(h) for h in want["head"]} == want["head"], key
        assert client.get_object_tagging(Bucket=BUCKET, Key=key).get("TagSet") == want["tags"], key
        assert client.get_object_acl(Bucket=BUCKET, Key=key) == want["acl"], key


def test_sigkill_restart_keeps_every_acknowledged_write(tmp_path):
    data = tmp_path / "data"
    first = Server(extra_args=["--data-dir", str(data)])
    try:
        client = first.client()
        expected = write_state(client)
        before = read_state(client)
        upload_id = client.create_multipart_upload(Bucket=BUCKET, Key="pending", ContentType="text/x-pending")["UploadId"]
        part1 = os.urandom(MB + 3)
        etag1 = client.upload_part(Bucket=BUCKET, Key="pending", Body=part1, PartNumber=1, UploadId=upload_id)["ETag"]
        _, exported = admin(first, "GET", "/_cos-mock/state/export")
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(timeout=10)
    finally:
        first.stop()
    second = Server(extra_args=["--data-dir", str(data)])
    try:
        client = second.client()
        check_objects(client, expected)
        assert read_state(client) == before
        _, again = admin(second, "GET", "/_cos-mock/state/export")
        assert json.loads(again) == json.loads(exported)
        # The upload in progress goes on where it was.
        parts = client.list_parts(Bucket=BUCKET, Key="pending", UploadId=upload_id)["Part"]
        assert [(p["PartNumber"], p["ETag"]) for p in parts] == [("1", etag1)]
        etag2 = client.upload_part(Bucket=BUCKET, Key="pending", Body=b"tail", PartNumber=2, UploadId=upload_id)["ETag"]
        client.complete_multipart_upload(Bucket=BUCKET, Key="pending", UploadId=upload_id,
                                         MultipartUpload={"Part": [{"PartNumber": 1, "ETag": etag1}, {"PartNumber": 2, "ETag": etag2}]})
        got = client.get_object(Bucket=BUCKET, Key="pending")
        assert got["Body"].get_raw_stream().read() == part1 + b"tail"
        assert got["Content-Type"] == "text/x-pending"
        # A second server on the same directory is refused, clearly.
        binary = os.environ.get("COS_MOCK_BIN") or str(REPO_ROOT / "target/debug/cos-mock")
        other = subprocess.run([binary, "--listen", "127.0.0.1:0", "--data-dir", str(data)],
                               capture_output=True, text=True, timeout=30, env={**os.environ, "NO_COLOR": "1"})
        assert other.returncode == 2
        assert "in use by another cos-mock" in other.stderr
    finally:
        second.stop()


def test_export_reset_import_round_trips_through_the_sdk(server, client):
    expected = write_state(client)
    before = read_state(client)
    _, exported = admin(server, "GET", "/_cos-mock/state/export")
    server.reset()
    assert client.list_buckets()["Buckets"] is None or not client.list_buckets()["Buckets"]["Bucket"]
    status, _ = admin(server, "POST", "/_cos-mock/state/import", exported)
    assert status == 204
    check_objects(client, expected)
    assert read_state(client) == before
    _, again = admin(server, "GET", "/_cos-mock/state/export")
    assert json.loads(again) == json.loads(exported)


def test_oss_bucket_survives_sigkill_and_import_with_oss2(tmp_path):
    import oss2
    from oss_helpers import DEFAULT_KEYS, DEFAULT_UID, OSS_REGION

    bucket_name = "persist-oss-bucket"
    data = tmp_path / "data"

    def oss_bucket(srv):
        return oss2.Bucket(oss2.Auth(*DEFAULT_KEYS), srv.base_url, bucket_name, region=OSS_REGION)

    oss_policy = {"Version": "1", "Statement": [{"Effect": "Allow", "Principal": ["*"], "Action": ["oss:GetObject"],
                                                 "Resource": [f"acs:oss:*:{DEFAULT_UID}:{bucket_name}/pub/*"]}]}
    first = Server(extra_args=["--data-dir", str(data)])
    try:
        b = oss_bucket(first)
        b.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ)
        b.put_bucket_policy(json.dumps(oss_policy))
        b.put_object("pub/a.txt", b"alpha", headers={"Content-Type": "text/plain", "x-oss-meta-k": "v"})
        b.put_object("b.bin", os.urandom(3000), headers={"x-oss-object-acl": "private"})
        want = {k: (b.get_object(k).read(), b.head_object(k).etag) for k in ("pub/a.txt", "b.bin")}
        _, exported = admin(first, "GET", "/_cos-mock/state/export")
        assert [x["dialect"] for x in json.loads(exported)["buckets"]] == ["oss"]
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(timeout=10)
    finally:
        first.stop()
    second = Server(extra_args=["--data-dir", str(data)])
    try:
        b = oss_bucket(second)
        for key, (body, etag) in want.items():
            assert b.get_object(key).read() == body
            assert b.head_object(key).etag == etag
        assert b.head_object("pub/a.txt").headers["x-oss-meta-k"] == "v"
        assert b.get_bucket_info().acl.grant == oss2.BUCKET_ACL_PUBLIC_READ
        assert json.loads(b.get_bucket_policy().policy) == oss_policy
        # Reset, then import the export: the same again.
        second.reset()
        status, _ = admin(second, "POST", "/_cos-mock/state/import", exported)
        assert status == 204
        for key, (body, etag) in want.items():
            assert b.get_object(key).read() == body
        _, again = admin(second, "GET", "/_cos-mock/state/export")
        assert json.loads(again) == json.loads(exported)
    finally:
        second.stop()
