'use strict';
// Symlinks through cos-nodejs-sdk-v5. The node SDK has no putSymlink/getSymlink, so the link is
// written and read with its generic cos.request (Action: 'symlink'); getObject/headObject of a
// link serve the target.
const test = require('node:test');
const assert = require('node:assert/strict');
const { BUCKET, REGION, expectError, useServer } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };

const putSymlink = (Key, target, Headers = {}) =>
  ctx.cos.request({ ...B, Method: 'PUT', Key, Action: 'symlink', Headers: { 'x-cos-symlink-target': target, ...Headers } });
const getSymlink = (Key, Query = {}) => ctx.cos.request({ ...B, Method: 'GET', Key, Action: 'symlink', Query });

test('putSymlink then getSymlink answers the target; getObject/headObject follow it', async () => {
  await ctx.cos.putBucket(B);
  const target = await ctx.cos.putObject({ ...B, Key: 't.txt', Body: 'hello' });
  const put = await putSymlink('l.txt', 't.txt');
  assert.equal(put.statusCode, 200);
  const got = await getSymlink('l.txt');
  assert.equal(got.headers['x-cos-symlink-target'], 't.txt');
  const obj = await ctx.cos.getObject({ ...B, Key: 'l.txt' });
  assert.equal(obj.Body.toString(), 'hello');
  assert.equal(obj.ETag, target.ETag);
  const head = await ctx.cos.headObject({ ...B, Key: 'l.txt' });
  assert.equal(head.headers['content-length'], '5');
});

test('in a versioned bucket each putSymlink is a version getSymlink reads by versionId', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putBucketVersioning({ ...B, VersioningConfiguration: { Status: 'Enabled' } });
  await ctx.cos.putObject({ ...B, Key: 'a', Body: 'A' });
  await ctx.cos.putObject({ ...B, Key: 'b', Body: 'B' });
  const v1 = (await putSymlink('l', 'a')).headers['x-cos-version-id'];
  const v2 = (await putSymlink('l', 'b')).headers['x-cos-version-id'];
  assert.ok(v1 && v2 && v1 !== v2);
  const old = await getSymlink('l', { versionId: v1 });
  assert.equal(old.headers['x-cos-symlink-target'], 'a');
  assert.equal(old.headers['x-cos-version-id'], v1);
  assert.equal((await getSymlink('l')).headers['x-cos-symlink-target'], 'b');
  assert.equal((await ctx.cos.getObject({ ...B, Key: 'l', VersionId: v1 })).Body.toString(), 'A');
  assert.equal((await ctx.cos.getObject({ ...B, Key: 'l' })).Body.toString(), 'B');
  await expectError(getSymlink('l', { versionId: 'invalid-version-id' }), 404, 'NoSuchVersion');
});

test('errors: dangling link, missing link, ordinary object, missing target header', async () => {
  await ctx.cos.putBucket(B);
  await putSymlink('dangling', 'nowhere');
  await expectError(ctx.cos.getObject({ ...B, Key: 'dangling' }), 404, 'NoSuchKey');
  await expectError(getSymlink('nothing'), 404, 'NoSuchKey');
  await ctx.cos.putObject({ ...B, Key: 'plain', Body: 'x' });
  await expectError(getSymlink('plain'), 400, 'InvalidArgument');
  await expectError(ctx.cos.request({ ...B, Method: 'PUT', Key: 'l', Action: 'symlink' }), 400, 'InvalidArgument');
});

test('putSymlink with x-cos-forbid-overwrite over an existing key is FileAlreadyExists', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: 'k', Body: 'old' });
  await expectError(putSymlink('k', 't', { 'x-cos-forbid-overwrite': 'true' }), 409, 'FileAlreadyExists');
  assert.equal((await ctx.cos.getObject({ ...B, Key: 'k' })).Body.toString(), 'old');
});
