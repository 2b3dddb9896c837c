"""Symlinks through cos-python-sdk-v5: put_symlink / get_symlink (also with VersionId), and
get_object / head_object of a link serving its target, as the SDK's own
test_put_get_symlink_multiver expects of COS."""

from helpers import expect_error


def test_put_get_symlink_multiver_as_the_sdk_suite_does(client, bucket):
    client.put_bucket_versioning(Bucket=bucket, Status="Enabled")
    client.put_object(Bucket=bucket, Body=b"hello", Key="test_symlink_target.txt")
    put = client.put_symlink(Bucket=bucket, SymlinkName="test_symlink.txt", SymlinkTarget="test_symlink_target.txt")
    assert "x-cos-request-id" in put
    version_id = put["x-cos-version-id"]
    got = client.get_symlink(Bucket=bucket, SymlinkName="test_symlink.txt", VersionId=version_id)
    assert "x-cos-request-id" in got
    assert got["x-cos-symlink-target"] == "test_symlink_target.txt"
    assert got["x-cos-version-id"] == version_id
    body = client.get_object(Bucket=bucket, Key="test_symlink.txt")["Body"].get_raw_stream().read()
    assert body == b"hello"
    expect_error(
        lambda: client.get_symlink(Bucket=bucket, SymlinkName="test_symlink.txt", VersionId="invalid-version-id"),
        404,
        "NoSuchVersion",
    )
    expect_error(lambda: client.get_symlink(Bucket=bucket, SymlinkName="invalid-sym"), 404, "NoSuchKey")
    client.delete_object(Bucket=bucket, Key="test_symlink.txt")
    expect_error(lambda: client.get_symlink(Bucket=bucket, SymlinkName="test_symlink.txt"), 404, "NoSuchKey")


def test_put_symlink_unversioned_has_no_version_id(client, bucket):
    put = client.put_symlink(Bucket=bucket, SymlinkName="l", SymlinkTarget="dir/t.txt")
    assert "x-cos-version-id" not in put
    assert client.get_symlink(Bucket=bucket, SymlinkName="l")["x-cos-symlink-target"] == "dir/t.txt"


def test_get_and_head_object_of_link_serve_the_target(client, bucket):
    target = client.put_object(Bucket=bucket, Key="t.txt", Body=b"target body", Metadata={"x-cos-meta-k": "v"})
    client.put_symlink(Bucket=bucket, SymlinkName="l", SymlinkTarget="t.txt")
    got = client.get_object(Bucket=bucket, Key="l")
    assert got["Body"].get_raw_stream().read() == b"target body"
    assert got["ETag"] == target["ETag"]
    head = client.head_object(Bucket=bucket, Key="l")
    assert head["Content-Length"] == "11"
    assert head["x-cos-meta-k"] == "v"
    part = client.get_object(Bucket=bucket, Key="l", Range="bytes=0-5")
    assert part["Body"].get_raw_stream().read() == b"target"


def test_get_object_of_dangling_link_is_no_such_key(client, bucket):
    client.put_symlink(Bucket=bucket, SymlinkName="l", SymlinkTarget="missing")
    expect_error(lambda: client.get_object(Bucket=bucket, Key="l"), 404, "NoSuchKey")
    client.put_object(Bucket=bucket, Key="missing", Body=b"here")
    assert client.get_object(Bucket=bucket, Key="l")["Body"].get_raw_stream().read() == b"here"


def test_get_symlink_of_ordinary_object_is_invalid_argument(client, bucket):
    client.put_object(Bucket=bucket, Key="plain", Body=b"x")
    expect_error(lambda: client.get_symlink(Bucket=bucket, SymlinkName="plain"), 400, "InvalidArgument")


def test_put_symlink_empty_target_is_invalid_argument(client, bucket):
    expect_error(lambda: client.put_symlink(Bucket=bucket, SymlinkName="l", SymlinkTarget=""), 400, "InvalidArgument")


def test_put_symlink_with_acl_and_metadata(client, server, bucket):
    client.put_object(Bucket=bucket, Key="pub.txt", Body=b"open", ACL="public-read")
    client.put_symlink(
        Bucket=bucket, SymlinkName="pub-link", SymlinkTarget="pub.txt", ACL="public-read", Metadata={"x-cos-meta-a": "b"}
    )
    anonymous = server.client(Anonymous=True)
    assert anonymous.get_object(Bucket=bucket, Key="pub-link")["Body"].get_raw_stream().read() == b"open"
    assert anonymous.get_symlink(Bucket=bucket, SymlinkName="pub-link")["x-cos-symlink-target"] == "pub.txt"
    # A public link to a private target does not open the target.
    client.put_object(Bucket=bucket, Key="private.txt", Body=b"closed")
    client.put_symlink(Bucket=bucket, SymlinkName="pub-link2", SymlinkTarget="private.txt", ACL="public-read")
    expect_error(lambda: anonymous.get_object(Bucket=bucket, Key="pub-link2"), 403, "AccessDenied")


def test_list_objects_shows_the_link_itself(client, bucket):
    client.put_object(Bucket=bucket, Key="t", Body=b"0123456789")
    client.put_symlink(Bucket=bucket, SymlinkName="l", SymlinkTarget="t")
    listed = {c["Key"]: c["Size"] for c in client.list_objects(Bucket=bucket)["Contents"]}
    assert listed == {"l": "1", "t": "10"}
