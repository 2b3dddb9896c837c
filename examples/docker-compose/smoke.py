"""Creates a bucket, puts and gets an object on cos-mock at $COS_ENDPOINT (http://HOST:PORT)."""

import os

from qcloud_cos import CosConfig, CosS3Client

host, port = os.environ["COS_ENDPOINT"].removeprefix("http://").split(":")
client = CosS3Client(
    CosConfig(
        Region=os.environ["COS_REGION"],
        SecretId=os.environ["COS_SECRET_ID"],
        SecretKey=os.environ["COS_SECRET_KEY"],
        Scheme="http",
        IP=host,
        Port=int(port),
        ServiceDomain=f"{host}:{port}",
    )
)
bucket = "recipe-1250000000"
client.create_bucket(Bucket=bucket)
client.put_object(Bucket=bucket, Key="hello.txt", Body=b"hello from compose")
body = client.get_object(Bucket=bucket, Key="hello.txt")["Body"].get_raw_stream().read()
assert body == b"hello from compose", body
print("smoke: ok")
