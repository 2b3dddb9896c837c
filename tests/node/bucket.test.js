'use strict';
// Buckets through cos-nodejs-sdk-v5: putBucket, headBucket, deleteBucket, getService.
const test = require('node:test');
const assert = require('node:assert/strict');
const { APPID, BUCKET, COS, REGION, SECRET_ID, SECRET_KEY, UIN, expectError, useServer } = require('./helpers');

const ctx = useServer();

async function bucketNames(cos = ctx.cos) {
  const data = await cos.getService({});
  return data.Buckets.map((b) => b.Name);
}

test('getService with no bucket returns an empty list and the owner', async () => {
  const data = await ctx.cos.getService({});
  assert.deepEqual(data.Buckets, []);
  assert.match(data.Owner.ID, new RegExp(UIN));
  assert.ok(data.RequestId, 'x-cos-request-id');
});

test('putBucket then headBucket and getService show it', async () => {
  const put = await ctx.cos.putBucket({ Bucket: BUCKET, Region: REGION });
  assert.equal(put.statusCode, 200);
  const head = await ctx.cos.headBucket({ Bucket: BUCKET, Region: REGION });
  assert.equal(head.statusCode, 200);
  const data = await ctx.cos.getService({});
  assert.equal(data.Buckets.length, 1);
  assert.equal(data.Buckets[0].Name, BUCKET);
  assert.equal(data.Buckets[0].Location, REGION);
  assert.ok(data.Buckets[0].CreationDate);
});

test('getService without ServiceDomain goes to service.cos.myqcloud.com via Ip', async () => {
  await ctx.cos.putBucket({ Bucket: BUCKET, Region: REGION });
  const cos = new COS({ SecretId: SECRET_ID, SecretKey: SECRET_KEY, Protocol: 'http:', Ip: `127.0.0.1:${ctx.server.port}` });
  assert.deepEqual(await bucketNames(cos), [BUCKET]);
});

test('getService with a Region lists the buckets of that region', async () => {
  await ctx.cos.putBucket({ Bucket: BUCKET, Region: REGION });
  const cos = new COS({ SecretId: SECRET_ID, SecretKey: SECRET_KEY, Protocol: 'http:', Ip: `127.0.0.1:${ctx.server.port}` });
  const data = await cos.getService({ Region: REGION });
  assert.deepEqual(data.Buckets.map((b) => b.Name), [BUCKET]);
});

test('putBucket twice is BucketAlreadyOwnedByYou', async () => {
  await ctx.cos.putBucket({ Bucket: BUCKET, Region: REGION });
  await expectError(ctx.cos.putBucket({ Bucket: BUCKET, Region: REGION }), 409, 'BucketAlreadyOwnedByYou');
});

for (const name of [`-bad-${APPID}`, `bad--${APPID}`]) {
  test(`putBucket ${name} is InvalidBucketName`, async () => {
    await expectError(ctx.cos.putBucket({ Bucket: name, Region: REGION }), 400, 'InvalidBucketName');
    assert.deepEqual(await bucketNames(), []);
  });
}

test('putBucket with an over-long name is rejected with 400', async () => {
  const err = await ctx.cos.putBucket({ Bucket: 'a'.repeat(51) + `-${APPID}`, Region: REGION }).then(
    () => assert.fail('succeeded'),
    (e) => e
  );
  assert.equal(err.statusCode, 400);
  assert.ok(['InvalidBucketName', 'BucketNameTooLong'].includes(err.code), err.code);
});

test('putBucket of another APPID is AccessDenied', async () => {
  await expectError(ctx.cos.putBucket({ Bucket: 'examplebucket-1250000002', Region: REGION }), 403, 'AccessDenied');
});

test('headBucket of a missing bucket is 404', async () => {
  const err = await ctx.cos.headBucket({ Bucket: BUCKET, Region: REGION }).then(
    () => assert.fail('succeeded'),
    (e) => e
  );
  assert.equal(err.statusCode, 404);
});

test('deleteBucket of a non-empty bucket is BucketNotEmpty, then succeeds once empty', async () => {
  await ctx.cos.putBucket({ Bucket: BUCKET, Region: REGION });
  await ctx.cos.putObject({ Bucket: BUCKET, Region: REGION, Key: 'doc/a.txt', Body: 'x' });
  await expectError(ctx.cos.deleteBucket({ Bucket: BUCKET, Region: REGION }), 409, 'BucketNotEmpty');
  await ctx.cos.deleteObject({ Bucket: BUCKET, Region: REGION, Key: 'doc/a.txt' });
  const del = await ctx.cos.deleteBucket({ Bucket: BUCKET, Region: REGION });
  assert.equal(del.statusCode, 204);
  assert.deepEqual(await bucketNames(), []);
});

test('deleteBucket of a missing bucket is NoSuchBucket', async () => {
  await expectError(ctx.cos.deleteBucket({ Bucket: BUCKET, Region: REGION }), 404, 'NoSuchBucket');
});

test('object calls on a missing bucket are NoSuchBucket', async () => {
  await expectError(ctx.cos.putObject({ Bucket: BUCKET, Region: REGION, Key: 'a', Body: 'x' }), 404, 'NoSuchBucket');
  await expectError(ctx.cos.getObject({ Bucket: BUCKET, Region: REGION, Key: 'a' }), 404, 'NoSuchBucket');
  await expectError(ctx.cos.getBucket({ Bucket: BUCKET, Region: REGION }), 404, 'NoSuchBucket');
});

test('getService filters by TagKey/TagValue and pages with Marker/MaxKeys', async () => {
  const names = [`alpha-${APPID}`, `beta-${APPID}`, BUCKET];
  for (const Bucket of names) await ctx.cos.putBucket({ Bucket, Region: REGION });
  await ctx.cos.putBucketTagging({ Bucket: `beta-${APPID}`, Region: REGION, Tags: [{ Key: 'tagKey', Value: 'tagValue' }] });
  const tagged = await ctx.cos.getService({ TagKey: 'tagKey', TagValue: 'tagValue' });
  assert.deepEqual(tagged.Buckets.map((b) => b.Name), [`beta-${APPID}`]);
  const page = await ctx.cos.getService({ MaxKeys: 2 });
  assert.deepEqual(page.Buckets.map((b) => b.Name), [...names].sort().slice(0, 2));
  const rest = await ctx.cos.getService({ Marker: page.Buckets[1].Name, MaxKeys: 2 });
  assert.deepEqual(rest.Buckets.map((b) => b.Name), [...names].sort().slice(2));
  await expectError(ctx.cos.getService({ CreateTime: 'x', CreateRange: 'lt' }), 400, 'InvalidArgument');
});
