'use strict';
// Multipart, copy and batch delete through cos-nodejs-sdk-v5: uploadFile, sliceUploadFile,
// sliceCopyFile, putObjectCopy, deleteMultipleObject, and the low-level multipart calls.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BUCKET, REGION, crc64ecma, expectError, useServer } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };
const MB = 1024 * 1024;
const md5 = (buf) => crypto.createHash('md5').update(buf).digest();
const quotedMd5 = (buf) => `"${md5(buf).toString('hex')}"`;
const multipartEtag = (parts) => `"${md5(Buffer.concat(parts.map(md5))).toString('hex')}-${parts.length}"`;
const source = (key) => `${BUCKET}.cos.${REGION}.myqcloud.com/${encodeURIComponent(key)}`;

function tempFile(data) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cos-mock-mpu-'));
  const file = path.join(dir, 'data.bin');
  fs.writeFileSync(file, data);
  return file;
}

test('uploadFile over SliceSize uploads by parts; the object reads back whole', async () => {
  await ctx.cos.putBucket(B);
  const data = crypto.randomBytes(5 * MB + 17);
  const file = tempFile(data);
  const res = await ctx.cos.uploadFile({ ...B, Key: 'dir/up.bin', FilePath: file, SliceSize: MB, ChunkSize: MB });
  assert.equal(res.statusCode, 200);
  const parts = [];
  for (let i = 0; i < data.length; i += MB) parts.push(data.subarray(i, i + MB));
  assert.equal(res.ETag, multipartEtag(parts));
  assert.equal(res.headers['x-cos-hash-crc64ecma'], crc64ecma(data));
  const got = await ctx.cos.getObject({ ...B, Key: 'dir/up.bin' });
  assert.ok(got.Body.equals(data));
});

test('sliceUploadFile with metadata; no upload is left in progress', async () => {
  await ctx.cos.putBucket(B);
  const data = crypto.randomBytes(3 * MB + 1);
  const file = tempFile(data);
  const res = await ctx.cos.sliceUploadFile({
    ...B, Key: 'slice.bin', FilePath: file, ChunkSize: MB,
    Headers: { 'x-cos-meta-origin': 'node' }, ContentType: 'application/x-node',
  });
  assert.equal(res.statusCode, 200);
  assert.match(res.ETag, /-4"$/);
  const head = await ctx.cos.headObject({ ...B, Key: 'slice.bin' });
  assert.equal(head.headers['content-length'], String(data.length));
  assert.equal(head.headers['x-cos-meta-origin'], 'node');
  const list = await ctx.cos.multipartList({ ...B });
  assert.deepEqual(list.Upload, []);
});

test('low-level multipartInit/UploadPart/ListPart/Complete/Abort and their errors', async () => {
  await ctx.cos.putBucket(B);
  const init = await ctx.cos.multipartInit({ ...B, Key: 'low.bin' });
  const UploadId = init.UploadId;
  const p1 = crypto.randomBytes(MB);
  const up1 = await ctx.cos.multipartUpload({ ...B, Key: 'low.bin', UploadId, PartNumber: 1, Body: p1 });
  assert.equal(up1.ETag, quotedMd5(p1));
  assert.equal(up1.headers['x-cos-hash-crc64ecma'], crc64ecma(p1));
  const up2 = await ctx.cos.multipartUpload({ ...B, Key: 'low.bin', UploadId, PartNumber: 2, Body: Buffer.from('end') });
  const parts = await ctx.cos.multipartListPart({ ...B, Key: 'low.bin', UploadId });
  assert.deepEqual(parts.Part.map((p) => [p.PartNumber, p.Size]), [['1', String(MB)], ['2', '3']]);
  const uploads = await ctx.cos.multipartList({ ...B, Prefix: 'low' });
  assert.deepEqual(uploads.Upload.map((u) => u.UploadId), [UploadId]);
  await expectError(
    ctx.cos.multipartComplete({ ...B, Key: 'low.bin', UploadId, Parts: [{ PartNumber: 2, ETag: up2.ETag }, { PartNumber: 1, ETag: up1.ETag }] }),
    400, 'InvalidPartOrder');
  await expectError(
    ctx.cos.multipartComplete({ ...B, Key: 'low.bin', UploadId, Parts: [{ PartNumber: 3, ETag: up2.ETag }] }),
    400, 'InvalidPart');
  const done = await ctx.cos.multipartComplete({
    ...B, Key: 'low.bin', UploadId, Parts: [{ PartNumber: 1, ETag: up1.ETag }, { PartNumber: 2, ETag: up2.ETag }],
  });
  assert.equal(done.ETag, multipartEtag([p1, Buffer.from('end')]));
  assert.equal(done.Location, `${BUCKET}.cos.${REGION}.myqcloud.com/low.bin`);

  const other = await ctx.cos.multipartInit({ ...B, Key: 'gone.bin' });
  await ctx.cos.multipartAbort({ ...B, Key: 'gone.bin', UploadId: other.UploadId });
  await expectError(ctx.cos.multipartListPart({ ...B, Key: 'gone.bin', UploadId: other.UploadId }), 404, 'NoSuchUpload');
});

test('putObjectCopy copies data and metadata; errors reach the SDK', async () => {
  await ctx.cos.putBucket(B);
  const body = Buffer.from('copy me');
  await ctx.cos.putObject({ ...B, Key: 'src/a b.txt', Body: body, Headers: { 'x-cos-meta-k': 'v' } });
  const res = await ctx.cos.putObjectCopy({ ...B, Key: 'dst.txt', CopySource: source('src/a b.txt') });
  assert.equal(res.statusCode, 200);
  assert.equal(res.ETag, quotedMd5(body));
  assert.equal(res.CRC64, crc64ecma(body));
  const got = await ctx.cos.getObject({ ...B, Key: 'dst.txt' });
  assert.ok(got.Body.equals(body));
  assert.equal(got.headers['x-cos-meta-k'], 'v');
  await expectError(ctx.cos.putObjectCopy({ ...B, Key: 'x', CopySource: source('missing') }), 404, 'NoSuchKey');
  await expectError(ctx.cos.putObjectCopy({ ...B, Key: 'dst.txt', CopySource: source('dst.txt') }), 400, 'InvalidRequest');
  await expectError(
    ctx.cos.putObjectCopy({ ...B, Key: 'x', CopySource: source('src/a b.txt'), CopySourceIfNoneMatch: quotedMd5(body) }),
    412, 'PreconditionFailed');
});

test('sliceCopyFile over CopySliceSize copies by parts with ranges', async () => {
  await ctx.cos.putBucket(B);
  const data = crypto.randomBytes(3 * MB + 5);
  await ctx.cos.putObject({ ...B, Key: 'big.src', Body: data });
  const res = await ctx.cos.sliceCopyFile({
    ...B, Key: 'big.dst', CopySource: source('big.src'), CopySliceSize: MB, CopyChunkSize: MB,
  });
  assert.equal(res.statusCode, 200);
  assert.match(res.ETag, /-4"$/);
  const got = await ctx.cos.getObject({ ...B, Key: 'big.dst' });
  assert.ok(got.Body.equals(data));
  // Under CopySliceSize it is one PUT Object - Copy.
  const small = await ctx.cos.sliceCopyFile({ ...B, Key: 'small.dst', CopySource: source('big.src') });
  assert.equal(small.ETag, quotedMd5(data));
});

test('deleteMultipleObject reports Deleted keys, Quiet lists none', async () => {
  await ctx.cos.putBucket(B);
  for (const Key of ['a', 'dir/b c', 'keep']) await ctx.cos.putObject({ ...B, Key, Body: 'x' });
  const res = await ctx.cos.deleteMultipleObject({ ...B, Objects: [{ Key: 'a' }, { Key: 'dir/b c' }, { Key: 'missing' }] });
  assert.deepEqual(res.Deleted.map((d) => d.Key).sort(), ['a', 'dir/b c', 'missing']);
  assert.deepEqual(res.Error, []);
  await ctx.cos.putObject({ ...B, Key: 'a', Body: 'x' });
  const quiet = await ctx.cos.deleteMultipleObject({ ...B, Objects: [{ Key: 'a' }], Quiet: true });
  assert.deepEqual(quiet.Deleted, []);
  const list = await ctx.cos.getBucket({ ...B });
  assert.deepEqual(list.Contents.map((c) => c.Key), ['keep']);
});
