"""Bucket and object ACLs through cos-python-sdk-v5 (issue 4): put_bucket_acl /
put_object_acl by headers (ACL=, GrantRead=, GrantWrite=, GrantFullControl=;
the SDK has no parameter for the -read-acp / -write-acp headers) and by AccessControlPolicy= dict, in the SDK's
doc style (a <Type> child element) and in xsi style ('@xsi:type' attributes);
what get_bucket_acl / get_object_acl return after each PUT (including the
CannedACL the SDK derives, and `default` for objects that inherit), and each
error the server answers for a bad ACL."""

import pytest
import xmltodict

from conftest import BUCKET, REPO_ROOT, UIN
from helpers import expect_error, signed_request

OWNER_ID = f"qcs::cam::uin/{UIN}:uin/{UIN}"
OTHER = "100000000002"
OTHER_ID = f"qcs::cam::uin/{OTHER}:uin/{OTHER}"
SUB_ID = f"qcs::cam::uin/{UIN}:uin/100000000011"
ALL_USERS = "http://cam.qcloud.com/groups/global/AllUsers"
AUTH_USERS = "http://cam.qcloud.com/groups/global/AuthenticatedUsers"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
KEY = "doc/a.txt"


def user(uin_id, permission):
    """A grant as get_*_acl returns it (the SDK maps xsi:type to Type)."""
    return {"Grantee": {"Type": "CanonicalUser", "ID": uin_id, "DisplayName": uin_id}, "Permission": permission}


def group(uri, permission):
    return {"Grantee": {"Type": "Group", "URI": uri}, "Permission": permission}


OWNER_FULL = user(OWNER_ID, "FULL_CONTROL")


def grants(acl):
    return acl["AccessControlList"]["Grant"]


def assert_owner(acl):
    assert acl["Owner"] == {"ID": OWNER_ID, "DisplayName": OWNER_ID}


# -- doc style: <Type> child elements, as the SDK's docstring and coscmd build it

def doc_style(*grant_list, owner=OWNER_ID):
    return {
        "Owner": {"ID": owner},
        "AccessControlList": {"Grant": list(grant_list)},
    }


def doc_user(uin_id, permission):
    return {"Grantee": {"DisplayName": uin_id, "Type": "CanonicalUser", "ID": uin_id}, "Permission": permission}


def doc_group(uri, permission):
    return {"Grantee": {"Type": "Group", "URI": uri}, "Permission": permission}


# -- xsi style: real attributes through xmltodict's '@' keys

def xsi_user(uin_id, permission):
    return {"Grantee": {"@xmlns:xsi": XSI, "@xsi:type": "CanonicalUser", "ID": uin_id}, "Permission": permission}


def xsi_group(uri, permission):
    return {"Grantee": {"@xmlns:xsi": XSI, "@xsi:type": "Group", "URI": uri}, "Permission": permission}


@pytest.fixture
def obj(client, bucket):
    client.put_object(Bucket=bucket, Key=KEY, Body=b"acl")
    return KEY


# ---------------------------------------------------------------- bucket, headers

def test_new_bucket_is_private(client, bucket):
    acl = client.get_bucket_acl(Bucket=bucket)
    assert_owner(acl)
    assert grants(acl) == [OWNER_FULL]
    assert acl["CannedACL"] == "private"


@pytest.mark.parametrize("canned, extra, derived", [
    ("private", [], "private"),
    ("public-read", [group(ALL_USERS, "READ")], "public-read"),
    ("public-read-write", [group(ALL_USERS, "READ"), group(ALL_USERS, "WRITE")], "public-read-write"),
    ("authenticated-read", [group(AUTH_USERS, "READ")], "private"),  # the SDK only knows AllUsers
])
def test_put_bucket_acl_canned(client, bucket, canned, extra, derived):
    assert client.put_bucket_acl(Bucket=bucket, ACL=canned) is None
    acl = client.get_bucket_acl(Bucket=bucket)
    assert_owner(acl)
    assert grants(acl) == [OWNER_FULL, *extra]
    assert acl["CannedACL"] == derived


def test_put_bucket_acl_grant_headers(client, bucket):
    # cos-python-sdk-v5 1.9.44 maps only GrantRead, GrantWrite and GrantFullControl to headers
    # (GrantReadAcp= raises CosClientError "No Parameter Named GrantReadAcp"); the node suite
    # covers x-cos-grant-read-acp / -write-acp.
    client.put_bucket_acl(
        Bucket=bucket,
        GrantRead=f'id="{OTHER}", id="{UIN}/100000000011"',
        GrantWrite=f'id="{OTHER_ID}"',
        GrantFullControl='id="100000000003"',
    )
    acl = client.get_bucket_acl(Bucket=bucket)
    assert grants(acl) == [
        OWNER_FULL,
        user(OTHER_ID, "READ"),
        user(SUB_ID, "READ"),
        user(OTHER_ID, "WRITE"),
        user("qcs::cam::uin/100000000003:uin/100000000003", "FULL_CONTROL"),
    ]
    assert acl["CannedACL"] == "private"


def test_put_bucket_acl_canned_plus_grant_is_merged(client, bucket):
    # The capture py/node `public-read` + `x-cos-grant-write: id="100000000002"`.
    client.put_bucket_acl(Bucket=bucket, ACL="public-read", GrantWrite=f'id="{OTHER}"')
    acl = client.get_bucket_acl(Bucket=bucket)
    assert grants(acl) == [OWNER_FULL, group(ALL_USERS, "READ"), user(OTHER_ID, "WRITE")]
    assert acl["CannedACL"] == "public-read"


def test_put_bucket_acl_overwrites(client, bucket):
    client.put_bucket_acl(Bucket=bucket, ACL="public-read", GrantRead=f'id="{OTHER}"')
    client.put_bucket_acl(Bucket=bucket, ACL="private")
    assert grants(client.get_bucket_acl(Bucket=bucket)) == [OWNER_FULL]


def test_create_bucket_with_acl_header(client):
    client.create_bucket(Bucket=BUCKET, ACL="public-read")
    assert client.get_bucket_acl(Bucket=BUCKET)["CannedACL"] == "public-read"


# ---------------------------------------------------------------- bucket, body

def test_put_bucket_acl_body_doc_style(client, bucket):
    client.put_bucket_acl(Bucket=bucket, AccessControlPolicy=doc_style(
        doc_user(OWNER_ID, "FULL_CONTROL"),
        doc_user(OTHER_ID, "WRITE"),
        doc_group(ALL_USERS, "READ"),
    ))
    acl = client.get_bucket_acl(Bucket=bucket)
    assert_owner(acl)
    assert grants(acl) == [OWNER_FULL, user(OTHER_ID, "WRITE"), group(ALL_USERS, "READ")]
    assert acl["CannedACL"] == "public-read"


def test_put_bucket_acl_body_xsi_style(client, bucket):
    client.put_bucket_acl(Bucket=bucket, AccessControlPolicy={
        "Owner": {"ID": OWNER_ID, "DisplayName": OWNER_ID},
        "AccessControlList": {"Grant": [
            xsi_user(OTHER_ID, "READ_ACP"),
            xsi_group(ALL_USERS, "READ"),
            xsi_group(ALL_USERS, "WRITE"),
        ]},
    })
    acl = client.get_bucket_acl(Bucket=bucket)
    assert_owner(acl)
    # A body ACL is stored as given: no owner grant is added (the owner's access does not depend
    # on it; fixtures/acl/valid/capture_node_cos_bucket.expected.xml).
    assert grants(acl) == [user(OTHER_ID, "READ_ACP"), group(ALL_USERS, "READ"), group(ALL_USERS, "WRITE")]
    assert acl["CannedACL"] == "public-read-write"


def test_put_bucket_acl_body_single_grant_and_short_owner_id(client, bucket):
    # A single Grant (not a list) and the bare root uin as Owner/ID.
    client.put_bucket_acl(Bucket=bucket, AccessControlPolicy={
        "Owner": {"ID": UIN},
        "AccessControlList": {"Grant": doc_user(OTHER_ID, "READ")},
    })
    acl = client.get_bucket_acl(Bucket=bucket)
    assert_owner(acl)
    assert grants(acl) == [user(OTHER_ID, "READ")]


# ---------------------------------------------------------------- bucket, errors

@pytest.mark.parametrize("value", ["public-read-writ", "default", "bucket-owner-read"])
def test_unknown_canned_value_on_a_bucket(client, bucket, value):
    expect_error(lambda: client.put_bucket_acl(Bucket=bucket, ACL=value), 400, "InvalidArgument",
                 f"Invalid x-cos-acl value '{value}'; allowed on a bucket: private, public-read, public-read-write, authenticated-read")
    assert grants(client.get_bucket_acl(Bucket=bucket)) == [OWNER_FULL]


@pytest.mark.parametrize("header, value", [
    ("GrantRead", "id=100000000002"),
    ("GrantFullControl", 'id="100000000002",id="alice"'),
    ("GrantWrite", 'uin="100000000002"'),
])
def test_bad_grant_header(client, bucket, header, value):
    name = {"GrantRead": "x-cos-grant-read", "GrantFullControl": "x-cos-grant-full-control", "GrantWrite": "x-cos-grant-write"}[header]
    err = expect_error(lambda: client.put_bucket_acl(Bucket=bucket, **{header: value}), 400, "InvalidArgument")
    assert err.get_error_msg().startswith(f"Invalid {name} entry "), err.get_error_msg()
    assert grants(client.get_bucket_acl(Bucket=bucket)) == [OWNER_FULL]


def test_body_without_access_control_list_is_malformed(client, bucket):
    expect_error(lambda: client.put_bucket_acl(Bucket=bucket, AccessControlPolicy={"Owner": {"ID": OWNER_ID}}),
                 400, "MalformedXML",
                 "The XML you provided was not well-formed or did not validate against our published schema. (AccessControlList is missing)")


def test_grantee_without_id_or_uri_is_malformed(client, bucket):
    body = doc_style({"Grantee": {"Type": "CanonicalUser", "DisplayName": "x"}, "Permission": "READ"})
    expect_error(lambda: client.put_bucket_acl(Bucket=bucket, AccessControlPolicy=body), 400, "MalformedXML",
                 "The XML you provided was not well-formed or did not validate against our published schema. (Grantee must contain exactly one of ID and URI)")


def test_unknown_permission(client, bucket):
    expect_error(lambda: client.put_bucket_acl(Bucket=bucket, AccessControlPolicy=doc_style(doc_user(OTHER_ID, "READ_WRITE"))),
                 400, "InvalidArgument",
                 "Invalid Permission 'READ_WRITE'; allowed on a bucket: READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL")


def test_more_than_100_grants_is_policy_full(client, bucket):
    many = [doc_user(f"qcs::cam::uin/{200000000000 + i}:uin/{200000000000 + i}", "READ") for i in range(101)]
    expect_error(lambda: client.put_bucket_acl(Bucket=bucket, AccessControlPolicy=doc_style(*many)),
                 400, "PolicyFull", "your policy or acl has reached the limit")
    assert grants(client.get_bucket_acl(Bucket=bucket)) == [OWNER_FULL]


def test_100_grants_are_accepted(client, bucket):
    many = [doc_user(f"qcs::cam::uin/{200000000000 + i}:uin/{200000000000 + i}", "READ") for i in range(99)]
    client.put_bucket_acl(Bucket=bucket, AccessControlPolicy=doc_style(doc_user(OWNER_ID, "FULL_CONTROL"), *many))
    assert len(grants(client.get_bucket_acl(Bucket=bucket))) == 100


@pytest.mark.parametrize("owner", [OTHER_ID, SUB_ID])
def test_owner_id_not_the_owner(client, bucket, owner):
    expect_error(lambda: client.put_bucket_acl(Bucket=bucket, AccessControlPolicy=doc_style(doc_user(OTHER_ID, "READ"), owner=owner)),
                 400, "InvalidArgument",
                 f"Owner/ID '{owner}' is not the owner of this bucket ({OWNER_ID})")


def test_headers_and_body_together(client, bucket):
    expect_error(lambda: client.put_bucket_acl(Bucket=bucket, ACL="public-read",
                                               AccessControlPolicy=doc_style(doc_user(OTHER_ID, "READ"))),
                 400, "InvalidArgument",
                 "Specify the ACL either by x-cos-acl/x-cos-grant-* headers or by an XML body, not both")
    assert grants(client.get_bucket_acl(Bucket=bucket)) == [OWNER_FULL]


def test_missing_bucket(client):
    expect_error(lambda: client.get_bucket_acl(Bucket="nosuchbucket-1250000000"), 404, "NoSuchBucket")
    expect_error(lambda: client.put_bucket_acl(Bucket="nosuchbucket-1250000000", ACL="private"), 404, "NoSuchBucket")


# ---------------------------------------------------------------- objects

def test_new_object_acl_is_default(client, obj):
    acl = client.get_object_acl(Bucket=BUCKET, Key=obj)
    assert acl["CannedACL"] == "default"
    assert_owner(acl)
    assert grants(acl) == [OWNER_FULL]


@pytest.mark.parametrize("canned, extra, derived", [
    ("private", [], "private"),
    ("public-read", [group(ALL_USERS, "READ")], "public-read"),
    ("authenticated-read", [group(AUTH_USERS, "READ")], "private"),
    ("bucket-owner-read", [], "private"),
    ("bucket-owner-full-control", [], "private"),
])
def test_put_object_acl_canned(client, obj, canned, extra, derived):
    assert client.put_object_acl(Bucket=BUCKET, Key=obj, ACL=canned) is None
    acl = client.get_object_acl(Bucket=BUCKET, Key=obj)
    assert_owner(acl)
    assert grants(acl) == [OWNER_FULL, *extra]
    assert acl["CannedACL"] == derived


def test_put_object_acl_back_to_default(client, obj):
    client.put_object_acl(Bucket=BUCKET, Key=obj, ACL="public-read")
    client.put_object_acl(Bucket=BUCKET, Key=obj, ACL="default")
    assert client.get_object_acl(Bucket=BUCKET, Key=obj)["CannedACL"] == "default"


def test_put_object_acl_grant_headers(client, obj):
    client.put_object_acl(Bucket=BUCKET, Key=obj, GrantRead=f'id="{OTHER}"', GrantFullControl=f'id="{UIN}/100000000011"')
    acl = client.get_object_acl(Bucket=BUCKET, Key=obj)
    assert grants(acl) == [OWNER_FULL, user(OTHER_ID, "READ"), user(SUB_ID, "FULL_CONTROL")]
    assert acl["CannedACL"] == "private"


def test_put_object_with_acl_header(client, bucket):
    client.put_object(Bucket=bucket, Key=KEY, Body=b"x", ACL="public-read")
    assert client.get_object_acl(Bucket=bucket, Key=KEY)["CannedACL"] == "public-read"


def test_put_object_acl_body_doc_style(client, obj):
    client.put_object_acl(Bucket=BUCKET, Key=obj, AccessControlPolicy=doc_style(
        doc_user(OWNER_ID, "FULL_CONTROL"), doc_user(OTHER_ID, "READ"), doc_group(ALL_USERS, "READ")))
    acl = client.get_object_acl(Bucket=BUCKET, Key=obj)
    assert grants(acl) == [OWNER_FULL, user(OTHER_ID, "READ"), group(ALL_USERS, "READ")]
    assert acl["CannedACL"] == "public-read"


def test_put_object_acl_body_xsi_style(client, obj):
    client.put_object_acl(Bucket=BUCKET, Key=obj, AccessControlPolicy={
        "Owner": {"ID": OWNER_ID},
        "AccessControlList": {"Grant": [xsi_user(OTHER_ID, "READ_ACP"), xsi_group(ALL_USERS, "READ")]},
    })
    acl = client.get_object_acl(Bucket=BUCKET, Key=obj)
    assert grants(acl) == [user(OTHER_ID, "READ_ACP"), group(ALL_USERS, "READ")]
    assert acl["CannedACL"] == "public-read"


def test_write_on_an_object_by_header(client, obj):
    expect_error(lambda: client.put_object_acl(Bucket=BUCKET, Key=obj, GrantWrite=f'id="{OTHER}"'), 400, "InvalidArgument",
                 "x-cos-grant-write is not supported on an object")
    assert client.get_object_acl(Bucket=BUCKET, Key=obj)["CannedACL"] == "default"


@pytest.mark.parametrize("style", ["doc", "xsi"])
def test_write_on_an_object_by_body(client, obj, style):
    g = doc_user(OTHER_ID, "WRITE") if style == "doc" else xsi_user(OTHER_ID, "WRITE")
    expect_error(lambda: client.put_object_acl(Bucket=BUCKET, Key=obj, AccessControlPolicy=doc_style(g)), 400, "InvalidArgument",
                 "Permission WRITE is not supported on an object")


@pytest.mark.parametrize("value", ["public-read-write", "publicread"])
def test_unknown_canned_value_on_an_object(client, obj, value):
    err = expect_error(lambda: client.put_object_acl(Bucket=BUCKET, Key=obj, ACL=value), 400, "InvalidArgument")
    assert err.get_error_msg().startswith(f"Invalid x-cos-acl value '{value}'"), err.get_error_msg()


def test_object_acl_errors(client, obj):
    expect_error(lambda: client.put_object_acl(Bucket=BUCKET, Key=obj, GrantRead="id=\"bob\""), 400, "InvalidArgument")
    expect_error(lambda: client.put_object_acl(Bucket=BUCKET, Key=obj, AccessControlPolicy={"Owner": {"ID": OWNER_ID}}), 400, "MalformedXML")
    many = [doc_user(f"qcs::cam::uin/{200000000000 + i}:uin/{200000000000 + i}", "READ") for i in range(101)]
    expect_error(lambda: client.put_object_acl(Bucket=BUCKET, Key=obj, AccessControlPolicy=doc_style(*many)), 400, "PolicyFull")
    expect_error(lambda: client.put_object_acl(Bucket=BUCKET, Key=obj, AccessControlPolicy=doc_style(doc_user(OTHER_ID, "READ"), owner=OTHER_ID)),
                 400, "InvalidArgument")
    expect_error(lambda: client.put_object_acl(Bucket=BUCKET, Key=obj, ACL="private", AccessControlPolicy=doc_style(doc_user(OTHER_ID, "READ"))),
                 400, "InvalidArgument")
    assert client.get_object_acl(Bucket=BUCKET, Key=obj)["CannedACL"] == "default"


def test_object_acl_of_missing_object(client, bucket):
    expect_error(lambda: client.get_object_acl(Bucket=bucket, Key="nope.txt"), 404, "NoSuchKey")
    expect_error(lambda: client.put_object_acl(Bucket=bucket, Key="nope.txt", ACL="private"), 404, "NoSuchKey")


# ---------------------------------------------------------------- fixtures/acl through the SDK

ACL_FIXTURES = REPO_ROOT / "fixtures" / "acl"
VALID_BODIES = sorted(p for p in ACL_FIXTURES.glob("valid/*.xml") if not p.name.endswith(".expected.xml"))


@pytest.mark.parametrize("fixture", VALID_BODIES, ids=lambda p: p.stem)
def test_valid_body_fixture_through_the_sdk_reads_back_exactly(server, client, bucket, fixture):
    """Each valid body, turned into the dict the SDK takes (xmltodict.parse, which the SDK's
    format_xml reverses with xmltodict.unparse), is accepted; GET ?acl then answers exactly
    `<name>.expected.xml`, and the SDK parses it."""
    doc = xmltodict.parse(fixture.read_bytes())
    (root, body), = doc.items()
    assert root.split(":")[-1] == "AccessControlPolicy"
    want = fixture.with_name(fixture.stem + ".expected.xml").read_bytes()
    if fixture.name.startswith("object_"):
        client.put_object(Bucket=bucket, Key=KEY, Body=b"x")
        client.put_object_acl(Bucket=bucket, Key=KEY, AccessControlPolicy=body)
        raw = signed_request(server, client, "GET", KEY, params={"acl": ""})
        parsed = client.get_object_acl(Bucket=bucket, Key=KEY)
    else:
        client.put_bucket_acl(Bucket=bucket, AccessControlPolicy=body)
        raw = signed_request(server, client, "GET", None, params={"acl": ""})
        parsed = client.get_bucket_acl(Bucket=bucket)
    assert raw.status_code == 200
    assert raw.content == want
    assert parsed["Owner"]["ID"] == OWNER_ID
