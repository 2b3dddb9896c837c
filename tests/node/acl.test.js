'use strict';
// Bucket and object ACLs through cos-nodejs-sdk-v5 (issue 4): putBucketAcl /
// putObjectAcl by headers (ACL, GrantRead, GrantWrite, GrantReadAcp,
// GrantWriteAcp, GrantFullControl) and by body (AccessControlPolicy; the SDK's
// XML has no xsi:type, the server infers the grantee type from ID vs URI);
// what getBucketAcl / getObjectAcl give back after each PUT (the SDK derives
// ACL from AllUsers grants, or takes the x-cos-acl response header: `default`
// for objects that inherit), and each error for a bad ACL.
const test = require('node:test');
const assert = require('node:assert/strict');
const { BUCKET, REGION, UIN, expectError, useServer } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };
const KEY = 'doc/a.txt';
const O = { ...B, Key: KEY };

const OWNER_ID = `qcs::cam::uin/${UIN}:uin/${UIN}`;
const OTHER = '100000000002';
const OTHER_ID = `qcs::cam::uin/${OTHER}:uin/${OTHER}`;
const SUB_ID = `qcs::cam::uin/${UIN}:uin/100000000011`;
const ALL_USERS = 'http://cam.qcloud.com/groups/global/AllUsers';
const AUTH_USERS = 'http://cam.qcloud.com/groups/global/AuthenticatedUsers';
const MALFORMED = 'The XML you provided was not well-formed or did not validate against our published schema.';

// Grants as the SDK parses GET ?acl (it ignores the xsi:type attribute).
const user = (id, Permission) => ({ Grantee: { ID: id, DisplayName: id }, Permission });
const group = (uri, Permission) => ({ Grantee: { URI: uri }, Permission });
const OWNER_FULL = user(OWNER_ID, 'FULL_CONTROL');
const OWNER = { ID: OWNER_ID, DisplayName: OWNER_ID };

// A body as the SDK takes it: Owner + Grants (it wraps them in AccessControlList).
const body = (grants, owner = OWNER_ID) => ({ Owner: { ID: owner, DisplayName: owner }, Grants: grants });
const bodyUser = (id, Permission) => ({ Grantee: { ID: id, DisplayName: id }, Permission });
const bodyGroup = (uri, Permission) => ({ Grantee: { URI: uri }, Permission });

async function withObject() {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...O, Body: 'acl' });
}

// -------------------------------------------------------------- bucket, headers

test('a new bucket is private: owner FULL_CONTROL only', async () => {
  await ctx.cos.putBucket(B);
  const acl = await ctx.cos.getBucketAcl(B);
  assert.equal(acl.ACL, 'private');
  assert.deepEqual(acl.Owner, OWNER);
  assert.deepEqual(acl.Grants, [OWNER_FULL]);
  assert.equal(acl.GrantFullControl, '');
});

for (const [canned, extra, derived] of [
  ['private', [], 'private'],
  ['public-read', [group(ALL_USERS, 'READ')], 'public-read'],
  ['public-read-write', [group(ALL_USERS, 'READ'), group(ALL_USERS, 'WRITE')], 'public-read-write'],
  ['authenticated-read', [group(AUTH_USERS, 'READ')], 'private'], // the SDK derives only from AllUsers
]) {
  test(`putBucketAcl ACL=${canned}`, async () => {
    await ctx.cos.putBucket(B);
    assert.equal((await ctx.cos.putBucketAcl({ ...B, ACL: canned })).statusCode, 200);
    const acl = await ctx.cos.getBucketAcl(B);
    assert.deepEqual(acl.Owner, OWNER);
    assert.deepEqual(acl.Grants, [OWNER_FULL, ...extra]);
    assert.equal(acl.ACL, derived);
  });
}

test('putBucketAcl with every grant header', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putBucketAcl({
    ...B,
    GrantRead: `id="${OTHER}",id="${UIN}/100000000011"`,
    GrantWrite: `id="${OTHER_ID}"`,
    GrantReadAcp: `id="${OTHER}"`,
    GrantWriteAcp: `id="${OTHER}"`,
    GrantFullControl: 'id="100000000003"',
  });
  const acl = await ctx.cos.getBucketAcl(B);
  assert.deepEqual(acl.Grants, [
    OWNER_FULL,
    user(OTHER_ID, 'READ'),
    user(SUB_ID, 'READ'),
    user(OTHER_ID, 'WRITE'),
    user(OTHER_ID, 'READ_ACP'),
    user(OTHER_ID, 'WRITE_ACP'),
    user('qcs::cam::uin/100000000003:uin/100000000003', 'FULL_CONTROL'),
  ]);
  assert.equal(acl.ACL, 'private');
  assert.equal(acl.GrantRead, `id="${OTHER_ID}",id="${SUB_ID}"`);
  assert.equal(acl.GrantWrite, `id="${OTHER_ID}"`);
  assert.equal(acl.GrantReadAcp, `id="${OTHER_ID}"`);
  assert.equal(acl.GrantWriteAcp, `id="${OTHER_ID}"`);
  assert.equal(acl.GrantFullControl, 'id="qcs::cam::uin/100000000003:uin/100000000003"');
});

test('putBucketAcl: a canned ACL plus a grant header are merged', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putBucketAcl({ ...B, ACL: 'public-read', GrantWrite: `id="${OTHER}"` });
  const acl = await ctx.cos.getBucketAcl(B);
  assert.deepEqual(acl.Grants, [OWNER_FULL, group(ALL_USERS, 'READ'), user(OTHER_ID, 'WRITE')]);
  assert.equal(acl.ACL, 'public-read');
});

test('putBucketAcl overwrites the whole ACL', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putBucketAcl({ ...B, ACL: 'public-read', GrantRead: `id="${OTHER}"` });
  await ctx.cos.putBucketAcl({ ...B, ACL: 'private' });
  assert.deepEqual((await ctx.cos.getBucketAcl(B)).Grants, [OWNER_FULL]);
});

test('putBucket with ACL creates a public-read bucket', async () => {
  await ctx.cos.putBucket({ ...B, ACL: 'public-read' });
  assert.equal((await ctx.cos.getBucketAcl(B)).ACL, 'public-read');
});

// -------------------------------------------------------------- bucket, body

test('putBucketAcl by body (no xsi:type: inferred from ID / URI)', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putBucketAcl({
    ...B,
    AccessControlPolicy: body([bodyUser(OWNER_ID, 'FULL_CONTROL'), bodyUser(OTHER_ID, 'WRITE'), bodyGroup(ALL_USERS, 'READ')]),
  });
  const acl = await ctx.cos.getBucketAcl(B);
  assert.deepEqual(acl.Owner, OWNER);
  assert.deepEqual(acl.Grants, [OWNER_FULL, user(OTHER_ID, 'WRITE'), group(ALL_USERS, 'READ')]);
  assert.equal(acl.ACL, 'public-read');
  assert.equal(acl.GrantWrite, `id="${OTHER_ID}"`);
});

test('putBucketAcl by body: a single Grant object, stored as given', async () => {
  await ctx.cos.putBucket(B);
  // The capture node_cos put_bucket_acl body: one WRITE grant to a sub-account.
  const grantee = `qcs::cam::uin/${UIN}:uin/100000000002`;
  await ctx.cos.putBucketAcl({ ...B, AccessControlPolicy: { Owner: OWNER, Grant: bodyUser(grantee, 'WRITE') } });
  const acl = await ctx.cos.getBucketAcl(B);
  assert.deepEqual(acl.Grants, [user(grantee, 'WRITE')]);
  assert.equal(acl.ACL, 'private');
});

test('putBucketAcl by body: public-read-write from AllUsers READ + WRITE', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putBucketAcl({ ...B, AccessControlPolicy: body([bodyGroup(ALL_USERS, 'READ'), bodyGroup(ALL_USERS, 'WRITE'), bodyUser(OTHER_ID, 'READ_ACP')]) });
  const acl = await ctx.cos.getBucketAcl(B);
  assert.equal(acl.ACL, 'public-read-write');
  assert.equal(acl.GrantReadAcp, `id="${OTHER_ID}"`);
});

// -------------------------------------------------------------- bucket, errors

for (const value of ['public-read-writ', 'default', 'bucket-owner-full-control']) {
  test(`putBucketAcl ACL=${value} is InvalidArgument`, async () => {
    await ctx.cos.putBucket(B);
    await expectError(
      ctx.cos.putBucketAcl({ ...B, ACL: value }),
      400,
      'InvalidArgument',
      `Invalid x-cos-acl value '${value}'; allowed on a bucket: private, public-read, public-read-write, authenticated-read`
    );
    assert.deepEqual((await ctx.cos.getBucketAcl(B)).Grants, [OWNER_FULL]);
  });
}

for (const [param, header, value] of [
  ['GrantRead', 'x-cos-grant-read', 'id=100000000002'],
  ['GrantFullControl', 'x-cos-grant-full-control', 'id="alice"'],
  ['GrantReadAcp', 'x-cos-grant-read-acp', 'uin="100000000002"'],
  ['GrantWriteAcp', 'x-cos-grant-write-acp', 'id="qcs::cam::uin/abc:uin/1"'],
]) {
  test(`a bad ${header} is InvalidArgument`, async () => {
    await ctx.cos.putBucket(B);
    const err = await expectError(ctx.cos.putBucketAcl({ ...B, [param]: value }), 400, 'InvalidArgument');
    assert.ok(err.message.startsWith(`Invalid ${header} entry '`), err.message);
    assert.deepEqual((await ctx.cos.getBucketAcl(B)).Grants, [OWNER_FULL]);
  });
}

test('Grants: [] gives an empty AccessControlList, a valid (empty) ACL', async () => {
  await ctx.cos.putBucket(B);
  // The SDK always writes <AccessControlList>; fixtures/acl/valid/empty_list.xml.
  await ctx.cos.putBucketAcl({ ...B, AccessControlPolicy: body([]) });
  assert.deepEqual((await ctx.cos.getBucketAcl(B)).Grants, []);
});

test('a grantee with neither ID nor URI is MalformedXML', async () => {
  await ctx.cos.putBucket(B);
  await expectError(
    ctx.cos.putBucketAcl({ ...B, AccessControlPolicy: body([{ Grantee: { DisplayName: 'x' }, Permission: 'READ' }]) }),
    400,
    'MalformedXML',
    `${MALFORMED} (Grantee must contain exactly one of ID and URI)`
  );
});

test('a grant without Permission is MalformedXML', async () => {
  await ctx.cos.putBucket(B);
  await expectError(
    ctx.cos.putBucketAcl({ ...B, AccessControlPolicy: body([{ Grantee: { ID: OTHER_ID } }]) }),
    400,
    'MalformedXML',
    `${MALFORMED} (Grant/Permission is missing)`
  );
});

test('a body without Owner/ID is MalformedXML', async () => {
  await ctx.cos.putBucket(B);
  await expectError(
    ctx.cos.putBucketAcl({ ...B, AccessControlPolicy: { Grants: [bodyUser(OTHER_ID, 'READ')] } }),
    400,
    'MalformedXML',
    `${MALFORMED} (Owner/ID is missing)`
  );
});

test('an unknown Permission is InvalidArgument', async () => {
  await ctx.cos.putBucket(B);
  await expectError(
    ctx.cos.putBucketAcl({ ...B, AccessControlPolicy: body([bodyUser(OTHER_ID, 'read')]) }),
    400,
    'InvalidArgument',
    "Invalid Permission 'read'; allowed on a bucket: READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL"
  );
});

test('more than 100 grants is 400 PolicyFull; 100 are fine', async () => {
  await ctx.cos.putBucket(B);
  const many = (n) => Array.from({ length: n }, (_, i) => bodyUser(`qcs::cam::uin/${200000000000 + i}:uin/${200000000000 + i}`, 'READ'));
  await expectError(ctx.cos.putBucketAcl({ ...B, AccessControlPolicy: body(many(101)) }), 400, 'PolicyFull', 'your policy or acl has reached the limit');
  assert.deepEqual((await ctx.cos.getBucketAcl(B)).Grants, [OWNER_FULL]);
  await ctx.cos.putBucketAcl({ ...B, AccessControlPolicy: body(many(100)) });
  assert.equal((await ctx.cos.getBucketAcl(B)).Grants.length, 100);
});

for (const owner of [OTHER_ID, SUB_ID]) {
  test(`Owner/ID ${owner} (not the owner) is InvalidArgument`, async () => {
    await ctx.cos.putBucket(B);
    await expectError(
      ctx.cos.putBucketAcl({ ...B, AccessControlPolicy: body([bodyUser(OTHER_ID, 'READ')], owner) }),
      400,
      'InvalidArgument',
      `Owner/ID '${owner}' is not the owner of this bucket (${OWNER_ID})`
    );
  });
}

test('headers and a body together are InvalidArgument; nothing is stored', async () => {
  await ctx.cos.putBucket(B);
  await expectError(
    ctx.cos.putBucketAcl({ ...B, ACL: 'public-read', AccessControlPolicy: body([bodyUser(OTHER_ID, 'READ')]) }),
    400,
    'InvalidArgument',
    'Specify the ACL either by x-cos-acl/x-cos-grant-* headers or by an XML body, not both'
  );
  await expectError(
    ctx.cos.putBucketAcl({ ...B, GrantRead: `id="${OTHER}"`, AccessControlPolicy: body([bodyUser(OTHER_ID, 'READ')]) }),
    400,
    'InvalidArgument'
  );
  assert.deepEqual((await ctx.cos.getBucketAcl(B)).Grants, [OWNER_FULL]);
});

test('a missing bucket is NoSuchBucket', async () => {
  const M = { Bucket: 'nosuchbucket-1250000000', Region: REGION };
  await expectError(ctx.cos.getBucketAcl(M), 404, 'NoSuchBucket');
  await expectError(ctx.cos.putBucketAcl({ ...M, ACL: 'private' }), 404, 'NoSuchBucket');
});

// -------------------------------------------------------------- objects

test('a new object inherits: getObjectAcl ACL is "default" (x-cos-acl header)', async () => {
  await withObject();
  const acl = await ctx.cos.getObjectAcl(O);
  assert.equal(acl.ACL, 'default');
  assert.equal(acl.headers['x-cos-acl'], 'default');
  assert.deepEqual(acl.Owner, OWNER);
  assert.deepEqual(acl.Grants, [OWNER_FULL]);
});

for (const [canned, extra, derived] of [
  ['private', [], 'private'],
  ['public-read', [group(ALL_USERS, 'READ')], 'public-read'],
  ['authenticated-read', [group(AUTH_USERS, 'READ')], 'private'],
  ['bucket-owner-read', [], 'private'],
  ['bucket-owner-full-control', [], 'private'],
]) {
  test(`putObjectAcl ACL=${canned}`, async () => {
    await withObject();
    assert.equal((await ctx.cos.putObjectAcl({ ...O, ACL: canned })).statusCode, 200);
    const acl = await ctx.cos.getObjectAcl(O);
    assert.deepEqual(acl.Grants, [OWNER_FULL, ...extra]);
    assert.equal(acl.ACL, derived);
    assert.equal(acl.headers['x-cos-acl'], undefined);
  });
}

test('putObjectAcl ACL=default goes back to inheriting', async () => {
  await withObject();
  await ctx.cos.putObjectAcl({ ...O, ACL: 'public-read' });
  await ctx.cos.putObjectAcl({ ...O, ACL: 'default' });
  assert.equal((await ctx.cos.getObjectAcl(O)).ACL, 'default');
});

test('putObjectAcl with grant headers', async () => {
  await withObject();
  await ctx.cos.putObjectAcl({ ...O, GrantRead: `id="${OTHER}"`, GrantReadAcp: `id="${OTHER}"`, GrantWriteAcp: `id="${UIN}/100000000011"`, GrantFullControl: `id="${OTHER}"` });
  const acl = await ctx.cos.getObjectAcl(O);
  assert.deepEqual(acl.Grants, [
    OWNER_FULL,
    user(OTHER_ID, 'READ'),
    user(OTHER_ID, 'READ_ACP'),
    user(SUB_ID, 'WRITE_ACP'),
    user(OTHER_ID, 'FULL_CONTROL'),
  ]);
  assert.equal(acl.GrantWrite, undefined); // getObjectAcl drops GrantWrite
});

test('putObject with ACL=public-read', async () => {
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...O, Body: 'x', ACL: 'public-read' });
  assert.equal((await ctx.cos.getObjectAcl(O)).ACL, 'public-read');
});

test('putObjectAcl by body', async () => {
  await withObject();
  await ctx.cos.putObjectAcl({ ...O, AccessControlPolicy: body([bodyUser(OTHER_ID, 'READ'), bodyGroup(ALL_USERS, 'READ')]) });
  const acl = await ctx.cos.getObjectAcl(O);
  assert.deepEqual(acl.Grants, [user(OTHER_ID, 'READ'), group(ALL_USERS, 'READ')]);
  assert.equal(acl.ACL, 'public-read');
});

test('WRITE on an object is InvalidArgument, by header and by body', async () => {
  await withObject();
  await expectError(ctx.cos.putObjectAcl({ ...O, GrantWrite: `id="${OTHER}"` }), 400, 'InvalidArgument', 'x-cos-grant-write is not supported on an object');
  // The capture node_cos put_object_acl body (a WRITE grant).
  await expectError(
    ctx.cos.putObjectAcl({ ...O, AccessControlPolicy: body([bodyUser(OTHER_ID, 'WRITE')]) }),
    400,
    'InvalidArgument',
    'Permission WRITE is not supported on an object'
  );
  assert.equal((await ctx.cos.getObjectAcl(O)).ACL, 'default');
});

test('object ACL errors: canned value, grant id, malformed body, 101 grants, owner, headers + body', async () => {
  await withObject();
  const e1 = await expectError(ctx.cos.putObjectAcl({ ...O, ACL: 'public-read-write' }), 400, 'InvalidArgument');
  assert.ok(e1.message.startsWith("Invalid x-cos-acl value 'public-read-write'"), e1.message);
  await expectError(ctx.cos.putObjectAcl({ ...O, GrantRead: 'id="bob"' }), 400, 'InvalidArgument');
  await expectError(ctx.cos.putObjectAcl({ ...O, AccessControlPolicy: body([{ Grantee: { ID: OTHER_ID, URI: ALL_USERS }, Permission: 'READ' }]) }), 400, 'MalformedXML');
  const many = Array.from({ length: 101 }, (_, i) => bodyUser(`qcs::cam::uin/${200000000000 + i}:uin/${200000000000 + i}`, 'READ'));
  await expectError(ctx.cos.putObjectAcl({ ...O, AccessControlPolicy: body(many) }), 400, 'PolicyFull');
  await expectError(ctx.cos.putObjectAcl({ ...O, AccessControlPolicy: body([bodyUser(OTHER_ID, 'READ')], OTHER_ID) }), 400, 'InvalidArgument');
  await expectError(ctx.cos.putObjectAcl({ ...O, ACL: 'private', AccessControlPolicy: body([bodyUser(OTHER_ID, 'READ')]) }), 400, 'InvalidArgument');
  assert.equal((await ctx.cos.getObjectAcl(O)).ACL, 'default');
});

test('object ACL of a missing object is NoSuchKey', async () => {
  await ctx.cos.putBucket(B);
  await expectError(ctx.cos.getObjectAcl({ ...B, Key: 'nope.txt' }), 404, 'NoSuchKey');
  await expectError(ctx.cos.putObjectAcl({ ...B, Key: 'nope.txt', ACL: 'private' }), 404, 'NoSuchKey');
});
