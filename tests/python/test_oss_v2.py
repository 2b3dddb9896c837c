"""The OSS dialect (issue #10) through alibabacloud-oss-v2 1.4.1, with
`signature_version` 'v1' and 'v4' (region cn-hangzhou). Endpoint
`http://127.0.0.1:PORT` with `use_path_style=True` (`/<bucket>/<key>`,
oss.md §2 rule 3); the proxy tests use endpoint
`http://oss-cn-hangzhou.aliyuncs.com` with cos-mock as the HTTP proxy
(virtual-hosted, rule 1). Retries are off (NopRetryer).

Errors: every failed call raises `OperationError`, whose `unwrap()` is the
`ServiceError` (`status_code`, `code`, `request_id` from the body's
RequestId, `ec`, `headers`). HEAD errors have no body (oss.md §4), so the
SDK only knows their status there.

Same accounts as test_oss.py (oss_helpers.OSS_CONFIG). Every 403 a test
provokes is looked up in /_cos-mock/requests (decision `deny`, a reason)."""

import hashlib
import json
import time
from datetime import timedelta

import alibabacloud_oss_v2 as oss
import pytest
import requests

from oss_helpers import (
    A_KEYS, A_UID, B_KEYS, B_UID, BUCKET, EXAMPLE_POLICY, EXAMPLE_POLICY_TEXT, INVALID_POLICIES, LOCATION,
    OSS_CONFIG, OSS_REGION, U11_KEYS, U11_UID, U12_KEYS, U12_UID,
    expect_http_error, journal, policy, res, statement,  # noqa: F401 (journal: a fixture)
)

COS_MOCK_CONFIG = OSS_CONFIG

SIGS = ["v1", "v4"]


def make_client(server, keys, sig, proxy=False):
    cfg = oss.config.load_default()
    if keys is None:
        cfg.credentials_provider = oss.credentials.AnonymousCredentialsProvider()
    else:
        cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(*keys)
    cfg.region = OSS_REGION
    cfg.signature_version = sig
    cfg.retryer = oss.retry.NopRetryer()
    if proxy:
        # A dict: a plain string becomes {"http://": ...}, which `requests` never matches.
        cfg.endpoint = "http://oss-cn-hangzhou.aliyuncs.com"
        cfg.proxy_host = {"http": server.base_url}
    else:
        cfg.endpoint = server.base_url
        cfg.use_path_style = True
    return oss.Client(cfg)


def service_error(call):
    with pytest.raises(oss.exceptions.OperationError) as info:
        call()
    err = info.value.unwrap()
    assert isinstance(err, oss.exceptions.ServiceError), repr(info.value)
    return err


def expect_v2_error(call, status, code, journal=None):
    """The call must fail with a ServiceError of this status and code; its
    request_id (the body's RequestId) is the x-oss-request-id header, its
    `ec` is set. A 403 is remembered for the journal check."""
    err = service_error(call)
    assert (err.status_code, err.code) == (status, code), (err.status_code, err.code, err.snapshot)
    assert err.request_id, err.snapshot
    assert err.request_id == err.headers.get("x-oss-request-id"), (err.request_id, dict(err.headers))
    assert err.ec, err.snapshot
    assert err.message, err.snapshot
    if journal is not None and status == 403:
        journal.add(err.request_id)
    return err


def md5_hex(data):
    return hashlib.md5(data).hexdigest()


def unquote_etag(etag):
    return etag.strip('"').lower()


@pytest.fixture(params=SIGS)
def sig(request):
    return request.param


@pytest.fixture
def a(server, sig):
    return make_client(server, A_KEYS, sig)


@pytest.fixture
def owner(a):
    """Root A's client, with BUCKET created and a few objects in it."""
    assert a.put_bucket(oss.PutBucketRequest(bucket=BUCKET)).status_code == 200
    for key, body in [("doc/a.txt", b"doc a"), ("other/b.txt", b"other b"), ("secret/s.txt", b"secret"),
                      ("u12/own.txt", b"u12 own"), ("u12/private/p.txt", b"u12 private"), ("pub/p.txt", b"public")]:
        put(a, key, body)
    return a


def put(c, key, body, bucket=BUCKET):
    return c.put_object(oss.PutObjectRequest(bucket=bucket, key=key, body=body))


def get(c, key, bucket=BUCKET):
    return c.get_object(oss.GetObjectRequest(bucket=bucket, key=key)).body.content


def put_policy(c, doc, bucket=BUCKET):
    body = doc if isinstance(doc, str) else json.dumps(doc)
    return c.put_bucket_policy(oss.PutBucketPolicyRequest(bucket=bucket, body=body))


def get_policy(c, bucket=BUCKET):
    return c.get_bucket_policy(oss.GetBucketPolicyRequest(bucket=bucket))


# ---------------------------------------------------------------- buckets and objects

def test_bucket_round_trip(server, a, sig):
    expect_v2_error(lambda: a.get_bucket_info(oss.GetBucketInfoRequest(bucket=BUCKET)), 404, "NoSuchBucket")
    created = a.put_bucket(oss.PutBucketRequest(bucket=BUCKET))
    assert created.status_code == 200
    assert created.request_id
    assert a.get_bucket_location(oss.GetBucketLocationRequest(bucket=BUCKET)).location == LOCATION
    info = a.get_bucket_info(oss.GetBucketInfoRequest(bucket=BUCKET)).bucket_info
    assert info.name == BUCKET
    assert info.owner.id == A_UID
    b = make_client(server, B_KEYS, sig)
    expect_v2_error(lambda: b.put_bucket(oss.PutBucketRequest(bucket=BUCKET)), 409, "BucketAlreadyExists")


@pytest.mark.parametrize("key", ["plain.txt", "doc/a b+c.txt", "dir with space/sub dir/x y.txt", "doc/中文 ü.txt",
                                 "doc/odd~!*()';,=@$&[]#%.txt"])
def test_object_round_trip(a, key):
    a.put_bucket(oss.PutBucketRequest(bucket=BUCKET))
    data = ("hello oss v2 " + key).encode()
    result = put(a, key, data)
    assert result.status_code == 200
    assert unquote_etag(result.etag) == md5_hex(data)
    got = a.get_object(oss.GetObjectRequest(bucket=BUCKET, key=key))
    assert got.body.content == data
    assert got.content_length == len(data)
    assert unquote_etag(got.etag) == md5_hex(data)
    head = a.head_object(oss.HeadObjectRequest(bucket=BUCKET, key=key))
    assert head.content_length == len(data)
    assert unquote_etag(head.etag) == md5_hex(data)
    assert head.last_modified is not None

    deleted = a.delete_object(oss.DeleteObjectRequest(bucket=BUCKET, key=key))
    assert deleted.status_code == 204
    expect_v2_error(lambda: get(a, key), 404, "NoSuchKey")
    err = service_error(lambda: a.head_object(oss.HeadObjectRequest(bucket=BUCKET, key=key)))
    assert err.status_code == 404
    assert err.headers.get("x-oss-request-id")
    assert a.delete_object(oss.DeleteObjectRequest(bucket=BUCKET, key=key)).status_code == 204


def test_missing_bucket_and_key(a):
    expect_v2_error(lambda: get(a, "a.txt", bucket="oss-sdk-missing"), 404, "NoSuchBucket")
    expect_v2_error(lambda: put(a, "a.txt", b"x", bucket="oss-sdk-missing"), 404, "NoSuchBucket")
    a.put_bucket(oss.PutBucketRequest(bucket=BUCKET))
    expect_v2_error(lambda: get(a, "nope.txt"), 404, "NoSuchKey")


LIST_KEYS = ["a.txt", "dir/one.txt", "dir/sub/three.txt", "dir/sub/four.txt", "dir/two.txt",
             "dir/with space.txt", "z.txt"]


@pytest.fixture
def listed(a):
    a.put_bucket(oss.PutBucketRequest(bucket=BUCKET))
    for key in LIST_KEYS:
        put(a, key, key.encode())
    return a


def keys_of(result):
    return [o.key for o in (result.contents or [])]


def prefixes_of(result):
    return [p.prefix for p in (result.common_prefixes or [])]


def test_list_objects_v1(listed):
    everything = listed.list_objects(oss.ListObjectsRequest(bucket=BUCKET, max_keys=100))
    assert keys_of(everything) == sorted(LIST_KEYS)
    assert not everything.is_truncated
    first = everything.contents[0]
    assert (first.size, unquote_etag(first.etag)) == (len(b"a.txt"), md5_hex(b"a.txt"))

    top = listed.list_objects(oss.ListObjectsRequest(bucket=BUCKET, delimiter="/"))
    assert keys_of(top) == ["a.txt", "z.txt"]
    assert prefixes_of(top) == ["dir/"]

    keys, prefixes, marker, pages = [], [], None, 0
    while True:
        page = listed.list_objects(oss.ListObjectsRequest(bucket=BUCKET, prefix="dir/", delimiter="/",
                                                          marker=marker, max_keys=1))
        pages += 1
        assert len(keys_of(page)) + len(prefixes_of(page)) <= 1
        keys += keys_of(page)
        prefixes += prefixes_of(page)
        if not page.is_truncated:
            break
        assert page.next_marker
        marker = page.next_marker
        assert pages < 10
    assert keys == ["dir/one.txt", "dir/two.txt", "dir/with space.txt"]
    assert prefixes == ["dir/sub/"]
    assert pages >= 3


def test_list_objects_v2(listed):
    everything = listed.list_objects_v2(oss.ListObjectsV2Request(bucket=BUCKET, max_keys=100))
    assert keys_of(everything) == sorted(LIST_KEYS)
    assert everything.key_count == len(LIST_KEYS)
    assert not everything.is_truncated

    keys, prefixes, token, pages = [], [], None, 0
    while True:
        page = listed.list_objects_v2(oss.ListObjectsV2Request(bucket=BUCKET, prefix="dir/", delimiter="/",
                                                               continuation_token=token, max_keys=1))
        pages += 1
        assert len(keys_of(page)) + len(prefixes_of(page)) <= 1
        assert page.key_count == len(keys_of(page)) + len(prefixes_of(page))
        keys += keys_of(page)
        prefixes += prefixes_of(page)
        if not page.is_truncated:
            break
        assert page.next_continuation_token
        token = page.next_continuation_token
        assert pages < 10
    assert keys == ["dir/one.txt", "dir/two.txt", "dir/with space.txt"]
    assert prefixes == ["dir/sub/"]
    assert pages >= 3

    after = listed.list_objects_v2(oss.ListObjectsV2Request(bucket=BUCKET, start_after="dir/two.txt"))
    assert keys_of(after) == ["dir/with space.txt", "z.txt"]


# ---------------------------------------------------------------- bucket policy

def test_policy_put_get_delete(a):
    a.put_bucket(oss.PutBucketRequest(bucket=BUCKET))
    expect_v2_error(lambda: get_policy(a), 404, "NoSuchBucketPolicy")
    # The SDK sends the JSON with Content-Type: application/xml (real-clients.md §6).
    assert put_policy(a, EXAMPLE_POLICY_TEXT).status_code == 200
    got = get_policy(a)
    assert got.status_code == 200
    assert json.loads(got.body) == EXAMPLE_POLICY
    assert a.delete_bucket_policy(oss.DeleteBucketPolicyRequest(bucket=BUCKET)).status_code == 204
    expect_v2_error(lambda: get_policy(a), 404, "NoSuchBucketPolicy")


@pytest.mark.parametrize("name", list(INVALID_POLICIES))
def test_invalid_policy_rejected_and_not_stored(a, name):
    a.put_bucket(oss.PutBucketRequest(bucket=BUCKET))
    doc = INVALID_POLICIES[name]
    expect_v2_error(lambda: put_policy(a, doc), 400, "InvalidPolicyDocument")
    expect_v2_error(lambda: get_policy(a), 404, "NoSuchBucketPolicy")
    put_policy(a, EXAMPLE_POLICY_TEXT)
    expect_v2_error(lambda: put_policy(a, doc), 400, "InvalidPolicyDocument")
    assert json.loads(get_policy(a).body) == EXAMPLE_POLICY


# ---------------------------------------------------------------- signatures

def test_wrong_secret_and_unknown_key(server, a, sig, journal):
    a.put_bucket(oss.PutBucketRequest(bucket=BUCKET))
    wrong = make_client(server, (A_KEYS[0], "not-the-secret"), sig)
    expect_v2_error(lambda: wrong.get_bucket_info(oss.GetBucketInfoRequest(bucket=BUCKET)), 403,
                    "SignatureDoesNotMatch", journal)
    expect_v2_error(lambda: put(wrong, "a.txt", b"x"), 403, "SignatureDoesNotMatch", journal)
    unknown = make_client(server, ("LTAI5tNoSuchKey0000000", "whatever"), sig)
    expect_v2_error(lambda: unknown.get_bucket_info(oss.GetBucketInfoRequest(bucket=BUCKET)), 403,
                    "InvalidAccessKeyId", journal)
    expect_v2_error(lambda: get(unknown, "a.txt"), 403, "InvalidAccessKeyId", journal)
    expect_v2_error(lambda: get(a, "a.txt"), 404, "NoSuchKey")


@pytest.fixture
def presign_object(a):
    a.put_bucket(oss.PutBucketRequest(bucket=BUCKET))
    put(a, "dir/a file.txt", b"signed body")
    put(a, "dir/other.txt", b"other body")
    return a


def presign_get(c, key, **kw):
    return c.presign(oss.GetObjectRequest(bucket=BUCKET, key=key), **kw).url


def test_presigned_url_valid(presign_object):
    url = presign_get(presign_object, "dir/a file.txt", expires=timedelta(seconds=60))
    resp = requests.get(url, timeout=10)
    assert resp.status_code == 200, resp.text
    assert resp.content == b"signed body"


def test_presigned_url_expired(server, presign_object, journal):
    # v4 writes x-oss-expires = int(expiration - now), which truncates a 1-second
    # expiry to 0 (refused as malformed); 2 seconds give x-oss-expires=1.
    url = presign_get(presign_object, "dir/a file.txt", expires=timedelta(seconds=2))
    time.sleep(3.2)
    expect_http_error(requests.get(url, timeout=10), 403, "AccessDenied", journal)


def test_presigned_url_tampered(server, presign_object, sig, journal):
    url = presign_get(presign_object, "dir/a file.txt", expires=timedelta(seconds=60))
    assert "a%20file.txt" in url
    other_key = url.replace("a%20file.txt", "other.txt", 1)
    expect_http_error(requests.get(other_key, timeout=10), 403, "SignatureDoesNotMatch", journal)
    name = "Signature=" if sig == "v1" else "x-oss-signature="
    head, _, tail = url.partition(name)
    assert tail, url
    forged = head + name + ("AAAA" if not tail.startswith("AAAA") else "BBBB") + tail[4:]
    expect_http_error(requests.get(forged, timeout=10), 403, "SignatureDoesNotMatch", journal)


# ---------------------------------------------------------------- access decisions

def test_other_account_denied_then_allowed_by_policy(server, owner, sig, journal):
    b = make_client(server, B_KEYS, sig)
    expect_v2_error(lambda: get(b, "doc/a.txt"), 403, "AccessDenied", journal)
    expect_v2_error(lambda: put(b, "doc/new.txt", b"x"), 403, "AccessDenied", journal)
    expect_v2_error(lambda: b.list_objects(oss.ListObjectsRequest(bucket=BUCKET)), 403, "AccessDenied", journal)

    put_policy(owner, policy(statement("Allow", [B_UID], ["oss:GetObject", "oss:PutObject"], [res(BUCKET, "doc/*")])))

    assert get(b, "doc/a.txt") == b"doc a"
    put(b, "doc/new.txt", b"by B")
    assert get(owner, "doc/new.txt") == b"by B"
    expect_v2_error(lambda: get(b, "other/b.txt"), 403, "AccessDenied", journal)
    expect_v2_error(lambda: b.delete_object(oss.DeleteObjectRequest(bucket=BUCKET, key="doc/a.txt")), 403,
                    "AccessDenied", journal)
    expect_v2_error(lambda: get_policy(b), 403, "AccessDenied", journal)


def test_ram_users(server, owner, sig, journal):
    u11 = make_client(server, U11_KEYS, sig)
    u12 = make_client(server, U12_KEYS, sig)
    expect_v2_error(lambda: get(u11, "doc/a.txt"), 403, "AccessDenied", journal)
    # u12's RAM policy: Put/Get on u12/* only.
    put(u12, "u12/new.txt", b"by u12")
    assert get(u12, "u12/new.txt") == b"by u12"
    expect_v2_error(lambda: get(u12, "doc/a.txt"), 403, "AccessDenied", journal)

    put_policy(owner, policy(statement("Allow", [U11_UID], ["oss:GetObject"], [res(BUCKET, "doc/*")])))
    assert get(u11, "doc/a.txt") == b"doc a"
    expect_v2_error(lambda: get(u11, "other/b.txt"), 403, "AccessDenied", journal)
    expect_v2_error(lambda: put(u11, "doc/a.txt", b"x"), 403, "AccessDenied", journal)


def test_explicit_deny_wins(server, owner, sig, journal):
    b = make_client(server, B_KEYS, sig)
    u12 = make_client(server, U12_KEYS, sig)
    put_policy(owner, policy(
        statement("Allow", [B_UID], ["oss:*"], [res(BUCKET, "*")]),
        statement("Deny", [B_UID], ["oss:GetObject"], [res(BUCKET, "secret/*")]),
        statement("Deny", [U12_UID], ["oss:GetObject"], [res(BUCKET, "u12/private/*")])))
    assert get(b, "doc/a.txt") == b"doc a"
    expect_v2_error(lambda: get(b, "secret/s.txt"), 403, "AccessDenied", journal)
    assert get(u12, "u12/own.txt") == b"u12 own"
    expect_v2_error(lambda: get(u12, "u12/private/p.txt"), 403, "AccessDenied", journal)
    assert get(owner, "secret/s.txt") == b"secret"


# ---------------------------------------------------------------- virtual host through the proxy

def test_virtual_host_through_proxy(server, sig, journal):
    a = make_client(server, A_KEYS, sig, proxy=True)
    assert a.put_bucket(oss.PutBucketRequest(bucket=BUCKET)).status_code == 200
    assert a.get_bucket_location(oss.GetBucketLocationRequest(bucket=BUCKET)).location == LOCATION
    put(a, "dir/a b.txt", b"through the proxy")
    assert get(a, "dir/a b.txt") == b"through the proxy"
    assert keys_of(a.list_objects_v2(oss.ListObjectsV2Request(bucket=BUCKET, prefix="dir/"))) == ["dir/a b.txt"]
    # The same object path style, directly.
    assert get(make_client(server, A_KEYS, sig), "dir/a b.txt") == b"through the proxy"
    expect_v2_error(lambda: get(make_client(server, B_KEYS, sig, proxy=True), "dir/a b.txt"), 403,
                    "AccessDenied", journal)


def test_anonymous_through_proxy(server, sig, journal):
    """v2 with AnonymousCredentialsProvider sends unsigned requests; through
    the proxy they carry the OSS Host `<bucket>.oss-cn-hangzhou.aliyuncs.com`."""
    a = make_client(server, A_KEYS, sig)
    a.put_bucket(oss.PutBucketRequest(bucket=BUCKET))
    put(a, "pub/p.txt", b"public")
    put(a, "doc/a.txt", b"doc a")
    anon = make_client(server, None, sig, proxy=True)
    expect_v2_error(lambda: get(anon, "pub/p.txt"), 403, "AccessDenied", journal)
    put_policy(a, policy(statement("Allow", ["*"], ["oss:GetObject"], [res(BUCKET, "pub/*")])))
    assert get(anon, "pub/p.txt") == b"public"
    expect_v2_error(lambda: get(anon, "doc/a.txt"), 403, "AccessDenied", journal)
    expect_v2_error(lambda: put(anon, "pub/new.txt", b"x"), 403, "AccessDenied", journal)
