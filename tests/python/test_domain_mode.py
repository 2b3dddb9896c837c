"""cos-python-sdk-v5 in `Domain=` mode (real-clients.md §1 B) against a server
started with --default-bucket: the bucket is in neither Host nor path, and the
SDK signs the host without its port."""

from qcloud_cos import CosConfig, CosS3Client

from conftest import BUCKET, SECRET_ID, SECRET_KEY
from helpers import expect_error

COS_MOCK_ARGS = ["--default-bucket", BUCKET]


def domain_client(server):
    conf = CosConfig(Scheme="http", Domain=f"127.0.0.1:{server.port}", SecretId=SECRET_ID, SecretKey=SECRET_KEY)
    return CosS3Client(conf, retry=0)


def test_domain_mode_put_get_list_delete(server, client):
    client.create_bucket(Bucket=BUCKET)  # IP mode: the bucket is in the Host
    dom = domain_client(server)
    dom.put_object(Bucket=BUCKET, Key="doc/a b+c.txt", Body=b"domain mode")
    got = dom.get_object(Bucket=BUCKET, Key="doc/a b+c.txt")
    assert got["Body"].get_raw_stream().read() == b"domain mode"
    assert [c["Key"] for c in dom.list_objects(Bucket=BUCKET)["Contents"]] == ["doc/a b+c.txt"]
    # The object landed in the default bucket, as the IP-mode client sees it.
    assert client.head_object(Bucket=BUCKET, Key="doc/a b+c.txt")["Content-Length"] == "11"
    dom.delete_object(Bucket=BUCKET, Key="doc/a b+c.txt")
    expect_error(lambda: dom.get_object(Bucket=BUCKET, Key="doc/a b+c.txt"), 404, "NoSuchKey")


def test_domain_mode_admin_endpoints_still_answer(server):
    server.reset()  # POST /_cos-mock/reset on the bare address, not a key of the default bucket
    assert "buckets" in server.state()
