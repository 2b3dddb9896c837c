'use strict';
// APPEND Object, x-cos-forbid-overwrite, x-cos-traffic-limit and a repeated Complete Multipart
// Upload through cos-nodejs-sdk-v5 (appendObject, putObject, putObjectCopy, multipartComplete,
// getObject with a traffic limit).
const test = require('node:test');
const assert = require('node:assert/strict');
const { BUCKET, REGION, crc64ecma, expectError, useServer } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };
const FORBID = { 'x-cos-forbid-overwrite': 'true' };

async function withBucket() {
  await ctx.cos.putBucket(B);
}

test('appendObject grows an appendable object', async () => {
  await withBucket();
  const first = await ctx.cos.appendObject({ ...B, Key: 'log.txt', Position: 0, Body: 'hello ' });
  assert.equal(first.headers['x-cos-next-append-position'], '6');
  assert.equal(first.headers['x-cos-hash-crc64ecma'], crc64ecma(Buffer.from('hello ')));
  const second = await ctx.cos.appendObject({ ...B, Key: 'log.txt', Position: 6, Body: 'world' });
  assert.equal(second.headers['x-cos-next-append-position'], '11');
  assert.equal(second.headers['x-cos-hash-crc64ecma'], crc64ecma(Buffer.from('hello world')));
  const head = await ctx.cos.headObject({ ...B, Key: 'log.txt' });
  assert.equal(head.headers['x-cos-object-type'], 'appendable');
  const got = await ctx.cos.getObject({ ...B, Key: 'log.txt' });
  assert.equal(got.Body.toString(), 'hello world');
});

test('appendObject errors reach the SDK', async () => {
  await withBucket();
  await ctx.cos.appendObject({ ...B, Key: 'a', Position: 0, Body: 'abc' });
  await expectError(ctx.cos.appendObject({ ...B, Key: 'a', Position: 1, Body: 'x' }), 409, 'AppendPositionErr');
  await ctx.cos.putObject({ ...B, Key: 'n', Body: 'normal' });
  await expectError(ctx.cos.appendObject({ ...B, Key: 'n', Position: 6, Body: 'x' }), 409, 'ObjectNotAppendable');
});

test('putObject and putObjectCopy with x-cos-forbid-overwrite refuse an existing key', async () => {
  await withBucket();
  await ctx.cos.putObject({ ...B, Key: 'k', Body: 'first', Headers: FORBID });
  await expectError(ctx.cos.putObject({ ...B, Key: 'k', Body: 'second', Headers: FORBID }), 409, 'FileAlreadyExists');
  const got = await ctx.cos.getObject({ ...B, Key: 'k' });
  assert.equal(got.Body.toString(), 'first');
  await ctx.cos.putObject({ ...B, Key: 'dst', Body: 'dst' });
  await expectError(
    ctx.cos.putObjectCopy({ ...B, Key: 'dst', CopySource: `${BUCKET}.cos.${REGION}.myqcloud.com/k`, Headers: FORBID }),
    409,
    'FileAlreadyExists'
  );
});

test('multipartComplete twice answers the same result', async () => {
  await withBucket();
  const { UploadId } = await ctx.cos.multipartInit({ ...B, Key: 'mp' });
  const part = await ctx.cos.multipartUpload({ ...B, Key: 'mp', UploadId, PartNumber: 1, Body: 'part' });
  const Parts = [{ PartNumber: 1, ETag: part.ETag }];
  const first = await ctx.cos.multipartComplete({ ...B, Key: 'mp', UploadId, Parts });
  const second = await ctx.cos.multipartComplete({ ...B, Key: 'mp', UploadId, Parts });
  assert.equal(second.ETag, first.ETag);
  assert.equal(second.Key, 'mp');
});

test('x-cos-traffic-limit out of range is InvalidArgument; in range holds the rate', async () => {
  await withBucket();
  await expectError(
    ctx.cos.putObject({ ...B, Key: 't', Body: 'x', Headers: { 'x-cos-traffic-limit': '100' } }),
    400,
    'InvalidArgument'
  );
  const data = Buffer.alloc(200 * 1024, 'a');
  await ctx.cos.putObject({ ...B, Key: 'big', Body: data });
  const started = Date.now();
  const got = await ctx.cos.getObject({ ...B, Key: 'big', Headers: { 'x-cos-traffic-limit': '819200' } });
  const took = (Date.now() - started) / 1000;
  assert.ok(got.Body.equals(data));
  // 200 KiB at 100 KiB/s: about 2 s (±30%).
  assert.ok(took > 1.4 && took < 2.6, `${took}`);
});
