'use strict';
// The admin API (issue #15) and config seeding through cos-nodejs-sdk-v5: objects seeded from the
// config file read back with getObject/headObject/getObjectTagging/getObjectAcl as a PUT would have
// stored them, and again after POST /_cos-mock/reset; admin errors are JSON, the journal filters.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { APPID, BUCKET, REGION, SECRET_ID, SECRET_KEY, UIN, rawRequest, useServer } = require('./helpers');

const B = { Bucket: BUCKET, Region: REGION };
const ctx = useServer({
  config: {
    accounts: [{ uin: UIN, appid: APPID, secret_id: SECRET_ID, secret_key: SECRET_KEY }],
    buckets: [
      {
        name: BUCKET,
        objects: [
          {
            key: 'seed/hello.txt',
            body: 'hello from the config',
            metadata: { owner: 'bob' },
            tags: { stage: 'seed' },
            acl: 'public-read',
          },
          { key: 'seed/page.html', body: '<p>hi</p>' },
        ],
      },
    ],
  },
});

async function admin(method, path, body) {
  const headers = body === undefined ? {} : { 'Content-Type': 'application/json' };
  const res = await rawRequest(ctx.server, { method, path: `/_cos-mock/${path}`, headers, body });
  const json = res.headers['content-type'] === 'application/json' && res.body.length ? JSON.parse(res.body) : null;
  return { ...res, json };
}

test('getObject of a seeded object: body, ETag, type, metadata, tags and ACL', async () => {
  const got = await ctx.cos.getObject({ ...B, Key: 'seed/hello.txt' });
  assert.equal(got.Body.toString(), 'hello from the config');
  const md5 = crypto.createHash('md5').update('hello from the config').digest('hex');
  assert.equal(got.ETag, `"${md5}"`);
  assert.equal(got.headers['content-type'], 'text/plain');
  assert.equal(got.headers['x-cos-meta-owner'], 'bob');
  const tags = await ctx.cos.getObjectTagging({ ...B, Key: 'seed/hello.txt' });
  assert.deepEqual(tags.Tags, [{ Key: 'stage', Value: 'seed' }]);
  const acl = await ctx.cos.getObjectAcl({ ...B, Key: 'seed/hello.txt' });
  assert.equal(acl.ACL, 'public-read');
  const page = await ctx.cos.headObject({ ...B, Key: 'seed/page.html' });
  assert.equal(page.headers['content-type'], 'text/html');
});

test('reset brings the seeded objects back', async () => {
  await ctx.cos.putObject({ ...B, Key: 'seed/hello.txt', Body: 'changed' });
  await ctx.cos.deleteObject({ ...B, Key: 'seed/page.html' });
  const reset = await admin('POST', 'reset');
  assert.equal(reset.statusCode, 204);
  const got = await ctx.cos.getObject({ ...B, Key: 'seed/hello.txt' });
  assert.equal(got.Body.toString(), 'hello from the config');
  const page = await ctx.cos.getObject({ ...B, Key: 'seed/page.html' });
  assert.equal(page.Body.toString(), '<p>hi</p>');
});

test('admin errors are JSON: 404, 405 with Allow, 400 naming the parameter', async () => {
  const missing = await admin('GET', 'nope');
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json.code, 'NotFound');
  const wrong = await admin('PUT', 'state');
  assert.equal(wrong.statusCode, 405);
  assert.equal(wrong.headers.allow, 'GET');
  assert.equal(wrong.json.code, 'MethodNotAllowed');
  for (const query of ['limit=0', 'status=4xx5', 'since=yesterday', 'limit=1&limit=2']) {
    const bad = await admin('GET', `requests?${query}`);
    assert.equal(bad.statusCode, 400, query);
    assert.equal(bad.json.code, 'InvalidArgument', query);
    assert.ok(bad.json.message.includes(query.split('=')[0]), bad.json.message);
  }
  const clock = await admin('POST', 'clock', '[1]');
  assert.equal(clock.statusCode, 400);
  assert.equal(clock.json.code, 'InvalidArgument');
});

test('requests filters select denials and leave admin calls out', async () => {
  await ctx.cos.getObject({ ...B, Key: 'seed/page.html' });
  await admin('GET', 'state');
  const all = (await admin('GET', 'requests')).json.requests;
  assert.deepEqual(all.map((e) => e.action), ['name/cos:GetObject']);
  const anon = await rawRequest(ctx.server, {
    path: '/seed/page.html',
    headers: { Host: `${BUCKET}.cos.${REGION}.myqcloud.com` },
  });
  assert.equal(anon.statusCode, 403);
  const denied = (await admin('GET', 'requests?status=403&caller=anonymous&action=GetObject')).json.requests;
  assert.equal(denied.length, 1);
  assert.equal(denied[0].decision, 'deny');
  assert.equal(denied[0].request_id, anon.headers['x-cos-request-id']);
  const ok = (await admin('GET', `requests?status=2xx&bucket=${BUCKET}&limit=1`)).json.requests;
  assert.equal(ok.length, 1);
  assert.equal(ok[0].caller, UIN);
});
