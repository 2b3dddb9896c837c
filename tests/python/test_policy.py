"""Bucket policy through cos-python-sdk-v5 (issue 3): put_bucket_policy with a
dict (the SDK sends json.dumps) and with a str (sent byte for byte),
get_bucket_policy (GET answers COS's normalised form, as the API doc "GET
Bucket policy" shows it: top-level `Statement`, each statement's fields
capitalised in COS's order with its principals, then `version`; so documents
are compared in that form), delete_bucket_policy, and every fixture of
fixtures/policy/ through the SDK: each invalid one answers the code on line 1
and the message on line 2 of its `.expected`; each valid one is accepted and
reads back normalised."""

import json
from pathlib import Path

import pytest

from conftest import BUCKET, REGION, REPO_ROOT, UIN, APPID
from helpers import expect_error, signed_request

FIXTURES = REPO_ROOT / "fixtures" / "policy"
INVALID = sorted(FIXTURES.glob("invalid/*.json"))
VALID = sorted(FIXTURES.glob("valid/*.json"))

POLICY = {
    "Statement": [
        {
            "Principal": {"qcs": [f"qcs::cam::uin/{UIN}:uin/100000000011"]},
            "Effect": "allow",
            "Action": ["name/cos:GetObject"],
            "Resource": [f"qcs::cos:{REGION}:uid/{APPID}:{BUCKET}/doc/*"],
        }
    ],
    "version": "2.0",
}


FIELD_ORDER = ["Sid", "Principal", "Effect", "Action", "Resource", "Condition"]


def _listed(v):
    return v if isinstance(v, list) else [v]


def _text(v):
    return v if isinstance(v, str) else json.dumps(v)


def normalised(doc):
    """What GET answers for a policy PUT as `doc`, worked out here from COS's doc
    form: field names capitalised (`version` stays lower case), lists everywhere,
    a top-level principal copied into each statement, effects and condition
    operators in lower case, condition values as strings."""
    low = {k.lower(): v for k, v in doc.items()}
    out = []
    for st in _listed(low["statement"]):
        st = {k.lower(): v for k, v in st.items()}
        principal = st.get("principal", low.get("principal"))
        if isinstance(principal, dict):
            principal = {k.lower(): v for k, v in principal.items()}["qcs"]
        item = {"Sid": st.get("sid"),
                "Principal": {"qcs": _listed(principal)},
                "Effect": st["effect"].lower(),
                "Action": _listed(st["action"]),
                "Resource": _listed(st["resource"])}
        if st.get("condition"):
            item["Condition"] = {op.lower(): {key: [_text(v) for v in _listed(values)]
                                      for key, values in keys.items()}
                                 for op, keys in st["condition"].items()}
        out.append({k: v for k, v in item.items() if v is not None})
    return {"Statement": out, "version": low["version"]}


def assert_normalised(got_text, put_doc):
    got = json.loads(got_text)
    assert list(got) == ["Statement", "version"], got
    for st in got["Statement"]:
        assert list(st) == [k for k in FIELD_ORDER if k in st], st
    assert got == normalised(put_doc)


def expected_of(fixture: Path):
    lines = fixture.with_suffix(".expected").read_text(encoding="utf-8").split("\n")
    return lines[0], lines[1]


def test_fixture_sets_are_not_empty():
    assert len(INVALID) >= 40 and len(VALID) >= 40, (len(INVALID), len(VALID))


def test_put_dict_then_get_returns_it(client, bucket):
    assert client.put_bucket_policy(Bucket=bucket, Policy=POLICY) is None
    got = client.get_bucket_policy(Bucket=bucket)
    assert json.loads(got["Policy"]) == POLICY


def test_put_string_reads_back_in_cos_normalised_form(server, client, bucket):
    text = '{"version":"2.0","statement":[{"principal":{"qcs":["qcs::cam::anyone:anyone"]},"effect":"Allow","action":"name/cos:GetObject","resource":"*"}]}'
    client.put_bucket_policy(Bucket=bucket, Policy=text)
    assert_normalised(client.get_bucket_policy(Bucket=bucket)["Policy"], json.loads(text))
    # The SDK re-serialises what it gets; on the wire GET answers COS's form, not the bytes PUT.
    raw = signed_request(server, client, "GET", None, params={"policy": ""})
    assert raw.status_code == 200
    assert raw.content == (b'{"Statement":[{"Principal":{"qcs":["qcs::cam::anyone:anyone"]},'
                           b'"Effect":"allow","Action":["name/cos:GetObject"],"Resource":["*"]}],'
                           b'"version":"2.0"}')


def test_put_replaces_the_whole_policy(client, bucket):
    client.put_bucket_policy(Bucket=bucket, Policy=POLICY)
    # (A deny for anyone would also lock out the owner: an owner is denied by a matching deny.)
    second = {"version": "2.0", "statement": [{"principal": {"qcs": [f"qcs::cam::uin/{UIN}:uin/100000000012"]},
                                               "effect": "deny", "action": "*", "resource": "*"}]}
    client.put_bucket_policy(Bucket=bucket, Policy=second)
    assert_normalised(client.get_bucket_policy(Bucket=bucket)["Policy"], second)


def test_get_when_absent_is_404_no_such_policy(client, bucket):
    expect_error(lambda: client.get_bucket_policy(Bucket=bucket), 404, "NoSuchPolicy",
                 "The specified bucket policy does not exist.")


def test_delete_removes_it_and_is_idempotent(client, bucket):
    client.put_bucket_policy(Bucket=bucket, Policy=POLICY)
    assert client.delete_bucket_policy(Bucket=bucket) is None
    expect_error(lambda: client.get_bucket_policy(Bucket=bucket), 404, "NoSuchPolicy")
    assert client.delete_bucket_policy(Bucket=bucket) is None  # 204 also when none is set


@pytest.mark.parametrize("call", ["put", "get", "delete"])
def test_missing_bucket_is_no_such_bucket(client, call):
    missing = f"nosuchbucket-{APPID}"
    op = {
        "put": lambda: client.put_bucket_policy(Bucket=missing, Policy=POLICY),
        "get": lambda: client.get_bucket_policy(Bucket=missing),
        "delete": lambda: client.delete_bucket_policy(Bucket=missing),
    }[call]
    expect_error(op, 404, "NoSuchBucket")


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_answers_its_code_and_message(client, bucket, fixture):
    code, message = expected_of(fixture)
    text = fixture.read_text(encoding="utf-8")  # a str Policy is sent verbatim
    err = expect_error(lambda: client.put_bucket_policy(Bucket=bucket, Policy=text), 400, code)
    assert err.get_error_msg() == message
    # Nothing was stored.
    expect_error(lambda: client.get_bucket_policy(Bucket=bucket), 404, "NoSuchPolicy")


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_does_not_replace_a_stored_policy(client, bucket, fixture):
    client.put_bucket_policy(Bucket=bucket, Policy=POLICY)
    with pytest.raises(Exception):
        client.put_bucket_policy(Bucket=bucket, Policy=fixture.read_text(encoding="utf-8"))
    assert json.loads(client.get_bucket_policy(Bucket=bucket)["Policy"]) == POLICY


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_is_accepted_and_reads_back(client, bucket, fixture):
    text = fixture.read_text(encoding="utf-8")
    client.put_bucket_policy(Bucket=bucket, Policy=text)
    assert_normalised(client.get_bucket_policy(Bucket=bucket)["Policy"], json.loads(text))


@pytest.mark.parametrize("fixture", VALID[:5], ids=lambda p: p.stem)
def test_valid_fixture_as_dict_is_accepted(client, bucket, fixture):
    doc = json.loads(fixture.read_text(encoding="utf-8"))
    client.put_bucket_policy(Bucket=bucket, Policy=doc)
    assert_normalised(client.get_bucket_policy(Bucket=bucket)["Policy"], doc)
