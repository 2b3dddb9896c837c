"""Access enforcement through cos-python-sdk-v5 (issue 5), with accounts from a
--config file:

  root 100000000001 (APPID 1250000000, owns examplebucket-1250000000)
    sub 100000000011  no CAM policy
    sub 100000000012  CAM: GetObject on examplebucket-1250000000/*
  root 100000000002 (APPID 1250000002)
    sub 100000000021  CAM: GetObject on *
    sub 100000000022  no CAM policy

Covered: a sub-account denied, then allowed by a bucket policy for one prefix
only; an explicit deny winning over an allow (policy, CAM) and over a
public-read ACL; anonymous reads (Anonymous=True) of public objects while
private ones stay denied; a cross-account grant (the other root by bucket
policy, its sub-account only with its own CAM allow); temporary keys from
qcloud-python-sts (and from the official tencentcloud-sdk-python-sts, TC3
signed) limited to their prefix. Every 403 of a test must be in
/_cos-mock/requests with decision `deny` and a non-empty reason."""

import json

import pytest
from qcloud_cos import CosS3Client
from qcloud_cos.cos_exception import CosServiceError

from conftest import BUCKET, REGION
from helpers import read_body

APPID = "1250000000"
ROOT1 = ("AKIDROOT1", "root-secret-1")
SUB11 = ("AKIDSUB11", "sub-secret-11")
SUB12 = ("AKIDSUB12", "sub-secret-12")
ROOT2 = ("AKIDROOT2", "root-secret-2")
SUB21 = ("AKIDSUB21", "sub-secret-21")
SUB22 = ("AKIDSUB22", "sub-secret-22")
RES = f"qcs::cos:{REGION}:uid/{APPID}:{BUCKET}"


def cam(actions, resources):
    return {"version": "2.0", "statement": [{"effect": "allow", "action": actions, "resource": resources}]}


COS_MOCK_CONFIG = {
    "region": REGION,
    "accounts": [
        {
            "uin": "100000000001", "appid": APPID, "secret_id": ROOT1[0], "secret_key": ROOT1[1],
            "users": [
                {"uin": "100000000011", "secret_id": SUB11[0], "secret_key": SUB11[1]},
                {"uin": "100000000012", "secret_id": SUB12[0], "secret_key": SUB12[1],
                 "policies": [cam(["name/cos:GetObject"], [f"{RES}/*"])]},
            ],
        },
        {
            "uin": "100000000002", "appid": "1250000002", "secret_id": ROOT2[0], "secret_key": ROOT2[1],
            "users": [
                {"uin": "100000000021", "secret_id": SUB21[0], "secret_key": SUB21[1],
                 "policies": [cam(["name/cos:GetObject"], ["*"])]},
                {"uin": "100000000022", "secret_id": SUB22[0], "secret_key": SUB22[1]},
            ],
        },
    ],
    "buckets": [{"name": BUCKET, "acl": "private"}],
}


def principal(*ids):
    return {"qcs": [f"qcs::cam::uin/{i}" if "/" in i or ":" in i else f"qcs::cam::uin/{i}:uin/{i}" for i in ids]}


def sub(root, uin):
    return f"{root}:uin/{uin}"


def stmt(effect, who, actions, resources, **extra):
    return {"principal": who, "effect": effect, "action": actions, "resource": resources, **extra}


def policy(*statements):
    return {"version": "2.0", "statement": list(statements)}


class Denials:
    """Asserts 403 AccessDenied and remembers the request id, so the test can
    check the journal explains each one."""

    def __init__(self):
        self.request_ids = []

    def __call__(self, call, code="AccessDenied", status=403):
        with pytest.raises(CosServiceError) as info:
            call()
        err = info.value
        assert (err.get_status_code(), err.get_error_code()) == (status, code), err.get_origin_msg()
        if status == 403:
            self.request_ids.append(err.get_request_id())
        return err


@pytest.fixture
def denied(server):
    d = Denials()
    yield d
    entries = {e["request_id"]: e for e in json.loads(server.admin("GET", "/_cos-mock/requests")[1])["requests"]}
    for rid in d.request_ids:
        entry = entries.get(rid)
        assert entry is not None, f"request {rid} is not in /_cos-mock/requests"
        assert entry["status"] == 403, entry
        assert entry["decision"] == "deny", entry
        assert entry["reason"], entry


@pytest.fixture
def owner(server):
    c = server.client(*ROOT1)
    c.put_object(Bucket=BUCKET, Key="doc/a.txt", Body=b"doc a")
    c.put_object(Bucket=BUCKET, Key="other/b.txt", Body=b"other b")
    c.put_object(Bucket=BUCKET, Key="secret/s.txt", Body=b"secret")
    return c


def get(c, key):
    return read_body(c.get_object(Bucket=BUCKET, Key=key))


# ---------------------------------------------------------------- owner's sub-account

def test_sub_account_denied_then_allowed_for_one_prefix(server, owner, denied):
    s11 = server.client(*SUB11)
    denied(lambda: s11.get_object(Bucket=BUCKET, Key="doc/a.txt"))
    denied(lambda: s11.put_object(Bucket=BUCKET, Key="doc/new.txt", Body=b"x"))

    owner.put_bucket_policy(Bucket=BUCKET, Policy=policy(
        stmt("allow", principal(sub("100000000001", "100000000011")),
             ["name/cos:GetObject", "name/cos:PutObject"], [f"{RES}/doc/*"])))

    assert get(s11, "doc/a.txt") == b"doc a"
    s11.put_object(Bucket=BUCKET, Key="doc/new.txt", Body=b"by sub 11")
    assert get(owner, "doc/new.txt") == b"by sub 11"
    # Outside the prefix, and other actions, are still denied.
    denied(lambda: s11.get_object(Bucket=BUCKET, Key="other/b.txt"))
    denied(lambda: s11.put_object(Bucket=BUCKET, Key="other/new.txt", Body=b"x"))
    denied(lambda: s11.delete_object(Bucket=BUCKET, Key="doc/a.txt"))
    denied(lambda: s11.list_objects(Bucket=BUCKET))
    denied(lambda: s11.get_bucket_policy(Bucket=BUCKET))
    # Another sub-account of the same root is not named by the policy.
    denied(lambda: server.client(*SUB12).put_object(Bucket=BUCKET, Key="doc/x.txt", Body=b"x"))


def test_sub_account_with_cam_allow(server, owner, denied):
    s12 = server.client(*SUB12)
    assert get(s12, "doc/a.txt") == b"doc a"
    denied(lambda: s12.put_object(Bucket=BUCKET, Key="doc/x.txt", Body=b"x"))
    denied(lambda: s12.list_objects(Bucket=BUCKET))


def test_policy_can_open_the_policy_and_acl_apis(server, owner, denied):
    s11 = server.client(*SUB11)
    denied(lambda: s11.get_bucket_acl(Bucket=BUCKET))
    owner.put_bucket_policy(Bucket=BUCKET, Policy=policy(
        stmt("allow", principal(sub("100000000001", "100000000011")),
             ["name/cos:GetBucketACL", "name/cos:GetBucketPolicy", "name/cos:GetBucket"], [f"{RES}/*"])))
    assert s11.get_bucket_acl(Bucket=BUCKET)["CannedACL"] == "private"
    assert "Statement" in json.loads(s11.get_bucket_policy(Bucket=BUCKET)["Policy"])
    assert [c["Key"] for c in s11.list_objects(Bucket=BUCKET)["Contents"]] == ["doc/a.txt", "other/b.txt", "secret/s.txt"]
    denied(lambda: s11.put_bucket_acl(Bucket=BUCKET, ACL="public-read"))
    denied(lambda: s11.put_bucket_policy(Bucket=BUCKET, Policy=policy(stmt("allow", "*", "*", "*"))))


def test_acl_grant_to_a_sub_account(server, owner, denied):
    s11 = server.client(*SUB11)
    owner.put_object_acl(Bucket=BUCKET, Key="doc/a.txt", GrantRead='id="100000000001/100000000011"')
    assert get(s11, "doc/a.txt") == b"doc a"
    denied(lambda: s11.get_object(Bucket=BUCKET, Key="other/b.txt"))


# ---------------------------------------------------------------- explicit deny

def test_explicit_deny_wins_over_a_policy_allow(server, owner, denied):
    s11 = server.client(*SUB11)
    who = principal(sub("100000000001", "100000000011"))
    owner.put_bucket_policy(Bucket=BUCKET, Policy=policy(
        stmt("allow", who, ["name/cos:GetObject"], [f"{RES}/*"]),
        stmt("deny", who, ["name/cos:GetObject"], [f"{RES}/secret/*"], sid="no-secrets"),
    ))
    assert get(s11, "doc/a.txt") == b"doc a"
    err = denied(lambda: s11.get_object(Bucket=BUCKET, Key="secret/s.txt"))
    assert err.get_error_msg()


def test_explicit_deny_wins_over_a_cam_allow(server, owner, denied):
    s12 = server.client(*SUB12)
    owner.put_bucket_policy(Bucket=BUCKET, Policy=policy(
        stmt("deny", principal(sub("100000000001", "100000000012")), ["name/cos:GetObject"], [f"{RES}/secret/*"])))
    assert get(s12, "doc/a.txt") == b"doc a"
    denied(lambda: s12.get_object(Bucket=BUCKET, Key="secret/s.txt"))


def test_explicit_deny_wins_over_a_public_read_acl(server, owner, denied):
    anon = server.client(Anonymous=True)
    owner.put_bucket_acl(Bucket=BUCKET, ACL="public-read")
    owner.put_object_acl(Bucket=BUCKET, Key="secret/s.txt", ACL="public-read")
    assert get(anon, "secret/s.txt") == b"secret"
    owner.put_bucket_policy(Bucket=BUCKET, Policy=policy(
        stmt("deny", {"qcs": ["qcs::cam::anyone:anyone"]}, ["name/cos:GetObject"], [f"{RES}/secret/*"])))
    assert get(anon, "doc/a.txt") == b"doc a"
    denied(lambda: anon.get_object(Bucket=BUCKET, Key="secret/s.txt"))
    # A deny for anyone also covers signed callers with an ACL grant.
    owner.put_object_acl(Bucket=BUCKET, Key="secret/s.txt", GrantRead='id="100000000002"')
    denied(lambda: server.client(*ROOT2).get_object(Bucket=BUCKET, Key="secret/s.txt"))


# ---------------------------------------------------------------- anonymous

def test_anonymous_reads_a_public_object_in_a_private_bucket(server, owner, denied):
    anon = server.client(Anonymous=True)
    denied(lambda: anon.get_object(Bucket=BUCKET, Key="doc/a.txt"))
    owner.put_object_acl(Bucket=BUCKET, Key="doc/a.txt", ACL="public-read")
    assert get(anon, "doc/a.txt") == b"doc a"
    assert anon.head_object(Bucket=BUCKET, Key="doc/a.txt")["Content-Length"] == "5"
    denied(lambda: anon.get_object(Bucket=BUCKET, Key="other/b.txt"))
    denied(lambda: anon.list_objects(Bucket=BUCKET))
    denied(lambda: anon.put_object(Bucket=BUCKET, Key="doc/a.txt", Body=b"overwrite"))
    denied(lambda: anon.get_object_acl(Bucket=BUCKET, Key="doc/a.txt"))


def test_anonymous_in_a_public_read_bucket(server, owner, denied):
    anon = server.client(Anonymous=True)
    owner.put_bucket_acl(Bucket=BUCKET, ACL="public-read")
    assert get(anon, "doc/a.txt") == b"doc a"  # object ACL `default` inherits
    assert len(anon.list_objects(Bucket=BUCKET)["Contents"]) == 3
    # An object made private is not readable even in a public-read bucket.
    owner.put_object_acl(Bucket=BUCKET, Key="secret/s.txt", ACL="private")
    denied(lambda: anon.get_object(Bucket=BUCKET, Key="secret/s.txt"))
    denied(lambda: anon.put_object(Bucket=BUCKET, Key="new.txt", Body=b"x"))
    denied(lambda: anon.delete_object(Bucket=BUCKET, Key="doc/a.txt"))
    denied(lambda: anon.get_bucket_acl(Bucket=BUCKET))


def test_anonymous_allowed_by_a_policy_for_anyone(server, owner, denied):
    anon = server.client(Anonymous=True)
    owner.put_bucket_policy(Bucket=BUCKET, Policy=policy(
        stmt("allow", {"qcs": ["qcs::cam::anyone:anyone"]}, ["name/cos:GetObject"], [f"{RES}/doc/*"])))
    assert get(anon, "doc/a.txt") == b"doc a"
    denied(lambda: anon.get_object(Bucket=BUCKET, Key="other/b.txt"))


def test_anonymous_write_with_public_read_write(server, owner, denied):
    anon = server.client(Anonymous=True)
    owner.put_bucket_acl(Bucket=BUCKET, ACL="public-read-write")
    anon.put_object(Bucket=BUCKET, Key="drop/anon.txt", Body=b"anonymous")
    assert get(owner, "drop/anon.txt") == b"anonymous"
    denied(lambda: anon.put_bucket_acl(Bucket=BUCKET, ACL="private"))


# ---------------------------------------------------------------- cross-account

def test_cross_account_grant(server, owner, denied):
    r2, s21, s22 = server.client(*ROOT2), server.client(*SUB21), server.client(*SUB22)
    for c in (r2, s21, s22):
        denied(lambda c=c: c.get_object(Bucket=BUCKET, Key="doc/a.txt"))

    owner.put_bucket_policy(Bucket=BUCKET, Policy=policy(
        stmt("allow", principal("100000000002"), ["name/cos:GetObject"], [f"{RES}/doc/*"])))

    assert get(r2, "doc/a.txt") == b"doc a"
    denied(lambda: r2.get_object(Bucket=BUCKET, Key="other/b.txt"))
    denied(lambda: r2.put_object(Bucket=BUCKET, Key="doc/x.txt", Body=b"x"))
    # The root's grant reaches its sub-account only with the sub-account's own CAM allow.
    assert get(s21, "doc/a.txt") == b"doc a"
    denied(lambda: s21.get_object(Bucket=BUCKET, Key="other/b.txt"))
    denied(lambda: s22.get_object(Bucket=BUCKET, Key="doc/a.txt"))


def test_cross_account_sub_named_by_the_policy_still_needs_cam(server, owner, denied):
    s21, s22 = server.client(*SUB21), server.client(*SUB22)
    owner.put_bucket_policy(Bucket=BUCKET, Policy=policy(
        stmt("allow", principal(sub("100000000002", "100000000021"), sub("100000000002", "100000000022")),
             ["name/cos:GetObject", "name/cos:PutObject"], [f"{RES}/doc/*"])))
    assert get(s21, "doc/a.txt") == b"doc a"
    denied(lambda: s21.put_object(Bucket=BUCKET, Key="doc/x.txt", Body=b"x"))  # its CAM allows only GetObject
    denied(lambda: s22.get_object(Bucket=BUCKET, Key="doc/a.txt"))


def test_cross_account_acl_grant(server, owner, denied):
    r2 = server.client(*ROOT2)
    owner.put_bucket_acl(Bucket=BUCKET, GrantRead='id="100000000002"')
    assert len(r2.list_objects(Bucket=BUCKET)["Contents"]) == 3
    assert get(r2, "doc/a.txt") == b"doc a"
    denied(lambda: r2.put_object(Bucket=BUCKET, Key="x.txt", Body=b"x"))
    assert get(server.client(*SUB21), "doc/a.txt") == b"doc a"
    denied(lambda: server.client(*SUB22).get_object(Bucket=BUCKET, Key="doc/a.txt"))


# ---------------------------------------------------------------- temporary keys

def qcloud_sts(server, keys, allow_prefix, allow_actions):
    from sts.sts import Sts

    return Sts({
        "url": server.base_url + "/",
        "domain": "sts.tencentcloudapi.com",
        "secret_id": keys[0],
        "secret_key": keys[1],
        "bucket": BUCKET,
        "region": REGION,
        "allow_prefix": allow_prefix,
        "allow_actions": allow_actions,
        "duration_seconds": 1800,
    }).get_credential()


def temp_client(server, cred):
    c = cred["credentials"]
    return CosS3Client(server.config(c["tmpSecretId"], c["tmpSecretKey"], Token=c["sessionToken"]), retry=0)


def test_qcloud_python_sts_key_writes_only_its_prefix(server, owner, denied):
    cred = qcloud_sts(server, ROOT1, ["tmp/*"], ["name/cos:PutObject", "name/cos:GetObject"])
    temp = temp_client(server, cred)
    temp.put_object(Bucket=BUCKET, Key="tmp/upload.txt", Body=b"by temp key")
    assert get(owner, "tmp/upload.txt") == b"by temp key"
    assert get(temp, "tmp/upload.txt") == b"by temp key"
    denied(lambda: temp.put_object(Bucket=BUCKET, Key="doc/upload.txt", Body=b"x"))
    denied(lambda: temp.get_object(Bucket=BUCKET, Key="doc/a.txt"))
    denied(lambda: temp.delete_object(Bucket=BUCKET, Key="tmp/upload.txt"))
    assert not owner.object_exists(Bucket=BUCKET, Key="doc/upload.txt")


def test_sts_key_of_a_sub_account_is_limited_by_its_parent(server, owner, denied):
    # The session policy allows tmp/*, but sub 11 itself may do nothing: intersection denies.
    temp = temp_client(server, qcloud_sts(server, SUB11, ["tmp/*"], ["name/cos:PutObject"]))
    denied(lambda: temp.put_object(Bucket=BUCKET, Key="tmp/x.txt", Body=b"x"))
    owner.put_bucket_policy(Bucket=BUCKET, Policy=policy(
        stmt("allow", principal(sub("100000000001", "100000000011")), ["name/cos:PutObject"], [f"{RES}/*"])))
    temp.put_object(Bucket=BUCKET, Key="tmp/x.txt", Body=b"x")
    denied(lambda: temp.put_object(Bucket=BUCKET, Key="doc/x.txt", Body=b"x"))


def test_tencentcloud_sdk_sts_tc3_federation_token(server, owner, denied):
    """The official tencentcloud-sdk-python-sts (TC3-HMAC-SHA256, JSON body) over http."""
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.sts.v20180813 import models, sts_client

    http = HttpProfile(endpoint=f"127.0.0.1:{server.port}", protocol="http")
    http.scheme = "http"
    client = sts_client.StsClient(credential.Credential(*ROOT1), REGION, ClientProfile(httpProfile=http))
    req = models.GetFederationTokenRequest()
    req.Name = "cos-mock-tc3"
    req.DurationSeconds = 1800
    req.Policy = json.dumps(policy(*[{"effect": "allow", "action": ["name/cos:PutObject", "name/cos:GetObject"],
                                      "resource": [f"{RES}/tmp/*"]}]))
    resp = client.GetFederationToken(req)
    assert resp.Credentials.TmpSecretId and resp.Credentials.TmpSecretKey and resp.Credentials.Token
    assert resp.ExpiredTime > 0
    temp = CosS3Client(server.config(resp.Credentials.TmpSecretId, resp.Credentials.TmpSecretKey,
                                     Token=resp.Credentials.Token), retry=0)
    temp.put_object(Bucket=BUCKET, Key="tmp/tc3.txt", Body=b"tc3")
    assert get(owner, "tmp/tc3.txt") == b"tc3"
    denied(lambda: temp.put_object(Bucket=BUCKET, Key="doc/tc3.txt", Body=b"x"))


def test_tencentcloud_sdk_sts_bad_secret_is_refused(server):
    from tencentcloud.common import credential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.sts.v20180813 import models, sts_client

    http = HttpProfile(endpoint=f"127.0.0.1:{server.port}", protocol="http")
    client = sts_client.StsClient(credential.Credential(ROOT1[0], "wrong"), REGION, ClientProfile(httpProfile=http))
    req = models.GetFederationTokenRequest()
    req.Name = "x"
    req.Policy = json.dumps(policy({"effect": "allow", "action": ["name/cos:GetObject"], "resource": ["*"]}))
    with pytest.raises(TencentCloudSDKException) as info:
        client.GetFederationToken(req)
    assert info.value.get_code().startswith("AuthFailure"), info.value
