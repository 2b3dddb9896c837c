"""Behaviours the python SDK's own suite (ut/test.py) expects of COS (issue 11),
through cos-python-sdk-v5's real methods: the bucket names that suite creates,
empty grant / Content-Type / Cache-Control headers, a signature from
`get_auth` carried in a `sign=` link, a Host of another region than the
bucket's, the SDK's own refusal of keys made only of `/` and `.`, the
normalised GET policy, and HTTPS through cos-mock as the client's proxy
(`Scheme='https'`, `Proxies={'https': 'http://127.0.0.1:PORT'}`), trusting the
CA cos-mock writes with `--tls-cert-out` (VerifySSL=<ca.pem> or
REQUESTS_CA_BUNDLE)."""

import json
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from qcloud_cos import CosConfig, CosS3Client
from qcloud_cos.cos_exception import CosClientError

from conftest import APPID, BUCKET, REGION, SECRET_ID, SECRET_KEY, UIN, vhost
from helpers import expect_error

# The TLS listener makes a local CA at start and writes it here; CONNECT tunnels through the plain
# listener are then terminated with certificates it signs.
CA_PEM = Path(tempfile.mkdtemp(prefix="cos-mock-py-ca-")) / "ca.pem"
COS_MOCK_ARGS = ["--tls-listen", "127.0.0.1:0", "--tls-cert-out", str(CA_PEM)]

SUITE_BUCKETS = [
    f"buckettest-maz-ofs123456-{APPID}",
    f"bucket-inventory1764547200000-{APPID}",
    f"copy-cos-python-v5-test-3-11-ap-guangzhou-{APPID}",
]

# Every grant header the python SDK sends (x-cos-grant-write too, which an object refuses when it
# grants anything).
EMPTY_GRANTS = {"GrantRead": "", "GrantWrite": "", "GrantFullControl": ""}


# ---- bucket names ----

@pytest.mark.parametrize("name", SUITE_BUCKETS)
def test_create_bucket_with_sdk_suite_name_succeeds(client, name):
    client.create_bucket(Bucket=name)
    client.head_bucket(Bucket=name)
    assert name in [b["Name"] for b in client.list_buckets()["Buckets"]["Bucket"]]


def test_create_bucket_over_50_characters_before_the_appid_is_invalid_bucket_name(client):
    expect_error(lambda: client.create_bucket(Bucket="a" * 51 + f"-{APPID}"), 400, "InvalidBucketName")


# ---- empty grant headers ----

def test_put_bucket_acl_with_empty_grants_ignores_them(client, bucket):
    client.put_bucket_acl(Bucket=bucket, ACL="public-read", **EMPTY_GRANTS)
    grants = client.get_bucket_acl(Bucket=bucket)["AccessControlList"]["Grant"]
    uris = [g["Grantee"].get("URI", "") for g in grants]
    assert any(u.endswith("AllUsers") for u in uris), grants


def test_put_object_with_empty_grants_ignores_them(client, bucket):
    client.put_object(Bucket=bucket, Key="o.txt", Body=b"x", **EMPTY_GRANTS)
    client.put_object_acl(Bucket=bucket, Key="o.txt", GrantRead=f'id="qcs::cam::uin/{UIN}:uin/100000000011"',
                          GrantFullControl="")
    acl = client.get_object_acl(Bucket=bucket, Key="o.txt")
    assert "100000000011" in json.dumps(acl)


# ---- Content-Type / Cache-Control ----

@pytest.mark.parametrize("key,given,want", [
    ("1.zip", None, "application/zip"),
    ("1.txt", None, "text/plain"),
    ("1.zip", "", "application/zip"),
    ("noext", "", "application/octet-stream"),
    ("1.unknownext", None, "application/octet-stream"),
    ("1.txt", "image/png", "image/png"),
])
def test_put_object_content_type_from_extension_when_absent(client, bucket, key, given, want):
    kw = {} if given is None else {"ContentType": given}
    client.put_object(Bucket=bucket, Key=key, Body=b"data", **kw)
    assert client.head_object(Bucket=bucket, Key=key)["Content-Type"] == want
    assert client.get_object(Bucket=bucket, Key=key)["Content-Type"] == want


def test_put_object_empty_cache_control_is_absent(client, bucket):
    client.put_object(Bucket=bucket, Key="a.txt", Body=b"x", CacheControl="")
    assert "Cache-Control" not in client.head_object(Bucket=bucket, Key="a.txt")
    client.put_object(Bucket=bucket, Key="b.txt", Body=b"x", CacheControl="max-age=60")
    assert client.head_object(Bucket=bucket, Key="b.txt")["Cache-Control"] == "max-age=60"


def test_multipart_upload_content_type_from_extension(client, bucket):
    upload = client.create_multipart_upload(Bucket=bucket, Key="big.zip")
    part = client.upload_part(Bucket=bucket, Key="big.zip", Body=b"part", PartNumber=1, UploadId=upload["UploadId"])
    client.complete_multipart_upload(Bucket=bucket, Key="big.zip", UploadId=upload["UploadId"],
                                     MultipartUpload={"Part": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert client.head_object(Bucket=bucket, Key="big.zip")["Content-Type"] == "application/zip"


def test_copy_object_replaced_content_type_from_destination_extension(client, bucket):
    client.put_object(Bucket=bucket, Key="src.bin", Body=b"x", ContentType="image/png")
    source = {"Bucket": bucket, "Key": "src.bin", "Region": "ap-guangzhou"}
    client.copy_object(Bucket=bucket, Key="copy.txt", CopySource=source, CopyStatus="Replaced")
    assert client.head_object(Bucket=bucket, Key="copy.txt")["Content-Type"] == "text/plain"
    client.copy_object(Bucket=bucket, Key="kept.txt", CopySource=source)
    assert client.head_object(Bucket=bucket, Key="kept.txt")["Content-Type"] == "image/png"


# ---- get_auth in a sign= link ----

def sign_link(server, client, key, params=None):
    auth = client.get_auth(Method="GET", Bucket=BUCKET, Key=key, Params=dict(params or {}),
                           Headers={"Host": vhost()})
    return f"{server.base_url}/{key}?sign={quote(auth, safe='')}"


def test_get_auth_in_sign_param_reads_the_object(server, client, bucket):
    client.put_object(Bucket=bucket, Key="test.txt", Body=b"content")
    r = requests.get(sign_link(server, client, "test.txt"), headers={"Host": vhost()}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.content == b"content"
    # Signed parameters ride beside it (ut/test.py test_use_get_auth signs `acl` and `unsed`).
    link = sign_link(server, client, "test.txt", {"acl": "", "unsed": "123"})
    r = requests.get(link + "&acl&unsed=123", headers={"Host": vhost()}, timeout=10)
    assert r.status_code == 200, r.text
    assert "<AccessControlPolicy>" in r.text


def test_get_auth_in_sign_param_tampered_is_refused(server, client, bucket):
    client.put_object(Bucket=bucket, Key="test.txt", Body=b"content")
    client.put_object(Bucket=bucket, Key="other.txt", Body=b"other")
    link = sign_link(server, client, "test.txt").replace("/test.txt?", "/other.txt?")
    r = requests.get(link, headers={"Host": vhost()}, timeout=10)
    assert r.status_code == 403, r.text
    assert "<Code>SignatureDoesNotMatch</Code>" in r.text


# ---- a Host of another region ----

def test_client_of_another_region_gets_no_such_bucket(server, client, bucket):
    client.put_object(Bucket=bucket, Key="o", Body=b"x")
    beijing = server.client(Region="ap-beijing")
    expect_error(lambda: beijing.get_object(Bucket=bucket, Key="o"), 404, "NoSuchBucket")
    expect_error(lambda: beijing.put_object(Bucket=bucket, Key="p", Body=b"x"), 404, "NoSuchBucket")
    expect_error(lambda: client.head_object(Bucket=bucket, Key="p"), 404, "NoSuchResource")
    assert client.get_object(Bucket=bucket, Key="o")["Body"].get_raw_stream().read() == b"x"


def test_bucket_created_in_another_region_is_served_there(server):
    beijing = server.client(Region="ap-beijing")
    beijing.create_bucket(Bucket=BUCKET)
    beijing.put_object(Bucket=BUCKET, Key="o", Body=b"x")
    assert beijing.get_object(Bucket=BUCKET, Key="o")["Body"].get_raw_stream().read() == b"x"
    expect_error(lambda: server.client().get_object(Bucket=BUCKET, Key="o"), 404, "NoSuchBucket")


# ---- keys made only of / and . ----

@pytest.mark.parametrize("key", ["/", "///////", "/./", "/abc/../", "///abc/.//def//../../"])
def test_get_object_dot_and_slash_key_is_refused_by_the_sdk(client, bucket, key):
    # The SDK's own check: such keys would reach COS as GET Bucket.
    with pytest.raises(CosClientError):
        client.get_object(Bucket=bucket, Key=key)


def test_key_with_dot_segments_inside_round_trips(client, bucket):
    # The SDK strips one leading `/`; requests keeps `a/./b`-free keys as they are.
    client.put_object(Bucket=bucket, Key="a..b/..c", Body=b"dots")
    assert client.get_object(Bucket=bucket, Key="a..b/..c")["Body"].get_raw_stream().read() == b"dots"


# ---- GET policy ----

def test_get_bucket_policy_answers_normalised_form(client, bucket):
    client.put_bucket_policy(Bucket=bucket, Policy={
        "version": "2.0",
        "principal": {"qcs": [f"qcs::cam::uin/{UIN}:uin/100000000011"]},
        "statement": [{"effect": "allow", "action": "name/cos:GetObject",
                       "resource": f"qcs::cos:ap-guangzhou:uid/{APPID}:{bucket}/*"}],
    })
    got = json.loads(client.get_bucket_policy(Bucket=bucket)["Policy"])
    assert got == {
        "Statement": [{
            "Principal": {"qcs": [f"qcs::cam::uin/{UIN}:uin/100000000011"]},
            "Effect": "allow",
            "Action": ["name/cos:GetObject"],
            "Resource": [f"qcs::cos:ap-guangzhou:uid/{APPID}:{bucket}/*"],
        }],
        "version": "2.0",
    }
    assert list(got["Statement"][0]) == ["Principal", "Effect", "Action", "Resource"]


# ---- HTTPS through cos-mock as the proxy (CONNECT) ----

def https_client(server, region=REGION, **kw):
    conf = CosConfig(Region=region, Scheme="https", SecretId=SECRET_ID, SecretKey=SECRET_KEY,
                     Proxies={"https": f"http://127.0.0.1:{server.port}"}, **kw)
    return CosS3Client(conf, retry=0)


def test_https_through_connect_with_verify_ssl_ca(server):
    cos = https_client(server, VerifySSL=str(CA_PEM))
    cos.create_bucket(Bucket=BUCKET)
    cos.put_object(Bucket=BUCKET, Key="secure.txt", Body=b"over TLS")
    assert cos.get_object(Bucket=BUCKET, Key="secure.txt")["Body"].get_raw_stream().read() == b"over TLS"
    expect_error(lambda: cos.get_object(Bucket=BUCKET, Key="missing"), 404, "NoSuchKey")
    # The plain client sees what the tunnelled one wrote.
    assert server.client().head_object(Bucket=BUCKET, Key="secure.txt")["Content-Type"] == "text/plain"


def test_https_through_connect_with_requests_ca_bundle(server, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(CA_PEM))
    cos = https_client(server)
    cos.create_bucket(Bucket=BUCKET)
    assert [b["Name"] for b in server.client().list_buckets()["Buckets"]["Bucket"]] == [BUCKET]


def test_https_through_connect_other_region_host_is_trusted_and_answers_no_such_bucket(server):
    https_client(server, VerifySSL=str(CA_PEM)).create_bucket(Bucket=BUCKET)
    # The tunnel's certificate names whatever host is asked: the handshake succeeds, and the
    # bucket (in ap-guangzhou) is not in ap-beijing.
    beijing = https_client(server, region="ap-beijing", VerifySSL=str(CA_PEM))
    expect_error(lambda: beijing.get_object(Bucket=BUCKET, Key="o"), 404, "NoSuchBucket")


def test_https_through_connect_without_the_ca_is_refused(server, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    cos = https_client(server)
    with pytest.raises((CosClientError, requests.exceptions.SSLError)):
        cos.create_bucket(Bucket=BUCKET)
