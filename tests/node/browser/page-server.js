'use strict';
// The web app of the browser test (browser.test.js starts it as a child process).
//
// Serves, on two ports of 127.0.0.1 (two origins: the bucket's CORS rules allow only the first):
//   GET /                      index.html
//   GET /page.js               the page's script
//   GET /cos-js-sdk-v5.min.js  the browser SDK, from the npm package
//   GET /sts?prefix=P          a temporary key for P* in the bucket, from cos-mock's STS through
//                              the real `qcloud-cos-sts` library, in the shape the SDK's
//                              getAuthorization callback takes; with &helper=getPolicy the session
//                              policy comes from the library's STS.getPolicy() instead
//
// qcloud-cos-sts only speaks https and takes no CA option, so cos-mock runs with --tls-listen and
// this process is started with NODE_EXTRA_CA_CERTS naming its self-signed certificate (node reads
// that variable only at start, hence a child process).
//
// Environment: STS_HOST (cos-mock's TLS address), SECRET_ID, SECRET_KEY, BUCKET, REGION.
// Prints `page-server ready on http://ADDR1 http://ADDR2` on stdout; exits when stdin closes, so
// it never outlives the test.

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const STS = require('qcloud-cos-sts');

const { STS_HOST, SECRET_ID, SECRET_KEY, BUCKET, REGION } = process.env;
for (const [k, v] of Object.entries({ STS_HOST, SECRET_ID, SECRET_KEY, BUCKET, REGION })) {
  if (!v) throw new Error(`page-server: ${k} is not set`);
}

const STATIC = {
  '/': [path.join(__dirname, 'index.html'), 'text/html; charset=utf-8'],
  '/page.js': [path.join(__dirname, 'page.js'), 'text/javascript; charset=utf-8'],
  '/cos-js-sdk-v5.min.js': [require.resolve('cos-js-sdk-v5/dist/cos-js-sdk-v5.min.js'), 'text/javascript; charset=utf-8'],
};

// What a browser upload needs (simple and multipart), on one prefix of one bucket.
const UPLOAD_ACTIONS = [
  'name/cos:PutObject',
  'name/cos:PostObject',
  'name/cos:InitiateMultipartUpload',
  'name/cos:ListParts',
  'name/cos:UploadPart',
  'name/cos:CompleteMultipartUpload',
  'name/cos:AbortMultipartUpload',
];

// The session policy is written out rather than made by STS.getPolicy(): sliceUploadFile first
// lists the bucket's multipart uploads with prefix=<key> (to resume one), a bucket-level action,
// which getPolicy() can only grant on the prefix resource. Here it is allowed on the bucket, only
// for that prefix, by the `cos:prefix` condition.
function sessionPolicy(prefix) {
  const appid = BUCKET.slice(BUCKET.lastIndexOf('-') + 1);
  const bucketResource = `qcs::cos:${REGION}:uid/${appid}:${BUCKET}`;
  return {
    version: '2.0',
    statement: [
      { effect: 'allow', action: UPLOAD_ACTIONS, resource: [`${bucketResource}/${prefix}*`] },
      {
        effect: 'allow',
        action: ['name/cos:ListMultipartUploads'],
        resource: [`${bucketResource}/*`],
        condition: { string_like: { 'cos:prefix': `${prefix}*` } },
      },
    ],
  };
}

// The library's own helper, as its README and demos use it.
function helperPolicy(prefix) {
  const scope = [...UPLOAD_ACTIONS, 'name/cos:ListMultipartUploads'];
  return STS.getPolicy(scope.map((action) => ({ action, bucket: BUCKET, region: REGION, prefix: `${prefix}*` })));
}

async function temporaryKey(prefix, helper) {
  const policy = helper === 'getPolicy' ? helperPolicy(prefix) : sessionPolicy(prefix);
  const data = await STS.getCredential({
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    host: STS_HOST,
    region: REGION,
    durationSeconds: 1800,
    policy,
  });
  return {
    TmpSecretId: data.credentials.tmpSecretId,
    TmpSecretKey: data.credentials.tmpSecretKey,
    SecurityToken: data.credentials.sessionToken,
    StartTime: data.startTime,
    ExpiredTime: data.expiredTime,
  };
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://page');
  if (req.method === 'GET' && url.pathname === '/sts') {
    try {
      send(res, 200, 'application/json', JSON.stringify(await temporaryKey(url.searchParams.get('prefix') || '', url.searchParams.get('helper'))));
    } catch (e) {
      send(res, 500, 'application/json', JSON.stringify({ error: String((e && (e.Message || e.message)) || e) }));
    }
    return;
  }
  const entry = req.method === 'GET' && STATIC[url.pathname];
  if (!entry) {
    send(res, 404, 'text/plain', 'not found\n');
    return;
  }
  send(res, 200, entry[1], fs.readFileSync(entry[0]));
}

function listen() {
  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, 'text/plain', String(e));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${server.address().port}`));
  });
}

(async () => {
  const addrs = [await listen(), await listen()];
  process.stdout.write(`page-server ready on ${addrs.map((a) => `http://${a}`).join(' ')}\n`);
})().catch((e) => {
  process.stderr.write(`page-server: ${e.stack || e}\n`);
  process.exit(1);
});

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
