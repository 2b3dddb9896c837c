"""Example tests against cos-mock (the fixtures are in conftest.py)."""

import uuid


def test_put_object_then_get_returns_the_body(cos_client):
    bucket = f"tc{uuid.uuid4().hex[:8]}-1250000000"
    cos_client.create_bucket(Bucket=bucket)
    cos_client.put_object(Bucket=bucket, Key="a.txt", Body=b"hello")
    body = cos_client.get_object(Bucket=bucket, Key="a.txt")["Body"].get_raw_stream().read()
    assert body == b"hello"


def test_head_object_missing_key_is_404(cos_client):
    from qcloud_cos.cos_exception import CosServiceError

    bucket = f"tc{uuid.uuid4().hex[:8]}-1250000000"
    cos_client.create_bucket(Bucket=bucket)
    try:
        cos_client.head_object(Bucket=bucket, Key="missing")
    except CosServiceError as e:
        assert e.get_status_code() == 404
    else:
        raise AssertionError("head_object of a missing key succeeded")
