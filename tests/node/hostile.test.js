'use strict';
// Hostile input through cos-nodejs-sdk-v5 (issue #12): configurations past COS's documented sizes
// are refused with COS's error and store nothing. (The node SDK re-parses a policy string before
// sending it, so a duplicate JSON key cannot reach the server through it; see test_hostile.py.)
const test = require('node:test');
const assert = require('node:assert/strict');
const { BUCKET, REGION, expectError, useServer } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };

function corsRules(n) {
  return Array.from({ length: n }, (_, i) => ({
    ID: `r${i}`,
    AllowedOrigins: ['http://a.example'],
    AllowedMethods: ['GET'],
  }));
}

test('putBucketCors with 101 rules is InvalidArgument and keeps the 100 before', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putBucketCors({ ...B, CORSRules: corsRules(100) });
  await expectError(ctx.cos.putBucketCors({ ...B, CORSRules: corsRules(101) }), 400, 'InvalidArgument');
  const got = await ctx.cos.getBucketCors(B);
  assert.equal(got.CORSRules.length, 100);
});

test('putBucketCors with a megabyte origin is EntityTooLarge and stores nothing', async () => {
  await ctx.cos.putBucket(B);
  const huge = [{ AllowedOrigins: ['http://' + 'o'.repeat(1 << 20)], AllowedMethods: ['GET'] }];
  await expectError(ctx.cos.putBucketCors({ ...B, CORSRules: huge }), 400, 'EntityTooLarge');
  const none = await ctx.cos.getBucketCors(B);
  assert.equal(none.statusCode, 404);
});

test('putBucketLifecycle with 1001 rules is InvalidArgument and stores nothing', async () => {
  await ctx.cos.putBucket(B);
  const Rules = Array.from({ length: 1001 }, (_, i) => ({
    ID: `r${i}`,
    Filter: { Prefix: `p${i}/` },
    Status: 'Enabled',
    Expiration: { Days: '1' },
  }));
  await expectError(ctx.cos.putBucketLifecycle({ ...B, Rules }), 400, 'InvalidArgument');
  // The SDK turns NoSuchLifecycleConfiguration into an empty answer with statusCode 404.
  const none = await ctx.cos.getBucketLifecycle(B);
  assert.equal(none.statusCode, 404);
  assert.deepEqual(none.Rules, []);
});
