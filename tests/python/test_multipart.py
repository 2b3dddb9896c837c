"""cos-python-sdk-v5 against cos-mock: multipart uploads (high-level upload_file and download_file,
and every low-level call), copy_object / copy, delete_objects."""

import hashlib
import os

import pytest
from qcloud_cos import CosConfig, CosS3Client

from conftest import BUCKET, REGION, SECRET_ID, SECRET_KEY
from helpers import crc64ecma, expect_error, read_body

MB = 1024 * 1024


def source(key, bucket=BUCKET):
    return {"Bucket": bucket, "Key": key, "Region": REGION}


@pytest.fixture
def big_file(tmp_path):
    """A 20 MB file (plus a tail, so no part size divides it) of pseudo-random bytes."""
    path = tmp_path / "big.bin"
    data = os.urandom(20 * MB + 12345)
    path.write_bytes(data)
    return path, data


def test_upload_file_multipart_threads_then_download_file(server, client, bucket, big_file, tmp_path):
    path, data = big_file
    resp = client.upload_file(Bucket=bucket, Key="dir/big.bin", LocalFilePath=str(path), PartSize=2, MAXThread=5,
                              EnableMD5=True, ContentType="application/x-test", Metadata={"x-cos-meta-run": "1"})
    assert resp["ETag"].strip('"').endswith("-11"), resp
    assert resp["x-cos-hash-crc64ecma"] == str(crc64ecma(data))
    assert server.state()["buckets"][0]["objects"][0]["size"] == len(data)

    head = client.head_object(Bucket=bucket, Key="dir/big.bin")
    assert head["Content-Length"] == str(len(data))
    assert head["Content-Type"] == "application/x-test"
    assert head["x-cos-meta-run"] == "1"

    dest = tmp_path / "back.bin"
    client.download_file(Bucket=bucket, Key="dir/big.bin", DestFilePath=str(dest), PartSize=4, MAXThread=4, EnableCRC=True)
    assert hashlib.sha256(dest.read_bytes()).digest() == hashlib.sha256(data).digest()
    assert client.list_multipart_uploads(Bucket=bucket).get("Upload") is None


def test_upload_file_small_is_a_single_put(client, bucket, tmp_path):
    path = tmp_path / "small.txt"
    path.write_bytes(b"small")
    client.upload_file(Bucket=bucket, Key="small.txt", LocalFilePath=str(path))
    assert read_body(client.get_object(Bucket=bucket, Key="small.txt")) == b"small"


def test_low_level_multipart_calls(client, bucket):
    key = "dir/low level.bin"
    init = client.create_multipart_upload(Bucket=bucket, Key=key, StorageClass="STANDARD_IA")
    upload_id = init["UploadId"]
    assert init["Bucket"] == bucket and init["Key"] == key

    parts = [os.urandom(MB), os.urandom(MB), b"last"]
    etags = []
    for n, body in enumerate(parts, start=1):
        resp = client.upload_part(Bucket=bucket, Key=key, Body=body, PartNumber=n, UploadId=upload_id)
        assert resp["ETag"] == '"%s"' % hashlib.md5(body).hexdigest()
        assert resp["x-cos-hash-crc64ecma"] == str(crc64ecma(body))
        etags.append(resp["ETag"])

    listed = client.list_parts(Bucket=bucket, Key=key, UploadId=upload_id, MaxParts=2)
    assert listed["Key"] == key
    assert [p["PartNumber"] for p in listed["Part"]] == ["1", "2"]
    assert listed["IsTruncated"] == "true"
    rest = client.list_parts(Bucket=bucket, Key=key, UploadId=upload_id, PartNumberMarker=int(listed["NextPartNumberMarker"]))
    assert [(p["PartNumber"], p["Size"]) for p in rest["Part"]] == [("3", "4")]

    uploads = client.list_multipart_uploads(Bucket=bucket, Prefix="dir/")
    assert [(u["Key"], u["UploadId"], u["StorageClass"]) for u in uploads["Upload"]] == [(key, upload_id, "STANDARD_IA")]

    done = client.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id,
        MultipartUpload={"Part": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, start=1)]})
    whole = b"".join(parts)
    md5s = b"".join(hashlib.md5(p).digest() for p in parts)
    assert done["ETag"] == '"%s-3"' % hashlib.md5(md5s).hexdigest()
    assert done["Key"] == key and done["Bucket"] == bucket
    assert done["x-cos-hash-crc64ecma"] == str(crc64ecma(whole))
    got = client.get_object(Bucket=bucket, Key=key)
    assert read_body(got) == whole
    assert got["x-cos-storage-class"] == "STANDARD_IA"


def test_abort_multipart_upload_then_no_such_upload(client, bucket):
    upload_id = client.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    client.upload_part(Bucket=bucket, Key="k", Body=b"x", PartNumber=1, UploadId=upload_id)
    client.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)
    expect_error(lambda: client.list_parts(Bucket=bucket, Key="k", UploadId=upload_id), 404, "NoSuchUpload")
    expect_error(lambda: client.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id), 404, "NoSuchUpload")


def test_complete_errors_reach_the_sdk(client, bucket):
    upload_id = client.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    e1 = client.upload_part(Bucket=bucket, Key="k", Body=b"a" * 10, PartNumber=1, UploadId=upload_id)["ETag"]
    e2 = client.upload_part(Bucket=bucket, Key="k", Body=b"b", PartNumber=2, UploadId=upload_id)["ETag"]
    complete = lambda parts: client.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Part": parts})
    expect_error(lambda: complete([{"PartNumber": 2, "ETag": e2}, {"PartNumber": 1, "ETag": e1}]), 400, "InvalidPartOrder")
    expect_error(lambda: complete([{"PartNumber": 1, "ETag": e2}]), 400, "InvalidPart")
    expect_error(lambda: complete([{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]), 400, "EntityTooSmall")
    expect_error(lambda: client.upload_part(Bucket=bucket, Key="k", Body=b"x", PartNumber=10001, UploadId=upload_id), 400, "InvalidArgument")


def test_copy_object_and_replaced_metadata(client, bucket):
    client.put_object(Bucket=bucket, Key="src/a b.txt", Body=b"hello", ContentType="text/plain", Metadata={"x-cos-meta-k": "v"})
    resp = client.copy_object(Bucket=bucket, Key="dst.txt", CopySource=source("src/a b.txt"))
    assert resp["ETag"] == '"5d41402abc4b2a76b9719d911017c592"'
    assert resp["CRC64"] == str(crc64ecma(b"hello"))
    got = client.get_object(Bucket=bucket, Key="dst.txt")
    assert read_body(got) == b"hello"
    assert got["Content-Type"] == "text/plain" and got["x-cos-meta-k"] == "v"

    client.copy_object(Bucket=bucket, Key="dst.txt", CopySource=source("dst.txt"), CopyStatus="Replaced", ContentType="text/csv")
    assert client.head_object(Bucket=bucket, Key="dst.txt")["Content-Type"] == "text/csv"
    expect_error(lambda: client.copy_object(Bucket=bucket, Key="dst.txt", CopySource=source("dst.txt")), 400, "InvalidRequest")
    expect_error(lambda: client.copy_object(Bucket=bucket, Key="x", CopySource=source("missing")), 404, "NoSuchKey")
    expect_error(lambda: client.copy_object(Bucket=bucket, Key="x", CopySource=source("src/a b.txt"), CopySourceIfMatch='"nope"'),
                 412, "PreconditionFailed")


def test_copy_high_level_uses_upload_part_copy(server, client, bucket):
    data = os.urandom(3 * MB + 5)
    client.put_object(Bucket=bucket, Key="big.src", Body=data)
    # copy() heads the source at its real domain, ignoring IP mode: reach the mock as a proxy instead.
    config = CosConfig(Region=REGION, SecretId=SECRET_ID, SecretKey=SECRET_KEY, Scheme="http",
                       Proxies={"http": server.base_url})
    config.set_copy_part_threshold_size(MB)
    multipart_client = CosS3Client(config, retry=0)
    # A different storage class and a size over the threshold make the SDK copy by parts.
    resp = multipart_client.copy(Bucket=bucket, Key="big.dst", CopySource=source("big.src"), PartSize=1, MAXThread=3,
                                 StorageClass="STANDARD_IA")
    assert resp["ETag"].strip('"').endswith("-4"), resp
    assert read_body(client.get_object(Bucket=bucket, Key="big.dst")) == data
    # Same class: a single PUT Object - Copy.
    resp = multipart_client.copy(Bucket=bucket, Key="small.dst", CopySource=source("big.src"))
    assert resp["ETag"] == '"%s"' % hashlib.md5(data).hexdigest()


def test_delete_objects_quiet_and_verbose(client, bucket):
    for k in ["a", "dir/b c", "keep"]:
        client.put_object(Bucket=bucket, Key=k, Body=b"x")
    resp = client.delete_objects(Bucket=bucket, Delete={"Quiet": "false", "Object": [{"Key": "a"}, {"Key": "dir/b c"}, {"Key": "missing"}]})
    assert sorted(d["Key"] for d in resp["Deleted"]) == ["a", "dir/b c", "missing"]
    assert "Error" not in resp
    client.put_object(Bucket=bucket, Key="a", Body=b"x")
    resp = client.delete_objects(Bucket=bucket, Delete={"Quiet": "true", "Object": [{"Key": "a"}]})
    assert "Deleted" not in resp and "Error" not in resp
    keys = [c["Key"] for c in client.list_objects(Bucket=bucket).get("Contents", [])]
    assert keys == ["keep"]
