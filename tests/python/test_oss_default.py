"""The default OSS root (oss.md §1): with no config file, cos-mock has an OSS
account uid 1000000000000001, AccessKeyId LTAIOSSMOCKROOT, secret
oss-mock-root-secret, next to the default COS root. oss2, V1 and V4."""

import oss2
import pytest

from oss_helpers import DEFAULT_KEYS, DEFAULT_UID, LOCATION, OSS_REGION

BUCKET = "oss-default-bucket"


@pytest.mark.parametrize("sig", ["v1", "v4"])
def test_default_oss_root(server, sig):
    auth = oss2.Auth(*DEFAULT_KEYS) if sig == "v1" else oss2.AuthV4(*DEFAULT_KEYS)
    b = oss2.Bucket(auth, server.base_url, BUCKET, region=OSS_REGION)
    assert b.create_bucket().status == 200
    assert b.get_bucket_location().location == LOCATION
    assert b.get_bucket_info().owner.id == DEFAULT_UID
    b.put_object("dir/a b.txt", b"default root")
    assert b.get_object("dir/a b.txt").read() == b"default root"
    assert [o.key for o in b.list_objects(prefix="dir/").object_list] == ["dir/a b.txt"]
    assert b.delete_object("dir/a b.txt").status == 204
    # The default COS key is no OSS key.
    cos_key = oss2.Bucket(oss2.Auth("AKIDCOSMOCKROOT", "cos-mock-root-secret"), server.base_url, BUCKET)
    with pytest.raises(oss2.exceptions.ServerError) as info:
        cos_key.get_bucket_info()
    assert (info.value.status, info.value.code) == (403, "InvalidAccessKeyId")
