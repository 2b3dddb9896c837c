"""Timeouts and keys through cos-python-sdk-v5 (issue #12): the SDK's pooled connections survive
the server closing idle ones (--keep-alive-timeout), a key XML cannot carry is refused with
InvalidURI, and keys with CR, LF, tab and DEL come back intact from listings the SDK parses."""

import time
from urllib.parse import unquote

from helpers import expect_error

COS_MOCK_ARGS = ["--keep-alive-timeout", "0.3", "--header-read-timeout", "1"]


def test_requests_after_the_keep_alive_timeout_open_a_new_connection(client, bucket):
    client.put_object(Bucket=bucket, Key="kept", Body=b"v1")
    for _ in range(3):
        time.sleep(0.6)  # the server closes the pooled connection meanwhile
        got = client.get_object(Bucket=bucket, Key="kept")["Body"].get_raw_stream().read()
        assert got == b"v1"


def test_put_object_key_with_control_character_is_invalid_uri(client, bucket):
    for key in ["nul\x00key", "bell\x07", "esc\x1b[0m"]:
        expect_error(lambda: client.put_object(Bucket=bucket, Key=key, Body=b"x"), 400, "InvalidURI")
    assert "Contents" not in client.list_objects(Bucket=bucket)


def test_keys_with_cr_lf_tab_del_round_trip_through_listings(client, bucket):
    keys = sorted(["cr\rx", "lf\nx", "tab\tx", "del\x7fx"])
    for key in keys:
        client.put_object(Bucket=bucket, Key=key, Body=b"v")
    plain = client.list_objects(Bucket=bucket)
    assert sorted(c["Key"] for c in plain["Contents"]) == keys
    url = client.list_objects(Bucket=bucket, EncodingType="url")  # the SDK leaves keys encoded
    assert sorted(unquote(c["Key"]) for c in url["Contents"]) == keys
    versions = client.list_objects_versions(Bucket=bucket, EncodingType="url")
    assert sorted(unquote(v["Key"]) for v in versions["Version"]) == keys
    assert client.get_object(Bucket=bucket, Key="cr\rx")["Body"].get_raw_stream().read() == b"v"
