"""Bucket versioning through cos-python-sdk-v5: put/get_bucket_versioning, put/get/head/
delete_object with VersionId, copy_object from a version, list_objects_versions (paged, with
delimiter and url encoding) and delete_objects with VersionId."""

from conftest import BUCKET
from helpers import expect_error, read_body, signed_request


def enable(client, bucket, status="Enabled"):
    client.put_bucket_versioning(Bucket=bucket, Status=status)


def put(client, key, body):
    return client.put_object(Bucket=BUCKET, Key=key, Body=body)


def test_get_bucket_versioning_never_enabled_has_no_status(client, bucket):
    got = client.get_bucket_versioning(Bucket=bucket)
    assert not got or "Status" not in got


def test_put_get_bucket_versioning_enabled_then_suspended(client, bucket):
    enable(client, bucket)
    assert client.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    enable(client, bucket, "Suspended")
    assert client.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


def test_put_bucket_versioning_bad_status_is_invalid_argument(server, client, bucket):
    # The SDK refuses other values itself: send the body as a raw signed request.
    body = b"<VersioningConfiguration><Status>Off</Status></VersioningConfiguration>"
    resp = signed_request(server, client, "PUT", "", params={"versioning": ""}, data=body)
    assert resp.status_code == 400, resp.text
    assert "<Code>InvalidArgument</Code>" in resp.text
    body = b"<VersioningConfiguration><Status>Enabled</Status>"
    resp = signed_request(server, client, "PUT", "", params={"versioning": ""}, data=body)
    assert resp.status_code == 400, resp.text
    assert "<Code>MalformedXML</Code>" in resp.text
    got = client.get_bucket_versioning(Bucket=bucket)
    assert not got or "Status" not in got


def test_put_object_versions_and_get_by_version_id(client, bucket):
    enable(client, bucket)
    v1 = put(client, "k", b"one")["x-cos-version-id"]
    v2 = put(client, "k", b"two")["x-cos-version-id"]
    assert v1 != v2
    assert read_body(client.get_object(Bucket=bucket, Key="k")) == b"two"
    old = client.get_object(Bucket=bucket, Key="k", VersionId=v1)
    assert old["x-cos-version-id"] == v1
    assert read_body(old) == b"one"
    head = client.head_object(Bucket=bucket, Key="k", VersionId=v1)
    assert head["Content-Length"] == "3"
    expect_error(
        lambda: client.get_object(Bucket=bucket, Key="k", VersionId="invalid-version-id"),
        404,
        "NoSuchVersion",
    )


def test_delete_object_adds_marker_and_deleting_it_restores(client, bucket):
    enable(client, bucket)
    v1 = put(client, "k", b"one")["x-cos-version-id"]
    deleted = client.delete_object(Bucket=bucket, Key="k")
    assert deleted["x-cos-delete-marker"] == "true"
    marker = deleted["x-cos-version-id"]
    err = expect_error(lambda: client.get_object(Bucket=bucket, Key="k"), 404, "NoSuchKey")
    assert err.get_origin_msg()
    expect_error(
        lambda: client.get_object(Bucket=bucket, Key="k", VersionId=marker),
        405,
        "MethodNotAllowed",
    )
    gone = client.delete_object(Bucket=bucket, Key="k", VersionId=marker)
    assert gone["x-cos-delete-marker"] == "true"
    assert read_body(client.get_object(Bucket=bucket, Key="k")) == b"one"
    client.delete_object(Bucket=bucket, Key="k", VersionId=v1)
    expect_error(lambda: client.get_object(Bucket=bucket, Key="k"), 404, "NoSuchKey")
    client.delete_bucket(Bucket=bucket)


def test_copy_object_from_a_version(client, bucket):
    enable(client, bucket)
    v1 = put(client, "src", b"one")["x-cos-version-id"]
    put(client, "src", b"two")
    source = {"Bucket": bucket, "Key": "src", "Region": "ap-guangzhou", "VersionId": v1}
    copied = client.copy_object(Bucket=bucket, Key="dst", CopySource=source)
    assert copied["ETag"]
    assert read_body(client.get_object(Bucket=bucket, Key="dst")) == b"one"


def test_list_objects_versions_shows_versions_and_delete_markers(client, bucket):
    enable(client, bucket)
    a = put(client, "a", b"a")["x-cos-version-id"]
    b1 = put(client, "dir/b", b"b1")["x-cos-version-id"]
    b2 = put(client, "dir/b", b"b2")["x-cos-version-id"]
    marker = client.delete_object(Bucket=bucket, Key="dir/b")["x-cos-version-id"]
    put(client, "中文/c", b"c")
    got = client.list_objects_versions(Bucket=bucket)
    assert got["IsTruncated"] == "false"
    versions = [(v["Key"], v["VersionId"], v["IsLatest"]) for v in got["Version"]]
    assert versions[:3] == [("a", a, "true"), ("dir/b", b2, "false"), ("dir/b", b1, "false")]
    assert versions[3][0] == "中文/c"
    assert [(m["Key"], m["VersionId"], m["IsLatest"]) for m in got["DeleteMarker"]] == [
        ("dir/b", marker, "true")
    ]
    assert got["Version"][0]["Size"] == "1"
    assert got["Version"][0]["StorageClass"] == "STANDARD"
    grouped = client.list_objects_versions(Bucket=bucket, Prefix="", Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["dir/", "中文/"]
    assert [v["Key"] for v in grouped["Version"]] == ["a"]
    encoded = client.list_objects_versions(Bucket=bucket, Delimiter="/", EncodingType="url")
    assert [p["Prefix"] for p in encoded["CommonPrefixes"]] == ["dir/", "%E4%B8%AD%E6%96%87/"]


def test_list_objects_versions_pages_with_key_and_version_id_markers(client, bucket):
    enable(client, bucket)
    expected = []
    for key in ["a", "b", "c"]:
        ids = [put(client, key, b"x")["x-cos-version-id"] for _ in range(5)]
        expected += [(key, v) for v in reversed(ids)]
    seen, key_marker, id_marker = [], "", ""
    while True:
        page = client.list_objects_versions(
            Bucket=bucket, MaxKeys=4, KeyMarker=key_marker, VersionIdMarker=id_marker
        )
        seen += [(v["Key"], v["VersionId"]) for v in page.get("Version", [])]
        if page["IsTruncated"] != "true":
            break
        key_marker, id_marker = page["NextKeyMarker"], page["NextVersionIdMarker"]
    assert seen == expected


def test_delete_objects_with_version_ids(client, bucket):
    enable(client, bucket)
    v1 = put(client, "a", b"1")["x-cos-version-id"]
    put(client, "a", b"2")
    put(client, "b", b"1")
    got = client.delete_objects(
        Bucket=bucket,
        Delete={
            "Object": [{"Key": "a", "VersionId": v1}, {"Key": "b"}],
            "Quiet": "false",
        },
    )
    deleted = {d["Key"]: d for d in got["Deleted"]}
    assert deleted["a"]["VersionId"] == v1
    assert deleted["b"]["DeleteMarker"] == "true"
    assert deleted["b"]["DeleteMarkerVersionId"]
    expect_error(
        lambda: client.get_object(Bucket=bucket, Key="a", VersionId=v1), 404, "NoSuchVersion"
    )
    expect_error(lambda: client.get_object(Bucket=bucket, Key="b"), 404, "NoSuchKey")
    expect_error(lambda: client.delete_bucket(Bucket=bucket), 409, "BucketNotEmpty")


def test_state_shows_versioning(server, client, bucket):
    enable(client, bucket)
    put(client, "k", b"1")
    put(client, "k", b"2")
    b = server.state()["buckets"][0]
    assert (b["versioning"], b["versions"], b["delete_markers"]) == ("Enabled", 2, 0)
