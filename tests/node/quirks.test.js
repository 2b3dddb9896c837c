'use strict';
// Behaviours the node SDK's own suite (test/test.js) expects of COS (issue 11), through
// cos-nodejs-sdk-v5's real methods: the bucket names that suite creates, an ACL read with
// getBucketAcl/getObjectAcl and sent back with its empty grants, Content-Type from the key's
// extension, a getAuth() signature in a `sign=` link, a Host of another region than the
// bucket's, keys made only of `/` and `.` with the SDK's own key check off, GET policy read
// as Policy.Statement, and HTTPS through cos-mock as the SDK's Proxy (CONNECT), trusting the
// local CA cos-mock writes with --tls-cert-out through NODE_EXTRA_CA_CERTS.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { APPID, BUCKET, REGION, SECRET_ID, SECRET_KEY, Server, UIN, expectError, rawRequest, useServer, vhost } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };

// ---- bucket names ----

for (const name of [`buckettest-maz-ofs123456-${APPID}`, `bucket-inventory${Date.now()}-${APPID}`]) {
  test(`putBucket ${name} (created by the SDK suite) succeeds`, async () => {
    const put = await ctx.cos.putBucket({ Bucket: name, Region: REGION });
    assert.equal(put.statusCode, 200);
    const head = await ctx.cos.headBucket({ Bucket: name, Region: REGION });
    assert.equal(head.statusCode, 200);
  });
}

test('putBucket with 51 characters before the APPID is InvalidBucketName', async () => {
  await expectError(ctx.cos.putBucket({ Bucket: 'a'.repeat(51) + `-${APPID}`, Region: REGION }), 400, 'InvalidBucketName');
});

// ---- empty grants ----

test('getBucketAcl then putBucketAcl with what it decoded (empty grants included) succeeds', async () => {
  await ctx.cos.putBucket({ ...B, ACL: 'public-read' });
  const got = await ctx.cos.getBucketAcl(B);
  assert.equal(got.GrantWrite, '');
  const { ACL, GrantRead, GrantWrite, GrantReadAcp, GrantWriteAcp, GrantFullControl } = got;
  const put = await ctx.cos.putBucketAcl({ ...B, ACL, GrantRead, GrantWrite, GrantReadAcp, GrantWriteAcp, GrantFullControl });
  assert.equal(put.statusCode, 200);
  assert.equal((await ctx.cos.getBucketAcl(B)).ACL, 'public-read');
});

test('putObjectAcl with a grant beside empty ones keeps the grant', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: '1.txt', Body: 'x' });
  await ctx.cos.putObjectAcl({
    ...B,
    Key: '1.txt',
    GrantRead: `id="qcs::cam::uin/${UIN}:uin/100000000011"`,
    GrantReadAcp: '',
    GrantWriteAcp: '',
    GrantFullControl: '',
  });
  const got = await ctx.cos.getObjectAcl({ ...B, Key: '1.txt' });
  assert.match(got.GrantRead, /100000000011/);
});

// ---- Content-Type / Cache-Control ----

for (const [key, ContentType, want] of [
  ['1.zip', undefined, 'application/zip'],
  ['1.txt', undefined, 'text/plain'],
  ['1.zip', '', 'application/zip'],
  ['noext', '', 'application/octet-stream'],
  ['1.txt', 'image/png', 'image/png'],
]) {
  test(`putObject ${key} with ContentType ${JSON.stringify(ContentType)} is stored as ${want}`, async () => {
    await ctx.cos.putBucket(B);
    await ctx.cos.putObject({ ...B, Key: key, Body: Buffer.from('data'), ContentType });
    const head = await ctx.cos.headObject({ ...B, Key: key });
    assert.equal(head.headers['content-type'], want);
  });
}

test('putObject with an empty CacheControl stores none', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: 'a.txt', Body: 'x', CacheControl: '' });
  const head = await ctx.cos.headObject({ ...B, Key: 'a.txt' });
  assert.equal(head.headers['cache-control'], undefined);
});

test('multipartInit without ContentType: the completed object takes the key extension type', async () => {
  await ctx.cos.putBucket(B);
  const init = await ctx.cos.multipartInit({ ...B, Key: 'big.zip' });
  const part = await ctx.cos.multipartUpload({ ...B, Key: 'big.zip', UploadId: init.UploadId, PartNumber: 1, Body: Buffer.from('p') });
  await ctx.cos.multipartComplete({ ...B, Key: 'big.zip', UploadId: init.UploadId, Parts: [{ PartNumber: 1, ETag: part.ETag }] });
  assert.equal((await ctx.cos.headObject({ ...B, Key: 'big.zip' })).headers['content-type'], 'application/zip');
});

test('putObjectCopy Replaced without ContentType takes the destination extension type', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: 'src.bin', Body: 'x', ContentType: 'image/png' });
  const CopySource = `${vhost()}/src.bin`;
  await ctx.cos.putObjectCopy({ ...B, Key: 'copy.txt', CopySource, MetadataDirective: 'Replaced' });
  assert.equal((await ctx.cos.headObject({ ...B, Key: 'copy.txt' })).headers['content-type'], 'text/plain');
});

// ---- getAuth() in a sign= link ----

function signLink(key, extra = '') {
  const auth = ctx.cos.getAuth({ Method: 'get', Key: key, Headers: { Host: vhost() } });
  return `/${key}?sign=${encodeURIComponent(auth)}${extra}`;
}

test('getAuth() put into ?sign= reads the object (test.js "getAuth()")', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: '1.txt', Body: 'content' });
  const res = await rawRequest(ctx.server, { path: signLink('1.txt'), headers: { Host: vhost() } });
  assert.equal(res.statusCode, 200, res.body.toString());
  assert.equal(res.body.toString(), 'content');
});

test('getAuth() with a special-character query signed and sent beside sign= (test.js "getAuth() 特殊字符")', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: '1.txt', Body: 'content' });
  const str = 'qwertyuiopQWERTY,./;\'[]\\-=0987`~!@#$%^&*()_+{}|":>?<';
  const auth = ctx.cos.getAuth({ Method: 'GET', Key: '1.txt', Query: { [str]: str }, Headers: { Host: vhost() } });
  const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const path = `/1.txt?sign=${enc(auth)}&${enc(str)}=${enc(str)}`;
  const res = await rawRequest(ctx.server, { path, headers: { Host: vhost() } });
  assert.equal(res.statusCode, 200, res.body.toString());
  const tampered = await rawRequest(ctx.server, { path: path + 'x', headers: { Host: vhost() } });
  assert.equal(tampered.statusCode, 403);
  assert.match(tampered.body.toString(), /<Code>SignatureDoesNotMatch<\/Code>/);
});

test('a sign= link used for another key is SignatureDoesNotMatch', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: '2.txt', Body: 'other' });
  const path = signLink('1.txt').replace('/1.txt?', '/2.txt?');
  const res = await rawRequest(ctx.server, { path, headers: { Host: vhost() } });
  assert.equal(res.statusCode, 403);
  assert.match(res.body.toString(), /<Code>SignatureDoesNotMatch<\/Code>/);
});

// ---- a Host of another region ----

test('a bucket of ap-guangzhou addressed as ap-beijing is NoSuchBucket', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: 'o', Body: 'x' });
  const beijing = { Bucket: BUCKET, Region: 'ap-beijing' };
  await expectError(ctx.cos.getObject({ ...beijing, Key: 'o' }), 404, 'NoSuchBucket');
  await expectError(ctx.cos.putObject({ ...beijing, Key: 'p', Body: 'x' }), 404, 'NoSuchBucket');
  assert.equal((await ctx.cos.getObject({ ...B, Key: 'o' })).Body.toString(), 'x');
});

// ---- keys made only of / and . (test.js "getObject() 手动关闭合并 Key 校验") ----

test('with ObjectKeySimplifyCheck on, the SDK itself refuses keys that resolve to the bucket', async () => {
  await ctx.cos.putBucket(B);
  for (const Key of ['///////', '/abc/../', '/./']) {
    const err = await ctx.cos.getObject({ ...B, Key }).catch((e) => e);
    assert.equal(err.message, 'The Getobject Key is illegal');
  }
});

test('with ObjectKeySimplifyCheck off, /./ and /////// reach the bucket and fail, other keys round-trip', async () => {
  await ctx.cos.putBucket(B);
  const cos = ctx.server.cos({ ObjectKeySimplifyCheck: false });
  for (const Key of ['///////', '/./']) {
    const err = await cos.getObject({ ...B, Key }).catch((e) => e);
    assert.ok(err instanceof Error || err.statusCode >= 400, `${Key}: ${JSON.stringify(err)}`);
    assert.equal(err.statusCode, 403, `${Key}: signed over the unresolved path`);
  }
  for (const Key of ['/abc/../', '///abc/.//def//../../', '/././///abc/.//def//../../']) {
    await cos.putObject({ ...B, Key, Body: Key });
    assert.equal((await cos.getObject({ ...B, Key })).Body.toString(), Key);
  }
});

// ---- GET policy ----

test('getBucketPolicy answers the normalised form: Policy.Statement with capitalised fields', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putBucketPolicy({
    ...B,
    Policy: {
      version: '2.0',
      principal: { qcs: [`qcs::cam::uin/${UIN}:uin/100000000011`] },
      statement: [{ effect: 'allow', action: 'name/cos:GetObject', resource: `qcs::cos:${REGION}:uid/${APPID}:${BUCKET}/*` }],
    },
  });
  const { Policy } = await ctx.cos.getBucketPolicy(B);
  assert.deepEqual(Policy, {
    Statement: [
      {
        Principal: { qcs: [`qcs::cam::uin/${UIN}:uin/100000000011`] },
        Effect: 'allow',
        Action: ['name/cos:GetObject'],
        Resource: [`qcs::cos:${REGION}:uid/${APPID}:${BUCKET}/*`],
      },
    ],
    version: '2.0',
  });
});

// ---- HTTPS through cos-mock as the proxy (CONNECT) ----

// Runs in a child node: NODE_EXTRA_CA_CERTS is read only when node starts, and the CA is made
// when the server starts.
const HTTPS_SCRIPT = `
const COS = require('cos-nodejs-sdk-v5');
const o = JSON.parse(process.argv[1]);
const cos = new COS({ SecretId: o.id, SecretKey: o.key, Protocol: 'https:', Proxy: o.proxy });
const B = { Bucket: o.bucket, Region: o.region };
(async () => {
  await cos.putBucket(B);
  await cos.putObject({ ...B, Key: 'secure.txt', Body: 'over TLS' });
  const got = await cos.getObject({ ...B, Key: 'secure.txt' });
  const wrong = await cos.getObject({ ...B, Region: 'ap-beijing', Key: 'secure.txt' }).catch((e) => e);
  console.log(JSON.stringify({ body: got.Body.toString(), wrong: [wrong.statusCode, wrong.code] }));
})().catch((e) => { console.log(JSON.stringify({ error: String(e && (e.message || e.code) || e) })); });
`;

function runHttps(proxy, ca) {
  const opts = { id: SECRET_ID, key: SECRET_KEY, proxy, bucket: BUCKET, region: REGION };
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  if (ca) env.NODE_EXTRA_CA_CERTS = ca;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', HTTPS_SCRIPT, JSON.stringify(opts)], { cwd: __dirname, env, timeout: 30000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`child failed: ${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout));
    });
  });
}

test('Protocol https: with Proxy = cos-mock: CONNECT is terminated with a certificate of the trusted local CA', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cos-mock-node-ca-'));
  const ca = path.join(dir, 'ca.pem');
  const server = await Server.start({ args: ['--tls-listen', '127.0.0.1:0', '--tls-cert-out', ca] });
  try {
    const proxy = `http://127.0.0.1:${server.port}`;
    const out = await runHttps(proxy, ca);
    assert.deepEqual(out, { body: 'over TLS', wrong: [404, 'NoSuchBucket'] });
    // Without the CA, node refuses the tunnel's certificate.
    const untrusted = await runHttps(proxy, undefined);
    assert.ok(untrusted.error, JSON.stringify(untrusted));
    assert.match(untrusted.error, /certificate/i);
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
