'use strict';
// Signatures and callers through cos-nodejs-sdk-v5: wrong key, unknown key,
// anonymous, expired signatures (and the SDK's clock-skew correction), pre-signed URLs.
const test = require('node:test');
const assert = require('node:assert/strict');
const { BUCKET, COS, REGION, SECRET_ID, SECRET_KEY, expectError, rawRequest, useServer, viaProxy, vhost } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };
const KEY = 'doc/a b+c.txt';
const BODY = 'secret bytes';

async function putObj() {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: KEY, Body: BODY });
}

// A client built without Ip: its URLs are real COS URLs, fetched through the
// mock as an HTTP proxy.
const urlClient = (opts = {}) => new COS({ SecretId: SECRET_ID, SecretKey: SECRET_KEY, Protocol: 'http:', ...opts });

function objectUrl(cos, params) {
  return new Promise((resolve, reject) =>
    cos.getObjectUrl({ ...B, ...params }, (err, data) => (err ? reject(err) : resolve(data.Url)))
  );
}

test('a wrong SecretKey is SignatureDoesNotMatch with StringToSign and FormatString', async () => {
  await putObj();
  const bad = ctx.server.cos({ SecretKey: 'not-the-secret' });
  const err = await expectError(bad.getObject({ ...B, Key: KEY }), 403, 'SignatureDoesNotMatch');
  assert.ok(err.error.StringToSign, JSON.stringify(err.error));
  assert.ok(err.error.FormatString, JSON.stringify(err.error));
});

test('a wrong SecretKey on putObject stores nothing', async () => {
  await ctx.cos.putBucket(B);
  const bad = ctx.server.cos({ SecretKey: 'not-the-secret' });
  await expectError(bad.putObject({ ...B, Key: 'x', Body: 'x' }), 403, 'SignatureDoesNotMatch');
  assert.deepEqual((await ctx.cos.getBucket(B)).Contents, []);
});

test('an unknown SecretId is InvalidAccessKeyId', async () => {
  await putObj();
  const stranger = ctx.server.cos({ SecretId: 'AKIDNOBODYKNOWSTHIS', SecretKey: 'whatever' });
  await expectError(stranger.getObject({ ...B, Key: KEY }), 403, 'InvalidAccessKeyId');
  await expectError(stranger.getService({}), 403, 'InvalidAccessKeyId');
});

test('anonymous access to a private bucket is AccessDenied', async () => {
  await putObj();
  for (const [method, path] of [
    ['GET', '/doc/a%20b%2Bc.txt'],
    ['PUT', '/new.txt'],
    ['GET', '/'],
  ]) {
    const res = await rawRequest(ctx.server, { method, path, headers: { Host: vhost() }, body: method === 'PUT' ? 'x' : undefined });
    assert.equal(res.statusCode, 403, `${method} ${path}`);
    assert.match(res.body.toString(), /<Code>AccessDenied<\/Code>/);
  }
});

test('an expired signature is AccessDenied "Request has expired"', async () => {
  await putObj();
  // The SDK signs [now-1, now+900] of its own clock; 20000 s behind, that window is over.
  const late = ctx.server.cos({ SystemClockOffset: -20000e3, CorrectClockSkew: false });
  const err = await expectError(late.getObject({ ...B, Key: KEY }), 403, 'AccessDenied', 'Request has expired');
  assert.ok(err.headers.date, 'the Date header lets the SDK correct its clock');
});

test('the SDK corrects its clock from Date after "Request has expired" and succeeds', async () => {
  await putObj();
  const late = ctx.server.cos({ SystemClockOffset: -20000e3 }); // CorrectClockSkew defaults to true
  const got = await late.getObject({ ...B, Key: KEY });
  assert.equal(got.Body.toString(), BODY);
  assert.ok(Math.abs(late.options.SystemClockOffset) < 60e3, `offset now ${late.options.SystemClockOffset}`);
});

test('a signature starting far in the future is RequestTimeTooSkewed', async () => {
  await putObj();
  const early = ctx.server.cos({ SystemClockOffset: 3600e3, CorrectClockSkew: false });
  await expectError(early.getObject({ ...B, Key: KEY }), 403, 'RequestTimeTooSkewed');
});

test('a request signed with COS.getAuthorization over plain HTTP works', async () => {
  await putObj();
  const auth = COS.getAuthorization({ SecretId: SECRET_ID, SecretKey: SECRET_KEY, Method: 'GET', Key: KEY, Headers: { Host: vhost() } });
  const res = await rawRequest(ctx.server, { path: '/doc/a%20b%2Bc.txt', headers: { Host: vhost(), Authorization: auth } });
  assert.equal(res.statusCode, 200, res.body.toString());
  assert.equal(res.body.toString(), BODY);
});

test('a request signed for a past KeyTime is AccessDenied "Request has expired"', async () => {
  await putObj();
  const t = Math.floor(Date.now() / 1000) - 3600;
  const auth = COS.getAuthorization({
    SecretId: SECRET_ID, SecretKey: SECRET_KEY, Method: 'GET', Key: KEY, Headers: { Host: vhost() }, KeyTime: `${t};${t + 300}`,
  });
  const res = await rawRequest(ctx.server, { path: '/doc/a%20b%2Bc.txt', headers: { Host: vhost(), Authorization: auth } });
  assert.equal(res.statusCode, 403);
  assert.match(res.body.toString(), /<Code>AccessDenied<\/Code>/);
  assert.match(res.body.toString(), /<Message>Request has expired<\/Message>/);
});

// --- pre-signed URLs ----------------------------------------------------------

test('getObjectUrl gives a pre-signed GET URL that downloads the object', async () => {
  await putObj();
  const url = await objectUrl(urlClient(), { Key: KEY, Sign: true });
  assert.ok(url.startsWith(`http://${vhost()}/doc/a%20b%2Bc.txt?`), url);
  const res = await viaProxy(ctx.server, url);
  assert.equal(res.statusCode, 200, res.body.toString());
  assert.equal(res.body.toString(), BODY);
});

test('getObjectUrl with a unicode key', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: 'doc/中文 ü.txt', Body: 'unicode' });
  const url = await objectUrl(urlClient(), { Key: 'doc/中文 ü.txt', Sign: true });
  const res = await viaProxy(ctx.server, url);
  assert.equal(res.statusCode, 200, res.body.toString());
  assert.equal(res.body.toString(), 'unicode');
});

test('getObjectUrl for PUT uploads', async () => {
  await ctx.cos.putBucket(B);
  const url = await objectUrl(urlClient(), { Key: 'up/load.txt', Method: 'PUT', Sign: true });
  const res = await viaProxy(ctx.server, url, { method: 'PUT', body: 'uploaded' });
  assert.equal(res.statusCode, 200, res.body.toString());
  const got = await ctx.cos.getObject({ ...B, Key: 'up/load.txt' });
  assert.equal(got.Body.toString(), 'uploaded');
});

test('a pre-signed URL made with a wrong key is SignatureDoesNotMatch', async () => {
  await putObj();
  const url = await objectUrl(urlClient({ SecretKey: 'not-the-secret' }), { Key: KEY, Sign: true });
  const res = await viaProxy(ctx.server, url);
  assert.equal(res.statusCode, 403);
  assert.match(res.body.toString(), /<Code>SignatureDoesNotMatch<\/Code>/);
});

test('a pre-signed URL past its window is AccessDenied "Request has expired"', async () => {
  await putObj();
  const url = await objectUrl(urlClient({ SystemClockOffset: -3600e3 }), { Key: KEY, Sign: true, Expires: 300 });
  const res = await viaProxy(ctx.server, url);
  assert.equal(res.statusCode, 403);
  assert.match(res.body.toString(), /<Message>Request has expired<\/Message>/);
});

test('a pre-signed URL used for another key is rejected', async () => {
  await putObj();
  await ctx.cos.putObject({ ...B, Key: 'other.txt', Body: 'other' });
  const url = await objectUrl(urlClient(), { Key: KEY, Sign: true });
  const res = await viaProxy(ctx.server, url.replace('/doc/a%20b%2Bc.txt?', '/other.txt?'));
  assert.equal(res.statusCode, 403);
  assert.match(res.body.toString(), /<Code>SignatureDoesNotMatch<\/Code>/);
});

test('a pre-signed URL with a signed parameter given again is InvalidArgument, not the first value', async () => {
  await putObj();
  const url = await objectUrl(urlClient(), {
    Key: KEY,
    Sign: true,
    Query: { 'response-content-type': 'text/plain' },
  });
  const ok = await viaProxy(ctx.server, url);
  assert.equal(ok.statusCode, 200, ok.body.toString());
  assert.equal(ok.headers['content-type'], 'text/plain');
  const res = await viaProxy(ctx.server, url + '&response-content-type=text%2Fhtml');
  assert.equal(res.statusCode, 400, res.body.toString());
  assert.match(res.body.toString(), /<Code>InvalidArgument<\/Code>/);
  assert.match(res.body.toString(), /response-content-type/);
});
