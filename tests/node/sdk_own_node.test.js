'use strict';
// Behaviours the node SDK's own suite (cos-nodejs-sdk-v5 test/test.js, run against cos-mock by
// `scripts/sdk-own-suites.sh --node`) expects of COS, through cos-nodejs-sdk-v5's real methods:
// a Region that is no region ('gz') fails, and the legacy V4 signature of getV4Auth() in a sign= link.
const test = require('node:test');
const assert = require('node:assert/strict');
const { BUCKET, REGION, expectError, useServer, viaProxy, vhost } = require('./helpers');

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

// ---- getV4Auth() in a sign= link (test.js "getV4Auth()") ----

const v4Link = (key, sign) => `http://${vhost()}/${encodeURIComponent(key).replace(/%2F/g, '/')}?sign=${encodeURIComponent(sign)}`;

test('getV4Auth() put into ?sign= reads the object, and only that object', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: 'dir/1.txt', Body: 'content' });
  await ctx.cos.putObject({ ...B, Key: '2.txt', Body: 'other' });
  const sign = ctx.cos.getV4Auth({ Bucket: BUCKET, Key: 'dir/1.txt' });
  const res = await viaProxy(ctx.server, v4Link('dir/1.txt', sign));
  assert.equal(res.statusCode, 200, res.body.toString());
  assert.equal(res.body.toString(), 'content');
  // The same signature for another key, or to write.
  const other = await viaProxy(ctx.server, v4Link('2.txt', sign));
  assert.equal(other.statusCode, 403, other.body.toString());
  assert.match(other.body.toString(), /<Code>AccessDenied<\/Code>/);
  const put = await viaProxy(ctx.server, v4Link('dir/1.txt', sign), { method: 'PUT', body: 'x' });
  assert.equal(put.statusCode, 403, put.body.toString());
  assert.equal((await ctx.cos.getObject({ ...B, Key: 'dir/1.txt' })).Body.toString(), 'content');
});

test('getV4Auth() with another secret is SignatureDoesNotMatch; expired is AccessDenied', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: '1.txt', Body: 'content' });
  const wrong = ctx.server.cos({ SecretKey: 'not-the-secret' }).getV4Auth({ Bucket: BUCKET, Key: '1.txt' });
  const res = await viaProxy(ctx.server, v4Link('1.txt', wrong));
  assert.equal(res.statusCode, 403);
  assert.match(res.body.toString(), /<Code>SignatureDoesNotMatch<\/Code>/);
  const expired = ctx.cos.getV4Auth({ Bucket: BUCKET, Key: '1.txt', Expires: -10 });
  const late = await viaProxy(ctx.server, v4Link('1.txt', expired));
  assert.equal(late.statusCode, 403);
  assert.match(late.body.toString(), /Request has expired/);
});
