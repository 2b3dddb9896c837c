"""APPEND Object, x-cos-forbid-overwrite, x-cos-traffic-limit and a repeated Complete Multipart
Upload through cos-python-sdk-v5 (append_object, put_object, copy_object, complete_multipart_upload,
get_object with TrafficLimit)."""

import time

from conftest import BUCKET, REGION
from helpers import crc64ecma, expect_error, read_body

# The SDK maps no ForbidOverwrite keyword; Metadata entries go out as headers verbatim.
FORBID = {"Metadata": {"x-cos-forbid-overwrite": "true"}}


def test_append_object_grows_an_appendable_object(client, bucket):
    first = client.append_object(Bucket=bucket, Key="log.txt", Position=0, Data=b"hello ")
    assert first["x-cos-next-append-position"] == "6"
    assert first["x-cos-hash-crc64ecma"] == str(crc64ecma(b"hello "))
    second = client.append_object(Bucket=bucket, Key="log.txt", Position=6, Data=b"world")
    assert second["x-cos-next-append-position"] == "11"
    assert second["x-cos-hash-crc64ecma"] == str(crc64ecma(b"hello world"))
    head = client.head_object(Bucket=bucket, Key="log.txt")
    assert head["x-cos-object-type"] == "appendable"
    assert head["Content-Length"] == "11"
    got = client.get_object(Bucket=bucket, Key="log.txt")
    assert read_body(got) == b"hello world"


def test_append_object_errors_reach_the_sdk(client, bucket):
    client.append_object(Bucket=bucket, Key="a", Position=0, Data=b"abc")
    expect_error(lambda: client.append_object(Bucket=bucket, Key="a", Position=1, Data=b"x"),
                 409, "AppendPositionErr")
    client.put_object(Bucket=bucket, Key="n", Body=b"normal")
    expect_error(lambda: client.append_object(Bucket=bucket, Key="n", Position=6, Data=b"x"),
                 409, "ObjectNotAppendable")
    # A PUT over an appendable object makes it normal.
    client.put_object(Bucket=bucket, Key="a", Body=b"put")
    assert "x-cos-object-type" not in client.head_object(Bucket=bucket, Key="a")
    expect_error(lambda: client.append_object(Bucket=bucket, Key="a", Position=3, Data=b"x"),
                 409, "ObjectNotAppendable")


def test_put_object_forbid_overwrite(client, bucket):
    client.put_object(Bucket=bucket, Key="k", Body=b"first", **FORBID)
    expect_error(lambda: client.put_object(Bucket=bucket, Key="k", Body=b"second", **FORBID),
                 409, "FileAlreadyExists")
    assert read_body(client.get_object(Bucket=bucket, Key="k")) == b"first"
    src = {"Bucket": bucket, "Key": "k", "Region": REGION}
    client.put_object(Bucket=bucket, Key="dst", Body=b"dst")
    expect_error(lambda: client.copy_object(Bucket=bucket, Key="dst", CopySource=src, **FORBID),
                 409, "FileAlreadyExists")
    assert read_body(client.get_object(Bucket=bucket, Key="dst")) == b"dst"


def test_complete_multipart_upload_twice_answers_the_same(client, bucket):
    upload_id = client.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etag = client.upload_part(Bucket=bucket, Key="mp", UploadId=upload_id, PartNumber=1, Body=b"part")["ETag"]
    parts = {"Part": [{"PartNumber": "1", "ETag": etag}]}
    first = client.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload_id, MultipartUpload=parts)
    second = client.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload_id, MultipartUpload=parts)
    assert second["ETag"] == first["ETag"]
    assert second["Key"] == "mp"


def test_complete_multipart_upload_forbid_overwrite(client, bucket):
    client.put_object(Bucket=bucket, Key="mp", Body=b"old")
    upload_id = client.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etag = client.upload_part(Bucket=bucket, Key="mp", UploadId=upload_id, PartNumber=1, Body=b"part")["ETag"]
    parts = {"Part": [{"PartNumber": "1", "ETag": etag}]}
    expect_error(lambda: client.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload_id,
                                                          MultipartUpload=parts, **FORBID),
                 409, "FileAlreadyExists")
    assert read_body(client.get_object(Bucket=bucket, Key="mp")) == b"old"


def test_traffic_limit_out_of_range_is_invalid_argument(client, bucket):
    expect_error(lambda: client.put_object(Bucket=bucket, Key="t", Body=b"x", TrafficLimit="100"),
                 400, "InvalidArgument")
    client.put_object(Bucket=bucket, Key="t", Body=b"x", TrafficLimit="1048576")
    expect_error(lambda: client.get_object(Bucket=bucket, Key="t", TrafficLimit="fast"),
                 400, "InvalidArgument")


def test_get_object_traffic_limit_holds_the_rate(client, bucket):
    data = b"A" * (200 * 1024)
    client.put_object(Bucket=bucket, Key="big", Body=data)
    started = time.monotonic()
    got = read_body(client.get_object(Bucket=bucket, Key="big", TrafficLimit="819200"))
    took = time.monotonic() - started
    assert got == data
    # 200 KiB at 100 KiB/s: about 2 s (±30%).
    assert 1.4 < took < 2.6, took
