"""CORS, lifecycle and restore through cos-python-sdk-v5: put/get/delete_bucket_cors,
put/get/delete_bucket_lifecycle, restore_object, and the server clock that applies
lifecycle expiration."""

import json
import urllib.request

from qcloud_cos.cos_comm import get_date

from conftest import BUCKET
from helpers import expect_error

CORS = {
    "CORSRule": [
        {
            "ID": "web",
            "AllowedOrigin": ["http://*.example.com", "http://www.qq.com"],
            "AllowedMethod": ["GET", "PUT"],
            "AllowedHeader": ["*"],
            "ExposeHeader": ["ETag", "x-cos-request-id"],
            "MaxAgeSeconds": 600,
        }
    ]
}

LIFECYCLE = {
    "Rule": [
        {
            "ID": "logs",
            "Filter": {"Prefix": "logs/"},
            "Status": "Enabled",
            "Expiration": {"Days": 3},
        },
        {
            "ID": "dated",
            "Filter": {"Prefix": "old/"},
            "Status": "Disabled",
            "Expiration": {"Date": get_date(2030, 4, 24)},
        },
    ]
}


def advance_clock(server, seconds):
    req = urllib.request.Request(
        server.base_url + "/_cos-mock/clock",
        method="POST",
        data=json.dumps({"advance_seconds": seconds}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200


def test_put_get_delete_bucket_cors_round_trips(client, bucket):
    client.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    got = client.get_bucket_cors(Bucket=bucket)
    rule = got["CORSRule"][0]
    assert rule["ID"] == "web"
    assert rule["AllowedOrigin"] == ["http://*.example.com", "http://www.qq.com"]
    assert rule["AllowedMethod"] == ["GET", "PUT"]
    assert rule["AllowedHeader"] == ["*"]
    assert rule["ExposeHeader"] == ["ETag", "x-cos-request-id"]
    assert rule["MaxAgeSeconds"] == "600"
    client.delete_bucket_cors(Bucket=bucket)
    expect_error(lambda: client.get_bucket_cors(Bucket=bucket), 404, "NoSuchCORSConfiguration")


def test_put_bucket_cors_bad_method_is_invalid_argument(client, bucket):
    bad = {"CORSRule": [{"AllowedOrigin": ["*"], "AllowedMethod": ["PATCH"]}]}
    expect_error(lambda: client.put_bucket_cors(Bucket=bucket, CORSConfiguration=bad), 400, "InvalidArgument")


def test_put_bucket_cors_without_origin_is_malformed_xml(client, bucket):
    bad = {"CORSRule": [{"AllowedMethod": ["GET"]}]}
    expect_error(lambda: client.put_bucket_cors(Bucket=bucket, CORSConfiguration=bad), 400, "MalformedXML")


def test_cors_preflight_after_put_bucket_cors(server, client, bucket):
    client.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    req = urllib.request.Request(
        f"{server.base_url}/{BUCKET}/a.txt",
        method="OPTIONS",
        headers={"Origin": "http://app.example.com", "Access-Control-Request-Method": "PUT"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
        assert resp.headers["Access-Control-Allow-Origin"] == "http://app.example.com"
        assert resp.headers["Access-Control-Expose-Headers"] == "ETag,x-cos-request-id"


def test_put_get_delete_bucket_lifecycle_round_trips(client, bucket):
    client.put_bucket_lifecycle(Bucket=bucket, LifecycleConfiguration=LIFECYCLE)
    got = client.get_bucket_lifecycle(Bucket=bucket)
    rules = {r["ID"]: r for r in got["Rule"]}
    assert rules["logs"]["Filter"]["Prefix"] == "logs/"
    assert rules["logs"]["Expiration"]["Days"] == "3"
    assert rules["dated"]["Status"] == "Disabled"
    assert rules["dated"]["Expiration"]["Date"] == "2030-04-24T00:00:00+08:00"
    client.delete_bucket_lifecycle(Bucket=bucket)
    expect_error(lambda: client.get_bucket_lifecycle(Bucket=bucket), 404, "NoSuchLifecycleConfiguration")


def test_put_bucket_lifecycle_zero_days_is_invalid_argument(client, bucket):
    bad = {"Rule": [{"ID": "x", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 0}}]}
    expect_error(
        lambda: client.put_bucket_lifecycle(Bucket=bucket, LifecycleConfiguration=bad), 400, "InvalidArgument"
    )


def test_lifecycle_expiration_applies_when_server_clock_advances(server, client, bucket):
    client.put_object(Bucket=bucket, Key="logs/a.log", Body=b"log")
    client.put_object(Bucket=bucket, Key="keep.txt", Body=b"keep")
    client.put_bucket_lifecycle(Bucket=bucket, LifecycleConfiguration=LIFECYCLE)
    advance_clock(server, 4 * 86400)
    assert not client.object_exists(Bucket=bucket, Key="logs/a.log")
    assert client.object_exists(Bucket=bucket, Key="keep.txt")


def test_restore_object_makes_archive_object_readable(client, bucket):
    client.put_object(Bucket=bucket, Key="cold.bin", Body=b"cold", StorageClass="ARCHIVE")
    expect_error(lambda: client.get_object(Bucket=bucket, Key="cold.bin"), 403, "InvalidObjectState")
    client.restore_object(
        Bucket=bucket,
        Key="cold.bin",
        RestoreRequest={"Days": 1, "CASJobParameters": {"Tier": "Expedited"}},
    )
    head = client.head_object(Bucket=bucket, Key="cold.bin")
    assert head["x-cos-restore"].startswith('ongoing-request="false", expiry-date="')
    got = client.get_object(Bucket=bucket, Key="cold.bin")
    assert got["Body"].get_raw_stream().read() == b"cold"


def test_restore_standard_object_is_invalid_object_state(client, bucket):
    client.put_object(Bucket=bucket, Key="warm.bin", Body=b"warm")
    expect_error(
        lambda: client.restore_object(Bucket=bucket, Key="warm.bin", RestoreRequest={"Days": 1}),
        403,
        "InvalidObjectState",
    )
