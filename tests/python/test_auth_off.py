"""A server started with `--auth off` (interface.md): any or no signature is
accepted and the caller acts as the default root account."""

from conftest import BUCKET
from helpers import read_body

COS_MOCK_ARGS = ["--auth", "off"]


def test_anonymous_client_acts_as_root(server):
    anon = server.client(Anonymous=True)
    anon.create_bucket(Bucket=BUCKET)
    anon.put_object(Bucket=BUCKET, Key="doc/a b+c.txt", Body=b"no signature")
    assert read_body(anon.get_object(Bucket=BUCKET, Key="doc/a b+c.txt")) == b"no signature"
    assert [b["Name"] for b in anon.list_buckets()["Buckets"]["Bucket"]] == [BUCKET]


def test_wrong_and_unknown_keys_are_accepted(server, client):
    client.create_bucket(Bucket=BUCKET)
    for bad in (server.client(secret_key="not-the-secret"), server.client(secret_id="AKIDNOBODY", secret_key="x")):
        bad.put_object(Bucket=BUCKET, Key="k", Body=b"v")
        assert read_body(bad.get_object(Bucket=BUCKET, Key="k")) == b"v"
    # Everything landed in the default root's bucket.
    assert [c["Key"] for c in client.list_objects(Bucket=BUCKET)["Contents"]] == ["k"]
