'use strict';
// Other ways of reaching the server with cos-nodejs-sdk-v5 (Proxy, Domain with
// --default-bucket), the request id, and HEAD errors without a body.
const test = require('node:test');
const assert = require('node:assert/strict');
const { BUCKET, COS, REGION, SECRET_ID, SECRET_KEY, Server, rawRequest, useServer, vhost } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };

test('every answer carries x-cos-request-id, exposed as RequestId', async () => {
  const put = await ctx.cos.putBucket(B);
  assert.ok(put.RequestId);
  const obj = await ctx.cos.putObject({ ...B, Key: 'k', Body: 'v' });
  assert.ok(obj.RequestId);
  assert.notEqual(put.RequestId, obj.RequestId);
  const err = await ctx.cos.getObject({ ...B, Key: 'missing' }).then(
    () => assert.fail('succeeded'),
    (e) => e
  );
  assert.ok(err.RequestId);
  assert.equal(err.error.RequestId, err.RequestId);
  assert.ok(err.headers['x-cos-trace-id']);
});

test('Server and Date headers', async () => {
  const put = await ctx.cos.putBucket(B);
  assert.equal(put.headers.server, 'tencent-cos');
  assert.ok(!Number.isNaN(Date.parse(put.headers.date)));
});

test('HEAD errors have no body', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: 'private.txt', Body: 'x' });
  const anon = await rawRequest(ctx.server, { method: 'HEAD', path: '/private.txt', headers: { Host: vhost() } });
  assert.equal(anon.statusCode, 403);
  assert.equal(anon.body.length, 0);
  assert.ok(anon.headers['x-cos-request-id']);
  const missing = await ctx.cos.headObject({ ...B, Key: 'missing.txt' }).then(
    () => assert.fail('succeeded'),
    (e) => e
  );
  assert.equal(missing.statusCode, 404);
  assert.ok(!missing.error, 'no parsed error body for HEAD');
});

test('the Proxy option sends absolute-form requests that work', async () => {
  const cos = new COS({ SecretId: SECRET_ID, SecretKey: SECRET_KEY, Protocol: 'http:', Proxy: ctx.server.baseUrl });
  await cos.putBucket(B);
  await cos.putObject({ ...B, Key: 'doc/./dot.txt', Body: 'via proxy' });
  const got = await cos.getObject({ ...B, Key: 'doc/./dot.txt' });
  assert.equal(got.Body.toString(), 'via proxy');
  const list = await cos.getBucket(B);
  assert.deepEqual(list.Contents.map((c) => c.Key), ['doc/./dot.txt']);
});

test('Domain mode against a server started with --default-bucket', async () => {
  const srv = await Server.start({ args: ['--default-bucket', BUCKET] });
  try {
    await srv.cos().putBucket(B);
    const cos = new COS({ SecretId: SECRET_ID, SecretKey: SECRET_KEY, Protocol: 'http:', Domain: `127.0.0.1:${srv.port}` });
    await cos.putObject({ ...B, Key: 'doc/a b+c.txt', Body: 'domain mode' });
    const got = await cos.getObject({ ...B, Key: 'doc/a b+c.txt' });
    assert.equal(got.Body.toString(), 'domain mode');
    const viaIp = await srv.cos().headObject({ ...B, Key: 'doc/a b+c.txt' });
    assert.equal(viaIp.headers['content-length'], '11');
  } finally {
    await srv.stop();
  }
});
