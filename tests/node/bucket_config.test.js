'use strict';
// CORS, lifecycle, restore and POST Object through cos-nodejs-sdk-v5 (putBucketCors/getBucketCors/
// deleteBucketCors, optionsObject, putBucketLifecycle/getBucketLifecycle/deleteBucketLifecycle,
// restoreObject). The node SDK has no postObject, so the form upload is built by hand the way a
// browser sends it, signed as the COS docs describe.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { BUCKET, REGION, SECRET_ID, SECRET_KEY, expectError, rawRequest, useServer, vhost } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };

const RULE = {
  ID: 'web',
  AllowedOrigins: ['http://*.example.com'],
  AllowedMethods: ['GET', 'PUT', 'POST'],
  AllowedHeaders: ['*'],
  ExposeHeaders: ['ETag', 'x-cos-request-id'],
  MaxAgeSeconds: '600',
};

async function withBucket() {
  await ctx.cos.putBucket(B);
}

test('putBucketCors/getBucketCors/deleteBucketCors round-trip', async () => {
  await withBucket();
  await ctx.cos.putBucketCors({ ...B, CORSRules: [RULE] });
  const got = await ctx.cos.getBucketCors(B);
  assert.equal(got.CORSRules.length, 1);
  const r = got.CORSRules[0];
  assert.equal(r.ID, 'web');
  assert.deepEqual(r.AllowedOrigins, ['http://*.example.com']);
  assert.deepEqual(r.AllowedMethods, ['GET', 'PUT', 'POST']);
  assert.deepEqual(r.ExposeHeaders, ['ETag', 'x-cos-request-id']);
  assert.equal(r.MaxAgeSeconds, '600');
  await ctx.cos.deleteBucketCors(B);
  const none = await ctx.cos.getBucketCors(B);
  assert.equal(none.statusCode, 404);
  assert.deepEqual(none.CORSRules, []);
});

test('putBucketCors with an unsupported method is InvalidArgument', async () => {
  await withBucket();
  await expectError(
    ctx.cos.putBucketCors({ ...B, CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PATCH'] }] }),
    400,
    'InvalidArgument'
  );
});

test('optionsObject answers from the rules; no match is OptionsForbidden', async () => {
  await withBucket();
  await ctx.cos.putBucketCors({ ...B, CORSRules: [RULE] });
  const ok = await ctx.cos.optionsObject({
    ...B,
    Key: 'up/a.txt',
    Origin: 'http://app.example.com',
    AccessControlRequestMethod: 'PUT',
    AccessControlRequestHeaders: 'content-type,authorization',
  });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.AccessControlAllowOrigin, 'http://app.example.com');
  assert.equal(ok.AccessControlAllowHeaders, 'content-type,authorization');
  assert.equal(ok.AccessControlExposeHeaders, 'ETag,x-cos-request-id');
  assert.equal(ok.AccessControlMaxAge, '600');
  const no = await ctx.cos.optionsObject({
    ...B,
    Key: 'up/a.txt',
    Origin: 'http://evil.com',
    AccessControlRequestMethod: 'PUT',
  });
  assert.equal(no.OptionsForbidden, true);
});

test('putBucketLifecycle/getBucketLifecycle/deleteBucketLifecycle round-trip', async () => {
  await withBucket();
  await ctx.cos.putBucketLifecycle({
    ...B,
    Rules: [
      { ID: 'tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: '1' } },
      {
        ID: 'cold',
        Status: 'Enabled',
        Filter: {},
        Transition: { Days: '30', StorageClass: 'ARCHIVE' },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: '7' },
      },
    ],
  });
  const got = await ctx.cos.getBucketLifecycle(B);
  assert.equal(got.Rules.length, 2);
  assert.equal(got.Rules[0].ID, 'tmp');
  assert.equal(got.Rules[0].Expiration.Days, '1');
  assert.equal(got.Rules[1].Transition.StorageClass, 'ARCHIVE');
  await ctx.cos.deleteBucketLifecycle(B);
  const none = await ctx.cos.getBucketLifecycle(B);
  assert.equal(none.statusCode, 404);
  assert.deepEqual(none.Rules, []);
});

test('putBucketLifecycle without an action is InvalidArgument', async () => {
  await withBucket();
  await expectError(
    ctx.cos.putBucketLifecycle({ ...B, Rules: [{ ID: 'x', Status: 'Enabled', Filter: { Prefix: '' } }] }),
    400,
    'InvalidArgument'
  );
});

test('restoreObject makes an ARCHIVE object readable', async () => {
  await withBucket();
  await ctx.cos.putObject({ ...B, Key: 'cold.bin', Body: Buffer.from('cold'), StorageClass: 'ARCHIVE' });
  await expectError(ctx.cos.getObject({ ...B, Key: 'cold.bin' }), 403, 'InvalidObjectState');
  const r = await ctx.cos.restoreObject({
    ...B,
    Key: 'cold.bin',
    RestoreRequest: { Days: 1, CASJobParameters: { Tier: 'Standard' } },
  });
  assert.equal(r.statusCode, 202);
  const head = await ctx.cos.headObject({ ...B, Key: 'cold.bin' });
  assert.match(head.headers['x-cos-restore'], /^ongoing-request="false", expiry-date=".+ GMT"$/);
  const got = await ctx.cos.getObject({ ...B, Key: 'cold.bin' });
  assert.equal(got.Body.toString(), 'cold');
});

test('restoreObject on a STANDARD object is InvalidObjectState', async () => {
  await withBucket();
  await ctx.cos.putObject({ ...B, Key: 'warm.bin', Body: Buffer.from('warm') });
  await expectError(
    ctx.cos.restoreObject({ ...B, Key: 'warm.bin', RestoreRequest: { Days: 1 } }),
    403,
    'InvalidObjectState'
  );
});

// A browser form upload: fields, policy, q-* signature (SHA1 of the policy JSON, COS doc 14690).
function formUpload(fields, file) {
  const boundary = '----cosmockNodeBoundary' + crypto.randomBytes(6).toString('hex');
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="pic.png"\r\nContent-Type: image/png\r\n\r\n`)
  );
  parts.push(file, Buffer.from(`\r\n--${boundary}--\r\n`));
  const body = Buffer.concat(parts);
  return rawRequest(ctx.server, {
    method: 'POST',
    path: '/',
    headers: {
      Host: vhost(),
      Origin: 'http://app.example.com',
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': body.length,
    },
    body,
  });
}

function signedFields(conditions, secretKey = SECRET_KEY) {
  const now = Math.floor(Date.now() / 1000);
  const keyTime = `${now - 60};${now + 600}`;
  const policy = JSON.stringify({ expiration: new Date((now + 600) * 1000).toISOString(), conditions });
  const hmac = (key, msg) => crypto.createHmac('sha1', key).update(msg).digest('hex');
  const signKey = hmac(secretKey, keyTime);
  const stringToSign = crypto.createHash('sha1').update(policy).digest('hex');
  return {
    policy: Buffer.from(policy).toString('base64'),
    'q-sign-algorithm': 'sha1',
    'q-ak': SECRET_ID,
    'q-key-time': keyTime,
    'q-signature': hmac(signKey, stringToSign),
  };
}

test('POST Object form upload with policy and signature stores the file (CORS headers on the answer)', async () => {
  await withBucket();
  await ctx.cos.putBucketCors({ ...B, CORSRules: [RULE] });
  const res = await formUpload(
    {
      key: 'up/${filename}',
      'Content-Type': 'image/png',
      success_action_status: '201',
      ...signedFields([{ bucket: BUCKET }, ['starts-with', '$key', 'up/'], ['content-length-range', 1, 100]]),
    },
    Buffer.from('png!')
  );
  assert.equal(res.statusCode, 201, res.body.toString());
  assert.match(res.body.toString(), /<Key>up\/pic.png<\/Key>/);
  assert.equal(res.headers['access-control-allow-origin'], 'http://app.example.com');
  const got = await ctx.cos.getObject({ ...B, Key: 'up/pic.png' });
  assert.equal(got.Body.toString(), 'png!');
  assert.equal(got.headers['content-type'], 'image/png');
});

test('POST Object outside the policy is AccessDenied; a wrong key is SignatureDoesNotMatch', async () => {
  await withBucket();
  const denied = await formUpload(
    { key: 'elsewhere/x', ...signedFields([['starts-with', '$key', 'up/']]) },
    Buffer.from('x')
  );
  assert.equal(denied.statusCode, 403);
  assert.match(denied.body.toString(), /<Code>AccessDenied<\/Code>/);
  const forged = await formUpload({ key: 'up/x', ...signedFields([], 'not-the-secret') }, Buffer.from('x'));
  assert.equal(forged.statusCode, 403);
  assert.match(forged.body.toString(), /<Code>SignatureDoesNotMatch<\/Code>/);
});
