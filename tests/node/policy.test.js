'use strict';
// Bucket policy through cos-nodejs-sdk-v5 (issue 3): putBucketPolicy,
// getBucketPolicy (data.Policy is the parsed JSON, in COS's normalised form),
// deleteBucketPolicy, and
// every fixture of fixtures/policy/.
//
// putBucketPolicy cannot send bytes as-is: it JSON.parses a string Policy and
// sends JSON.stringify of the result (compact), and refuses a string that is
// not JSON with the client-side Error 'Policy format error'. So each invalid
// fixture goes through it twice:
//   - putBucketPolicy with the fixture text: the code must be line 1 of
//     `.expected`; the message line 2, except where re-serialisation changes
//     what the message is about (SDK_REWRITES below, each with its reason); a
//     fixture that is not JSON is refused by the SDK before any request;
//   - cos.request (the SDK's generic signed call) with the fixture bytes
//     verbatim: code and message exactly as `.expected`.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { APPID, BUCKET, REGION, UIN, expectError, useServer } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };
const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures', 'policy');

function fixtures(dir) {
  return fs
    .readdirSync(path.join(FIXTURES, dir))
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => ({ name: n.replace(/\.json$/, ''), file: path.join(FIXTURES, dir, n) }));
}
const INVALID = fixtures('invalid');
const VALID = fixtures('valid');

function expected(fx) {
  const [code, message] = fs.readFileSync(fx.file.replace(/\.json$/, '.expected'), 'utf8').split('\n');
  return { code, message };
}

function parsesAsJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch (e) {
    return false;
  }
}

// Messages that depend on the bytes, which putBucketPolicy re-serialises.
const SDK_REWRITES = {
  // The size is that of the compact JSON.stringify output, not of the pretty-printed file.
  too_large: (text) => `policy: ${Buffer.byteLength(JSON.stringify(JSON.parse(text)))} bytes exceeds the limit of 20480 bytes`,
  // JSON.stringify(2.0) is "2": the server sees (and names) the number 2.
  version_number: () => 'version: expected "2.0", got 2',
};

const POLICY = {
  Statement: [
    {
      Principal: { qcs: [`qcs::cam::uin/${UIN}:uin/100000000011`] },
      Effect: 'allow',
      Action: ['name/cos:GetObject'],
      Resource: [`qcs::cos:${REGION}:uid/${APPID}:${BUCKET}/doc/*`],
    },
  ],
  version: '2.0',
};

// What GET answers for a policy PUT as `doc`, worked out here from COS's doc
// form ("GET Bucket policy"): top-level Statement then version, each statement's
// fields capitalised in COS's order (Sid, Principal, Effect, Action, Resource,
// Condition), lists everywhere, a top-level principal copied into each
// statement, effects and condition operators in lower case, condition values
// as strings.
const FIELD_ORDER = ['Sid', 'Principal', 'Effect', 'Action', 'Resource', 'Condition'];
const listed = (v) => (Array.isArray(v) ? v : [v]);
const lowerKeys = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
function normalised(doc) {
  const low = lowerKeys(doc);
  const Statement = listed(low.statement).map((raw) => {
    const st = lowerKeys(raw);
    let principal = st.principal !== undefined ? st.principal : low.principal;
    if (principal && typeof principal === 'object' && !Array.isArray(principal)) principal = lowerKeys(principal).qcs;
    const item = {};
    if (st.sid !== undefined) item.Sid = st.sid;
    item.Principal = { qcs: listed(principal) };
    item.Effect = st.effect.toLowerCase();
    item.Action = listed(st.action);
    item.Resource = listed(st.resource);
    if (st.condition && Object.keys(st.condition).length) {
      item.Condition = Object.fromEntries(
        Object.entries(st.condition).map(([op, keys]) => [
          op.toLowerCase(),
          Object.fromEntries(
            Object.entries(keys).map(([k, vs]) => [k, listed(vs).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))])
          ),
        ])
      );
    }
    return item;
  });
  return { Statement, version: low.version };
}

function assertNormalised(got, put) {
  assert.deepEqual(Object.keys(got), ['Statement', 'version']);
  for (const st of got.Statement) {
    assert.deepEqual(Object.keys(st), FIELD_ORDER.filter((k) => k in st));
  }
  assert.deepEqual(got, normalised(put));
}

test('the fixture sets are there', () => {
  assert.ok(INVALID.length >= 40 && VALID.length >= 40, `${INVALID.length} invalid, ${VALID.length} valid`);
});

test('putBucketPolicy with an object, then getBucketPolicy gives it back parsed', async () => {
  await ctx.cos.putBucket(B);
  const put = await ctx.cos.putBucketPolicy({ ...B, Policy: POLICY });
  assert.equal(put.statusCode, 204);
  const got = await ctx.cos.getBucketPolicy(B);
  assert.equal(got.statusCode, 200);
  assert.deepEqual(got.Policy, POLICY);
});

test('putBucketPolicy with a JSON string; GET answers COS normalised form, which the SDK reads as Policy.Statement', async () => {
  await ctx.cos.putBucket(B);
  const text = JSON.stringify({ version: '2.0', principal: { qcs: ['qcs::cam::anyone:anyone'] }, statement: [{ effect: 'Allow', action: 'name/cos:GetObject', resource: '*' }] });
  await ctx.cos.putBucketPolicy({ ...B, Policy: text });
  const got = (await ctx.cos.getBucketPolicy(B)).Policy;
  assertNormalised(got, JSON.parse(text));
  assert.deepEqual(got.Statement[0].Action, ['name/cos:GetObject']);
  const raw = await ctx.cos.request({ ...B, Method: 'GET', Action: 'policy', RawBody: true });
  assert.equal(
    raw.Body.toString(),
    '{"Statement":[{"Principal":{"qcs":["qcs::cam::anyone:anyone"]},"Effect":"allow","Action":["name/cos:GetObject"],"Resource":["*"]}],"version":"2.0"}'
  );
});

test('putBucketPolicy replaces the whole policy', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putBucketPolicy({ ...B, Policy: POLICY });
  const second = {
    version: '2.0',
    statement: [{ principal: { qcs: [`qcs::cam::uin/${UIN}:uin/100000000012`] }, effect: 'deny', action: '*', resource: '*' }],
  };
  await ctx.cos.putBucketPolicy({ ...B, Policy: second });
  assertNormalised((await ctx.cos.getBucketPolicy(B)).Policy, second);
});

test('getBucketPolicy with none set: 404 NoSuchPolicy, which the SDK maps to "Policy Not Found"', async () => {
  await ctx.cos.putBucket(B);
  let err;
  await ctx.cos.getBucketPolicy(B).catch((e) => (err = e));
  assert.ok(err, 'expected an error');
  assert.equal(err.statusCode, 404);
  // cos-nodejs-sdk-v5 3.0.0 rewrites a NoSuchPolicy error: code '404', message 'Policy Not found'.
  assert.equal(err.code, '404');
  assert.equal(err.message, 'Policy Not found');
  assert.equal(err.ErrorStatus, 'Policy Not Found');
  assert.equal(err.error.Code, 'NoSuchPolicy');
  assert.equal(err.error.Message, 'The specified bucket policy does not exist.');
  assert.ok(err.RequestId, 'x-cos-request-id');
});

test('deleteBucketPolicy removes it; a second delete is 204 too', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putBucketPolicy({ ...B, Policy: POLICY });
  assert.equal((await ctx.cos.deleteBucketPolicy(B)).statusCode, 204);
  const err = await ctx.cos.getBucketPolicy(B).catch((e) => e);
  assert.equal(err.statusCode, 404);
  assert.equal(err.error.Code, 'NoSuchPolicy');
  assert.equal((await ctx.cos.deleteBucketPolicy(B)).statusCode, 204);
});

test('a missing bucket is NoSuchBucket for put, get and delete', async () => {
  const M = { Bucket: `nosuchbucket-${APPID}`, Region: REGION };
  await expectError(ctx.cos.putBucketPolicy({ ...M, Policy: POLICY }), 404, 'NoSuchBucket', 'The specified bucket does not exist.');
  const err = await expectError(ctx.cos.getBucketPolicy(M), 404, 'NoSuchBucket');
  assert.equal(err.ErrorStatus, 'Policy Not Found'); // the SDK tags every 404 of this call
  await expectError(ctx.cos.deleteBucketPolicy(M), 404, 'NoSuchBucket');
});

for (const fx of INVALID) {
  test(`invalid fixture ${fx.name} through putBucketPolicy`, async () => {
    await ctx.cos.putBucket(B);
    const text = fs.readFileSync(fx.file, 'utf8');
    const want = expected(fx);
    if (!parsesAsJson(text)) {
      // Not JSON: the SDK refuses it before sending (the verbatim bytes are checked below).
      const err = await ctx.cos.putBucketPolicy({ ...B, Policy: text }).catch((e) => e);
      assert.ok(err, 'expected a client-side error');
      assert.equal(err.message, 'Policy format error');
      assert.equal(err.statusCode, undefined);
      return;
    }
    const message = SDK_REWRITES[fx.name] ? SDK_REWRITES[fx.name](text) : want.message;
    await expectError(ctx.cos.putBucketPolicy({ ...B, Policy: text }), 400, want.code, message);
    await expectError(ctx.cos.getBucketPolicy(B), 404, '404'); // nothing stored
  });

  test(`invalid fixture ${fx.name} verbatim through cos.request`, async () => {
    await ctx.cos.putBucket(B);
    const body = fs.readFileSync(fx.file);
    const want = expected(fx);
    await expectError(
      ctx.cos.request({ ...B, Method: 'PUT', Action: 'policy', Body: body, Headers: { 'Content-Type': 'application/json' } }),
      400,
      want.code,
      want.message
    );
  });
}

for (const fx of VALID) {
  test(`valid fixture ${fx.name} is accepted and reads back`, async () => {
    await ctx.cos.putBucket(B);
    const doc = JSON.parse(fs.readFileSync(fx.file, 'utf8'));
    await ctx.cos.putBucketPolicy({ ...B, Policy: doc });
    const got = await ctx.cos.getBucketPolicy(B);
    assertNormalised(got.Policy, JSON.parse(fs.readFileSync(fx.file, 'utf8')));
  });
}
