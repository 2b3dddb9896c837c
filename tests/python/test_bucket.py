"""Buckets through cos-python-sdk-v5: PUT/HEAD/DELETE Bucket and GET Service."""

import pytest
from qcloud_cos.cos_exception import CosServiceError

from conftest import APPID, BUCKET, REGION, UIN, vhost
from helpers import expect_error, signed_request


def bucket_names(client):
    data = client.list_buckets()
    assert "Buckets" in data
    if data["Buckets"] is None:
        return []
    return [b["Name"] for b in data["Buckets"]["Bucket"]]


def test_list_buckets_with_no_bucket_returns_empty_buckets(client):
    data = client.list_buckets()
    assert data["Buckets"] is None
    assert UIN in data["Owner"]["ID"]


def test_create_bucket_then_head_and_list_show_it(client):
    client.create_bucket(Bucket=BUCKET)
    headers = client.head_bucket(Bucket=BUCKET)
    assert headers["x-cos-request-id"]
    data = client.list_buckets()
    [entry] = data["Buckets"]["Bucket"]
    assert entry["Name"] == BUCKET
    assert entry["Location"] == REGION
    assert entry["CreationDate"]


def test_list_buckets_lists_every_bucket_of_the_caller(client):
    names = [f"alpha-{APPID}", f"beta-{APPID}", BUCKET]
    for name in names:
        client.create_bucket(Bucket=name)
    assert sorted(bucket_names(client)) == sorted(names)


def test_create_bucket_twice_is_bucket_already_owned_by_you(client):
    client.create_bucket(Bucket=BUCKET)
    expect_error(lambda: client.create_bucket(Bucket=BUCKET), 409, "BucketAlreadyOwnedByYou")


def test_create_bucket_whose_short_name_ends_with_hyphen_is_invalid_bucket_name(client):
    # `bad-` + `-APPID` passes the SDK's own name check; COS forbids a
    # BucketName that ends with '-'.
    expect_error(lambda: client.create_bucket(Bucket=f"bad--{APPID}"), 400, "InvalidBucketName")


@pytest.mark.parametrize("name", [f"-bad-{APPID}", f"bad_name-{APPID}"])
def test_create_bucket_with_illegal_characters_is_invalid_bucket_name(server, client, name):
    # The python SDK refuses these names before sending, so the request is
    # signed with the SDK's signer and sent as it would be.
    resp = signed_request(server, client, "PUT", None, host=vhost(name), headers={"Content-Length": "0"})
    assert resp.status_code == 400, resp.text
    assert "<Code>InvalidBucketName</Code>" in resp.text


def test_create_bucket_with_too_long_name_is_rejected(client):
    name = "a" * 51 + f"-{APPID}"  # 51 characters before the APPID, over COS's 50
    with pytest.raises(CosServiceError) as info:
        client.create_bucket(Bucket=name)
    err = info.value
    assert err.get_status_code() == 400, err.get_origin_msg()
    assert err.get_error_code() in ("InvalidBucketName", "BucketNameTooLong")


def test_create_bucket_of_another_appid_is_access_denied(client):
    expect_error(lambda: client.create_bucket(Bucket="examplebucket-1250000002"), 403, "AccessDenied")
    assert bucket_names(client) == []


def test_bucket_exists_helper(client):
    assert client.bucket_exists(Bucket=BUCKET) is False
    client.create_bucket(Bucket=BUCKET)
    assert client.bucket_exists(Bucket=BUCKET) is True


def test_head_missing_bucket_is_404(client):
    with pytest.raises(CosServiceError) as info:
        client.head_bucket(Bucket=BUCKET)
    assert info.value.get_status_code() == 404


def test_delete_non_empty_bucket_is_bucket_not_empty_then_empty_delete_succeeds(client):
    client.create_bucket(Bucket=BUCKET)
    client.put_object(Bucket=BUCKET, Key="doc/a.txt", Body=b"x")
    expect_error(lambda: client.delete_bucket(Bucket=BUCKET), 409, "BucketNotEmpty")
    client.delete_object(Bucket=BUCKET, Key="doc/a.txt")
    client.delete_bucket(Bucket=BUCKET)
    assert bucket_names(client) == []
    with pytest.raises(CosServiceError) as info:
        client.head_bucket(Bucket=BUCKET)
    assert info.value.get_status_code() == 404


def test_delete_missing_bucket_is_no_such_bucket(client):
    expect_error(lambda: client.delete_bucket(Bucket=BUCKET), 404, "NoSuchBucket")


def test_object_calls_on_missing_bucket_are_no_such_bucket(client):
    expect_error(lambda: client.put_object(Bucket=BUCKET, Key="a.txt", Body=b"x"), 404, "NoSuchBucket")
    expect_error(lambda: client.get_object(Bucket=BUCKET, Key="a.txt"), 404, "NoSuchBucket")
    expect_error(lambda: client.list_objects(Bucket=BUCKET), 404, "NoSuchBucket")


def test_reset_forgets_buckets(server, client):
    client.create_bucket(Bucket=BUCKET)
    server.reset()
    assert bucket_names(client) == []


def test_list_buckets_filters_by_tag_and_region_and_pages(server, client):
    # What the SDK's own suite does: tag a bucket, list by TagKey/TagValue, read each one's tags.
    names = [f"alpha-{APPID}", f"beta-{APPID}", BUCKET]
    for name in names:
        client.create_bucket(Bucket=name)
    client.put_bucket_tagging(
        Bucket=f"beta-{APPID}", Tagging={"TagSet": {"Tag": [{"Key": "tagKey", "Value": "tagValue"}]}}
    )
    listed = client.list_buckets(Region=REGION, TagKey="tagKey", TagValue="tagValue")
    assert [b["Name"] for b in listed["Buckets"]["Bucket"]] == [f"beta-{APPID}"]
    for bucket in listed["Buckets"]["Bucket"]:
        tag = client.get_bucket_tagging(Bucket=bucket["Name"])
        assert tag["TagSet"]["Tag"][0] == {"Key": "tagKey", "Value": "tagValue"}
    assert client.list_buckets(Region="ap-beijing")["Buckets"] is None
    page = client.list_buckets(MaxKeys=2)
    assert [b["Name"] for b in page["Buckets"]["Bucket"]] == sorted(names)[:2]
    assert page["IsTruncated"] == "true"
    rest = client.list_buckets(Marker=page["NextMarker"], MaxKeys=2)
    assert [b["Name"] for b in rest["Buckets"]["Bucket"]] == sorted(names)[2:]
    assert rest["IsTruncated"] == "false"
