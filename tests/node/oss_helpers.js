'use strict';
// Shared pieces of the OSS-dialect node suite (oss.test.js, ali-oss 6.23.0):
// the `oss` config section of oss.md §1 (written to the --config file by
// helpers.js), ali-oss clients, the OSS error checks and the journal check.

const assert = require('node:assert/strict');
const OSS = require('ali-oss');
const { rawRequest } = require('./helpers');

const OSS_REGION = 'cn-hangzhou';
const LOCATION = `oss-${OSS_REGION}`;
const OSS_SERVICE_HOST = `oss-${OSS_REGION}.aliyuncs.com`;

const A_UID = '1000000000000001';
const A_KEYS = ['LTAI5tOssMockRootA000001', 'OssMockRootASecret0000000000001'];
const U11_UID = '2000000000000011';
const U11_KEYS = ['LTAI5tOssMockUser000011', 'OssMockUser11Secret000000000011'];
const U12_UID = '2000000000000012';
const U12_KEYS = ['LTAI5tOssMockUser000012', 'OssMockUser12Secret000000000012'];
const B_UID = '1000000000000002';
const B_KEYS = ['LTAI5tOssMockRootB000002', 'OssMockRootBSecret0000000000002'];

// Plain OSS names (no -<appid>). BUCKET is created by the tests, PRESET_BUCKET by the config.
const BUCKET = 'oss-node-bucket';
const PRESET_BUCKET = 'oss-conf-examplebucket';

const res = (bucket = BUCKET, path, owner = A_UID) => `acs:oss:*:${owner}:${bucket}${path === undefined ? '' : `/${path}`}`;

const statement = (effect, principals, actions, resources, condition) => ({
  Effect: effect, Principal: principals, Action: actions, Resource: resources,
  ...(condition ? { Condition: condition } : {}),
});
const policy = (...statements) => ({ Version: '1', Statement: statements });

// oss.md §1, plus the COS root of that example (a config file replaces the
// default identity of both worlds; the COS part is not used here).
const OSS_CONFIG = {
  region: 'ap-guangzhou',
  accounts: [{ uin: '100000000001', appid: '1250000000', secret_id: 'AKIDROOTA', secret_key: 'root-secret-a' }],
  oss: {
    region: OSS_REGION,
    accounts: [
      {
        uid: A_UID, access_key_id: A_KEYS[0], access_key_secret: A_KEYS[1],
        users: [
          { uid: U11_UID, access_key_id: U11_KEYS[0], access_key_secret: U11_KEYS[1], policies: [] },
          {
            uid: U12_UID, access_key_id: U12_KEYS[0], access_key_secret: U12_KEYS[1],
            policies: [{
              Version: '1',
              Statement: [{ Effect: 'Allow', Action: ['oss:PutObject', 'oss:GetObject'],
                Resource: [res(PRESET_BUCKET, 'u12/*'), res(BUCKET, 'u12/*')] }],
            }],
          },
        ],
      },
      { uid: B_UID, access_key_id: B_KEYS[0], access_key_secret: B_KEYS[1] },
    ],
    buckets: [{ name: PRESET_BUCKET, owner: A_UID, acl: 'private' }],
  },
};

// The example document of oss.md §6, accepted as is.
const EXAMPLE_POLICY = {
  Version: '1',
  Statement: [{ Action: ['oss:PutObject', 'oss:GetObject'], Effect: 'Deny', Principal: ['1234567890'],
    Resource: ['acs:oss:*:1234567890:*/*'] }],
};

function mutated(change) {
  const doc = JSON.parse(JSON.stringify(EXAMPLE_POLICY));
  change(doc);
  return doc;
}

// Each must answer 400 InvalidPolicyDocument and store nothing. putBucketPolicy
// takes an object (and refuses anything else client-side), so the non-JSON body
// is sent with the SDK's own signed request (see putRawPolicy).
const INVALID_POLICIES = {
  'version-number-1': mutated((d) => { d.Version = 1; }),
  'version-string-2': mutated((d) => { d.Version = '2'; }),
  'no-statement': mutated((d) => { delete d.Statement; }),
  'empty-statement': mutated((d) => { d.Statement = []; }),
  'effect-maybe': mutated((d) => { d.Statement[0].Effect = 'Maybe'; }),
  'action-fly-object': mutated((d) => { d.Statement[0].Action = ['oss:FlyObject']; }),
  'resource-aws-arn': mutated((d) => { d.Statement[0].Resource = ['arn:aws:s3:::b/*']; }),
  'unknown-condition-operator': mutated((d) => { d.Statement[0].Condition = { StringSmellsLike: { 'oss:Prefix': ['doc/*'] } }; }),
  'not-json': 'this is { not JSON',
};

// ali-oss with an IP endpoint: the URL goes to 127.0.0.1:PORT, the Host header
// is `<bucket>.oss-cn-hangzhou.aliyuncs.com` (oss.md §2 rule 1).
function client(server, keys, v4, bucket = BUCKET) {
  return new OSS({
    region: `oss-${OSS_REGION}`,
    endpoint: `http://127.0.0.1:${server.port}`,
    accessKeyId: keys[0],
    accessKeySecret: keys[1],
    bucket,
    authorizationV4: v4,
    timeout: 10000,
  });
}

// signatureUrl refuses an IP endpoint ('can not get the object URL when
// endpoint is IP'), so URLs are signed by a client of the real endpoint and
// fetched through cos-mock as the HTTP proxy.
function urlSigner(keys, v4, bucket = BUCKET) {
  return new OSS({
    region: `oss-${OSS_REGION}`,
    endpoint: `http://${OSS_SERVICE_HOST}`,
    accessKeyId: keys[0],
    accessKeySecret: keys[1],
    bucket,
    authorizationV4: v4,
  });
}

// PUT ?policy with any body, signed by the SDK itself (what putBucketPolicy
// does after its client-side object check).
function putRawPolicy(c, body, bucket = BUCKET) {
  const params = c._bucketRequestParams('PUT', bucket, 'policy', {});
  params.content = body;
  params.successStatuses = [200];
  return c.request(params);
}

function putPolicy(c, doc, bucket = BUCKET) {
  return typeof doc === 'string' ? putRawPolicy(c, doc, bucket) : c.putBucketPolicy(bucket, doc);
}

// Request ids of the 403s a test provoked; verify() checks each is in
// GET /_cos-mock/requests with decision `deny` and a non-empty reason.
class Journal {
  constructor() {
    this.ids = [];
  }

  add(id) {
    assert.ok(id, 'a 403 without a request id');
    this.ids.push(id);
  }

  async verify(server) {
    const resp = await rawRequest(server, { method: 'GET', path: '/_cos-mock/requests' });
    const entries = new Map(JSON.parse(resp.body.toString()).requests.map((e) => [e.request_id, e]));
    for (const id of this.ids) {
      const e = entries.get(id);
      assert.ok(e, `request ${id} is not in /_cos-mock/requests`);
      assert.equal(e.status, 403, JSON.stringify(e));
      assert.equal(e.decision, 'deny', JSON.stringify(e));
      assert.ok(e.reason, JSON.stringify(e));
    }
  }
}

// The promise must reject with an ali-oss error of this status and code whose
// body was complete (RequestId, HostId, EC). 403s go to the journal.
async function expectOssError(promise, status, code, journal) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${status} ${code}, but the call succeeded`);
  assert.equal(err.status, status, `status: ${err.name} ${err.message}`);
  assert.equal(err.code, code, `code: ${err.name} ${err.message}`);
  assert.ok(err.requestId, `no request id: ${err.message}`);
  assert.ok(err.hostId, `no HostId: ${err.message}`);
  assert.ok(err.ecCode, `no EC: ${err.message}`);
  if (journal && status === 403) journal.add(err.requestId);
  return err;
}

// The OSS error body of a raw response (oss.md §4); returns its fields.
function errorFields(resp) {
  const rid = resp.headers['x-oss-request-id'];
  assert.ok(rid, `no x-oss-request-id: ${JSON.stringify(resp.headers)}`);
  assert.match(resp.headers['content-type'] || '', /^application\/xml/);
  const text = resp.body.toString();
  const fields = {};
  for (const name of ['Code', 'Message', 'RequestId', 'HostId', 'EC']) {
    const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(text);
    assert.ok(m && m[1], `${name} missing or empty in ${text}`);
    fields[name] = m[1];
  }
  assert.equal(fields.RequestId, rid);
  return fields;
}

function expectHttpError(resp, status, code, journal) {
  assert.equal(resp.statusCode, status, resp.body.toString());
  const fields = errorFields(resp);
  assert.equal(fields.Code, code, resp.body.toString());
  if (journal && status === 403) journal.add(fields.RequestId);
  return fields;
}

module.exports = {
  A_KEYS, A_UID, B_KEYS, B_UID, BUCKET, EXAMPLE_POLICY, INVALID_POLICIES, LOCATION, OSS, OSS_CONFIG, OSS_REGION,
  OSS_SERVICE_HOST, PRESET_BUCKET, U11_KEYS, U11_UID, U12_KEYS, U12_UID,
  Journal, client, errorFields, expectHttpError, expectOssError, policy, putPolicy, putRawPolicy, res, statement,
  urlSigner,
};
