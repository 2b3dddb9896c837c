"""Object and bucket tagging through cos-python-sdk-v5: put/get/delete_object_tagging,
put/get/delete_bucket_tagging, put_object(Tagging=...), x-cos-tagging-count on
head_object, the copy's tagging directive, and COS's limits."""

from conftest import BUCKET
from helpers import expect_error


def tag_set(pairs):
    return {"TagSet": {"Tag": [{"Key": k, "Value": v} for k, v in pairs]}}


def tags_of(resp):
    # An empty TagSet parses as None.
    return [(t["Key"], t["Value"]) for t in (resp.get("TagSet") or {}).get("Tag") or []]


def test_put_get_delete_object_tagging_round_trips(client, bucket):
    client.put_object(Bucket=bucket, Key="a.txt", Body=b"data")
    client.put_object_tagging(Bucket=bucket, Key="a.txt", Tagging=tag_set([("k1", "v1"), ("k2", "v 2")]))
    got = client.get_object_tagging(Bucket=bucket, Key="a.txt")
    assert tags_of(got) == [("k1", "v1"), ("k2", "v 2")]
    head = client.head_object(Bucket=bucket, Key="a.txt")
    assert head["x-cos-tagging-count"] == "2"
    client.delete_object_tagging(Bucket=bucket, Key="a.txt")
    assert tags_of(client.get_object_tagging(Bucket=bucket, Key="a.txt")) == []
    assert "x-cos-tagging-count" not in client.head_object(Bucket=bucket, Key="a.txt")


def test_object_tagging_with_version_id_is_accepted(client, bucket):
    client.put_object(Bucket=bucket, Key="v", Body=b"1")
    client.put_object_tagging(Bucket=bucket, Key="v", Tagging=tag_set([("k", "v")]), VersionId="null")
    got = client.get_object_tagging(Bucket=bucket, Key="v", VersionId="null")
    assert tags_of(got) == [("k", "v")]


def test_put_object_tagging_header_sets_tags(client, bucket):
    client.put_object(Bucket=bucket, Key="h", Body=b"x", Tagging="team=a&env=test")
    assert tags_of(client.get_object_tagging(Bucket=bucket, Key="h")) == [("team", "a"), ("env", "test")]


def test_object_tagging_limits_are_invalid_tag(client, bucket):
    client.put_object(Bucket=bucket, Key="a", Body=b"x")
    eleven = [("k%d" % i, "v") for i in range(11)]
    for pairs in [eleven, [("k" * 128, "v")], [("k", "v" * 256)], [("k", "v"), ("k", "w")], [("qcs:x", "v")], [("a*b", "v")]]:
        expect_error(lambda: client.put_object_tagging(Bucket=bucket, Key="a", Tagging=tag_set(pairs)), 400, "InvalidTag")
    expect_error(lambda: client.put_object(Bucket=bucket, Key="b", Body=b"x", Tagging="novalue"), 400, "InvalidTag")


def test_object_tagging_missing_object_is_no_such_key(client, bucket):
    expect_error(lambda: client.get_object_tagging(Bucket=bucket, Key="nope"), 404, "NoSuchKey")


def test_copy_object_tagging_directive(client, bucket):
    client.put_object(Bucket=bucket, Key="src", Body=b"x", Tagging="from=src")
    source = {"Bucket": BUCKET, "Key": "src", "Region": "ap-guangzhou"}
    client.copy_object(Bucket=bucket, Key="kept", CopySource=source)
    assert tags_of(client.get_object_tagging(Bucket=bucket, Key="kept")) == [("from", "src")]
    client.copy_object(
        Bucket=bucket,
        Key="replaced",
        CopySource=source,
        Tagging="new=tag",
        # The python SDK has no TaggingDirective parameter; Metadata's keys are sent as given.
        Metadata={"x-cos-tagging-directive": "Replaced"},
    )
    assert tags_of(client.get_object_tagging(Bucket=bucket, Key="replaced")) == [("new", "tag")]


def test_put_get_delete_bucket_tagging_round_trips(client, bucket):
    expect_error(lambda: client.get_bucket_tagging(Bucket=bucket), 404, "NoSuchTagSet")
    client.put_bucket_tagging(Bucket=bucket, Tagging=tag_set([("env", "test"), ("owner", "me")]))
    assert tags_of(client.get_bucket_tagging(Bucket=bucket)) == [("env", "test"), ("owner", "me")]
    client.delete_bucket_tagging(Bucket=bucket)
    expect_error(lambda: client.get_bucket_tagging(Bucket=bucket), 404, "NoSuchTagSet")


def test_bucket_tagging_limits_are_invalid_tag(client, bucket):
    client.put_bucket_tagging(Bucket=bucket, Tagging=tag_set([("k%d" % i, "v") for i in range(50)]))
    fifty_one = [("k%d" % i, "v") for i in range(51)]
    expect_error(lambda: client.put_bucket_tagging(Bucket=bucket, Tagging=tag_set(fifty_one)), 400, "InvalidTag")
    assert len(tags_of(client.get_bucket_tagging(Bucket=bucket))) == 50
