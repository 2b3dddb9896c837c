"""Server-side encryption through cos-python-sdk-v5: put_object(ServerSideEncryption=...,
SSEKMSKeyId=..., SSECustomerKey=...), get/head_object with and without the SSE-C key,
copy_object from an SSE-C source, and put/get/delete_bucket_encryption with the default
applied to new objects."""

import base64
import hashlib

from conftest import BUCKET
from helpers import expect_error


def sse_c(byte):
    raw = bytes([byte]) * 32
    return {
        "SSECustomerAlgorithm": "AES256",
        "SSECustomerKey": base64.b64encode(raw).decode(),
        "SSECustomerKeyMD5": base64.b64encode(hashlib.md5(raw).digest()).decode(),
    }


def test_put_object_sse_cos_is_echoed(client, bucket):
    resp = client.put_object(Bucket=bucket, Key="a", Body=b"x", ServerSideEncryption="AES256")
    assert resp["x-cos-server-side-encryption"] == "AES256"
    head = client.head_object(Bucket=bucket, Key="a")
    assert head["x-cos-server-side-encryption"] == "AES256"


def test_put_object_sse_kms_echoes_key_id(client, bucket):
    context = base64.b64encode(b'{"team":"a"}').decode()
    resp = client.put_object(
        Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="cos/kms", SSEKMSKeyId="cmk-1", SSEKMSContext=context
    )
    assert resp["x-cos-server-side-encryption"] == "cos/kms"
    head = client.head_object(Bucket=bucket, Key="k")
    assert head["x-cos-server-side-encryption-cos-kms-key-id"] == "cmk-1"


def test_put_object_unknown_sse_is_invalid_argument(client, bucket):
    expect_error(lambda: client.put_object(Bucket=bucket, Key="a", Body=b"x", ServerSideEncryption="AES128"), 400, "InvalidArgument")


def test_sse_c_object_reads_need_the_same_key(client, bucket):
    key = sse_c(1)
    resp = client.put_object(Bucket=bucket, Key="s", Body=b"hidden", **key)
    assert resp["x-cos-server-side-encryption-customer-algorithm"] == "AES256"
    assert resp["x-cos-server-side-encryption-customer-key-MD5"] == key["SSECustomerKeyMD5"]
    assert "x-cos-server-side-encryption-customer-key" not in resp
    got = client.get_object(Bucket=bucket, Key="s", **key)
    assert got["Body"].get_raw_stream().read() == b"hidden"
    assert client.head_object(Bucket=bucket, Key="s", **key)["x-cos-server-side-encryption-customer-key-MD5"] == key["SSECustomerKeyMD5"]
    expect_error(lambda: client.get_object(Bucket=bucket, Key="s"), 400, "InvalidRequest")
    expect_error(lambda: client.get_object(Bucket=bucket, Key="s", **sse_c(2)), 403, "AccessDenied")


def test_sse_c_wrong_key_md5_is_invalid_argument(client, bucket):
    key = sse_c(1)
    key["SSECustomerKeyMD5"] = sse_c(2)["SSECustomerKeyMD5"]
    expect_error(lambda: client.put_object(Bucket=bucket, Key="s", Body=b"x", **key), 400, "InvalidArgument")


def test_copy_object_from_sse_c_source_with_copy_source_key(client, bucket):
    key = sse_c(3)
    client.put_object(Bucket=bucket, Key="src", Body=b"x", **key)
    source = {"Bucket": BUCKET, "Key": "src", "Region": "ap-guangzhou"}
    expect_error(lambda: client.copy_object(Bucket=bucket, Key="dst", CopySource=source), 400, "InvalidRequest")
    copy_key = {"CopySource" + k: v for k, v in key.items()}
    client.copy_object(Bucket=bucket, Key="dst", CopySource=source, ServerSideEncryption="AES256", **copy_key)
    assert client.head_object(Bucket=bucket, Key="dst")["x-cos-server-side-encryption"] == "AES256"


def test_put_get_delete_bucket_encryption_and_default(client, bucket):
    expect_error(lambda: client.get_bucket_encryption(Bucket=bucket), 404, "NoSuchEncryptionConfiguration")
    config = {"Rule": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    client.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=config)
    got = client.get_bucket_encryption(Bucket=bucket)
    assert got["Rule"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    resp = client.put_object(Bucket=bucket, Key="d", Body=b"x")
    assert resp["x-cos-server-side-encryption"] == "AES256"
    client.delete_bucket_encryption(Bucket=bucket)
    expect_error(lambda: client.get_bucket_encryption(Bucket=bucket), 404, "NoSuchEncryptionConfiguration")
    assert "x-cos-server-side-encryption" not in client.put_object(Bucket=bucket, Key="e", Body=b"x")


def test_put_bucket_encryption_unknown_algorithm_is_invalid_argument(client, bucket):
    config = {"Rule": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "ROT13"}}]}
    expect_error(lambda: client.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=config), 400, "InvalidArgument")


def test_upload_part_copy_into_an_sse_c_upload_needs_its_key(client, bucket):
    key = sse_c(4)
    client.put_object(Bucket=bucket, Key="src", Body=b"source bytes")
    upload = client.create_multipart_upload(Bucket=bucket, Key="big", **key)
    source = {"Bucket": BUCKET, "Key": "src", "Region": "ap-guangzhou"}
    expect_error(
        lambda: client.upload_part_copy(
            Bucket=bucket, Key="big", PartNumber=1, UploadId=upload["UploadId"], CopySource=source
        ),
        400,
        "InvalidRequest",
    )
    part = client.upload_part_copy(
        Bucket=bucket, Key="big", PartNumber=1, UploadId=upload["UploadId"], CopySource=source, **key
    )
    assert part["ETag"]
