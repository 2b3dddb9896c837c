"""coscmd's ACL commands against the mock used as an HTTP proxy (issue 4;
real-clients.md §2): putbucketacl / putobjectacl first GET ?acl for Owner/ID,
then PUT an XML body with <Type>CanonicalUser</Type> grantees (`anyone` ->
qcs::cam::anyone:anyone, `123` -> qcs::cam::uin/123:uin/123, `1/2` ->
qcs::cam::uin/1:uin/2); getbucketacl / getobjectacl print a table.

putobjectacl --grant-write sends WRITE on an object, which cos-mock refuses
with 400 InvalidArgument (the chosen rule, fixtures/acl/invalid/
object_capture_coscmd_write.xml); coscmd then exits 255."""

import pytest

from conftest import BUCKET, UIN
from test_coscmd import coscmd  # noqa: F401  (the fixture: coscmd through http_proxy)

OWNER_ID = f"qcs::cam::uin/{UIN}:uin/{UIN}"
OTHER = "100000000002"
OTHER_ID = f"qcs::cam::uin/{OTHER}:uin/{OTHER}"
SUB_ID = f"qcs::cam::uin/{UIN}:uin/100000000011"
ALL_USERS = {"Type": "Group", "URI": "http://cam.qcloud.com/groups/global/AllUsers"}
KEY = "doc/a.txt"


def canonical(uin_id):
    return {"Type": "CanonicalUser", "ID": uin_id, "DisplayName": uin_id}


def grant_set(acl):
    out = set()
    for g in acl["AccessControlList"]["Grant"]:
        grantee = g["Grantee"]
        out.add((grantee.get("ID") or grantee.get("URI"), g["Permission"]))
    return out


def table_rows(stdout):
    """The `ACL | <id>: <PERMISSION>` rows coscmd prints."""
    rows = set()
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] == "ACL":
            rows.add(cells[1])
    return rows


def test_putbucketacl_then_getbucketacl(coscmd, client, bucket):
    coscmd("putbucketacl", "--grant-read", f"anyone,{OTHER}", "--grant-write", f"{UIN}/100000000011",
           "--grant-full-control", OTHER)
    acl = client.get_bucket_acl(Bucket=bucket)
    assert acl["Owner"]["ID"] == OWNER_ID
    # `anyone` is stored as the AllUsers group (coscmd's old anyone id), so the SDK sees public-read.
    assert grant_set(acl) == {
        (ALL_USERS["URI"], "READ"),
        (OTHER_ID, "READ"),
        (SUB_ID, "WRITE"),
        (OTHER_ID, "FULL_CONTROL"),
    }
    assert acl["CannedACL"] == "public-read"

    out = coscmd("getbucketacl").stdout
    assert table_rows(out) == {
        "anyone: READ",
        f"{OTHER_ID}: READ",
        f"{SUB_ID}: WRITE",
        f"{OTHER_ID}: FULL_CONTROL",
    }, out


def test_putbucketacl_overwrites(coscmd, client, bucket):
    client.put_bucket_acl(Bucket=bucket, ACL="public-read")
    coscmd("putbucketacl", "--grant-read", OTHER)
    acl = client.get_bucket_acl(Bucket=bucket)
    assert grant_set(acl) == {(OTHER_ID, "READ")}
    assert acl["CannedACL"] == "private"


def test_getbucketacl_of_a_new_bucket(coscmd, bucket):
    out = coscmd("getbucketacl").stdout
    assert table_rows(out) == {f"{OWNER_ID}: FULL_CONTROL"}, out


@pytest.mark.parametrize("args, want", [
    (["--grant-read", OTHER], {(OTHER_ID, "READ")}),
    (["--grant-read", "anyone"], {(ALL_USERS["URI"], "READ")}),
    (["--grant-full-control", f"{UIN}/100000000011"], {(SUB_ID, "FULL_CONTROL")}),
    (["--grant-read", OTHER, "--grant-full-control", OTHER], {(OTHER_ID, "READ"), (OTHER_ID, "FULL_CONTROL")}),
])
def test_putobjectacl_then_getobjectacl(coscmd, client, bucket, args, want):
    client.put_object(Bucket=bucket, Key=KEY, Body=b"x")
    coscmd("putobjectacl", *args, KEY)
    acl = client.get_object_acl(Bucket=bucket, Key=KEY)
    assert grant_set(acl) == want
    assert acl["CannedACL"] == ("public-read" if (ALL_USERS["URI"], "READ") in want else "private")

    out = coscmd("getobjectacl", KEY).stdout
    expect_rows = {("anyone" if who == ALL_USERS["URI"] else who) + f": {perm}" for who, perm in want}
    assert table_rows(out) == expect_rows, out


def test_getobjectacl_of_an_inheriting_object(coscmd, client, bucket):
    client.put_object(Bucket=bucket, Key=KEY, Body=b"x")
    out = coscmd("getobjectacl", KEY).stdout
    assert table_rows(out) == {f"{OWNER_ID}: FULL_CONTROL"}, out


def test_putobjectacl_grant_write_is_refused(coscmd, client, bucket):
    client.put_object(Bucket=bucket, Key=KEY, Body=b"x")
    proc = coscmd("putobjectacl", "--grant-write", OTHER, KEY, ok=False)
    assert proc.returncode == 255, (proc.returncode, proc.stdout, proc.stderr)
    assert "InvalidArgument" in proc.stdout + proc.stderr
    assert "Permission WRITE is not supported on an object" in proc.stdout + proc.stderr
    assert client.get_object_acl(Bucket=bucket, Key=KEY)["CannedACL"] == "default"


def test_putobjectacl_on_a_missing_object_fails(coscmd, bucket):
    proc = coscmd("putobjectacl", "--grant-read", OTHER, "nope.txt", ok=False)
    assert proc.returncode == 255, (proc.returncode, proc.stdout, proc.stderr)
