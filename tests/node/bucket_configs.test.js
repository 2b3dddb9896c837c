'use strict';
// Stored bucket configurations through cos-nodejs-sdk-v5: putBucketReferer/getBucketReferer,
// putBucketWebsite/getBucketWebsite/deleteBucketWebsite, putBucketLogging/getBucketLogging,
// putBucketDomain/getBucketDomain/deleteBucketDomain, putBucketOrigin/getBucketOrigin/
// deleteBucketOrigin, putBucketInventory/getBucketInventory/listBucketInventory/
// deleteBucketInventory, putBucketAccelerate/getBucketAccelerate, putBucketReplication/
// getBucketReplication; referer enforcement on anonymous requests. (This SDK version has no
// intelligent-tiering or object-lock methods.)
const test = require('node:test');
const assert = require('node:assert/strict');
const { BUCKET, REGION, UIN, expectError, rawRequest, useServer, vhost } = require('./helpers');

const ctx = useServer();
const B = { Bucket: BUCKET, Region: REGION };

async function withBucket() {
  await ctx.cos.putBucket(B);
}

test('putBucketReferer/getBucketReferer round-trip as the SDK suite compares it', async () => {
  await withBucket();
  const conf = {
    Status: 'Enabled',
    RefererType: 'White-List',
    DomainList: { Domains: ['abc.qq.com', '*.qcloud.com'] },
  };
  await ctx.cos.putBucketReferer({ ...B, RefererConfiguration: conf });
  const got = await ctx.cos.getBucketReferer(B);
  assert.equal(got.RefererConfiguration.VerifySignatureURL, 'false');
  delete got.RefererConfiguration.VerifySignatureURL;
  assert.deepEqual(got.RefererConfiguration, conf);
});

test('referer white list refuses an anonymous request from another site', async () => {
  await withBucket();
  await ctx.cos.putObject({ ...B, Key: 'pic.png', Body: 'png', ACL: 'public-read' });
  await ctx.cos.putBucketReferer({
    ...B,
    RefererConfiguration: { Status: 'Enabled', RefererType: 'White-List', DomainList: { Domains: ['*.qq.com'] } },
  });
  const get = (referer) =>
    rawRequest(ctx.server, { path: '/pic.png', headers: { Host: vhost(), ...(referer ? { Referer: referer } : {}) } });
  assert.equal((await get('https://www.qq.com/page')).statusCode, 200);
  const bad = await get('https://evil.com/');
  assert.equal(bad.statusCode, 403);
  assert.match(bad.body.toString(), /<Code>AccessDenied<\/Code>/);
  assert.equal((await get()).statusCode, 403); // EmptyReferConfiguration defaults to Deny
  const signed = await ctx.cos.getObject({ ...B, Key: 'pic.png', Headers: { Referer: 'https://evil.com/' } });
  assert.equal(signed.Body.toString(), 'png');
});

test('putBucketWebsite/getBucketWebsite/deleteBucketWebsite', async () => {
  await withBucket();
  const RoutingRules = [
    { Condition: { HttpErrorCodeReturnedEquals: '404' }, Redirect: { Protocol: 'https', ReplaceKeyWith: '404.html', URLRedirect: 'Enabled' } },
    { Condition: { KeyPrefixEquals: 'docs/' }, Redirect: { Protocol: 'https', ReplaceKeyPrefixWith: 'documents/', URLRedirect: 'Enabled' } },
  ];
  const WebsiteConfiguration = {
    IndexDocument: { Suffix: 'index.html' },
    RedirectAllRequestsTo: { Protocol: 'https' },
    ErrorDocument: { Key: 'error.html' },
    RoutingRules,
  };
  await ctx.cos.putBucketWebsite({ ...B, WebsiteConfiguration });
  const got = await ctx.cos.getBucketWebsite(B);
  assert.deepEqual(got.WebsiteConfiguration, WebsiteConfiguration);
  await ctx.cos.deleteBucketWebsite(B);
  const none = await ctx.cos.getBucketWebsite(B);
  assert.equal(none.statusCode, 404);
  assert.deepEqual(none.WebsiteConfiguration, {});
});

test('putBucketWebsite without IndexDocument is MalformedXML', async () => {
  await withBucket();
  await expectError(
    ctx.cos.putBucketWebsite({ ...B, WebsiteConfiguration: { ErrorDocument: { Key: 'e.html' } } }),
    400,
    'MalformedXML'
  );
});

test('putBucketLogging/getBucketLogging, and an empty status disables it', async () => {
  await withBucket();
  const BucketLoggingStatus = { LoggingEnabled: { TargetBucket: BUCKET, TargetPrefix: 'logs/' } };
  await ctx.cos.putBucketLogging({ ...B, BucketLoggingStatus });
  assert.deepEqual((await ctx.cos.getBucketLogging(B)).BucketLoggingStatus, BucketLoggingStatus);
  await ctx.cos.putBucketLogging({ ...B, BucketLoggingStatus: '' });
  assert.equal((await ctx.cos.getBucketLogging(B)).BucketLoggingStatus, '');
});

test('putBucketDomain/getBucketDomain/deleteBucketDomain', async () => {
  await withBucket();
  const DomainRule = [
    { Status: 'DISABLED', Name: 'www.testdomain1.com', Type: 'REST' },
    { Status: 'DISABLED', Name: 'www.testdomain2.com', Type: 'WEBSITE' },
  ];
  await ctx.cos.putBucketDomain({ ...B, DomainRule });
  assert.deepEqual((await ctx.cos.getBucketDomain(B)).DomainRule, DomainRule);
  await ctx.cos.deleteBucketDomain(B);
  await expectError(ctx.cos.getBucketDomain(B), 404, 'DomainConfigNotFoundError');
});

test('putBucketOrigin/getBucketOrigin/deleteBucketOrigin', async () => {
  await withBucket();
  const OriginRule = [
    {
      RulePriority: '1',
      OriginType: 'Mirror',
      OriginCondition: { HTTPStatusCode: '404', Prefix: '' },
      OriginParameter: { Protocol: 'HTTP', FollowQueryString: 'true', HttpRedirectCode: ['301', '302'] },
      OriginInfo: { HostInfo: { HostName: 'qq.com' }, FileInfo: { PrefixConfiguration: { Prefix: 'p/' } } },
    },
  ];
  await ctx.cos.putBucketOrigin({ ...B, OriginRule });
  assert.deepEqual((await ctx.cos.getBucketOrigin(B)).OriginRule, OriginRule);
  await ctx.cos.deleteBucketOrigin(B);
  await expectError(ctx.cos.getBucketOrigin(B), 404, 'NoSuchOriginConfiguration');
});

test('putBucketInventory/getBucketInventory/listBucketInventory/deleteBucketInventory', async () => {
  await withBucket();
  const InventoryConfiguration = {
    Id: 'inventory_test',
    IsEnabled: 'true',
    Destination: {
      COSBucketDestination: {
        Format: 'CSV',
        AccountId: UIN,
        Bucket: `qcs::cos:${REGION}::${BUCKET}`,
        Prefix: 'inventory_prefix_1',
        Encryption: { SSECOS: '' },
      },
    },
    Schedule: { Frequency: 'Daily' },
    Filter: { Prefix: 'myPrefix' },
    IncludedObjectVersions: 'All',
    OptionalFields: ['Size'],
  };
  await ctx.cos.putBucketInventory({ ...B, Id: InventoryConfiguration.Id, InventoryConfiguration });
  const got = await ctx.cos.getBucketInventory({ ...B, Id: InventoryConfiguration.Id });
  assert.deepEqual(got.InventoryConfiguration, InventoryConfiguration);
  const listed = await ctx.cos.listBucketInventory(B);
  assert.equal(listed.InventoryConfigurations.length, 1);
  assert.deepEqual(listed.InventoryConfigurations[0], InventoryConfiguration);
  assert.equal(listed.IsTruncated, 'false');
  await ctx.cos.deleteBucketInventory({ ...B, Id: InventoryConfiguration.Id });
  await expectError(ctx.cos.getBucketInventory({ ...B, Id: InventoryConfiguration.Id }), 404, 'NoSuchInventoryConfiguration');
});

test('putBucketAccelerate/getBucketAccelerate Enabled then Suspended', async () => {
  await withBucket();
  const unset = await ctx.cos.getBucketAccelerate(B);
  assert.deepEqual(unset.AccelerateConfiguration, {});
  for (const Status of ['Enabled', 'Suspended']) {
    await ctx.cos.putBucketAccelerate({ ...B, AccelerateConfiguration: { Status } });
    const got = await ctx.cos.getBucketAccelerate(B);
    assert.equal(got.AccelerateConfiguration.Status, Status);
    assert.equal(got.AccelerateConfiguration.Type, 'COS');
  }
  await expectError(ctx.cos.putBucketAccelerate({ ...B, AccelerateConfiguration: { Status: 'On' } }), 400, 'InvalidArgument');
});

test('putBucketReplication without versioning is InvalidRequest; getBucketReplication unset is empty', async () => {
  await withBucket();
  await expectError(
    ctx.cos.putBucketReplication({
      ...B,
      ReplicationConfiguration: {
        Role: `qcs::cam::uin/${UIN}:uin/${UIN}`,
        Rules: [{ ID: '1', Status: 'Enabled', Prefix: 'sync/', Destination: { Bucket: `qcs::cos:ap-beijing::dest-1250000000`, StorageClass: 'Standard' } }],
      },
    }),
    400,
    'InvalidRequest'
  );
  // The SDK turns COS's ReplicationConfigurationnotFoundError into an empty rule list.
  const none = await ctx.cos.getBucketReplication(B);
  assert.equal(none.statusCode, 404);
  assert.deepEqual(none.ReplicationConfiguration, { Rules: [] });
});

test('putBucketReplication with versioning enabled round-trips; deleteBucketReplication', async () => {
  await withBucket();
  await ctx.cos.putBucketVersioning({ ...B, VersioningConfiguration: { Status: 'Enabled' } });
  await ctx.cos.putBucketReplication({
    ...B,
    ReplicationConfiguration: {
      Role: `qcs::cam::uin/${UIN}:uin/${UIN}`,
      Rules: [{ ID: '1', Status: 'Enabled', Prefix: 'sync/', Destination: { Bucket: `qcs::cos:ap-beijing::dest-1250000000`, StorageClass: 'Standard' } }],
    },
  });
  const got = await ctx.cos.getBucketReplication(B);
  assert.equal(got.ReplicationConfiguration.Rules[0].ID, '1');
  assert.equal(got.ReplicationConfiguration.Rules[0].Destination.Bucket, 'qcs::cos:ap-beijing::dest-1250000000');
  await ctx.cos.deleteBucketReplication(B);
  const none = await ctx.cos.getBucketReplication(B);
  assert.deepEqual(none.ReplicationConfiguration, { Rules: [] });
});

test('an unknown sub-resource is NotImplemented and creates nothing', async () => {
  await withBucket();
  const r = await rawRequest(ctx.server, { method: 'PUT', path: '/k?live', headers: { Host: vhost(), 'Content-Length': '1' }, body: 'x' });
  assert.equal(r.statusCode, 501);
  assert.match(r.body.toString(), /\?live/);
  await expectError(ctx.cos.getObject({ ...B, Key: 'k' }), 404, 'NoSuchKey');
});
