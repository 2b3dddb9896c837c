"""Temporary keys: qcloud-python-sts asks the mock's STS endpoint for a
federation token (real-clients.md §7), then cos-python-sdk-v5 uses it
(`Token=` signs x-cos-security-token) within the policy it was given."""

import pytest
from qcloud_cos import CosS3Client
from qcloud_cos.cos_exception import CosServiceError
from sts.sts import Sts

from conftest import BUCKET, REGION, SECRET_ID, SECRET_KEY
from helpers import expect_error, read_body


def federation_token(server, allow_prefix, allow_actions):
    sts = Sts({
        "url": server.base_url + "/",
        "domain": "sts.tencentcloudapi.com",
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "bucket": BUCKET,
        "region": REGION,
        "allow_prefix": allow_prefix,
        "allow_actions": allow_actions,
        "duration_seconds": 1800,
    })
    return sts.get_credential()


def test_federation_token_allows_what_its_policy_allows(server, client, bucket):
    client.put_object(Bucket=bucket, Key="doc/a.txt", Body=b"shared")
    client.put_object(Bucket=bucket, Key="other/b.txt", Body=b"not shared")
    cred = federation_token(server, ["doc/*"], ["name/cos:GetObject", "name/cos:PutObject"])
    creds = cred["credentials"]
    assert creds["tmpSecretId"] and creds["tmpSecretKey"] and creds["sessionToken"]
    assert cred["expiredTime"] > cred.get("startTime", 0)

    temp = CosS3Client(server.config(creds["tmpSecretId"], creds["tmpSecretKey"], Token=creds["sessionToken"]), retry=0)
    assert read_body(temp.get_object(Bucket=BUCKET, Key="doc/a.txt")) == b"shared"
    temp.put_object(Bucket=BUCKET, Key="doc/new.txt", Body=b"by temp key")
    assert read_body(client.get_object(Bucket=BUCKET, Key="doc/new.txt")) == b"by temp key"
    expect_error(lambda: temp.get_object(Bucket=BUCKET, Key="other/b.txt"), 403, "AccessDenied")
    expect_error(lambda: temp.delete_object(Bucket=BUCKET, Key="doc/a.txt"), 403, "AccessDenied")


def test_temporary_key_without_its_token_is_rejected(server, bucket):
    creds = federation_token(server, ["*"], ["name/cos:GetObject"])["credentials"]
    no_token = CosS3Client(server.config(creds["tmpSecretId"], creds["tmpSecretKey"]), retry=0)
    # cos-api.md §3.2 leaves the code open: InvalidAccessKeyId or AccessDenied.
    err = expect_error_any_403(lambda: no_token.get_object(Bucket=BUCKET, Key="x"))
    assert err.get_error_code() in ("InvalidAccessKeyId", "AccessDenied")


def expect_error_any_403(call):
    with pytest.raises(CosServiceError) as info:
        call()
    assert info.value.get_status_code() == 403, info.value.get_origin_msg()
    return info.value
