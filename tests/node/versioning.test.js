'use strict';
// Bucket versioning through cos-nodejs-sdk-v5: putBucketVersioning/getBucketVersioning, putObject
// answering VersionId, getObject/headObject/deleteObject with VersionId, listObjectVersions (paged,
// delete markers, delimiter) and deleteMultipleObject with VersionId.
const test = require('node:test');
const assert = require('node:assert/strict');
const { BUCKET, REGION, expectError, useServer } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };

async function enabled(Status = 'Enabled') {
  await ctx.cos.putBucket(B);
  await ctx.cos.putBucketVersioning({ ...B, VersioningConfiguration: { Status } });
}

async function put(Key, Body) {
  const r = await ctx.cos.putObject({ ...B, Key, Body });
  return r.VersionId;
}

test('getBucketVersioning of a bucket never enabled has no Status', async () => {
  await ctx.cos.putBucket(B);
  const got = await ctx.cos.getBucketVersioning(B);
  assert.equal(got.VersioningConfiguration.Status, undefined);
});

test('putBucketVersioning Enabled then Suspended round-trips', async () => {
  await enabled();
  let got = await ctx.cos.getBucketVersioning(B);
  assert.equal(got.VersioningConfiguration.Status, 'Enabled');
  await ctx.cos.putBucketVersioning({ ...B, VersioningConfiguration: { Status: 'Suspended' } });
  got = await ctx.cos.getBucketVersioning(B);
  assert.equal(got.VersioningConfiguration.Status, 'Suspended');
});

test('putBucketVersioning with another Status is InvalidArgument', async () => {
  await enabled();
  await expectError(
    ctx.cos.putBucketVersioning({ ...B, VersioningConfiguration: { Status: 'Off' } }),
    400,
    'InvalidArgument'
  );
  const got = await ctx.cos.getBucketVersioning(B);
  assert.equal(got.VersioningConfiguration.Status, 'Enabled');
});

test('putObject answers VersionId; getObject/headObject read a version by VersionId', async () => {
  await enabled();
  const v1 = await put('k', 'one');
  const v2 = await put('k', 'two');
  assert.ok(v1 && v2 && v1 !== v2);
  const cur = await ctx.cos.getObject({ ...B, Key: 'k' });
  assert.equal(cur.Body.toString(), 'two');
  const old = await ctx.cos.getObject({ ...B, Key: 'k', VersionId: v1 });
  assert.equal(old.Body.toString(), 'one');
  assert.equal(old.headers['x-cos-version-id'], v1);
  const head = await ctx.cos.headObject({ ...B, Key: 'k', VersionId: v1 });
  assert.equal(head.headers['content-length'], '3');
  await expectError(ctx.cos.getObject({ ...B, Key: 'k', VersionId: 'nope' }), 404, 'NoSuchVersion');
});

test('deleteObject adds a delete marker; deleting it by VersionId restores the object', async () => {
  await enabled();
  await put('k', 'one');
  const del = await ctx.cos.deleteObject({ ...B, Key: 'k' });
  assert.equal(del.statusCode, 204);
  assert.equal(del.headers['x-cos-delete-marker'], 'true');
  const marker = del.headers['x-cos-version-id'];
  await expectError(ctx.cos.getObject({ ...B, Key: 'k' }), 404, 'NoSuchKey');
  await expectError(ctx.cos.getObject({ ...B, Key: 'k', VersionId: marker }), 405, 'MethodNotAllowed');
  const undo = await ctx.cos.deleteObject({ ...B, Key: 'k', VersionId: marker });
  assert.equal(undo.headers['x-cos-version-id'], marker);
  const back = await ctx.cos.getObject({ ...B, Key: 'k' });
  assert.equal(back.Body.toString(), 'one');
});

test('listObjectVersions lists versions and delete markers, newest first per key', async () => {
  await enabled();
  const a = await put('a', 'a');
  const b1 = await put('dir/b', 'b1');
  const b2 = await put('dir/b', 'b2');
  const del = await ctx.cos.deleteObject({ ...B, Key: 'dir/b' });
  const marker = del.headers['x-cos-version-id'];
  const got = await ctx.cos.listObjectVersions(B);
  assert.equal(got.IsTruncated, 'false');
  assert.deepEqual(
    got.Versions.map((v) => [v.Key, v.VersionId, v.IsLatest]),
    [
      ['a', a, 'true'],
      ['dir/b', b2, 'false'],
      ['dir/b', b1, 'false'],
    ]
  );
  assert.deepEqual(got.DeleteMarkers.map((m) => [m.Key, m.VersionId, m.IsLatest]), [['dir/b', marker, 'true']]);
  assert.equal(got.Versions[0].Size, '1');
  assert.equal(got.Versions[0].Owner.ID, '1250000000');
  const grouped = await ctx.cos.listObjectVersions({ ...B, Delimiter: '/' });
  const prefixes = [].concat(grouped.CommonPrefixes || []).map((p) => p.Prefix);
  assert.deepEqual(prefixes, ['dir/']);
  assert.deepEqual(grouped.Versions.map((v) => v.Key), ['a']);
});

test('listObjectVersions pages with KeyMarker and VersionIdMarker', async () => {
  await enabled();
  const expected = [];
  for (const key of ['a', 'b', 'c']) {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await put(key, 'x'));
    expected.push(...ids.reverse().map((id) => [key, id]));
  }
  const seen = [];
  let KeyMarker = '';
  let VersionIdMarker = '';
  for (;;) {
    const page = await ctx.cos.listObjectVersions({ ...B, MaxKeys: 4, KeyMarker, VersionIdMarker });
    seen.push(...page.Versions.map((v) => [v.Key, v.VersionId]));
    if (page.IsTruncated !== 'true') break;
    KeyMarker = page.NextKeyMarker;
    VersionIdMarker = page.NextVersionIdMarker;
  }
  assert.deepEqual(seen, expected);
});

test('deleteMultipleObject with VersionId removes that version; without one adds markers', async () => {
  await enabled();
  const v1 = await put('a', '1');
  await put('a', '2');
  await put('b', '1');
  const got = await ctx.cos.deleteMultipleObject({
    ...B,
    Objects: [{ Key: 'a', VersionId: v1 }, { Key: 'b' }],
  });
  assert.deepEqual(got.Error, []);
  const byKey = Object.fromEntries(got.Deleted.map((d) => [d.Key, d]));
  assert.equal(byKey.a.VersionId, v1);
  assert.equal(byKey.b.DeleteMarker, 'true');
  assert.ok(byKey.b.DeleteMarkerVersionId);
  await expectError(ctx.cos.getObject({ ...B, Key: 'a', VersionId: v1 }), 404, 'NoSuchVersion');
  await expectError(ctx.cos.getObject({ ...B, Key: 'b' }), 404, 'NoSuchKey');
  await expectError(ctx.cos.deleteBucket(B), 409, 'BucketNotEmpty');
});
