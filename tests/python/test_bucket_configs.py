"""Stored bucket configurations through cos-python-sdk-v5: referer, website, logging, domain,
origin, inventory (and its list), intelligent tiering (both forms), object lock and replication
(this SDK has no accelerate methods); plus referer enforcement and unknown sub-resources."""

import requests

from conftest import BUCKET, vhost
from helpers import expect_error

REFERER = {
    "Status": "Enabled",
    "RefererType": "White-List",
    "EmptyReferConfiguration": "Deny",
    "DomainList": {"Domain": ["*.qq.com", "*.qcloud.com"]},
}

WEBSITE = {
    "IndexDocument": {"Suffix": "index.html"},
    "ErrorDocument": {"Key": "error.html"},
    "RoutingRules": [
        {
            "Condition": {"HttpErrorCodeReturnedEquals": "404"},
            "Redirect": {"ReplaceKeyWith": "404.html"},
        },
        {
            "Condition": {"KeyPrefixEquals": "aaa/"},
            "Redirect": {"ReplaceKeyPrefixWith": "ccc/"},
        },
    ],
}

INVENTORY = {
    "Destination": {
        "COSBucketDestination": {
            "AccountId": "100000000001",
            "Bucket": "qcs::cos:ap-guangzhou::" + BUCKET,
            "Format": "CSV",
            "Prefix": "list1",
            "Encryption": {"SSECOS": {}},
        }
    },
    "IsEnabled": "True",
    "Filter": {"Prefix": "filterPrefix"},
    "IncludedObjectVersions": "All",
    "OptionalFields": {"Field": ["Size", "LastModifiedDate", "ETag", "StorageClass"]},
    "Schedule": {"Frequency": "Daily"},
}


def test_put_get_delete_bucket_referer_round_trips(client, bucket):
    client.put_bucket_referer(Bucket=bucket, RefererConfiguration=REFERER)
    got = client.get_bucket_referer(Bucket=bucket)
    assert got["Status"] == "Enabled"
    assert got["RefererType"] == "White-List"
    assert got["DomainList"]["Domain"] == ["*.qq.com", "*.qcloud.com"]
    assert got["EmptyReferConfiguration"] == "Deny"
    client.delete_bucket_referer(Bucket=bucket)
    # The SDK's own suite reads None after a delete (COS answers the empty root).
    assert client.get_bucket_referer(Bucket=bucket)["RefererConfiguration"] is None


def test_put_bucket_referer_bad_status_is_invalid_argument(client, bucket):
    bad = dict(REFERER, Status="On")
    expect_error(lambda: client.put_bucket_referer(Bucket=bucket, RefererConfiguration=bad), 400, "InvalidArgument")


def test_referer_white_list_refuses_anonymous_request_from_other_site(server, client, bucket):
    client.put_object(Bucket=bucket, Key="pic.png", Body=b"png", ACL="public-read")
    client.put_bucket_referer(Bucket=bucket, RefererConfiguration=REFERER)
    url = server.base_url + "/pic.png"
    ok = requests.get(url, headers={"Host": vhost(), "Referer": "https://www.qq.com/a"}, timeout=10)
    assert ok.status_code == 200
    bad = requests.get(url, headers={"Host": vhost(), "Referer": "https://evil.com/"}, timeout=10)
    assert bad.status_code == 403
    assert "<Code>AccessDenied</Code>" in bad.text
    # Signed requests (the SDK) are exempt by default.
    assert client.get_object(Bucket=bucket, Key="pic.png", Referer="https://evil.com/")["Body"].get_raw_stream().read() == b"png"


def test_put_get_delete_bucket_website_answers_cos_shape(client, bucket):
    client.put_bucket_website(Bucket=bucket, WebsiteConfiguration=WEBSITE)
    got = client.get_bucket_website(Bucket=bucket)
    assert got["IndexDocument"] == {"Suffix": "index.html"}
    assert got["ErrorDocument"] == {"Key": "error.html"}
    assert got["RoutingRules"] == [
        {
            "Condition": {"HttpErrorCodeReturnedEquals": "404"},
            "Redirect": {"ReplaceKeyWith": "404.html", "URLRedirect": "Enabled"},
        },
        {
            "Condition": {"KeyPrefixEquals": "aaa/"},
            "Redirect": {"ReplaceKeyPrefixWith": "ccc/", "URLRedirect": "Enabled"},
        },
    ]
    client.delete_bucket_website(Bucket=bucket)
    expect_error(lambda: client.get_bucket_website(Bucket=bucket), 404, "NoSuchWebsiteConfiguration")


def test_put_get_bucket_logging_and_disable(client, bucket):
    client.put_bucket_logging(
        Bucket=bucket,
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": bucket, "TargetPrefix": "test"}},
    )
    got = client.get_bucket_logging(Bucket=bucket)
    assert got["LoggingEnabled"]["TargetBucket"] == bucket
    assert got["LoggingEnabled"]["TargetPrefix"] == "test"
    client.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})
    assert "LoggingEnabled" not in client.get_bucket_logging(Bucket=bucket)


def test_put_get_delete_bucket_domain(client, bucket):
    rules = {"DomainRule": [{"Name": "www.example.com", "Type": "REST", "Status": "ENABLED"}]}
    client.put_bucket_domain(Bucket=bucket, DomainConfiguration=rules)
    assert client.get_bucket_domain(Bucket=bucket)["DomainRule"] == rules["DomainRule"]
    client.delete_bucket_domain(Bucket=bucket)
    expect_error(lambda: client.get_bucket_domain(Bucket=bucket), 404, "DomainConfigNotFoundError")


def test_put_get_delete_bucket_origin(client, bucket):
    origin = {
        "OriginRule": {
            "RulePriority": 1,
            "OriginType": "Mirror",
            "OriginCondition": {"HTTPStatusCode": "404"},
            "OriginParameter": {"Protocol": "HTTP"},
            "OriginInfo": {"HostInfo": {"HostName": "examplebucket-1250000000.cos.ap-shanghai.myqcloud.com"}},
        }
    }
    client.put_bucket_origin(Bucket=bucket, OriginConfiguration=origin)
    got = client.get_bucket_origin(Bucket=bucket)
    rule = got["OriginRule"][0] if isinstance(got["OriginRule"], list) else got["OriginRule"]
    assert rule["OriginType"] == "Mirror"
    assert rule["OriginInfo"]["HostInfo"]["HostName"].startswith("examplebucket-1250000000")
    client.delete_bucket_origin(Bucket=bucket)
    expect_error(lambda: client.get_bucket_origin(Bucket=bucket), 404, "NoSuchOriginConfiguration")


def test_put_get_list_delete_bucket_inventory(client, bucket):
    for i in range(3):
        client.put_bucket_inventory(Bucket=bucket, Id="ID-{}".format(i), InventoryConfiguration=dict(INVENTORY))
    got = client.get_bucket_inventory(Bucket=bucket, Id="ID-1")
    assert got["Id"] == "ID-1"
    assert got["OptionalFields"]["Field"] == ["Size", "LastModifiedDate", "ETag", "StorageClass"]
    assert got["Destination"]["COSBucketDestination"]["Format"] == "CSV"
    listed = client.list_bucket_inventory_configurations(Bucket=bucket)
    assert [c["Id"] for c in listed["InventoryConfiguration"]] == ["ID-0", "ID-1", "ID-2"]
    assert listed["IsTruncated"] == "false"
    client.delete_bucket_inventory(Bucket=bucket, Id="ID-1")
    expect_error(lambda: client.get_bucket_inventory(Bucket=bucket, Id="ID-1"), 404, "NoSuchInventoryConfiguration")


def test_list_bucket_inventory_pages_like_cos(client, bucket):
    n = 150
    for i in range(n):
        client.put_bucket_inventory(Bucket=bucket, Id="ID-{}".format(i), InventoryConfiguration=dict(INVENTORY))
    seen, token = [], ""
    while True:
        resp = client.list_bucket_inventory_configurations(Bucket=bucket, ContinuationToken=token)
        seen += [c["Id"] for c in resp.get("InventoryConfiguration", [])]
        if resp["IsTruncated"] != "true":
            break
        token = resp["NextContinuationToken"]
    assert seen == ["ID-{}".format(i) for i in range(n)]


def test_put_get_bucket_intelligenttiering_both_forms(client, bucket):
    assert client.get_bucket_intelligenttiering(Bucket=bucket) == {"IntelligentTieringConfiguration": None}
    client.put_bucket_intelligenttiering(
        Bucket=bucket,
        IntelligentTieringConfiguration={"Status": "Enabled", "Transition": {"Days": "30", "RequestFrequent": "1"}},
    )
    got = client.get_bucket_intelligenttiering(Bucket=bucket)
    assert got["Status"] == "Enabled"
    assert got["Transition"] == {"Days": "30", "RequestFrequent": "1"}
    # COS keeps the first form as the second's `default` (the SDK's own suite reads it so).
    got = client.get_bucket_intelligenttiering_v2(Bucket=bucket, Id="default")
    assert got["Id"] == "default" and got["Tiering"]["Days"] == "30"
    client.put_bucket_intelligenttiering_v2(
        Bucket=bucket,
        Id="default",
        IntelligentTieringConfiguration={
            "Id": "default",
            "Status": "Enabled",
            "Tiering": [{"AccessTier": "INFREQUENT", "Days": 30, "RequestFrequent": "1"}],
        },
    )
    got = client.get_bucket_intelligenttiering_v2(Bucket=bucket, Id="default")
    assert got["Tiering"]["AccessTier"] == "INFREQUENT"
    listed = client.list_bucket_intelligenttiering_configurations(Bucket=bucket)
    assert listed["IntelligentTieringConfiguration"]["Id"] == "default"


def test_put_get_bucket_object_lock(client, bucket):
    expect_error(lambda: client.get_bucket_object_lock(Bucket=bucket), 404, "ObjectLockConfigurationNotFoundError")
    client.put_bucket_object_lock(Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    assert client.get_bucket_object_lock(Bucket=bucket)["ObjectLockEnabled"] == "Enabled"


REPLICATION = {
    "Role": "qcs::cam::uin/100000000001:uin/100000000001",
    "Rule": [
        {
            "ID": "123",
            "Status": "Enabled",
            "Prefix": "replication",
            "Destination": {"Bucket": "qcs::cos:ap-shanghai::dest-1250000000", "StorageClass": "Standard"},
        }
    ],
}


def test_put_bucket_replication_needs_versioning(client, bucket):
    expect_error(
        lambda: client.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=REPLICATION),
        400,
        "InvalidRequest",
    )
    expect_error(lambda: client.get_bucket_replication(Bucket=bucket), 404, "ReplicationConfigurationnotFoundError")


def test_put_get_delete_bucket_replication_with_versioning(client, bucket):
    client.put_bucket_versioning(Bucket=bucket, Status="Enabled")
    client.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=REPLICATION)
    got = client.get_bucket_replication(Bucket=bucket)
    rule = got["Rule"][0] if isinstance(got["Rule"], list) else got["Rule"]
    assert rule["ID"] == "123"
    assert rule["Destination"]["Bucket"] == "qcs::cos:ap-shanghai::dest-1250000000"
    client.delete_bucket_replication(Bucket=bucket)
    expect_error(lambda: client.get_bucket_replication(Bucket=bucket), 404, "ReplicationConfigurationnotFoundError")


def test_unknown_subresource_is_not_implemented(server, client, bucket):
    resp = requests.put(
        server.base_url + "/k?live", headers={"Host": vhost()}, data=b"x", timeout=10
    )
    assert resp.status_code == 501
    assert "<Code>NotImplemented</Code>" in resp.text and "?live" in resp.text
    assert not client.object_exists(Bucket=bucket, Key="k")
