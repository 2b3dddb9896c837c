'use strict';
// Objects through cos-nodejs-sdk-v5: putObject/getObject/headObject/deleteObject,
// headers, ranges, conditional requests, response-* overrides, special keys.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { BUCKET, REGION, crc64ecma, expectError, useServer } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };

const SPECIAL_KEYS = ['a b+c.txt', 'doc/中文 ü.txt', 'doc/./dot.txt', "odd~!*()';,=@$&[].txt"];
const DIGITS = Buffer.from('0123456789');
const PAST = 'Mon, 01 Jan 2001 00:00:00 GMT';
const future = () => new Date(Date.now() + 86400e3).toUTCString();
const quotedMd5 = (buf) => `"${crypto.createHash('md5').update(buf).digest('hex')}"`;

async function withBucket() {
  await ctx.cos.putBucket(B);
}

async function putDigits() {
  await withBucket();
  const put = await ctx.cos.putObject({ ...B, Key: 'digits', Body: DIGITS });
  return put.ETag;
}

for (const key of SPECIAL_KEYS) {
  test(`put/get/head/delete round-trips the key ${JSON.stringify(key)}`, async () => {
    await withBucket();
    const body = Buffer.from(`body of ${key}`);
    const put = await ctx.cos.putObject({ ...B, Key: key, Body: body });
    assert.equal(put.ETag, quotedMd5(body));
    const got = await ctx.cos.getObject({ ...B, Key: key });
    assert.deepEqual(got.Body, body);
    const head = await ctx.cos.headObject({ ...B, Key: key });
    assert.equal(head.headers['content-length'], String(body.length));
    const list = await ctx.cos.getBucket(B);
    assert.deepEqual(list.Contents.map((c) => c.Key), [key]);
    const del = await ctx.cos.deleteObject({ ...B, Key: key });
    assert.equal(del.statusCode, 204);
    await expectError(ctx.cos.getObject({ ...B, Key: key }), 404, 'NoSuchKey');
  });
}

test('putObject returns ETag, request id and crc64', async () => {
  await withBucket();
  const put = await ctx.cos.putObject({ ...B, Key: 'hello.txt', Body: 'hello' });
  assert.equal(put.ETag, quotedMd5(Buffer.from('hello')));
  assert.equal(put.headers['x-cos-hash-crc64ecma'], '11177612005948864433');
  assert.ok(put.RequestId);
});

test('getObject and headObject return ETag, crc64, length and Last-Modified', async () => {
  await withBucket();
  const body = Buffer.from('123456789');
  await ctx.cos.putObject({ ...B, Key: 'n.txt', Body: body });
  for (const resp of [await ctx.cos.headObject({ ...B, Key: 'n.txt' }), await ctx.cos.getObject({ ...B, Key: 'n.txt' })]) {
    assert.equal(resp.ETag, quotedMd5(body));
    assert.equal(resp.headers['x-cos-hash-crc64ecma'], crc64ecma(body));
    assert.equal(resp.headers['content-length'], '9');
    assert.match(resp.headers['last-modified'], / GMT$/);
    assert.ok(resp.RequestId);
  }
});

test('putObject stores Content-Type, x-cos-meta-* and the standard headers', async () => {
  await withBucket();
  const body = zlib.gzipSync('compressed text');
  const expires = 'Wed, 21 Oct 2037 07:28:00 GMT';
  await ctx.cos.putObject({
    ...B,
    Key: 'doc/meta.txt',
    Body: body,
    ContentType: 'text/plain; charset=utf-8',
    CacheControl: 'max-age=60',
    ContentDisposition: 'attachment; filename="a b.txt"',
    ContentEncoding: 'gzip',
    Expires: expires,
    'x-cos-meta-foo': 'Bar Baz/1+2',
  });
  const head = await ctx.cos.headObject({ ...B, Key: 'doc/meta.txt' });
  assert.equal(head.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(head.headers['cache-control'], 'max-age=60');
  assert.equal(head.headers['content-disposition'], 'attachment; filename="a b.txt"');
  assert.equal(head.headers['content-encoding'], 'gzip');
  assert.equal(head.headers['expires'], expires);
  assert.equal(head.headers['x-cos-meta-foo'], 'Bar Baz/1+2');
  const got = await ctx.cos.getObject({ ...B, Key: 'doc/meta.txt' });
  assert.deepEqual(got.Body, body);
  assert.equal(got.headers['x-cos-meta-foo'], 'Bar Baz/1+2');
});

test('putObject with UploadCheckContentMd5 sends Content-MD5 and succeeds', async () => {
  await withBucket();
  const cos = ctx.server.cos({ UploadCheckContentMd5: true });
  const put = await cos.putObject({ ...B, Key: 'md5.txt', Body: Buffer.from('checked') });
  assert.equal(put.ETag, quotedMd5(Buffer.from('checked')));
});

test('putObject with a wrong Content-MD5 is BadDigest', async () => {
  await withBucket();
  const wrong = '1B2M2Y8AsgTpgAmY7PhCfg=='; // MD5 of the empty body
  await expectError(ctx.cos.putObject({ ...B, Key: 'bad.txt', Body: 'not empty', ContentMD5: wrong }), 400, 'BadDigest');
  const list = await ctx.cos.getBucket(B);
  assert.deepEqual(list.Contents, []);
});

test('putObject with a malformed Content-MD5 is InvalidDigest', async () => {
  await withBucket();
  await expectError(ctx.cos.putObject({ ...B, Key: 'bad.txt', Body: 'x', ContentMD5: 'not-base64!' }), 400, 'InvalidDigest');
});

test('getObject of a missing key is NoSuchKey with the full error object', async () => {
  await withBucket();
  const err = await expectError(ctx.cos.getObject({ ...B, Key: 'missing.txt' }), 404, 'NoSuchKey');
  assert.ok(err.error.Message);
  assert.ok(err.error.Resource);
  assert.ok(err.error.RequestId);
  assert.ok(err.error.TraceId);
  assert.equal(err.RequestId, err.headers['x-cos-request-id']);
});

test('headObject of a missing key is 404 without a body', async () => {
  await withBucket();
  const err = await ctx.cos.headObject({ ...B, Key: 'missing.txt' }).then(
    () => assert.fail('succeeded'),
    (e) => e
  );
  assert.equal(err.statusCode, 404);
});

test('deleteObject of a missing key succeeds', async () => {
  await withBucket();
  const del = await ctx.cos.deleteObject({ ...B, Key: 'never-existed.txt' });
  assert.equal(del.statusCode, 204);
});

// --- Range -------------------------------------------------------------------

for (const [range, contentRange, part] of [
  ['bytes=0-4', 'bytes 0-4/10', '01234'],
  ['bytes=5-', 'bytes 5-9/10', '56789'],
  ['bytes=-3', 'bytes 7-9/10', '789'],
  ['bytes=8-100', 'bytes 8-9/10', '89'],
]) {
  test(`getObject Range ${range} is 206`, async () => {
    await putDigits();
    const got = await ctx.cos.getObject({ ...B, Key: 'digits', Range: range });
    assert.equal(got.statusCode, 206);
    assert.equal(got.headers['content-range'], contentRange);
    assert.equal(got.Body.toString(), part);
  });
}

test('getObject Range past the end is InvalidRange', async () => {
  await putDigits();
  await expectError(ctx.cos.getObject({ ...B, Key: 'digits', Range: 'bytes=20-30' }), 416, 'InvalidRange');
});

// --- Conditional requests ----------------------------------------------------

test('If-Match with the current ETag is 200, another is PreconditionFailed', async () => {
  const etag = await putDigits();
  const got = await ctx.cos.getObject({ ...B, Key: 'digits', IfMatch: etag });
  assert.deepEqual(got.Body, DIGITS);
  await expectError(ctx.cos.getObject({ ...B, Key: 'digits', IfMatch: '"00000000000000000000000000000000"' }), 412, 'PreconditionFailed');
});

test('If-None-Match with the current ETag is 304', async () => {
  const etag = await putDigits();
  const err = await ctx.cos.getObject({ ...B, Key: 'digits', IfNoneMatch: etag }).then(
    () => assert.fail('succeeded'),
    (e) => e
  );
  assert.equal(err.statusCode, 304);
  const got = await ctx.cos.getObject({ ...B, Key: 'digits', IfNoneMatch: '"other"' });
  assert.deepEqual(got.Body, DIGITS);
});

test('If-Modified-Since in the future is NotModified, in the past is 200', async () => {
  await putDigits();
  const notModified = await ctx.cos.getObject({ ...B, Key: 'digits', IfModifiedSince: future() });
  assert.equal(notModified.NotModified, true);
  const head = await ctx.cos.headObject({ ...B, Key: 'digits', IfModifiedSince: future() });
  assert.equal(head.NotModified, true);
  const got = await ctx.cos.getObject({ ...B, Key: 'digits', IfModifiedSince: PAST });
  assert.deepEqual(got.Body, DIGITS);
});

test('If-Unmodified-Since in the past is PreconditionFailed, in the future is 200', async () => {
  await putDigits();
  await expectError(ctx.cos.getObject({ ...B, Key: 'digits', IfUnmodifiedSince: PAST }), 412, 'PreconditionFailed');
  const got = await ctx.cos.getObject({ ...B, Key: 'digits', IfUnmodifiedSince: future() });
  assert.deepEqual(got.Body, DIGITS);
});

// --- response-* overrides ----------------------------------------------------

test('getObject response-* overrides set the response headers only', async () => {
  await withBucket();
  await ctx.cos.putObject({ ...B, Key: 'a b+c.txt', Body: 'x', ContentType: 'text/plain' });
  const got = await ctx.cos.getObject({
    ...B,
    Key: 'a b+c.txt',
    ResponseContentType: 'application/x-test',
    ResponseContentDisposition: 'attachment; filename="a b+c.txt"',
    ResponseCacheControl: 'no-cache',
    ResponseContentLanguage: 'zh-CN',
    ResponseExpires: 'Thu, 01 Jan 2037 00:00:00 GMT',
    ResponseContentEncoding: 'identity',
  });
  assert.equal(got.headers['content-type'], 'application/x-test');
  assert.equal(got.headers['content-disposition'], 'attachment; filename="a b+c.txt"');
  assert.equal(got.headers['cache-control'], 'no-cache');
  assert.equal(got.headers['content-language'], 'zh-CN');
  assert.equal(got.headers['expires'], 'Thu, 01 Jan 2037 00:00:00 GMT');
  assert.equal(got.headers['content-encoding'], 'identity');
  const head = await ctx.cos.headObject({ ...B, Key: 'a b+c.txt' });
  assert.equal(head.headers['content-type'], 'text/plain');
});

// --- high-level helpers ------------------------------------------------------

test('uploadFile (a file read stream) and getObject into an Output file', async () => {
  await withBucket();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cos-mock-node-file-'));
  try {
    const src = path.join(dir, 'src.bin');
    const data = Buffer.alloc(64 * 1024, 'abc');
    fs.writeFileSync(src, data);
    const up = await ctx.cos.uploadFile({ ...B, Key: 'dir/a b+c.bin', FilePath: src });
    assert.equal(up.ETag, quotedMd5(data));
    const dst = path.join(dir, 'dst.bin');
    await ctx.cos.getObject({ ...B, Key: 'dir/a b+c.bin', Output: fs.createWriteStream(dst) });
    assert.deepEqual(fs.readFileSync(dst), data);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
