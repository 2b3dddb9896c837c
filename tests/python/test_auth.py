"""Signatures and callers through cos-python-sdk-v5: wrong key, unknown key,
anonymous, expired and skewed signatures, pre-signed URLs."""

import pytest
import requests
from qcloud_cos import CosS3Client

from conftest import BUCKET, REGION, SECRET_ID, SECRET_KEY, vhost
from helpers import expect_error, now, signing_clock


@pytest.fixture
def obj(client, bucket):
    client.put_object(Bucket=bucket, Key="doc/a b+c.txt", Body=b"secret bytes")
    return "doc/a b+c.txt"


def test_wrong_secret_key_is_signature_does_not_match(server, obj):
    bad = server.client(secret_key="not-the-secret")
    err = expect_error(lambda: bad.get_object(Bucket=BUCKET, Key=obj), 403, "SignatureDoesNotMatch")
    body = err.get_origin_msg()
    assert "<StringToSign>" in body and "<FormatString>" in body


def test_wrong_secret_key_on_put_is_rejected_and_stores_nothing(server, client, bucket):
    bad = server.client(secret_key="not-the-secret")
    expect_error(lambda: bad.put_object(Bucket=bucket, Key="x", Body=b"x"), 403, "SignatureDoesNotMatch")
    assert "Contents" not in client.list_objects(Bucket=bucket)


def test_unknown_secret_id_is_invalid_access_key_id(server, obj):
    stranger = server.client(secret_id="AKIDNOBODYKNOWSTHIS", secret_key="whatever")
    expect_error(lambda: stranger.get_object(Bucket=BUCKET, Key=obj), 403, "InvalidAccessKeyId")
    expect_error(lambda: stranger.list_buckets(), 403, "InvalidAccessKeyId")


def test_anonymous_access_to_private_bucket_is_access_denied(server, obj):
    anon = server.client(Anonymous=True)
    expect_error(lambda: anon.get_object(Bucket=BUCKET, Key=obj), 403, "AccessDenied")
    expect_error(lambda: anon.put_object(Bucket=BUCKET, Key="new", Body=b"x"), 403, "AccessDenied")
    expect_error(lambda: anon.list_objects(Bucket=BUCKET), 403, "AccessDenied")


def test_unsigned_plain_http_get_is_access_denied(server, obj):
    resp = requests.get(f"{server.base_url}/doc/a%20b%2Bc.txt", headers={"Host": vhost()}, timeout=10)
    assert resp.status_code == 403
    assert "<Code>AccessDenied</Code>" in resp.text


def test_expired_signature_is_access_denied_request_has_expired(client, obj):
    # The SDK signs [t-60, t+10000]; with t = now-20000 the window ended long ago.
    with signing_clock(now() - 20000):
        expect_error(lambda: client.get_object(Bucket=BUCKET, Key=obj), 403, "AccessDenied", "Request has expired")


def test_signature_from_far_future_is_request_time_too_skewed(client, obj):
    with signing_clock(now() + 3600):
        expect_error(lambda: client.get_object(Bucket=BUCKET, Key=obj), 403, "RequestTimeTooSkewed")


def test_signature_window_within_a_minute_of_now_is_accepted(client, obj):
    with signing_clock(now() + 30):
        client.head_object(Bucket=BUCKET, Key=obj)


# --- pre-signed URLs --------------------------------------------------------


def host_client(secret_key=SECRET_KEY):
    """A client that builds real COS URLs (no IP override): its pre-signed
    URLs are what a user hands out; they are fetched through the mock as an
    HTTP proxy."""
    from qcloud_cos import CosConfig

    return CosS3Client(CosConfig(Region=REGION, SecretId=SECRET_ID, SecretKey=secret_key, Scheme="http"), retry=0)


def proxies(server):
    return {"http": server.base_url}


def test_presigned_get_url_downloads_the_object(server, obj):
    url = host_client().get_presigned_url(Bucket=BUCKET, Key=obj, Method="GET")
    assert url.startswith(f"http://{vhost()}/doc/a%20b%2Bc.txt?")
    resp = requests.get(url, proxies=proxies(server), timeout=10)
    assert resp.status_code == 200, resp.text
    assert resp.content == b"secret bytes"


def test_presigned_download_url_with_ip_client_and_host_header(server, client, obj):
    url = client.get_presigned_download_url(Bucket=BUCKET, Key=obj, Headers={"Host": vhost()})
    resp = requests.get(url, headers={"Host": vhost()}, timeout=10)
    assert resp.status_code == 200, resp.text
    assert resp.content == b"secret bytes"


def test_presigned_url_with_unicode_key(server, client, bucket):
    key = "doc/中文 ü.txt"
    client.put_object(Bucket=bucket, Key=key, Body=b"unicode")
    url = host_client().get_presigned_url(Bucket=BUCKET, Key=key, Method="GET")
    resp = requests.get(url, proxies=proxies(server), timeout=10)
    assert resp.status_code == 200, resp.text
    assert resp.content == b"unicode"


def test_presigned_put_url_uploads(server, client, bucket):
    url = host_client().get_presigned_url(Bucket=BUCKET, Key="up/load.txt", Method="PUT")
    resp = requests.put(url, data=b"uploaded", proxies=proxies(server), timeout=10)
    assert resp.status_code == 200, resp.text
    assert client.get_object(Bucket=BUCKET, Key="up/load.txt")["Body"].get_raw_stream().read() == b"uploaded"


def test_presigned_url_with_wrong_key_is_signature_does_not_match(server, obj):
    url = host_client(secret_key="not-the-secret").get_presigned_url(Bucket=BUCKET, Key=obj, Method="GET")
    resp = requests.get(url, proxies=proxies(server), timeout=10)
    assert resp.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in resp.text


def test_presigned_url_past_its_window_is_request_has_expired(server, obj):
    with signing_clock(now() - 3600):
        url = host_client().get_presigned_url(Bucket=BUCKET, Key=obj, Method="GET", Expired=300)
    resp = requests.get(url, proxies=proxies(server), timeout=10)
    assert resp.status_code == 403
    assert "<Code>AccessDenied</Code>" in resp.text
    assert "<Message>Request has expired</Message>" in resp.text


def test_presigned_url_for_another_key_is_rejected(server, client, obj):
    client.put_object(Bucket=BUCKET, Key="other.txt", Body=b"other")
    url = host_client().get_presigned_url(Bucket=BUCKET, Key=obj, Method="GET")
    tampered = url.replace("/doc/a%20b%2Bc.txt?", "/other.txt?")
    resp = requests.get(tampered, proxies=proxies(server), timeout=10)
    assert resp.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in resp.text


def test_presigned_url_with_a_parameter_given_again_is_invalid_argument(server, obj):
    url = host_client().get_presigned_url(
        Bucket=BUCKET, Key=obj, Method="GET", Params={"response-content-type": "text/plain"}
    )
    ok = requests.get(url, proxies=proxies(server), timeout=10)
    assert ok.status_code == 200, ok.text
    assert ok.headers["Content-Type"] == "text/plain"
    resp = requests.get(url + "&response-content-type=text%2Fhtml", proxies=proxies(server), timeout=10)
    assert resp.status_code == 400, resp.text
    assert "<Code>InvalidArgument</Code>" in resp.text
    assert "response-content-type" in resp.text
