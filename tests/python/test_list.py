"""GET Bucket (list objects) through cos-python-sdk-v5: prefix, delimiter,
marker, max-keys, encoding-type=url, CommonPrefixes, IsTruncated/NextMarker."""

import hashlib
from urllib.parse import unquote

import pytest

from conftest import BUCKET

KEYS = [
    "a.txt",
    "b/1.txt",
    "b/2.txt",
    "b/c/3.txt",
    "c d+e.txt",
    "d/中文 ü.txt",
    "doc/./dot.txt",
]
# COS lists in byte order of the UTF-8 key.
SORTED = sorted(KEYS, key=lambda k: k.encode())


@pytest.fixture
def filled(client, bucket):
    for key in KEYS:
        client.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


def keys_of(data):
    return [c["Key"] for c in data.get("Contents", [])]


def prefixes_of(data):
    return [p["Prefix"] for p in data.get("CommonPrefixes", [])]


def test_list_empty_bucket_has_no_contents(client, bucket):
    data = client.list_objects(Bucket=bucket)
    assert data["Name"] == BUCKET
    assert keys_of(data) == []
    assert data["IsTruncated"] == "false"


def test_list_all_returns_sorted_keys_with_etag_size_and_date(client, filled):
    data = client.list_objects(Bucket=filled)
    assert keys_of(data) == SORTED
    assert data["IsTruncated"] == "false"
    by_key = {c["Key"]: c for c in data["Contents"]}
    entry = by_key["b/1.txt"]
    assert entry["ETag"] == '"' + hashlib.md5(b"b/1.txt").hexdigest() + '"'
    assert entry["Size"] == str(len("b/1.txt"))
    assert entry["LastModified"]


def test_list_with_prefix(client, filled):
    data = client.list_objects(Bucket=filled, Prefix="b/")
    assert keys_of(data) == ["b/1.txt", "b/2.txt", "b/c/3.txt"]
    assert data["Prefix"] == "b/"


def test_list_with_delimiter_groups_common_prefixes(client, filled):
    data = client.list_objects(Bucket=filled, Delimiter="/")
    assert keys_of(data) == ["a.txt", "c d+e.txt"]
    assert prefixes_of(data) == ["b/", "d/", "doc/"]


def test_list_with_prefix_and_delimiter(client, filled):
    data = client.list_objects(Bucket=filled, Prefix="b/", Delimiter="/")
    assert keys_of(data) == ["b/1.txt", "b/2.txt"]
    assert prefixes_of(data) == ["b/c/"]


def test_list_with_unicode_prefix(client, filled):
    data = client.list_objects(Bucket=filled, Prefix="d/中文")
    assert keys_of(data) == ["d/中文 ü.txt"]


def test_list_with_marker_starts_after_it(client, filled):
    data = client.list_objects(Bucket=filled, Marker="b/2.txt")
    assert keys_of(data) == SORTED[SORTED.index("b/2.txt") + 1 :]


def test_list_with_max_keys_is_truncated_with_next_marker(client, filled):
    data = client.list_objects(Bucket=filled, MaxKeys=2)
    assert keys_of(data) == SORTED[:2]
    assert data["IsTruncated"] == "true"
    assert data["NextMarker"] == SORTED[1]
    assert data["MaxKeys"] == "2"


def test_list_pages_with_next_marker_cover_every_key_once(client, filled):
    seen, marker = [], ""
    for _ in range(10):
        data = client.list_objects(Bucket=filled, MaxKeys=3, Marker=marker)
        seen += keys_of(data)
        if data["IsTruncated"] == "false":
            break
        marker = data["NextMarker"]
    assert seen == SORTED


def test_list_with_encoding_type_url_encodes_keys(client, filled):
    data = client.list_objects(Bucket=filled, EncodingType="url")
    raw = keys_of(data)
    assert [unquote(k) for k in raw] == SORTED
    encoded = raw[SORTED.index("c d+e.txt")]
    assert " " not in encoded and "+" not in encoded
    assert all(ord(ch) < 128 for k in raw for ch in k)


def test_list_with_delimiter_and_encoding_type_url_encodes_prefixes(client, filled):
    data = client.list_objects(Bucket=filled, Prefix="d/", Delimiter="/", EncodingType="url")
    assert [unquote(k) for k in keys_of(data)] == ["d/中文 ü.txt"]
    assert unquote(data["Prefix"]) == "d/"
