"""Objects through cos-python-sdk-v5: PUT/GET/HEAD/DELETE Object, headers,
ranges, conditional requests, response-* overrides, special keys."""

import gzip
import hashlib
from email.utils import formatdate

import pytest
from qcloud_cos.cos_exception import CosServiceError

from conftest import BUCKET
from helpers import crc64ecma, expect_error, read_body, signed_request

SPECIAL_KEYS = [
    "a b+c.txt",
    "doc/中文 ü.txt",
    "doc/./dot.txt",
    "odd~!*()';,=@$&[].txt",
]

PAST = "Mon, 01 Jan 2001 00:00:00 GMT"


def future_http_date(days=1):
    import time

    return formatdate(time.time() + days * 86400, usegmt=True)


def quoted_md5(data):
    return '"' + hashlib.md5(data).hexdigest() + '"'


@pytest.mark.parametrize("key", SPECIAL_KEYS)
def test_put_get_head_delete_special_key_round_trips(client, bucket, key):
    body = f"body of {key}".encode()
    put = client.put_object(Bucket=bucket, Key=key, Body=body)
    assert put["ETag"] == quoted_md5(body)

    got = client.get_object(Bucket=bucket, Key=key)
    assert read_body(got) == body
    head = client.head_object(Bucket=bucket, Key=key)
    assert head["Content-Length"] == str(len(body))
    assert head["ETag"] == quoted_md5(body)

    listed = client.list_objects(Bucket=bucket)
    assert [c["Key"] for c in listed["Contents"]] == [key]

    client.delete_object(Bucket=bucket, Key=key)
    expect_error(lambda: client.get_object(Bucket=bucket, Key=key), 404, "NoSuchKey")


def test_put_object_returns_etag_request_id_and_crc64(client, bucket):
    body = b"hello"
    put = client.put_object(Bucket=bucket, Key="hello.txt", Body=body)
    assert put["ETag"] == quoted_md5(body)
    assert put["x-cos-hash-crc64ecma"] == "11177612005948864433"
    assert put["x-cos-request-id"]


def test_get_and_head_object_return_etag_crc64_length_and_last_modified(client, bucket):
    body = b"123456789"
    client.put_object(Bucket=bucket, Key="n.txt", Body=body)
    for resp in (client.head_object(Bucket=bucket, Key="n.txt"), client.get_object(Bucket=bucket, Key="n.txt")):
        assert resp["ETag"] == quoted_md5(body)
        assert resp["x-cos-hash-crc64ecma"] == str(crc64ecma(body)) == str(0x995DC9BBDF1939FA)
        assert resp["Content-Length"] == "9"
        assert resp["Last-Modified"].endswith(" GMT")
        assert resp["x-cos-request-id"]


def test_empty_object_has_md5_and_crc64_of_nothing(client, bucket):
    put = client.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert put["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    head = client.head_object(Bucket=bucket, Key="empty")
    assert head["Content-Length"] == "0"
    assert head["x-cos-hash-crc64ecma"] == "0"
    assert read_body(client.get_object(Bucket=bucket, Key="empty")) == b""


def test_put_object_stores_content_type_meta_and_standard_headers(client, bucket):
    body = gzip.compress(b"compressed text")
    expires = "Wed, 21 Oct 2037 07:28:00 GMT"
    client.put_object(
        Bucket=bucket,
        Key="doc/meta.txt",
        Body=body,
        ContentType="text/plain; charset=utf-8",
        CacheControl="max-age=60",
        ContentDisposition='attachment; filename="a b.txt"',
        ContentEncoding="gzip",
        Expires=expires,
        Metadata={"x-cos-meta-foo": "Bar Baz/1+2", "x-cos-meta-empty-ish": "0"},
    )
    head = client.head_object(Bucket=bucket, Key="doc/meta.txt")
    assert head["Content-Type"] == "text/plain; charset=utf-8"
    assert head["Cache-Control"] == "max-age=60"
    assert head["Content-Disposition"] == 'attachment; filename="a b.txt"'
    assert head["Content-Encoding"] == "gzip"
    assert head["Expires"] == expires
    assert head["x-cos-meta-foo"] == "Bar Baz/1+2"
    assert head["x-cos-meta-empty-ish"] == "0"

    got = client.get_object(Bucket=bucket, Key="doc/meta.txt")
    assert got["Content-Type"] == "text/plain; charset=utf-8"
    assert got["x-cos-meta-foo"] == "Bar Baz/1+2"
    assert got["Content-Encoding"] == "gzip"
    # The stored bytes come back untouched (the SDK reads the raw stream).
    assert got["Body"].get_raw_stream().read() == body


def test_put_object_overwrites_existing_object(client, bucket):
    client.put_object(Bucket=bucket, Key="k", Body=b"first")
    client.put_object(Bucket=bucket, Key="k", Body=b"second!")
    got = client.get_object(Bucket=bucket, Key="k")
    assert read_body(got) == b"second!"
    assert got["ETag"] == quoted_md5(b"second!")


def test_put_object_with_enable_md5_succeeds(client, bucket):
    body = b"checked by Content-MD5"
    put = client.put_object(Bucket=bucket, Key="md5.txt", Body=body, EnableMD5=True)
    assert put["ETag"] == quoted_md5(body)


def test_put_object_with_wrong_content_md5_is_bad_digest(client, bucket):
    wrong = "1B2M2Y8AsgTpgAmY7PhCfg=="  # MD5 of the empty body
    expect_error(lambda: client.put_object(Bucket=bucket, Key="bad.txt", Body=b"not empty", ContentMD5=wrong), 400, "BadDigest")
    expect_error(lambda: client.head_object(Bucket=bucket, Key="bad.txt"), 404, "NoSuchResource")


def test_put_object_with_malformed_content_md5_is_invalid_digest(client, bucket):
    expect_error(lambda: client.put_object(Bucket=bucket, Key="bad.txt", Body=b"x", ContentMD5="not-base64!"), 400, "InvalidDigest")


def test_get_missing_key_is_no_such_key(client, bucket):
    err = expect_error(lambda: client.get_object(Bucket=bucket, Key="missing.txt"), 404, "NoSuchKey")
    assert err.get_error_msg()
    assert err.get_trace_id() not in ("", "Unknown")


def test_head_missing_key_is_404(client, bucket):
    # HEAD errors have no body: the SDK synthesises NoSuchResource from the 404.
    with pytest.raises(CosServiceError) as info:
        client.head_object(Bucket=bucket, Key="missing.txt")
    assert info.value.get_status_code() == 404
    assert info.value.get_error_code() == "NoSuchResource"


def test_delete_missing_key_succeeds(client, bucket):
    resp = client.delete_object(Bucket=bucket, Key="never-existed.txt")
    assert resp["x-cos-request-id"]


def test_object_exists_helper(client, bucket):
    client.put_object(Bucket=bucket, Key="here", Body=b"1")
    assert client.object_exists(Bucket=bucket, Key="here") is True
    assert client.object_exists(Bucket=bucket, Key="not-here") is False


# --- Range ------------------------------------------------------------------

DIGITS = b"0123456789"


@pytest.mark.parametrize(
    "range_header, content_range, part",
    [
        ("bytes=0-4", "bytes 0-4/10", b"01234"),
        ("bytes=5-", "bytes 5-9/10", b"56789"),
        ("bytes=-3", "bytes 7-9/10", b"789"),
        ("bytes=8-100", "bytes 8-9/10", b"89"),
    ],
)
def test_get_object_range_is_partial_content(server, client, bucket, range_header, content_range, part):
    client.put_object(Bucket=bucket, Key="digits", Body=DIGITS)
    got = client.get_object(Bucket=bucket, Key="digits", Range=range_header)
    assert got["Content-Range"] == content_range
    assert got["Content-Length"] == str(len(part))
    assert read_body(got) == part
    raw = signed_request(server, client, "GET", "digits", headers={"Range": range_header})
    assert raw.status_code == 206
    assert raw.content == part


def test_get_object_range_past_end_is_invalid_range(client, bucket):
    client.put_object(Bucket=bucket, Key="digits", Body=DIGITS)
    expect_error(lambda: client.get_object(Bucket=bucket, Key="digits", Range="bytes=20-30"), 416, "InvalidRange")


# --- Conditional requests ---------------------------------------------------


@pytest.fixture
def digits(client, bucket):
    put = client.put_object(Bucket=bucket, Key="digits", Body=DIGITS)
    return put["ETag"]


def test_get_object_if_match_current_etag_is_200(client, digits):
    got = client.get_object(Bucket=BUCKET, Key="digits", IfMatch=digits)
    assert read_body(got) == DIGITS


def test_get_object_if_match_other_etag_is_precondition_failed(client, digits):
    expect_error(lambda: client.get_object(Bucket=BUCKET, Key="digits", IfMatch='"00000000000000000000000000000000"'), 412, "PreconditionFailed")


def test_get_object_if_none_match_current_etag_is_304(server, client, digits):
    resp = signed_request(server, client, "GET", "digits", headers={"If-None-Match": digits})
    assert resp.status_code == 304
    assert resp.content == b""
    resp = signed_request(server, client, "GET", "digits", headers={"If-None-Match": '"other"'})
    assert resp.status_code == 200
    assert resp.content == DIGITS


def test_get_object_if_modified_since_future_is_304_and_past_is_200(server, client, digits):
    resp = signed_request(server, client, "GET", "digits", headers={"If-Modified-Since": future_http_date()})
    assert resp.status_code == 304
    resp = signed_request(server, client, "GET", "digits", headers={"If-Modified-Since": PAST})
    assert resp.status_code == 200
    assert resp.content == DIGITS


def test_get_object_if_unmodified_since_past_is_precondition_failed(client, digits):
    expect_error(lambda: client.get_object(Bucket=BUCKET, Key="digits", IfUnmodifiedSince=PAST), 412, "PreconditionFailed")
    got = client.get_object(Bucket=BUCKET, Key="digits", IfUnmodifiedSince=future_http_date())
    assert read_body(got) == DIGITS


def test_head_object_if_match_other_etag_is_412(client, digits):
    with pytest.raises(CosServiceError) as info:
        client.head_object(Bucket=BUCKET, Key="digits", IfMatch='"00000000000000000000000000000000"')
    assert info.value.get_status_code() == 412


def test_head_object_if_none_match_current_etag_is_304(server, client, digits):
    resp = signed_request(server, client, "HEAD", "digits", headers={"If-None-Match": digits})
    assert resp.status_code == 304


# --- response-* overrides ---------------------------------------------------


def test_get_object_response_overrides_set_response_headers(client, bucket):
    client.put_object(Bucket=bucket, Key="a b+c.txt", Body=b"x", ContentType="text/plain")
    got = client.get_object(
        Bucket=bucket,
        Key="a b+c.txt",
        ResponseContentType="application/x-test",
        ResponseContentDisposition='attachment; filename="a b+c.txt"',
        ResponseCacheControl="no-cache",
        ResponseContentLanguage="zh-CN",
        ResponseExpires="Thu, 01 Jan 2037 00:00:00 GMT",
        ResponseContentEncoding="identity",
    )
    assert got["Content-Type"] == "application/x-test"
    assert got["Content-Disposition"] == 'attachment; filename="a b+c.txt"'
    assert got["Cache-Control"] == "no-cache"
    assert got["Content-Language"] == "zh-CN"
    assert got["Expires"] == "Thu, 01 Jan 2037 00:00:00 GMT"
    assert got["Content-Encoding"] == "identity"
    assert read_body(got) == b"x"
    # The override changes the answer, not the stored object.
    assert client.head_object(Bucket=bucket, Key="a b+c.txt")["Content-Type"] == "text/plain"


# --- high-level helpers that index the header dict by exact name -------------


def test_upload_file_and_download_file(client, bucket, tmp_path):
    src = tmp_path / "src.bin"
    data = bytes(range(256)) * 64
    src.write_bytes(data)
    client.upload_file(Bucket=bucket, Key="dir/src.bin", LocalFilePath=str(src))
    dst = tmp_path / "dst.bin"
    client.download_file(Bucket=bucket, Key="dir/src.bin", DestFilePath=str(dst))
    assert dst.read_bytes() == data
