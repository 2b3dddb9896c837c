"""Two root accounts from a --config file, through cos-python-sdk-v5: each
sees only its own buckets, may create only buckets of its APPID, and is denied
the other's bucket; seeded buckets come back after reset."""

from conftest import REGION
from helpers import expect_error

ROOT1 = {"uin": "100000000001", "appid": "1250000000", "secret_id": "AKIDROOT1", "secret_key": "root-secret-1"}
ROOT2 = {"uin": "100000000002", "appid": "1250000002", "secret_id": "AKIDROOT2", "secret_key": "root-secret-2"}
SEEDED = "seeded-1250000000"

COS_MOCK_CONFIG = {
    "region": REGION,
    "accounts": [ROOT1, ROOT2],
    "buckets": [{"name": SEEDED, "acl": "private"}],
}


def as_root(server, account):
    return server.client(secret_id=account["secret_id"], secret_key=account["secret_key"])


def names(client):
    data = client.list_buckets()
    return [] if data["Buckets"] is None else [b["Name"] for b in data["Buckets"]["Bucket"]]


def test_config_replaces_the_default_identity(server):
    default = server.client()  # AKIDCOSMOCKROOT is not in the config
    expect_error(lambda: default.list_buckets(), 403, "InvalidAccessKeyId")


def test_seeded_bucket_belongs_to_its_appid_owner(server):
    root1, root2 = as_root(server, ROOT1), as_root(server, ROOT2)
    assert names(root1) == [SEEDED]
    assert names(root2) == []
    root1.put_object(Bucket=SEEDED, Key="a.txt", Body=b"one")


def test_each_root_lists_only_its_own_buckets(server):
    root1, root2 = as_root(server, ROOT1), as_root(server, ROOT2)
    root2.create_bucket(Bucket="mine-1250000002")
    assert names(root2) == ["mine-1250000002"]
    assert names(root1) == [SEEDED]


def test_root_cannot_create_a_bucket_of_another_appid(server):
    root2 = as_root(server, ROOT2)
    expect_error(lambda: root2.create_bucket(Bucket="examplebucket-1250000000"), 403, "AccessDenied")


def test_root_is_denied_another_accounts_private_bucket(server):
    root1, root2 = as_root(server, ROOT1), as_root(server, ROOT2)
    root1.put_object(Bucket=SEEDED, Key="doc/a.txt", Body=b"private")
    expect_error(lambda: root2.get_object(Bucket=SEEDED, Key="doc/a.txt"), 403, "AccessDenied")
    expect_error(lambda: root2.put_object(Bucket=SEEDED, Key="doc/b.txt", Body=b"x"), 403, "AccessDenied")
    expect_error(lambda: root2.list_objects(Bucket=SEEDED), 403, "AccessDenied")
    expect_error(lambda: root2.delete_object(Bucket=SEEDED, Key="doc/a.txt"), 403, "AccessDenied")
    assert root1.object_exists(Bucket=SEEDED, Key="doc/a.txt")


def test_reset_restores_the_seeded_state(server):
    root1 = as_root(server, ROOT1)
    root1.put_object(Bucket=SEEDED, Key="a.txt", Body=b"x")
    root1.delete_object(Bucket=SEEDED, Key="a.txt")
    root1.delete_bucket(Bucket=SEEDED)
    assert names(root1) == []
    server.reset()
    assert names(root1) == [SEEDED]
