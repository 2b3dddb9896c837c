"""The OSS dialect (issue #10) through oss2 2.19.1, with `oss2.Auth` (V1) and
`oss2.AuthV4` (V4, region cn-hangzhou). Endpoint `http://127.0.0.1:PORT`, so
oss2 addresses path style (`/<bucket>/<key>`, `/` inside keys sent as `%2F`)
and cos-mock recognises OSS by the credential (oss.md §2 rule 3); the proxy
tests use endpoint `http://oss-cn-hangzhou.aliyuncs.com` with cos-mock as the
HTTP proxy (rule 1, virtual-hosted).

Accounts (oss_helpers.OSS_CONFIG, oss.md §1): root A 1000000000000001 with
RAM users 2000000000000011 (no policy) and 2000000000000012 (RAM: Put/Get on
<bucket>/u12/*), root B 1000000000000002; bucket oss-conf-examplebucket
from the config. Every 403 a test provokes is looked up by its
x-oss-request-id in /_cos-mock/requests (decision `deny`, a reason)."""

import hashlib
import json
import time
import types
from datetime import datetime, timedelta
from email.utils import formatdate
from unittest import mock

import oss2
import pytest
import requests

from oss_helpers import (
    A_KEYS, A_UID, B_KEYS, B_UID, BUCKET, EXAMPLE_POLICY, EXAMPLE_POLICY_TEXT, INVALID_POLICIES, LOCATION,
    OSS_CONFIG, OSS_REGION, PRESET_BUCKET, U11_KEYS, U11_UID, U12_KEYS, U12_UID,
    anonymous, expect_http_error, journal, policy, res, statement,  # noqa: F401 (journal: a fixture)
)

COS_MOCK_CONFIG = OSS_CONFIG

SIGS = ["v1", "v4"]


def make_bucket(server, keys, sig, bucket=BUCKET, **kw):
    auth = oss2.Auth(*keys) if sig == "v1" else oss2.AuthV4(*keys)
    return oss2.Bucket(auth, server.base_url, bucket, region=OSS_REGION, **kw)


def proxied_bucket(server, keys, sig, bucket=BUCKET):
    """Virtual-hosted requests (`<bucket>.oss-cn-hangzhou.aliyuncs.com`) sent
    through cos-mock as the HTTP proxy."""
    auth = oss2.Auth(*keys) if sig == "v1" else oss2.AuthV4(*keys)
    return oss2.Bucket(auth, "http://oss-cn-hangzhou.aliyuncs.com", bucket, region=OSS_REGION,
                       proxies={"http": server.base_url})


def expect_oss_error(call, status, code, journal=None):
    """`call` must raise an oss2 ServerError with this status and code, whose
    request id (the x-oss-request-id header) is the RequestId of the body.
    A 403 is remembered for the journal check."""
    with pytest.raises(oss2.exceptions.ServerError) as info:
        call()
    err = info.value
    assert (err.status, err.code) == (status, code), (err.status, err.code, err.body)
    assert err.request_id, f"no x-oss-request-id: {err.headers}"
    assert err.details.get("RequestId") == err.request_id, err.details
    for name in ("Message", "HostId", "EC"):
        assert err.details.get(name), f"{name} missing or empty: {err.details}"
    if journal is not None and status == 403:
        journal.add(err.request_id)
    return err


def md5_hex(data):
    return hashlib.md5(data).hexdigest()


@pytest.fixture(params=SIGS)
def sig(request):
    return request.param


@pytest.fixture
def owner(server, sig):
    """Root A's oss2.Bucket for BUCKET, created fresh, with a few objects."""
    b = make_bucket(server, A_KEYS, sig)
    assert b.create_bucket().status == 200
    for key, body in [("doc/a.txt", b"doc a"), ("other/b.txt", b"other b"), ("secret/s.txt", b"secret"),
                      ("u12/own.txt", b"u12 own"), ("u12/private/p.txt", b"u12 private"), ("pub/p.txt", b"public")]:
        b.put_object(key, body)
    return b


def read(bucket, key):
    return bucket.get_object(key).read()


# ---------------------------------------------------------------- buckets and objects

def test_bucket_round_trip(server, sig):
    b = make_bucket(server, A_KEYS, sig)
    expect_oss_error(lambda: b.get_bucket_info(), 404, "NoSuchBucket")
    result = b.create_bucket()
    assert result.status == 200
    assert result.request_id
    assert b.get_bucket_location().location == LOCATION
    info = b.get_bucket_info()
    assert info.name == BUCKET
    assert info.owner.id == A_UID
    # Another account cannot take the name.
    expect_oss_error(lambda: make_bucket(server, B_KEYS, sig).create_bucket(), 409, "BucketAlreadyExists")


def test_config_bucket_exists_after_reset(server, sig, journal):
    b = make_bucket(server, A_KEYS, sig, bucket=PRESET_BUCKET)
    info = b.get_bucket_info()
    assert (info.name, info.owner.id) == (PRESET_BUCKET, A_UID)
    assert b.get_bucket_location().location == LOCATION
    # Private: root B may not read it.
    b.put_object("x.txt", b"x")
    expect_oss_error(lambda: make_bucket(server, B_KEYS, sig, bucket=PRESET_BUCKET).get_object("x.txt"),
                     403, "AccessDenied", journal)


@pytest.mark.parametrize("key", ["plain.txt", "doc/a b+c.txt", "dir with space/sub dir/x y.txt", "doc/中文 ü.txt",
                                 "doc/odd~!*()';,=@$&[]#%.txt"])
def test_object_round_trip(server, sig, key):
    b = make_bucket(server, A_KEYS, sig)
    b.create_bucket()
    data = ("hello oss " + key).encode()
    put = b.put_object(key, data)
    assert put.status == 200
    assert put.etag.lower() == md5_hex(data)
    got = b.get_object(key)
    assert got.read() == data
    assert got.etag.lower() == md5_hex(data)
    head = b.head_object(key)
    assert head.status == 200
    assert head.content_length == len(data)
    assert head.etag.lower() == md5_hex(data)
    assert abs(head.last_modified - time.time()) < 600

    deleted = b.delete_object(key)
    assert deleted.status == 204
    expect_oss_error(lambda: b.get_object(key), 404, "NoSuchKey")
    # HEAD errors carry no body (oss.md §4): oss2 only has the status.
    with pytest.raises(oss2.exceptions.NotFound) as info:
        b.head_object(key)
    assert info.value.status == 404
    assert info.value.request_id
    # Deleting a missing key is 204 too.
    assert b.delete_object(key).status == 204


def test_missing_bucket_and_key(server, sig):
    b = make_bucket(server, A_KEYS, sig, bucket="oss-sdk-missing")
    expect_oss_error(lambda: b.get_object("a.txt"), 404, "NoSuchBucket")
    expect_oss_error(lambda: b.put_object("a.txt", b"x"), 404, "NoSuchBucket")
    expect_oss_error(lambda: b.list_objects(), 404, "NoSuchBucket")
    b = make_bucket(server, A_KEYS, sig)
    b.create_bucket()
    expect_oss_error(lambda: b.get_object("nope.txt"), 404, "NoSuchKey")


LIST_KEYS = ["a.txt", "dir/one.txt", "dir/sub/three.txt", "dir/sub/four.txt", "dir/two.txt",
             "dir/with space.txt", "z.txt"]


@pytest.fixture
def listed(server, sig):
    b = make_bucket(server, A_KEYS, sig)
    b.create_bucket()
    for key in LIST_KEYS:
        b.put_object(key, key.encode())
    return b


def test_list_objects_v1(listed):
    everything = listed.list_objects(max_keys=100)
    assert [o.key for o in everything.object_list] == sorted(LIST_KEYS)
    assert not everything.is_truncated
    first = everything.object_list[0]
    assert (first.size, first.etag.lower()) == (len(b"a.txt"), md5_hex(b"a.txt"))
    assert first.storage_class and first.type and first.last_modified

    top = listed.list_objects(delimiter="/")
    assert [o.key for o in top.object_list] == ["a.txt", "z.txt"]
    assert top.prefix_list == ["dir/"]

    # prefix + delimiter, one entry per page, following NextMarker.
    keys, prefixes, marker, pages = [], [], "", 0
    while True:
        page = listed.list_objects(prefix="dir/", delimiter="/", marker=marker, max_keys=1)
        pages += 1
        assert len(page.object_list) + len(page.prefix_list) <= 1
        keys += [o.key for o in page.object_list]
        prefixes += page.prefix_list
        if not page.is_truncated:
            break
        assert page.next_marker
        marker = page.next_marker
        assert pages < 10
    assert keys == ["dir/one.txt", "dir/two.txt", "dir/with space.txt"]
    assert prefixes == ["dir/sub/"]
    assert pages >= 3

    # max-keys over plain keys: two pages of 4 and 3.
    page1 = listed.list_objects(max_keys=4)
    assert page1.is_truncated and len(page1.object_list) == 4
    page2 = listed.list_objects(marker=page1.next_marker, max_keys=4)
    assert not page2.is_truncated
    assert [o.key for o in page1.object_list + page2.object_list] == sorted(LIST_KEYS)


def test_list_objects_v2(listed):
    # oss2 always sends encoding-type=url and decodes what comes back.
    everything = listed.list_objects_v2(max_keys=100)
    assert [o.key for o in everything.object_list] == sorted(LIST_KEYS)
    assert not everything.is_truncated

    top = listed.list_objects_v2(delimiter="/")
    assert [o.key for o in top.object_list] == ["a.txt", "z.txt"]
    assert top.prefix_list == ["dir/"]

    keys, prefixes, token, pages = [], [], "", 0
    while True:
        page = listed.list_objects_v2(prefix="dir/", delimiter="/", continuation_token=token, max_keys=1)
        pages += 1
        assert len(page.object_list) + len(page.prefix_list) <= 1
        keys += [o.key for o in page.object_list]
        prefixes += page.prefix_list
        if not page.is_truncated:
            break
        assert page.next_continuation_token
        token = page.next_continuation_token
        assert pages < 10
    assert keys == ["dir/one.txt", "dir/two.txt", "dir/with space.txt"]
    assert prefixes == ["dir/sub/"]
    assert pages >= 3

    after = listed.list_objects_v2(start_after="dir/two.txt")
    assert [o.key for o in after.object_list] == ["dir/with space.txt", "z.txt"]
    owned = listed.list_objects_v2(prefix="a", fetch_owner=True)
    assert [o.owner.id for o in owned.object_list] == [A_UID]


# ---------------------------------------------------------------- bucket policy

def test_policy_put_get_delete(server, sig):
    b = make_bucket(server, A_KEYS, sig)
    b.create_bucket()
    expect_oss_error(lambda: b.get_bucket_policy(), 404, "NoSuchBucketPolicy")
    put = b.put_bucket_policy(EXAMPLE_POLICY_TEXT)
    assert put.status == 200
    got = b.get_bucket_policy()
    assert got.status == 200
    assert json.loads(got.policy) == EXAMPLE_POLICY
    deleted = b.delete_bucket_policy()
    assert deleted.status == 204
    expect_oss_error(lambda: b.get_bucket_policy(), 404, "NoSuchBucketPolicy")


@pytest.mark.parametrize("name", list(INVALID_POLICIES))
def test_invalid_policy_rejected_and_not_stored(server, sig, name):
    b = make_bucket(server, A_KEYS, sig)
    b.create_bucket()
    doc = INVALID_POLICIES[name]
    # No policy yet: still none afterwards.
    expect_oss_error(lambda: b.put_bucket_policy(doc), 400, "InvalidPolicyDocument")
    expect_oss_error(lambda: b.get_bucket_policy(), 404, "NoSuchBucketPolicy")
    # A policy in place: kept as it was.
    b.put_bucket_policy(EXAMPLE_POLICY_TEXT)
    expect_oss_error(lambda: b.put_bucket_policy(doc), 400, "InvalidPolicyDocument")
    assert json.loads(b.get_bucket_policy().policy) == EXAMPLE_POLICY


# ---------------------------------------------------------------- signatures

def test_wrong_secret_and_unknown_key(server, sig, journal):
    make_bucket(server, A_KEYS, sig).create_bucket()
    wrong = make_bucket(server, (A_KEYS[0], "not-the-secret"), sig)
    expect_oss_error(lambda: wrong.get_bucket_info(), 403, "SignatureDoesNotMatch", journal)
    expect_oss_error(lambda: wrong.put_object("a.txt", b"x"), 403, "SignatureDoesNotMatch", journal)
    unknown = make_bucket(server, ("LTAI5tNoSuchKey0000000", "whatever"), sig)
    expect_oss_error(lambda: unknown.get_bucket_info(), 403, "InvalidAccessKeyId", journal)
    expect_oss_error(lambda: unknown.get_object("a.txt"), 403, "InvalidAccessKeyId", journal)
    # A COS key is not an OSS key (separate worlds, oss.md §1).
    cos = make_bucket(server, ("AKIDROOTA", "root-secret-a"), sig)
    expect_oss_error(lambda: cos.get_bucket_info(), 403, "InvalidAccessKeyId", journal)
    # Nothing was written by the refused PUT.
    expect_oss_error(lambda: make_bucket(server, A_KEYS, sig).get_object("a.txt"), 404, "NoSuchKey")


def test_request_time_too_skewed_v1(server, journal):
    b = make_bucket(server, A_KEYS, "v1")
    b.create_bucket()
    b.put_object("a.txt", b"a")
    # V1 signs x-oss-date when present (else Date): 20 minutes off either way is refused.
    for offset in (-20 * 60, 20 * 60):
        skewed = formatdate(time.time() + offset, usegmt=True)
        expect_oss_error(lambda: b.get_object("a.txt", headers={"x-oss-date": skewed}), 403,
                         "RequestTimeTooSkewed", journal)
    # 5 minutes off is fine.
    assert b.get_object("a.txt", headers={"x-oss-date": formatdate(time.time() - 300, usegmt=True)}).read() == b"a"
    # Without x-oss-date the signed Date header counts (oss2 takes it from utils.http_date()).
    skewed_date = formatdate(time.time() - 20 * 60, usegmt=True)
    with mock.patch.object(oss2.utils, "http_date", lambda *args: skewed_date):
        expect_oss_error(lambda: b.get_object("a.txt"), 403, "RequestTimeTooSkewed", journal)


# ---------------------------------------------------------------- pre-signed URLs

@pytest.fixture
def signed_object(server, sig):
    b = make_bucket(server, A_KEYS, sig)
    b.create_bucket()
    b.put_object("dir/a file.txt", b"signed body")
    b.put_object("dir/other.txt", b"other body")
    return b


def signed_in_the_past(bucket, sig, key, seconds_ago=3600, expires=60):
    """sign_url as if it were `seconds_ago` seconds ago: V1 takes its Expires
    from time.time(), V4 its x-oss-date from datetime.utcnow()."""
    then = time.time() - seconds_ago
    if sig == "v1":
        with mock.patch.object(oss2.auth, "time", types.SimpleNamespace(time=lambda: then)):
            return bucket.sign_url("GET", key, expires)

    class PastDatetime(datetime):
        @classmethod
        def utcnow(cls):
            return datetime.utcnow() - timedelta(seconds=seconds_ago)

    with mock.patch.object(oss2.auth, "datetime", PastDatetime):
        return bucket.sign_url("GET", key, expires)


def test_presigned_url_valid(signed_object):
    url = signed_object.sign_url("GET", "dir/a file.txt", 60)
    assert url.startswith(f"http://127.0.0.1:") and f"/{BUCKET}/" in url
    resp = requests.get(url, timeout=10)
    assert resp.status_code == 200, resp.text
    assert resp.content == b"signed body"
    assert resp.headers.get("x-oss-request-id")


def test_presigned_url_expired(server, signed_object, sig, journal):
    url = signed_in_the_past(signed_object, sig, "dir/a file.txt")
    expect_http_error(requests.get(url, timeout=10), 403, "AccessDenied", journal)


def test_presigned_url_expires_after_its_time(server, signed_object, sig, journal):
    url = signed_object.sign_url("GET", "dir/a file.txt", 1)
    time.sleep(2.2)
    expect_http_error(requests.get(url, timeout=10), 403, "AccessDenied", journal)


def _tamper_signature(url, sig):
    name = "Signature=" if sig == "v1" else "x-oss-signature="
    head, _, tail = url.partition(name)
    assert tail, url
    first = tail[0]
    return head + name + ("B" if first != "B" else "C") + tail[1:] if sig == "v1" else \
        head + name + ("0" if first != "0" else "1") + tail[1:]


def test_presigned_url_tampered_signature(server, signed_object, sig, journal):
    url = _tamper_signature(signed_object.sign_url("GET", "dir/a file.txt", 60), sig)
    expect_http_error(requests.get(url, timeout=10), 403, "SignatureDoesNotMatch", journal)


def test_presigned_url_tampered_key(server, signed_object, sig, journal):
    url = signed_object.sign_url("GET", "dir/a file.txt", 60)
    assert "a%20file.txt" in url
    url = url.replace("a%20file.txt", "other.txt", 1)
    expect_http_error(requests.get(url, timeout=10), 403, "SignatureDoesNotMatch", journal)


def test_presigned_url_of_another_account_denied(server, signed_object, sig, journal):
    """A URL signed by root B is authentic but B may not read A's object."""
    url = make_bucket(server, B_KEYS, sig).sign_url("GET", "dir/a file.txt", 60)
    expect_http_error(requests.get(url, timeout=10), 403, "AccessDenied", journal)


# ---------------------------------------------------------------- access decisions

def test_other_account_denied_then_allowed_by_policy(server, owner, sig, journal):
    other = make_bucket(server, B_KEYS, sig)
    expect_oss_error(lambda: other.get_object("doc/a.txt"), 403, "AccessDenied", journal)
    expect_oss_error(lambda: other.put_object("doc/new.txt", b"x"), 403, "AccessDenied", journal)
    expect_oss_error(lambda: other.list_objects(), 403, "AccessDenied", journal)
    expect_oss_error(lambda: other.get_bucket_policy(), 403, "AccessDenied", journal)

    owner.put_bucket_policy(json.dumps(policy(
        statement("Allow", [B_UID], ["oss:GetObject", "oss:PutObject"], [res(BUCKET, "doc/*")]))))

    assert read(other, "doc/a.txt") == b"doc a"
    other.put_object("doc/new.txt", b"by B")
    assert read(owner, "doc/new.txt") == b"by B"
    assert other.head_object("doc/a.txt").content_length == len(b"doc a")
    # Outside the prefix and other actions stay denied.
    expect_oss_error(lambda: other.get_object("other/b.txt"), 403, "AccessDenied", journal)
    expect_oss_error(lambda: other.delete_object("doc/a.txt"), 403, "AccessDenied", journal)
    expect_oss_error(lambda: other.list_objects(), 403, "AccessDenied", journal)
    expect_oss_error(lambda: other.put_bucket_policy(EXAMPLE_POLICY_TEXT), 403, "AccessDenied", journal)
    # The owner is not affected by statements naming others.
    assert read(owner, "other/b.txt") == b"other b"


def test_ram_user_without_policies_denied_then_allowed(server, owner, sig, journal):
    u11 = make_bucket(server, U11_KEYS, sig)
    expect_oss_error(lambda: u11.get_object("doc/a.txt"), 403, "AccessDenied", journal)
    expect_oss_error(lambda: u11.get_bucket_info(), 403, "AccessDenied", journal)

    owner.put_bucket_policy(json.dumps(policy(
        statement("Allow", [U11_UID], ["oss:GetObject"], [res(BUCKET, "doc/*")]),
        statement("Allow", [U11_UID], ["oss:ListObjects", "oss:GetBucketInfo"], [res(BUCKET)]))))

    assert read(u11, "doc/a.txt") == b"doc a"
    assert u11.get_bucket_info().owner.id == A_UID
    assert "doc/a.txt" in [o.key for o in u11.list_objects().object_list]
    expect_oss_error(lambda: u11.put_object("doc/a.txt", b"overwrite"), 403, "AccessDenied", journal)
    expect_oss_error(lambda: u11.get_object("secret/s.txt"), 403, "AccessDenied", journal)
    assert read(owner, "doc/a.txt") == b"doc a"


def test_ram_user_allowed_by_its_ram_policy_only(server, owner, sig, journal):
    u12 = make_bucket(server, U12_KEYS, sig)
    u12.put_object("u12/new.txt", b"by u12")
    assert read(u12, "u12/new.txt") == b"by u12"
    assert read(owner, "u12/new.txt") == b"by u12"
    expect_oss_error(lambda: u12.get_object("doc/a.txt"), 403, "AccessDenied", journal)
    expect_oss_error(lambda: u12.put_object("doc/x.txt", b"x"), 403, "AccessDenied", journal)
    expect_oss_error(lambda: u12.delete_object("u12/new.txt"), 403, "AccessDenied", journal)
    expect_oss_error(lambda: u12.list_objects(prefix="u12/"), 403, "AccessDenied", journal)


def test_explicit_deny_wins(server, owner, sig, journal):
    other = make_bucket(server, B_KEYS, sig)
    u12 = make_bucket(server, U12_KEYS, sig)
    owner.put_bucket_policy(json.dumps(policy(
        statement("Allow", [B_UID], ["oss:*"], [res(BUCKET, "*")]),
        statement("Deny", [B_UID], ["oss:GetObject"], [res(BUCKET, "secret/*")]),
        statement("Deny", [U12_UID], ["oss:GetObject", "oss:PutObject"], [res(BUCKET, "u12/private/*")]))))
    # Bucket policy Allow vs bucket policy Deny.
    assert read(other, "doc/a.txt") == b"doc a"
    expect_oss_error(lambda: other.get_object("secret/s.txt"), 403, "AccessDenied", journal)
    # RAM policy Allow (u12/*) vs bucket policy Deny (u12/private/*).
    assert read(u12, "u12/own.txt") == b"u12 own"
    expect_oss_error(lambda: u12.get_object("u12/private/p.txt"), 403, "AccessDenied", journal)
    expect_oss_error(lambda: u12.put_object("u12/private/q.txt", b"q"), 403, "AccessDenied", journal)
    # The owner may still do everything.
    assert read(owner, "secret/s.txt") == b"secret"
    assert read(owner, "u12/private/p.txt") == b"u12 private"


def test_anonymous_denied_then_allowed_by_star(server, owner, sig, journal):
    for path_style in (False, True):
        expect_http_error(anonymous(server, "GET", "pub/p.txt", path_style=path_style), 403, "AccessDenied", journal)

    owner.put_bucket_policy(json.dumps(policy(
        statement("Allow", ["*"], ["oss:GetObject"], [res(BUCKET, "pub/*")]))))

    for path_style in (False, True):
        resp = anonymous(server, "GET", "pub/p.txt", path_style=path_style)
        assert resp.status_code == 200, resp.text
        assert resp.content == b"public"
        assert resp.headers.get("x-oss-request-id")
        expect_http_error(anonymous(server, "GET", "doc/a.txt", path_style=path_style), 403, "AccessDenied", journal)
    expect_http_error(anonymous(server, "PUT", "pub/new.txt", data=b"x"), 403, "AccessDenied", journal)
    # "*" covers every account too.
    assert read(make_bucket(server, B_KEYS, sig), "pub/p.txt") == b"public"


def test_policy_conditions(server, owner, sig, journal):
    other = make_bucket(server, B_KEYS, sig)
    owner.put_bucket_policy(json.dumps(policy(
        statement("Allow", [B_UID], ["oss:GetObject"], [res(BUCKET, "doc/*")],
                  {"IpAddress": {"acs:SourceIp": ["127.0.0.0/8"]}}),
        statement("Allow", [B_UID], ["oss:GetObject"], [res(BUCKET, "other/*")],
                  {"NotIpAddress": {"acs:SourceIp": ["127.0.0.1"]}}),
        statement("Allow", [B_UID], ["oss:ListObjects"], [res(BUCKET)],
                  {"StringLike": {"oss:Prefix": ["doc/*"]}}))))
    assert read(other, "doc/a.txt") == b"doc a"
    expect_oss_error(lambda: other.get_object("other/b.txt"), 403, "AccessDenied", journal)
    assert [o.key for o in other.list_objects(prefix="doc/").object_list] == ["doc/a.txt"]
    assert [o.key for o in other.list_objects_v2(prefix="doc/").object_list] == ["doc/a.txt"]
    expect_oss_error(lambda: other.list_objects(), 403, "AccessDenied", journal)
    expect_oss_error(lambda: other.list_objects(prefix="other/"), 403, "AccessDenied", journal)


# ---------------------------------------------------------------- virtual host through the proxy

def test_virtual_host_through_proxy(server, sig, journal):
    b = proxied_bucket(server, A_KEYS, sig)
    assert b.create_bucket().status == 200
    assert b.get_bucket_location().location == LOCATION
    assert b.get_bucket_info().owner.id == A_UID
    data = b"through the proxy"
    assert b.put_object("dir/a b.txt", data).etag.lower() == md5_hex(data)
    assert read(b, "dir/a b.txt") == data
    assert b.head_object("dir/a b.txt").content_length == len(data)
    assert [o.key for o in b.list_objects(prefix="dir/").object_list] == ["dir/a b.txt"]
    assert [o.key for o in b.list_objects_v2(prefix="dir/").object_list] == ["dir/a b.txt"]
    b.put_bucket_policy(EXAMPLE_POLICY_TEXT)
    assert json.loads(b.get_bucket_policy().policy) == EXAMPLE_POLICY
    # The same bucket path style, directly.
    assert read(make_bucket(server, A_KEYS, sig), "dir/a b.txt") == data
    # Decisions are the same: B is denied, then a pre-signed URL through the proxy.
    expect_oss_error(lambda: proxied_bucket(server, B_KEYS, sig).get_object("dir/a b.txt"), 403, "AccessDenied", journal)
    url = b.sign_url("GET", "dir/a b.txt", 60)
    assert url.startswith(f"http://{BUCKET}.oss-cn-hangzhou.aliyuncs.com/")
    resp = requests.get(url, proxies={"http": server.base_url}, timeout=10)
    assert resp.status_code == 200, resp.text
    assert resp.content == data
    assert b.delete_object("dir/a b.txt").status == 204
    expect_oss_error(lambda: b.get_object("dir/a b.txt"), 404, "NoSuchKey")
