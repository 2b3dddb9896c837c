"""Shared pieces of the OSS-dialect suites (test_oss.py with oss2,
test_oss_v2.py with alibabacloud-oss-v2): the identities of the `oss` config
section (oss.md §1), the policies of oss.md §6, plain-HTTP requests for what
the SDKs cannot send (anonymous calls, pre-signed URLs), the OSS error body
check (oss.md §4) and the journal check for every 403 a test provokes."""

import copy
import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
import requests

OSS_REGION = "cn-hangzhou"
LOCATION = f"oss-{OSS_REGION}"
OSS_SERVICE_HOST = f"oss-{OSS_REGION}.aliyuncs.com"

# Root account A, its RAM users 11 (no policies) and 12 (RAM policy on <bucket>/u12/*),
# root account B.
A_UID = "1000000000000001"
A_KEYS = ("LTAI5tOssMockRootA000001", "OssMockRootASecret0000000000001")
U11_UID = "2000000000000011"
U11_KEYS = ("LTAI5tOssMockUser000011", "OssMockUser11Secret000000000011")
U12_UID = "2000000000000012"
U12_KEYS = ("LTAI5tOssMockUser000012", "OssMockUser12Secret000000000012")
B_UID = "1000000000000002"
B_KEYS = ("LTAI5tOssMockRootB000002", "OssMockRootBSecret0000000000002")

# The default OSS root (oss.md §1) when cos-mock runs without a config file.
DEFAULT_UID = "1000000000000001"
DEFAULT_KEYS = ("LTAIOSSMOCKROOT", "oss-mock-root-secret")

# Buckets are plain names in OSS (no -<appid>). BUCKET is created by the tests,
# PRESET_BUCKET by the config (owner A).
BUCKET = "oss-sdk-bucket"
PRESET_BUCKET = "oss-conf-examplebucket"


def res(bucket=BUCKET, path=None, owner=A_UID):
    """acs:oss:*:<owner>:<bucket>[/<path>]"""
    return f"acs:oss:*:{owner}:{bucket}" + (f"/{path}" if path is not None else "")


def statement(effect, principals, actions, resources, condition=None):
    s = {"Effect": effect, "Principal": principals, "Action": actions, "Resource": resources}
    if condition is not None:
        s["Condition"] = condition
    return s


def policy(*statements):
    return {"Version": "1", "Statement": list(statements)}


U12_RAM_POLICY = {
    "Version": "1",
    "Statement": [{"Effect": "Allow", "Action": ["oss:PutObject", "oss:GetObject"],
                   "Resource": [res(PRESET_BUCKET, "u12/*"), res(BUCKET, "u12/*")]}],
}

# oss.md §1, plus the COS root of that example (a config file replaces the default
# identity of both worlds; the COS part is not used by these suites).
OSS_CONFIG = {
    "region": "ap-guangzhou",
    "accounts": [{"uin": "100000000001", "appid": "1250000000", "secret_id": "AKIDROOTA", "secret_key": "root-secret-a"}],
    "oss": {
        "region": OSS_REGION,
        "accounts": [
            {"uid": A_UID, "access_key_id": A_KEYS[0], "access_key_secret": A_KEYS[1],
             "users": [
                 {"uid": U11_UID, "access_key_id": U11_KEYS[0], "access_key_secret": U11_KEYS[1], "policies": []},
                 {"uid": U12_UID, "access_key_id": U12_KEYS[0], "access_key_secret": U12_KEYS[1],
                  "policies": [U12_RAM_POLICY]},
             ]},
            {"uid": B_UID, "access_key_id": B_KEYS[0], "access_key_secret": B_KEYS[1]},
        ],
        "buckets": [{"name": PRESET_BUCKET, "owner": A_UID, "acl": "private"}],
    },
}

# The example document of oss.md §6 (the seed of Alibaba's PutBucketPolicy page),
# accepted as is. As a string, byte for byte what the SDKs send.
EXAMPLE_POLICY = {
    "Version": "1",
    "Statement": [{"Action": ["oss:PutObject", "oss:GetObject"], "Effect": "Deny",
                   "Principal": ["1234567890"], "Resource": ["acs:oss:*:1234567890:*/*"]}],
}
EXAMPLE_POLICY_TEXT = json.dumps(EXAMPLE_POLICY)


def _mutated(change):
    doc = copy.deepcopy(EXAMPLE_POLICY)
    change(doc)
    return json.dumps(doc)


# Each must answer 400 InvalidPolicyDocument and store nothing (oss.md §6).
INVALID_POLICIES = {
    "version-number-1": _mutated(lambda d: d.update(Version=1)),
    "version-string-2": _mutated(lambda d: d.update(Version="2")),
    "no-statement": _mutated(lambda d: d.pop("Statement")),
    "empty-statement": _mutated(lambda d: d.update(Statement=[])),
    "effect-maybe": _mutated(lambda d: d["Statement"][0].update(Effect="Maybe")),
    "action-fly-object": _mutated(lambda d: d["Statement"][0].update(Action=["oss:FlyObject"])),
    "resource-aws-arn": _mutated(lambda d: d["Statement"][0].update(Resource=["arn:aws:s3:::b/*"])),
    "unknown-condition-operator": _mutated(
        lambda d: d["Statement"][0].update(Condition={"StringSmellsLike": {"oss:Prefix": ["doc/*"]}})),
    "not-json": "this is { not JSON",
}


def vhost(bucket=BUCKET):
    return f"{bucket}.{OSS_SERVICE_HOST}"


def wire_key(key):
    return quote(key, safe="/")


def anonymous(server, method, key, bucket=BUCKET, path_style=False, data=None):
    """An unsigned request to 127.0.0.1:PORT with an OSS Host (anonymous OSS
    requests need one, oss.md §2): `<bucket>.oss-cn-hangzhou.aliyuncs.com`, or
    with path_style `oss-cn-hangzhou.aliyuncs.com` and `/<bucket>/<key>`."""
    if path_style:
        host, path = OSS_SERVICE_HOST, f"/{bucket}/{wire_key(key)}"
    else:
        host, path = vhost(bucket), f"/{wire_key(key)}"
    return requests.request(method, server.base_url + path, headers={"Host": host}, data=data, timeout=10)


def error_fields(resp):
    """The OSS error body of a `requests` response (oss.md §4): all five
    elements non-empty, RequestId = x-oss-request-id. Returns the children."""
    rid = resp.headers.get("x-oss-request-id")
    assert rid, f"no x-oss-request-id in {dict(resp.headers)}"
    assert resp.headers.get("Content-Type", "").startswith("application/xml"), resp.headers
    root = ET.fromstring(resp.content)
    assert root.tag == "Error", resp.text
    fields = {child.tag: (child.text or "") for child in root}
    for name in ("Code", "Message", "RequestId", "HostId", "EC"):
        assert fields.get(name), f"{name} missing or empty in {resp.text}"
    assert fields["RequestId"] == rid, (fields["RequestId"], rid)
    return fields


def expect_http_error(resp, status, code, journal=None):
    assert resp.status_code == status, (resp.status_code, resp.text)
    fields = error_fields(resp)
    assert fields["Code"] == code, resp.text
    if journal is not None and status == 403:
        journal.add(fields["RequestId"])
    return fields


class Journal:
    """Request ids of the 403s a test provoked; the `journal` fixture checks
    at the end of the test that each is in GET /_cos-mock/requests with
    decision `deny` and a non-empty reason."""

    def __init__(self):
        self.request_ids = []

    def add(self, request_id):
        assert request_id, "a 403 without a request id"
        self.request_ids.append(request_id)

    def verify(self, server):
        _, body = server.admin("GET", "/_cos-mock/requests")
        entries = {e.get("request_id"): e for e in json.loads(body)["requests"]}
        for rid in self.request_ids:
            entry = entries.get(rid)
            assert entry is not None, f"request {rid} is not in /_cos-mock/requests"
            assert entry["status"] == 403, entry
            assert entry["decision"] == "deny", entry
            assert entry["reason"], entry


@pytest.fixture
def journal(server):
    j = Journal()
    yield j
    j.verify(server)
