"""Hostile input through cos-python-sdk-v5 (issue #12): a policy with a duplicate key, and
configurations past COS's documented sizes, are refused with COS's error and store nothing."""

from helpers import expect_error

DUPLICATE_EFFECT = (
    '{"version":"2.0","statement":[{"principal":{"qcs":["qcs::cam::anyone:anyone"]},'
    '"effect":"deny","effect":"allow","action":["name/cos:GetObject"],"resource":["*"]}]}'
)


def test_put_bucket_policy_duplicate_key_is_malformed_policy(client, bucket):
    err = expect_error(
        lambda: client.put_bucket_policy(Bucket=bucket, Policy=DUPLICATE_EFFECT),
        400,
        "MalformedPolicy",
    )
    assert 'statement[0]: duplicate key "effect"' in err.get_error_msg()
    expect_error(lambda: client.get_bucket_policy(Bucket=bucket), 404, "NoSuchPolicy")


def cors(n):
    rule = {"AllowedOrigin": ["http://a.example"], "AllowedMethod": ["GET"]}
    return {"CORSRule": [dict(rule, ID=f"r{i}") for i in range(n)]}


def test_put_bucket_cors_over_100_rules_is_invalid_argument(client, bucket):
    client.put_bucket_cors(Bucket=bucket, CORSConfiguration=cors(100))
    expect_error(
        lambda: client.put_bucket_cors(Bucket=bucket, CORSConfiguration=cors(101)),
        400,
        "InvalidArgument",
    )
    assert len(client.get_bucket_cors(Bucket=bucket)["CORSRule"]) == 100


def lifecycle(n):
    return {
        "Rule": [
            {
                "ID": f"r{i}",
                "Filter": {"Prefix": f"p{i}/"},
                "Status": "Enabled",
                "Expiration": {"Days": 1},
            }
            for i in range(n)
        ]
    }


def test_put_bucket_lifecycle_over_1000_rules_is_invalid_argument(client, bucket):
    expect_error(
        lambda: client.put_bucket_lifecycle(Bucket=bucket, LifecycleConfiguration=lifecycle(1001)),
        400,
        "InvalidArgument",
    )
    expect_error(
        lambda: client.get_bucket_lifecycle(Bucket=bucket), 404, "NoSuchLifecycleConfiguration"
    )


def test_put_bucket_cors_huge_origin_is_entity_too_large(client, bucket):
    huge = {"CORSRule": [{"AllowedOrigin": ["http://" + "o" * (1 << 20)], "AllowedMethod": ["GET"]}]}
    expect_error(
        lambda: client.put_bucket_cors(Bucket=bucket, CORSConfiguration=huge), 400, "EntityTooLarge"
    )
    expect_error(lambda: client.get_bucket_cors(Bucket=bucket), 404, "NoSuchCORSConfiguration")
