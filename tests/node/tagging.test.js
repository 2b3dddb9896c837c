'use strict';
// Object and bucket tagging through cos-nodejs-sdk-v5: putObjectTagging/getObjectTagging/
// deleteObjectTagging, putBucketTagging/getBucketTagging/deleteBucketTagging, the x-cos-tagging
// header on putObject (the node SDK has no Tagging parameter: Headers), x-cos-tagging-count on
// headObject, and COS's limits.
const test = require('node:test');
const assert = require('node:assert/strict');
const { BUCKET, REGION, expectError, useServer } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };

const tags = (n) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }));

test('putObjectTagging/getObjectTagging/deleteObjectTagging round-trip', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: 'a.txt', Body: 'data' });
  await ctx.cos.putObjectTagging({ ...B, Key: 'a.txt', Tags: [{ Key: 'k1', Value: 'v1' }, { Key: 'k2', Value: 'v 2' }] });
  const got = await ctx.cos.getObjectTagging({ ...B, Key: 'a.txt' });
  assert.deepEqual(got.Tags, [{ Key: 'k1', Value: 'v1' }, { Key: 'k2', Value: 'v 2' }]);
  const head = await ctx.cos.headObject({ ...B, Key: 'a.txt' });
  assert.equal(head.headers['x-cos-tagging-count'], '2');
  await ctx.cos.deleteObjectTagging({ ...B, Key: 'a.txt' });
  const none = await ctx.cos.getObjectTagging({ ...B, Key: 'a.txt' });
  assert.deepEqual(none.Tags, []);
});

test('putObject with an x-cos-tagging header sets tags', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: 'h', Body: 'x', Headers: { 'x-cos-tagging': 'team=a&env=test' } });
  const got = await ctx.cos.getObjectTagging({ ...B, Key: 'h' });
  assert.deepEqual(got.Tags, [{ Key: 'team', Value: 'a' }, { Key: 'env', Value: 'test' }]);
});

test('putObjectTagging over the limits is InvalidTag', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: 'a', Body: 'x' });
  for (const Tags of [tags(11), [{ Key: 'k'.repeat(128), Value: 'v' }], [{ Key: 'qcs:x', Value: 'v' }], [{ Key: 'k', Value: 'v' }, { Key: 'k', Value: 'w' }]]) {
    await expectError(ctx.cos.putObjectTagging({ ...B, Key: 'a', Tags }), 400, 'InvalidTag');
  }
  await expectError(ctx.cos.getObjectTagging({ ...B, Key: 'missing' }), 404, 'NoSuchKey');
});

test('putBucketTagging/getBucketTagging/deleteBucketTagging round-trip', async () => {
  await ctx.cos.putBucket(B);
  const none = await ctx.cos.getBucketTagging(B);
  assert.equal(none.statusCode, 404);
  assert.deepEqual(none.Tags, []);
  await ctx.cos.putBucketTagging({ ...B, Tags: [{ Key: 'env', Value: 'test' }] });
  const got = await ctx.cos.getBucketTagging(B);
  assert.deepEqual(got.Tags, [{ Key: 'env', Value: 'test' }]);
  await ctx.cos.deleteBucketTagging(B);
  assert.equal((await ctx.cos.getBucketTagging(B)).statusCode, 404);
});

test('putBucketTagging with 51 tags is InvalidTag', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putBucketTagging({ ...B, Tags: tags(50) });
  await expectError(ctx.cos.putBucketTagging({ ...B, Tags: tags(51) }), 400, 'InvalidTag');
  assert.equal((await ctx.cos.getBucketTagging(B)).Tags.length, 50);
});
