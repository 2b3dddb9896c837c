'use strict';
// getBucket (list objects) through cos-nodejs-sdk-v5: Prefix, Delimiter, Marker,
// MaxKeys, EncodingType=url, CommonPrefixes, IsTruncated/NextMarker.
const test = require('node:test');
const assert = require('node:assert/strict');
const { BUCKET, REGION, useServer } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };

const KEYS = ['a.txt', 'b/1.txt', 'b/2.txt', 'b/c/3.txt', 'c d+e.txt', 'd/中文 ü.txt', 'doc/./dot.txt'];
// COS lists in byte order of the UTF-8 key.
const SORTED = [...KEYS].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));

async function fill() {
  await ctx.cos.putBucket(B);
  for (const key of KEYS) await ctx.cos.putObject({ ...B, Key: key, Body: key });
}

const keys = (data) => data.Contents.map((c) => c.Key);
const prefixes = (data) => data.CommonPrefixes.map((p) => p.Prefix);

test('an empty bucket lists nothing and is not truncated', async () => {
  await ctx.cos.putBucket(B);
  const data = await ctx.cos.getBucket(B);
  assert.equal(data.Name, BUCKET);
  assert.deepEqual(data.Contents, []);
  assert.equal(data.IsTruncated, 'false');
});

test('listing everything returns sorted keys with ETag and Size', async () => {
  await fill();
  const data = await ctx.cos.getBucket(B);
  assert.deepEqual(keys(data), SORTED);
  const entry = data.Contents.find((c) => c.Key === 'b/1.txt');
  assert.equal(entry.Size, String('b/1.txt'.length));
  assert.match(entry.ETag, /^"[0-9a-f]{32}"$/);
  assert.ok(entry.LastModified);
});

test('Prefix', async () => {
  await fill();
  const data = await ctx.cos.getBucket({ ...B, Prefix: 'b/' });
  assert.deepEqual(keys(data), ['b/1.txt', 'b/2.txt', 'b/c/3.txt']);
});

test('Delimiter groups CommonPrefixes', async () => {
  await fill();
  const data = await ctx.cos.getBucket({ ...B, Delimiter: '/' });
  assert.deepEqual(keys(data), ['a.txt', 'c d+e.txt']);
  assert.deepEqual(prefixes(data), ['b/', 'd/', 'doc/']);
});

test('Prefix and Delimiter together', async () => {
  await fill();
  const data = await ctx.cos.getBucket({ ...B, Prefix: 'b/', Delimiter: '/' });
  assert.deepEqual(keys(data), ['b/1.txt', 'b/2.txt']);
  assert.deepEqual(prefixes(data), ['b/c/']);
});

test('a Prefix with a space and a plus', async () => {
  await fill();
  const data = await ctx.cos.getBucket({ ...B, Prefix: 'c d+' });
  assert.deepEqual(keys(data), ['c d+e.txt']);
});

test('Marker starts after the marker', async () => {
  await fill();
  const data = await ctx.cos.getBucket({ ...B, Marker: 'b/2.txt' });
  assert.deepEqual(keys(data), SORTED.slice(SORTED.indexOf('b/2.txt') + 1));
});

test('MaxKeys truncates and NextMarker pages through every key once', async () => {
  await fill();
  const first = await ctx.cos.getBucket({ ...B, MaxKeys: 2 });
  assert.deepEqual(keys(first), SORTED.slice(0, 2));
  assert.equal(first.IsTruncated, 'true');
  assert.equal(first.NextMarker, SORTED[1]);
  const seen = [];
  let marker = '';
  for (let i = 0; i < 10; i++) {
    const page = await ctx.cos.getBucket({ ...B, MaxKeys: 3, Marker: marker });
    seen.push(...keys(page));
    if (page.IsTruncated === 'false') break;
    marker = page.NextMarker;
  }
  assert.deepEqual(seen, SORTED);
});

test('EncodingType url encodes keys and prefixes', async () => {
  await fill();
  const data = await ctx.cos.getBucket({ ...B, EncodingType: 'url' });
  assert.deepEqual(keys(data).map(decodeURIComponent), SORTED);
  const encoded = keys(data)[SORTED.indexOf('c d+e.txt')];
  assert.ok(!encoded.includes(' ') && !encoded.includes('+'), encoded);
  const grouped = await ctx.cos.getBucket({ ...B, Prefix: 'd/', Delimiter: '/', EncodingType: 'url' });
  assert.deepEqual(keys(grouped).map(decodeURIComponent), ['d/中文 ü.txt']);
});
