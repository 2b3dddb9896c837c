'use strict';
// Access enforcement through cos-nodejs-sdk-v5 (issue 5), with the accounts
// of tests/python/test_access.py:
//   root 100000000001 (APPID 1250000000, owns examplebucket-1250000000)
//     sub 100000000011 no CAM policy; sub 100000000012 CAM GetObject on the bucket
//   root 100000000002 (APPID 1250000002)
//     sub 100000000021 CAM GetObject on *; sub 100000000022 no CAM policy
//
// Anonymous callers: cos-nodejs-sdk-v5 3.0.0 has no anonymous mode (without
// SecretId every call fails with 'missing param SecretId', and a
// getAuthorization callback answering '' fails with 'getAuthorization callback
// params missing "TmpSecretId"'), so anonymous requests are the SDK's unsigned
// URLs (getObjectUrl with Sign: false) fetched through the mock as a proxy.
//
// Temporary keys: qcloud-cos-sts only speaks https (https://{host}/), so this
// file starts cos-mock with `--tls-listen 127.0.0.1:0 --tls-cert-out
// <tmp>/cert.pem`. NODE_EXTRA_CA_CERTS is read only when node starts, and the
// certificate is made when the server starts, so the STS call runs in a child
// node process (stsCredential below) with NODE_EXTRA_CA_CERTS=<cert.pem>; the
// credentials it prints are used here with the COS SDK (SecurityToken, or a
// getAuthorization callback).
const test = require('node:test');
const { beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BUCKET, COS, REGION, rawRequest, useServer, viaProxy } = require('./helpers');

const APPID = '1250000000';
const ROOT1 = ['AKIDROOT1', 'root-secret-1'];
const SUB11 = ['AKIDSUB11', 'sub-secret-11'];
const SUB12 = ['AKIDSUB12', 'sub-secret-12'];
const ROOT2 = ['AKIDROOT2', 'root-secret-2'];
const SUB21 = ['AKIDSUB21', 'sub-secret-21'];
const SUB22 = ['AKIDSUB22', 'sub-secret-22'];
const RES = `qcs::cos:${REGION}:uid/${APPID}:${BUCKET}`;
const B = { Bucket: BUCKET, Region: REGION };

const cam = (action, resource) => ({ version: '2.0', statement: [{ effect: 'allow', action, resource }] });
const CONFIG = {
  region: REGION,
  accounts: [
    {
      uin: '100000000001', appid: APPID, secret_id: ROOT1[0], secret_key: ROOT1[1],
      users: [
        { uin: '100000000011', secret_id: SUB11[0], secret_key: SUB11[1] },
        { uin: '100000000012', secret_id: SUB12[0], secret_key: SUB12[1], policies: [cam(['name/cos:GetObject'], [`${RES}/*`])] },
      ],
    },
    {
      uin: '100000000002', appid: '1250000002', secret_id: ROOT2[0], secret_key: ROOT2[1],
      users: [
        { uin: '100000000021', secret_id: SUB21[0], secret_key: SUB21[1], policies: [cam(['name/cos:GetObject'], ['*'])] },
        { uin: '100000000022', secret_id: SUB22[0], secret_key: SUB22[1] },
      ],
    },
  ],
  buckets: [{ name: BUCKET, acl: 'private' }],
};

const CERT_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cos-mock-node-tls-'));
const CERT = path.join(CERT_DIR, 'cert.pem');
const ctx = useServer({ config: CONFIG, args: ['--tls-listen', '127.0.0.1:0', '--tls-cert-out', CERT] });
let tlsAddr;
beforeEach(() => {
  if (tlsAddr) return;
  // Printed before the ready line; read on the first test, before request logs push it out.
  const m = /cos-mock tls on https:\/\/([^\s"]+)[^\n]*\n/.exec(ctx.server.log);
  assert.ok(m, `no TLS line in:\n${ctx.server.log}`);
  tlsAddr = m[1];
  assert.ok(fs.readFileSync(CERT, 'utf8').includes('BEGIN CERTIFICATE'));
});
test.after(() => fs.rmSync(CERT_DIR, { recursive: true, force: true }));

const as = ([id, key], opts = {}) => ctx.server.cos({ SecretId: id, SecretKey: key, ...opts });
const sub = (root, uin) => `qcs::cam::uin/${root}:uin/${uin}`;
const root = (uin) => sub(uin, uin);
const stmt = (effect, qcs, action, resource, extra = {}) => ({ principal: { qcs }, effect, action, resource, ...extra });
const policy = (...statement) => ({ version: '2.0', statement });

async function setup() {
  const owner = as(ROOT1);
  await owner.putObject({ ...B, Key: 'doc/a.txt', Body: 'doc a' });
  await owner.putObject({ ...B, Key: 'other/b.txt', Body: 'other b' });
  await owner.putObject({ ...B, Key: 'secret/s.txt', Body: 'secret' });
  return owner;
}

const body = async (cos, Key) => (await cos.getObject({ ...B, Key })).Body.toString();

// Expects 403 AccessDenied and remembers the request id; check() then finds
// each one in /_cos-mock/requests with decision deny and a reason.
function denials() {
  const ids = [];
  const denied = async (promise) => {
    let err;
    try {
      await promise;
    } catch (e) {
      err = e;
    }
    assert.ok(err, 'expected 403 AccessDenied, but the call succeeded');
    assert.equal(err.statusCode, 403, JSON.stringify(err.error || err.message));
    assert.equal(err.code, 'AccessDenied', JSON.stringify(err.error || err.message));
    assert.ok(err.RequestId, 'x-cos-request-id');
    ids.push(err.RequestId);
    return err;
  };
  denied.check = async () => {
    const res = await rawRequest(ctx.server, { path: '/_cos-mock/requests' });
    const byId = new Map(JSON.parse(res.body.toString()).requests.map((e) => [e.request_id, e]));
    for (const id of ids) {
      const e = byId.get(id);
      assert.ok(e, `request ${id} not in /_cos-mock/requests`);
      assert.equal(e.status, 403);
      assert.equal(e.decision, 'deny');
      assert.ok(e.reason, JSON.stringify(e));
    }
    return ids.length;
  };
  return denied;
}

// ------------------------------------------------------------ owner's sub-account

test('a sub-account is denied, then allowed by a bucket policy for one prefix only', async () => {
  const owner = await setup();
  const denied = denials();
  const s11 = as(SUB11);
  await denied(s11.getObject({ ...B, Key: 'doc/a.txt' }));
  await denied(s11.putObject({ ...B, Key: 'doc/new.txt', Body: 'x' }));

  await owner.putBucketPolicy({
    ...B,
    Policy: policy(stmt('allow', [sub('100000000001', '100000000011')], ['name/cos:GetObject', 'name/cos:PutObject'], [`${RES}/doc/*`])),
  });
  assert.equal(await body(s11, 'doc/a.txt'), 'doc a');
  await s11.putObject({ ...B, Key: 'doc/new.txt', Body: 'by sub 11' });
  assert.equal(await body(owner, 'doc/new.txt'), 'by sub 11');
  await denied(s11.getObject({ ...B, Key: 'other/b.txt' }));
  await denied(s11.putObject({ ...B, Key: 'other/new.txt', Body: 'x' }));
  await denied(s11.deleteObject({ ...B, Key: 'doc/a.txt' }));
  await denied(s11.getBucket(B));
  await denied(as(SUB12).putObject({ ...B, Key: 'doc/x.txt', Body: 'x' }));
  assert.equal(await denied.check(), 7);
});

test('getBucketPolicy by a sub-account without grant: 403 with the SDK ErrorStatus', async () => {
  await setup();
  const denied = denials();
  const err = await denied(as(SUB11).getBucketPolicy(B));
  assert.equal(err.ErrorStatus, 'Access Denied');
  await denied.check();
});

// ------------------------------------------------------------ explicit deny

test('an explicit deny wins over a policy allow and over a CAM allow', async () => {
  const owner = await setup();
  const denied = denials();
  await owner.putBucketPolicy({
    ...B,
    Policy: policy(
      stmt('allow', [sub('100000000001', '100000000011')], ['name/cos:GetObject'], [`${RES}/*`]),
      stmt('deny', [sub('100000000001', '100000000011'), sub('100000000001', '100000000012')], ['name/cos:GetObject'], [`${RES}/secret/*`], { sid: 'no-secrets' })
    ),
  });
  for (const keys of [SUB11, SUB12]) {
    assert.equal(await body(as(keys), 'doc/a.txt'), 'doc a');
    await denied(as(keys).getObject({ ...B, Key: 'secret/s.txt' }));
  }
  await denied.check();
});

test('an explicit deny wins over a public-read ACL (anonymous and ACL-granted callers)', async () => {
  const owner = await setup();
  const denied = denials();
  await owner.putBucketAcl({ ...B, ACL: 'public-read' });
  await owner.putObjectAcl({ ...B, Key: 'secret/s.txt', ACL: 'public-read', GrantRead: 'id="100000000002"' });
  assert.equal((await anonGet('secret/s.txt')).statusCode, 200);
  await owner.putBucketPolicy({ ...B, Policy: policy(stmt('deny', ['qcs::cam::anyone:anyone'], ['name/cos:GetObject'], [`${RES}/secret/*`])) });
  assert.equal((await anonGet('doc/a.txt')).statusCode, 200);
  const res = await anonGet('secret/s.txt');
  assert.equal(res.statusCode, 403);
  assert.match(res.body.toString(), /<Code>AccessDenied<\/Code>/);
  await denied(as(ROOT2).getObject({ ...B, Key: 'secret/s.txt' }));
  await denied.check();
  await expectJournalDeny(res.headers['x-cos-request-id']);
});

// ------------------------------------------------------------ anonymous

// An unsigned request built by the SDK: getObjectUrl with Sign: false, fetched through the mock as a proxy.
const urlClient = new COS({ SecretId: ROOT1[0], SecretKey: ROOT1[1], Protocol: 'http:' });
function unsignedUrl(Key) {
  return new Promise((resolve, reject) =>
    urlClient.getObjectUrl({ ...B, Key, Sign: false }, (err, data) => (err ? reject(err) : resolve(data.Url)))
  );
}
async function anonGet(Key) {
  const url = await unsignedUrl(Key);
  assert.doesNotMatch(url, /q-sign-algorithm/);
  return viaProxy(ctx.server, url);
}
async function expectJournalDeny(requestId) {
  assert.ok(requestId);
  const res = await rawRequest(ctx.server, { path: '/_cos-mock/requests' });
  const e = JSON.parse(res.body.toString()).requests.find((x) => x.request_id === requestId);
  assert.ok(e, `request ${requestId} not in the journal`);
  assert.equal(e.caller, 'anonymous');
  assert.equal(e.decision, 'deny');
  assert.ok(e.reason, JSON.stringify(e));
}

test('the node SDK cannot send an anonymous request by itself', async () => {
  const noKey = new COS({ Protocol: 'http:', Ip: `127.0.0.1:${ctx.server.port}` });
  await assert.rejects(noKey.getObject({ ...B, Key: 'doc/a.txt' }), (e) => e.message === 'missing param SecretId');
  const emptyAuth = new COS({ Protocol: 'http:', Ip: `127.0.0.1:${ctx.server.port}`, getAuthorization: (_o, cb) => cb('') });
  await assert.rejects(emptyAuth.getObject({ ...B, Key: 'doc/a.txt' }), (e) => /missing "TmpSecretId"/.test(e.message));
});

test('anonymous reads a public-read object; private objects stay denied', async () => {
  const owner = await setup();
  let res = await anonGet('doc/a.txt');
  assert.equal(res.statusCode, 403);
  await expectJournalDeny(res.headers['x-cos-request-id']);
  await owner.putObjectAcl({ ...B, Key: 'doc/a.txt', ACL: 'public-read' });
  res = await anonGet('doc/a.txt');
  assert.equal(res.statusCode, 200);
  assert.equal(res.body.toString(), 'doc a');
  res = await anonGet('other/b.txt');
  assert.equal(res.statusCode, 403);
  await expectJournalDeny(res.headers['x-cos-request-id']);
});

test('anonymous in a public-read bucket: inheriting objects readable, a private object not', async () => {
  const owner = await setup();
  await owner.putBucketAcl({ ...B, ACL: 'public-read' });
  await owner.putObjectAcl({ ...B, Key: 'secret/s.txt', ACL: 'private' });
  assert.equal((await anonGet('doc/a.txt')).statusCode, 200);
  const res = await anonGet('secret/s.txt');
  assert.equal(res.statusCode, 403);
  await expectJournalDeny(res.headers['x-cos-request-id']);
  const put = await viaProxy(ctx.server, await unsignedUrl('new.txt'), { method: 'PUT', body: 'x' });
  assert.equal(put.statusCode, 403);
  await expectJournalDeny(put.headers['x-cos-request-id']);
});

// ------------------------------------------------------------ cross-account

test('cross-account: the other root by bucket policy; its sub-account only with its own CAM allow', async () => {
  const owner = await setup();
  const denied = denials();
  for (const keys of [ROOT2, SUB21, SUB22]) await denied(as(keys).getObject({ ...B, Key: 'doc/a.txt' }));
  await owner.putBucketPolicy({ ...B, Policy: policy(stmt('allow', [root('100000000002')], ['name/cos:GetObject'], [`${RES}/doc/*`])) });
  assert.equal(await body(as(ROOT2), 'doc/a.txt'), 'doc a');
  await denied(as(ROOT2).getObject({ ...B, Key: 'other/b.txt' }));
  await denied(as(ROOT2).putObject({ ...B, Key: 'doc/x.txt', Body: 'x' }));
  assert.equal(await body(as(SUB21), 'doc/a.txt'), 'doc a');
  await denied(as(SUB22).getObject({ ...B, Key: 'doc/a.txt' }));
  await denied.check();
});

// ------------------------------------------------------------ temporary keys (qcloud-cos-sts over TLS)

const STS_SCRIPT = `
const STS = require('qcloud-cos-sts');
STS.getCredential(JSON.parse(process.argv[1])).then(
  (data) => process.stdout.write(JSON.stringify({ data })),
  (err) => process.stdout.write(JSON.stringify({ error: { message: String(err && err.message), Code: err && err.Code, Message: err && err.Message } }))
);`;

// qcloud-cos-sts in a child node that trusts the mock's certificate.
function stsCredential(keys, stsPolicy) {
  const opts = { secretId: keys[0], secretKey: keys[1], host: tlsAddr, region: REGION, policy: stsPolicy, durationSeconds: 1800 };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', STS_SCRIPT, JSON.stringify(opts)],
      { cwd: __dirname, env: { ...process.env, NODE_EXTRA_CA_CERTS: CERT }, timeout: 30000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`sts child failed: ${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout));
      }
    );
  });
}

const sessionPolicy = (actions, prefix) => ({
  version: '2.0',
  statement: [{ effect: 'allow', action: actions, resource: [`${RES}/${prefix}`] }],
});

test('a qcloud-cos-sts key (over TLS) used with SecurityToken writes only its prefix', async () => {
  const owner = await setup();
  const denied = denials();
  const out = await stsCredential(ROOT1, sessionPolicy(['name/cos:PutObject', 'name/cos:GetObject'], 'tmp/*'));
  assert.ok(out.data, JSON.stringify(out));
  const { credentials, expiredTime, startTime } = out.data;
  assert.ok(credentials.tmpSecretId && credentials.tmpSecretKey && credentials.sessionToken);
  assert.equal(expiredTime - startTime, 1800);
  const temp = ctx.server.cos({ SecretId: credentials.tmpSecretId, SecretKey: credentials.tmpSecretKey, SecurityToken: credentials.sessionToken });
  await temp.putObject({ ...B, Key: 'tmp/upload.txt', Body: 'by temp key' });
  assert.equal(await body(owner, 'tmp/upload.txt'), 'by temp key');
  assert.equal(await body(temp, 'tmp/upload.txt'), 'by temp key');
  await denied(temp.putObject({ ...B, Key: 'doc/upload.txt', Body: 'x' }));
  await denied(temp.getObject({ ...B, Key: 'doc/a.txt' }));
  await denied(temp.deleteObject({ ...B, Key: 'tmp/upload.txt' }));
  await denied.check();
});

test('a qcloud-cos-sts key through a getAuthorization callback writes only its prefix', async () => {
  await setup();
  const denied = denials();
  const out = await stsCredential(ROOT1, sessionPolicy(['name/cos:PutObject'], 'tmp/*'));
  const d = out.data;
  let calls = 0;
  const temp = ctx.server.cos({
    SecretId: undefined,
    SecretKey: undefined,
    getAuthorization: (_opts, cb) => {
      calls += 1;
      cb({
        TmpSecretId: d.credentials.tmpSecretId,
        TmpSecretKey: d.credentials.tmpSecretKey,
        SecurityToken: d.credentials.sessionToken,
        StartTime: d.startTime,
        ExpiredTime: d.expiredTime,
      });
    },
  });
  await temp.putObject({ ...B, Key: 'tmp/cb.txt', Body: 'cb' });
  await denied(temp.putObject({ ...B, Key: 'other/cb.txt', Body: 'x' }));
  assert.ok(calls >= 1);
  await denied.check();
});

test('a key without its SecurityToken is refused', async () => {
  await setup();
  const out = await stsCredential(ROOT1, sessionPolicy(['name/cos:PutObject'], 'tmp/*'));
  const c = out.data.credentials;
  const noToken = ctx.server.cos({ SecretId: c.tmpSecretId, SecretKey: c.tmpSecretKey });
  let err;
  await noToken.putObject({ ...B, Key: 'tmp/x.txt', Body: 'x' }).catch((e) => (err = e));
  assert.ok(err);
  assert.equal(err.statusCode, 403);
});

test('qcloud-cos-sts with a wrong secret key gets an STS error', async () => {
  const out = await stsCredential([ROOT1[0], 'wrong'], sessionPolicy(['name/cos:PutObject'], 'tmp/*'));
  assert.ok(out.error, JSON.stringify(out));
  assert.match(out.error.Code, /^AuthFailure/);
});

// The library's own getPolicy() and its README/demo policies put `principal: {qcs: ['*']}` (or
// `{qcs: '*'}`) in the session policy; that is how node users call it. See SERVER_BUGS.md.
test("qcloud-cos-sts getPolicy() output (principal qcs '*', legacy prefix// resource) is accepted", async () => {
  const owner = await setup();
  const denied = denials();
  const STS = require('qcloud-cos-sts');
  const scoped = STS.getPolicy([{ action: 'name/cos:PutObject', bucket: BUCKET, region: REGION, prefix: 'tmp/*' }]);
  assert.deepEqual(scoped.statement[0].principal, { qcs: '*' });
  const out = await stsCredential(ROOT1, scoped);
  assert.ok(out.data, `STS refused the library's own policy: ${JSON.stringify(out.error)}`);
  const c = out.data.credentials;
  const temp = ctx.server.cos({ SecretId: c.tmpSecretId, SecretKey: c.tmpSecretKey, SecurityToken: c.sessionToken });
  await temp.putObject({ ...B, Key: 'tmp/legacy.txt', Body: 'legacy' });
  assert.equal(await body(owner, 'tmp/legacy.txt'), 'legacy');
  await denied(temp.putObject({ ...B, Key: 'doc/legacy.txt', Body: 'x' }));
  await denied.check();
});

test('a session policy with the legacy prefix// resource (no principal) limits the key to its prefix', async () => {
  await setup();
  const denied = denials();
  const legacy = {
    version: '2.0',
    statement: [{ effect: 'allow', action: ['name/cos:PutObject'], resource: [`qcs::cos:${REGION}:uid/${APPID}:prefix//${APPID}/examplebucket/tmp/*`] }],
  };
  const out = await stsCredential(ROOT1, legacy);
  assert.ok(out.data, JSON.stringify(out.error));
  const c = out.data.credentials;
  const temp = ctx.server.cos({ SecretId: c.tmpSecretId, SecretKey: c.tmpSecretKey, SecurityToken: c.sessionToken });
  await temp.putObject({ ...B, Key: 'tmp/legacy.txt', Body: 'legacy' });
  await denied(temp.putObject({ ...B, Key: 'doc/legacy.txt', Body: 'x' }));
  await denied.check();
});
