'use strict';
// --data-dir through cos-nodejs-sdk-v5: objects (some multipart, some with tags and ACLs) and
// bucket configurations written with the SDK survive SIGKILL and a restart on the same directory
// byte for byte; an upload in progress is completed after the restart; export/reset/import
// round-trips what the SDK reads.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BUCKET, REGION, Server, rawRequest } = require('./helpers');

const B = { Bucket: BUCKET, Region: REGION };
const MB = 1024 * 1024;
const N = 50;

const md5 = (buf) => crypto.createHash('md5').update(buf).digest('hex');

async function exportState(server) {
  const res = await rawRequest(server, { path: '/_cos-mock/state/export' });
  assert.equal(res.statusCode, 200);
  return JSON.parse(res.body.toString());
}

async function writeState(cos) {
  await cos.putBucket(B);
  await cos.putBucketVersioning({ ...B, VersioningConfiguration: { Status: 'Enabled' } });
  await cos.putBucketPolicy({
    ...B,
    Policy: {
      version: '2.0',
      Statement: [{
        Principal: { qcs: ['qcs::cam::anyone:anyone'] },
        Effect: 'allow',
        Action: ['name/cos:GetObject'],
        Resource: [`qcs::cos:${REGION}:uid/1250000000:${BUCKET}/public/*`],
      }],
    },
  });
  await cos.putBucketCors({ ...B, CORSRules: [{ AllowedOrigins: ['https://app.example'], AllowedMethods: ['GET'], MaxAgeSeconds: '60' }] });
  await cos.putBucketLifecycle({ ...B, Rules: [{ ID: 'logs', Filter: { Prefix: 'logs/' }, Status: 'Enabled', Expiration: { Days: 3 } }] });
  await cos.putBucketTagging({ ...B, Tags: [{ Key: 'team', Value: 'storage' }] });
  const expected = {};
  for (let i = 0; i < N; i++) {
    const Key = `node/${String(i).padStart(3, '0')}`;
    let body = crypto.randomBytes(13 * i + 1);
    if (i % 10 === 0) {
      const { UploadId } = await cos.multipartInit({ ...B, Key, ContentType: 'application/x-part' });
      const parts = [crypto.randomBytes(MB), body];
      const etags = [];
      for (let n = 1; n <= parts.length; n++) {
        etags.push((await cos.multipartUpload({ ...B, Key, UploadId, PartNumber: n, Body: parts[n - 1] })).ETag);
      }
      await cos.multipartComplete({ ...B, Key, UploadId, Parts: etags.map((ETag, n) => ({ PartNumber: n + 1, ETag })) });
      body = Buffer.concat(parts);
    } else {
      await cos.putObject({ ...B, Key, Body: body, ContentType: 'text/x-node', Headers: { 'x-cos-meta-index': String(i) } });
    }
    if (i % 7 === 0) await cos.putObjectTagging({ ...B, Key, Tags: [{ Key: 'n', Value: String(i) }] });
    if (i % 3 === 0) await cos.putObjectAcl({ ...B, Key, ACL: 'public-read' });
    const head = await cos.headObject({ ...B, Key });
    expected[Key] = {
      md5: md5(body),
      etag: head.ETag,
      type: head.headers['content-type'],
      meta: head.headers['x-cos-meta-index'],
      tags: (await cos.getObjectTagging({ ...B, Key })).Tags,
      acl: (await cos.getObjectAcl({ ...B, Key })).ACL,
    };
  }
  return expected;
}

async function readConfigs(cos) {
  return {
    policy: (await cos.getBucketPolicy(B)).Policy,
    cors: (await cos.getBucketCors(B)).CORSRules,
    lifecycle: (await cos.getBucketLifecycle(B)).Rules,
    tagging: (await cos.getBucketTagging(B)).Tags,
    versioning: (await cos.getBucketVersioning(B)).VersioningConfiguration,
  };
}

async function checkObjects(cos, expected) {
  for (const [Key, want] of Object.entries(expected)) {
    const got = await cos.getObject({ ...B, Key });
    assert.equal(md5(got.Body), want.md5, Key);
    assert.equal(got.ETag, want.etag, Key);
    assert.equal(got.headers['content-type'], want.type, Key);
    assert.equal(got.headers['x-cos-meta-index'], want.meta, Key);
    assert.deepEqual((await cos.getObjectTagging({ ...B, Key })).Tags, want.tags, Key);
    assert.equal((await cos.getObjectAcl({ ...B, Key })).ACL, want.acl, Key);
  }
}

test('SIGKILL and a restart on the same --data-dir keep every acknowledged write', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cos-mock-node-data-'));
  const data = path.join(dir, 'data');
  let server = await Server.start({ args: ['--data-dir', data] });
  let expected; let configs; let exported; let UploadId; let part1; let etag1;
  try {
    const cos = server.cos();
    expected = await writeState(cos);
    configs = await readConfigs(cos);
    ({ UploadId } = await cos.multipartInit({ ...B, Key: 'pending' }));
    part1 = crypto.randomBytes(MB + 5);
    etag1 = (await cos.multipartUpload({ ...B, Key: 'pending', UploadId, PartNumber: 1, Body: part1 })).ETag;
    exported = await exportState(server);
  } finally {
    await server.stop(); // SIGKILL
  }
  server = await Server.start({ args: ['--data-dir', data] });
  try {
    const cos = server.cos();
    await checkObjects(cos, expected);
    assert.deepEqual(await readConfigs(cos), configs);
    assert.deepEqual(await exportState(server), exported);
    const etag2 = (await cos.multipartUpload({ ...B, Key: 'pending', UploadId, PartNumber: 2, Body: Buffer.from('end') })).ETag;
    await cos.multipartComplete({ ...B, Key: 'pending', UploadId, Parts: [{ PartNumber: 1, ETag: etag1 }, { PartNumber: 2, ETag: etag2 }] });
    const got = await cos.getObject({ ...B, Key: 'pending' });
    assert.ok(got.Body.equals(Buffer.concat([part1, Buffer.from('end')])));
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('export, reset and import give back what the SDK reads', async () => {
  const server = await Server.start();
  try {
    const cos = server.cos();
    const expected = await writeState(cos);
    const configs = await readConfigs(cos);
    const exported = await exportState(server);
    await server.reset();
    const body = Buffer.from(JSON.stringify(exported));
    const res = await rawRequest(server, {
      method: 'POST', path: '/_cos-mock/state/import', headers: { 'Content-Type': 'application/json', 'Content-Length': body.length }, body,
    });
    assert.equal(res.statusCode, 204, res.body.toString());
    await checkObjects(cos, expected);
    assert.deepEqual(await readConfigs(cos), configs);
    assert.deepEqual(await exportState(server), exported);
  } finally {
    await server.stop();
  }
});
