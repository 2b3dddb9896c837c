'use strict';
// The OSS dialect (issue #10) through ali-oss 6.23.0, with authorizationV4
// false (V1) and true (V4). `region: 'oss-cn-hangzhou'`, `endpoint:
// 'http://127.0.0.1:PORT'`: ali-oss sends the request to 127.0.0.1:PORT with
// `Host: <bucket>.oss-cn-hangzhou.aliyuncs.com` (oss.md §2 rule 1).
//
// Accounts (oss_helpers.OSS_CONFIG, oss.md §1): root A with RAM users 11 (no
// policy) and 12 (RAM: Put/Get on <bucket>/u12/*), root B. Every 403 a test
// provokes is looked up by request id in /_cos-mock/requests.
//
// ali-oss is strict about statuses: putBucketPolicy only accepts 200,
// deleteBucketPolicy only 204, delete (object) only 204 (real-clients.md §6).

const { describe, test, beforeEach, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { rawRequest, useServer, viaProxy } = require('./helpers');
const {
  A_KEYS, A_UID, B_KEYS, B_UID, BUCKET, EXAMPLE_POLICY, INVALID_POLICIES, LOCATION, OSS, OSS_CONFIG,
  OSS_REGION, OSS_SERVICE_HOST, PRESET_BUCKET, U11_KEYS, U11_UID, U12_KEYS, U12_UID,
  Journal, client, expectHttpError, expectOssError, policy, putPolicy, res, statement, urlSigner,
} = require('./oss_helpers');

const ctx = useServer({ config: OSS_CONFIG });

const md5 = (data) => crypto.createHash('md5').update(data).digest('hex');
const etagOf = (headers) => String(headers.etag).replace(/"/g, '').toLowerCase();

let journal;
beforeEach(() => {
  journal = new Journal();
});
afterEach(async () => {
  await journal.verify(ctx.server);
});

const OBJECTS = [
  ['doc/a.txt', 'doc a'], ['other/b.txt', 'other b'], ['secret/s.txt', 'secret'],
  ['u12/own.txt', 'u12 own'], ['u12/private/p.txt', 'u12 private'], ['pub/p.txt', 'public'],
];

async function ownerWithObjects(v4) {
  const a = client(ctx.server, A_KEYS, v4);
  await a.putBucket(BUCKET);
  for (const [key, body] of OBJECTS) await a.put(key, Buffer.from(body));
  return a;
}

const text = async (c, key) => (await c.get(key)).content.toString();

// ali-oss getBucketPolicy sets successStatuses only after its request, so it
// never rejects: a missing policy comes back as { status: 404, policy: null }.
// The error body is checked from the raw response.
async function expectNoPolicy(c, bucket = BUCKET) {
  const got = await c.getBucketPolicy(bucket);
  assert.equal(got.status, 404);
  assert.equal(got.policy, null);
  const body = Buffer.from(got.res.data || '').toString();
  assert.match(body, /<Code>NoSuchBucketPolicy<\/Code>/);
  const rid = /<RequestId>([^<]+)<\/RequestId>/.exec(body);
  assert.ok(rid && rid[1] === got.res.headers['x-oss-request-id'], body);
}

// Unsigned request with an OSS Host (anonymous OSS requests need one).
function anonymous(method, key, { bucket = BUCKET, body } = {}) {
  const pathPart = key.split('/').map(encodeURIComponent).join('/');
  return rawRequest(ctx.server, { method, path: `/${pathPart}`, headers: { Host: `${bucket}.${OSS_SERVICE_HOST}` }, body });
}

const LIST_KEYS = ['a.txt', 'dir/one.txt', 'dir/sub/three.txt', 'dir/sub/four.txt', 'dir/two.txt', 'dir/with space.txt', 'z.txt'];

for (const v4 of [false, true]) {
  const sig = v4 ? 'V4' : 'V1';

  describe(`ali-oss ${sig}`, () => {
    test(`${sig} bucket round trip: putBucket, getBucketLocation, getBucketInfo`, async () => {
      const a = client(ctx.server, A_KEYS, v4);
      await expectOssError(a.getBucketInfo(BUCKET), 404, 'NoSuchBucket');
      const created = await a.putBucket(BUCKET);
      assert.equal(created.res.status, 200);
      assert.ok(created.res.headers['x-oss-request-id']);
      assert.equal((await a.getBucketLocation(BUCKET)).location, LOCATION);
      const info = (await a.getBucketInfo(BUCKET)).bucket;
      assert.equal(info.Name, BUCKET);
      assert.equal(info.Owner.ID, A_UID);
      await expectOssError(client(ctx.server, B_KEYS, v4).putBucket(BUCKET), 409, 'BucketAlreadyExists');
    });

    test(`${sig} the config's bucket is there`, async () => {
      const a = client(ctx.server, A_KEYS, v4, PRESET_BUCKET);
      assert.equal((await a.getBucketInfo(PRESET_BUCKET)).bucket.Owner.ID, A_UID);
      await a.put('x.txt', Buffer.from('x'));
      await expectOssError(client(ctx.server, B_KEYS, v4, PRESET_BUCKET).get('x.txt'), 403, 'AccessDenied', journal);
    });

    for (const key of ['plain.txt', 'doc/a b+c.txt', 'dir with space/sub dir/x y.txt', 'doc/中文 ü.txt', "doc/odd~!*()';,=@$&[]#%.txt"]) {
      test(`${sig} object round trip: ${key}`, async () => {
        const a = client(ctx.server, A_KEYS, v4);
        await a.putBucket(BUCKET);
        const data = Buffer.from(`hello ali-oss ${key}`);
        const put = await a.put(key, data);
        assert.equal(put.res.status, 200);
        assert.equal(etagOf(put.res.headers), md5(data));
        const got = await a.get(key);
        assert.deepEqual(got.content, data);
        assert.equal(etagOf(got.res.headers), md5(data));
        const head = await a.head(key);
        assert.equal(head.status, 200);
        assert.equal(Number(head.res.headers['content-length']), data.length);
        assert.equal(etagOf(head.res.headers), md5(data));
        assert.ok(head.res.headers['last-modified']);
        const del = await a.delete(key);
        assert.equal(del.res.status, 204);
        await expectOssError(a.get(key), 404, 'NoSuchKey');
        // HEAD errors have no body: ali-oss makes NoSuchKey itself, the request id comes from the header.
        const headErr = await a.head(key).then(() => null, (e) => e);
        assert.ok(headErr, 'head of a deleted key succeeded');
        assert.equal(headErr.status, 404);
        assert.ok(headErr.requestId);
        assert.equal((await a.delete(key)).res.status, 204);
      });
    }

    test(`${sig} internal: true sends Host <bucket>.oss-cn-hangzhou-internal.aliyuncs.com`, async () => {
      const a = client(ctx.server, A_KEYS, v4);
      await a.putBucket(BUCKET);
      const internal = new OSS({
        region: `oss-${OSS_REGION}`, endpoint: `http://127.0.0.1:${ctx.server.port}`, internal: true,
        accessKeyId: A_KEYS[0], accessKeySecret: A_KEYS[1], bucket: BUCKET, authorizationV4: v4, timeout: 10000,
      });
      await internal.put('dir/internal.txt', Buffer.from('via internal'));
      assert.equal(await text(internal, 'dir/internal.txt'), 'via internal');
      assert.equal(await text(a, 'dir/internal.txt'), 'via internal');
      const anon = await rawRequest(ctx.server, { method: 'GET', path: '/dir/internal.txt',
        headers: { Host: `${BUCKET}.oss-${OSS_REGION}-internal.aliyuncs.com` } });
      expectHttpError(anon, 403, 'AccessDenied', journal);
    });

    test(`${sig} missing bucket and key`, async () => {
      const a = client(ctx.server, A_KEYS, v4, 'oss-node-missing');
      await expectOssError(a.get('a.txt'), 404, 'NoSuchBucket');
      await expectOssError(a.list(), 404, 'NoSuchBucket');
      const a2 = client(ctx.server, A_KEYS, v4);
      await a2.putBucket(BUCKET);
      await expectOssError(a2.get('nope.txt'), 404, 'NoSuchKey');
    });

    test(`${sig} list (v1): prefix, delimiter, max-keys paging`, async () => {
      const a = client(ctx.server, A_KEYS, v4);
      await a.putBucket(BUCKET);
      for (const key of LIST_KEYS) await a.put(key, Buffer.from(key));
      const all = await a.list({ 'max-keys': 100 });
      assert.deepEqual(all.objects.map((o) => o.name), [...LIST_KEYS].sort());
      assert.equal(all.isTruncated, false);
      assert.equal(all.objects[0].size, 'a.txt'.length);
      assert.equal(all.objects[0].owner.id, A_UID);
      const top = await a.list({ delimiter: '/' });
      assert.deepEqual(top.objects.map((o) => o.name), ['a.txt', 'z.txt']);
      assert.deepEqual(top.prefixes, ['dir/']);

      let keys = [];
      let prefixes = [];
      let marker;
      let pages = 0;
      for (;;) {
        const page = await a.list({ prefix: 'dir/', delimiter: '/', 'max-keys': 1, ...(marker ? { marker } : {}) });
        pages += 1;
        assert.ok(page.objects.length + (page.prefixes || []).length <= 1);
        keys = keys.concat(page.objects.map((o) => o.name));
        prefixes = prefixes.concat(page.prefixes || []);
        if (!page.isTruncated) break;
        assert.ok(page.nextMarker);
        marker = page.nextMarker;
        assert.ok(pages < 10);
      }
      assert.deepEqual(keys, ['dir/one.txt', 'dir/two.txt', 'dir/with space.txt']);
      assert.deepEqual(prefixes, ['dir/sub/']);
      assert.ok(pages >= 3);
    });

    test(`${sig} listV2: prefix, delimiter, max-keys paging, start-after`, async () => {
      const a = client(ctx.server, A_KEYS, v4);
      await a.putBucket(BUCKET);
      for (const key of LIST_KEYS) await a.put(key, Buffer.from(key));
      const all = await a.listV2({ 'max-keys': 100 });
      assert.deepEqual(all.objects.map((o) => o.name), [...LIST_KEYS].sort());
      assert.equal(all.keyCount, LIST_KEYS.length);
      assert.equal(all.isTruncated, false);

      let keys = [];
      let prefixes = [];
      let token;
      let pages = 0;
      for (;;) {
        const page = await a.listV2({ prefix: 'dir/', delimiter: '/', 'max-keys': 1, ...(token ? { 'continuation-token': token } : {}) });
        pages += 1;
        const n = page.objects.length + (page.prefixes || []).length;
        assert.ok(n <= 1);
        assert.equal(page.keyCount, n);
        keys = keys.concat(page.objects.map((o) => o.name));
        prefixes = prefixes.concat(page.prefixes || []);
        if (!page.isTruncated) break;
        assert.ok(page.nextContinuationToken);
        token = page.nextContinuationToken;
        assert.ok(pages < 10);
      }
      assert.deepEqual(keys, ['dir/one.txt', 'dir/two.txt', 'dir/with space.txt']);
      assert.deepEqual(prefixes, ['dir/sub/']);
      assert.ok(pages >= 3);
      const after = await a.listV2({ 'start-after': 'dir/two.txt' });
      assert.deepEqual(after.objects.map((o) => o.name), ['dir/with space.txt', 'z.txt']);
    });

    test(`${sig} bucket policy: put 200, get JSON-equal, delete 204, get 404`, async () => {
      const a = client(ctx.server, A_KEYS, v4);
      await a.putBucket(BUCKET);
      await expectNoPolicy(a);
      assert.equal((await a.putBucketPolicy(BUCKET, EXAMPLE_POLICY)).status, 200);
      const got = await a.getBucketPolicy(BUCKET);
      assert.equal(got.status, 200);
      assert.deepEqual(got.policy, EXAMPLE_POLICY);
      assert.equal((await a.deleteBucketPolicy(BUCKET)).status, 204);
      await expectNoPolicy(a);
    });

    for (const [name, doc] of Object.entries(INVALID_POLICIES)) {
      test(`${sig} invalid policy ${name}: 400 InvalidPolicyDocument, nothing stored`, async () => {
        const a = client(ctx.server, A_KEYS, v4);
        await a.putBucket(BUCKET);
        await expectOssError(putPolicy(a, doc), 400, 'InvalidPolicyDocument');
        await expectNoPolicy(a);
        await a.putBucketPolicy(BUCKET, EXAMPLE_POLICY);
        await expectOssError(putPolicy(a, doc), 400, 'InvalidPolicyDocument');
        assert.deepEqual((await a.getBucketPolicy(BUCKET)).policy, EXAMPLE_POLICY);
      });
    }

    test(`${sig} wrong secret 403 SignatureDoesNotMatch, unknown key 403 InvalidAccessKeyId`, async () => {
      const a = client(ctx.server, A_KEYS, v4);
      await a.putBucket(BUCKET);
      const wrong = client(ctx.server, [A_KEYS[0], 'not-the-secret'], v4);
      await expectOssError(wrong.getBucketInfo(BUCKET), 403, 'SignatureDoesNotMatch', journal);
      await expectOssError(wrong.put('a.txt', Buffer.from('x')), 403, 'SignatureDoesNotMatch', journal);
      const unknown = client(ctx.server, ['LTAI5tNoSuchKey0000000', 'whatever'], v4);
      await expectOssError(unknown.getBucketInfo(BUCKET), 403, 'InvalidAccessKeyId', journal);
      await expectOssError(unknown.get('a.txt'), 403, 'InvalidAccessKeyId', journal);
      await expectOssError(a.get('a.txt'), 404, 'NoSuchKey');
    });

    test(`${sig} pre-signed URL through the proxy: valid, tampered, other account`, async () => {
      const a = client(ctx.server, A_KEYS, v4);
      await a.putBucket(BUCKET);
      await a.put('dir/a file.txt', Buffer.from('signed body'));
      await a.put('dir/other.txt', Buffer.from('other body'));
      const sign = (keys, key) => (v4
        ? urlSigner(keys, true).signatureUrlV4('GET', 60, undefined, key)
        : Promise.resolve(urlSigner(keys, false).signatureUrl(key, { expires: 60 })));
      const url = await sign(A_KEYS, 'dir/a file.txt');
      assert.ok(url.startsWith(`http://${BUCKET}.${OSS_SERVICE_HOST}/`), url);
      const ok = await viaProxy(ctx.server, url);
      assert.equal(ok.statusCode, 200, ok.body.toString());
      assert.equal(ok.body.toString(), 'signed body');
      assert.ok(url.includes('a%20file.txt'), url);
      expectHttpError(await viaProxy(ctx.server, url.replace('a%20file.txt', 'other.txt')), 403, 'SignatureDoesNotMatch', journal);
      const name = v4 ? 'x-oss-signature=' : 'Signature=';
      const at = url.indexOf(name) + name.length;
      const forged = url.slice(0, at) + (url.slice(at, at + 4) === 'AAAA' ? 'BBBB' : 'AAAA') + url.slice(at + 4);
      expectHttpError(await viaProxy(ctx.server, forged), 403, 'SignatureDoesNotMatch', journal);
      expectHttpError(await viaProxy(ctx.server, await sign(B_KEYS, 'dir/a file.txt')), 403, 'AccessDenied', journal);
    });

    test(`${sig} pre-signed URL expired: 403 AccessDenied`, async () => {
      const a = client(ctx.server, A_KEYS, v4);
      await a.putBucket(BUCKET);
      await a.put('a.txt', Buffer.from('a'));
      const url = v4
        ? await urlSigner(A_KEYS, true).signatureUrlV4('GET', 1, undefined, 'a.txt')
        : urlSigner(A_KEYS, false).signatureUrl('a.txt', { expires: 1 });
      // ali-oss V1 rounds now to the nearest second before adding the expiry: wait well past it.
      await new Promise((r) => setTimeout(r, 3200));
      expectHttpError(await viaProxy(ctx.server, url), 403, 'AccessDenied', journal);
    });

    test(`${sig} another account denied, then allowed by a bucket policy naming its uid`, async () => {
      const a = await ownerWithObjects(v4);
      const b = client(ctx.server, B_KEYS, v4);
      await expectOssError(b.get('doc/a.txt'), 403, 'AccessDenied', journal);
      await expectOssError(b.put('doc/new.txt', Buffer.from('x')), 403, 'AccessDenied', journal);
      await expectOssError(b.list(), 403, 'AccessDenied', journal);
      await a.putBucketPolicy(BUCKET, policy(statement('Allow', [B_UID], ['oss:GetObject', 'oss:PutObject'], [res(BUCKET, 'doc/*')])));
      assert.equal(await text(b, 'doc/a.txt'), 'doc a');
      await b.put('doc/new.txt', Buffer.from('by B'));
      assert.equal(await text(a, 'doc/new.txt'), 'by B');
      await expectOssError(b.get('other/b.txt'), 403, 'AccessDenied', journal);
      await expectOssError(b.delete('doc/a.txt'), 403, 'AccessDenied', journal);
      // getBucketPolicy never rejects (see expectNoPolicy): the 403 is its status.
      const denied = await b.getBucketPolicy(BUCKET);
      assert.equal(denied.status, 403);
      assert.equal(denied.policy, null);
      journal.add(denied.res.headers['x-oss-request-id']);
      assert.equal(await text(a, 'other/b.txt'), 'other b');
    });

    test(`${sig} RAM users: none by default, their RAM policy, then a bucket policy`, async () => {
      const a = await ownerWithObjects(v4);
      const u11 = client(ctx.server, U11_KEYS, v4);
      const u12 = client(ctx.server, U12_KEYS, v4);
      await expectOssError(u11.get('doc/a.txt'), 403, 'AccessDenied', journal);
      await expectOssError(u11.getBucketInfo(BUCKET), 403, 'AccessDenied', journal);
      await u12.put('u12/new.txt', Buffer.from('by u12'));
      assert.equal(await text(u12, 'u12/new.txt'), 'by u12');
      await expectOssError(u12.get('doc/a.txt'), 403, 'AccessDenied', journal);
      await expectOssError(u12.delete('u12/new.txt'), 403, 'AccessDenied', journal);

      await a.putBucketPolicy(BUCKET, policy(
        statement('Allow', [U11_UID], ['oss:GetObject'], [res(BUCKET, 'doc/*')]),
        statement('Allow', [U11_UID], ['oss:ListObjects'], [res(BUCKET)])));
      assert.equal(await text(u11, 'doc/a.txt'), 'doc a');
      assert.ok((await u11.list({ prefix: 'doc/' })).objects.some((o) => o.name === 'doc/a.txt'));
      await expectOssError(u11.put('doc/a.txt', Buffer.from('x')), 403, 'AccessDenied', journal);
      await expectOssError(u11.get('secret/s.txt'), 403, 'AccessDenied', journal);
    });

    test(`${sig} an explicit Deny wins over an Allow`, async () => {
      const a = await ownerWithObjects(v4);
      const b = client(ctx.server, B_KEYS, v4);
      const u12 = client(ctx.server, U12_KEYS, v4);
      await a.putBucketPolicy(BUCKET, policy(
        statement('Allow', [B_UID], ['oss:*'], [res(BUCKET, '*')]),
        statement('Deny', [B_UID], ['oss:GetObject'], [res(BUCKET, 'secret/*')]),
        statement('Deny', [U12_UID], ['oss:GetObject', 'oss:PutObject'], [res(BUCKET, 'u12/private/*')])));
      assert.equal(await text(b, 'doc/a.txt'), 'doc a');
      await expectOssError(b.get('secret/s.txt'), 403, 'AccessDenied', journal);
      assert.equal(await text(u12, 'u12/own.txt'), 'u12 own');
      await expectOssError(u12.get('u12/private/p.txt'), 403, 'AccessDenied', journal);
      await expectOssError(u12.put('u12/private/q.txt', Buffer.from('q')), 403, 'AccessDenied', journal);
      assert.equal(await text(a, 'secret/s.txt'), 'secret');
    });

    test(`${sig} anonymous: denied, then allowed by Principal "*"`, async () => {
      const a = await ownerWithObjects(v4);
      expectHttpError(await anonymous('GET', 'pub/p.txt'), 403, 'AccessDenied', journal);
      await a.putBucketPolicy(BUCKET, policy(statement('Allow', ['*'], ['oss:GetObject'], [res(BUCKET, 'pub/*')])));
      const ok = await anonymous('GET', 'pub/p.txt');
      assert.equal(ok.statusCode, 200, ok.body.toString());
      assert.equal(ok.body.toString(), 'public');
      assert.ok(ok.headers['x-oss-request-id']);
      expectHttpError(await anonymous('GET', 'doc/a.txt'), 403, 'AccessDenied', journal);
      expectHttpError(await anonymous('PUT', 'pub/new.txt', { body: 'x' }), 403, 'AccessDenied', journal);
      assert.equal(await text(client(ctx.server, B_KEYS, v4), 'pub/p.txt'), 'public');
    });
  });
}
