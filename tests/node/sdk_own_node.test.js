'use strict';
// Behaviours the node SDK's own suite (cos-nodejs-sdk-v5 test/test.js, run against cos-mock by
// `scripts/sdk-own-suites.sh --node`) expects of COS, through cos-nodejs-sdk-v5's real methods.
const test = require('node:test');
const assert = require('node:assert/strict');
const { BUCKET, REGION, expectError, useServer } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };

// ---- a Region that is no region (test.js "params check Region": headBucket with Region 'gz') ----

test("headBucket with Region 'gz' fails; the bucket is untouched in its own region", async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: 'o', Body: 'x' });
  const gz = { Bucket: BUCKET, Region: 'gz' };
  await expectError(ctx.cos.headBucket(gz), 404, '404'); // a HEAD has no body: the SDK's code is the status
  await expectError(ctx.cos.getObject({ ...gz, Key: 'o' }), 404, 'NoSuchBucket');
  await expectError(ctx.cos.putObject({ ...gz, Key: 'p', Body: 'x' }), 404, 'NoSuchBucket');
  await expectError(ctx.cos.putBucket({ Bucket: 'gz-1250000000', Region: 'gz' }), 404, 'NoSuchBucket');
  assert.equal((await ctx.cos.headBucket(B)).statusCode, 200);
  assert.equal((await ctx.cos.getObject({ ...B, Key: 'o' })).Body.toString(), 'x');
  await expectError(ctx.cos.getObject({ ...B, Key: 'p' }), 404, 'NoSuchKey');
});
