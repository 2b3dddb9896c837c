'use strict';
// Timeouts and keys through cos-nodejs-sdk-v5 (issue #12): the SDK's kept-alive sockets survive
// the server closing idle ones (--keep-alive-timeout), a key XML cannot carry is refused with
// InvalidURI, and keys with CR, LF, tab and DEL come back from listings the SDK parses (exactly
// with EncodingType url; a plain listing's CR is read as LF by the SDK's parser).
const test = require('node:test');
const assert = require('node:assert/strict');
const { BUCKET, REGION, expectError, useServer } = require('./helpers');

const ctx = useServer({ args: ['--keep-alive-timeout', '0.3', '--header-read-timeout', '1'] });
const B = { Bucket: BUCKET, Region: REGION };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('requests after the keep-alive timeout open a new connection', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: 'kept', Body: Buffer.from('v1') });
  for (let i = 0; i < 3; i++) {
    await sleep(600); // the server closes the kept-alive socket meanwhile
    const got = await ctx.cos.getObject({ ...B, Key: 'kept' });
    assert.equal(got.Body.toString(), 'v1');
  }
});

test('putObject with a control character in the key is InvalidURI', async () => {
  await ctx.cos.putBucket(B);
  for (const Key of ['nul\u0000key', 'bell\u0007', 'esc\u001b[0m']) {
    await expectError(ctx.cos.putObject({ ...B, Key, Body: Buffer.from('x') }), 400, 'InvalidURI');
  }
  const listed = await ctx.cos.getBucket(B);
  assert.deepEqual(listed.Contents, []);
});

test('keys with CR, LF, tab and DEL round-trip through getBucket', async () => {
  await ctx.cos.putBucket(B);
  const keys = ['cr\rx', 'del\u007fx', 'lf\nx', 'tab\tx'].sort();
  for (const Key of keys) await ctx.cos.putObject({ ...B, Key, Body: Buffer.from('v') });
  const plain = await ctx.cos.getBucket(B);
  // CR goes out raw, as COS writes it; the SDK's XML parser turns it into LF (XML's line-end
  // normalisation), as it would from COS. encoding-type=url keeps it.
  const normalised = keys.map((k) => k.replace(/\r/g, '\n')).sort();
  assert.deepEqual(plain.Contents.map((c) => c.Key).sort(), normalised);
  const url = await ctx.cos.getBucket({ ...B, EncodingType: 'url' }); // the SDK leaves keys encoded
  assert.deepEqual(url.Contents.map((c) => decodeURIComponent(c.Key)).sort(), keys);
});
