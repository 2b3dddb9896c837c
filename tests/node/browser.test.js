'use strict';
// A real browser uploads straight to cos-mock: headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core) loads a page (tests/node/browser/) that uses cos-js-sdk-v5 from its npm
// package, takes a temporary key from the page's own `/sts` endpoint (which gets it from cos-mock's
// STS through qcloud-cos-sts), and uploads through CORS. The test reads the objects back with the
// node SDK as the owner.
//
// Processes: cos-mock (helpers.js, with --tls-listen for qcloud-cos-sts), the page server
// (browser/page-server.js, a child node process started with NODE_EXTRA_CA_CERTS), Chromium.
// All three are ended in `after`, whatever happened.

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert/strict');
const { test, before, after, beforeEach } = require('node:test');
const { launchChromium } = require('./chromium');
const { BUCKET, REGION, SECRET_ID, SECRET_KEY, Server, rawRequest } = require('./helpers');

const PAGE_TIMEOUT_MS = 60000;
const TEST_TIMEOUT_MS = 120000;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cos-mock-browser-'));
const certFile = path.join(tmp, 'cos-mock.pem');

// Not useServer(): node 20 does not wait for one root `before` hook before starting the next, and
// the page server needs cos-mock's TLS address. One hook starts all three, in order.
const ctx = {}; // { server, cos }
let pageServer; // { proc, allowed, other, log }
let browser;

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function startPageServer(server) {
  const proc = spawn(process.execPath, [path.join(__dirname, 'browser', 'page-server.js')], {
    cwd: __dirname,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: certFile,
      STS_HOST: server.tlsAddr,
      SECRET_ID,
      SECRET_KEY,
      BUCKET,
      REGION,
    },
  });
  const srv = { proc, log: '' };
  const onData = (chunk) => {
    srv.log = (srv.log + chunk).slice(-20000);
  };
  proc.stdout.setEncoding('utf8').on('data', onData);
  proc.stderr.setEncoding('utf8').on('data', onData);
  const ready = new Promise((resolve, reject) => {
    const check = () => {
      const m = /page-server ready on http:\/\/(\S+) http:\/\/(\S+)\r?\n/.exec(srv.log);
      if (m) {
        srv.allowed = `http://${m[1]}`;
        srv.other = `http://${m[2]}`;
        resolve(srv);
      }
    };
    proc.stdout.on('data', check);
    proc.once('exit', (code) => reject(new Error(`page server exited with ${code}:\n${srv.log}`)));
  });
  return withTimeout(ready, 15000, 'page server start').catch((e) => {
    proc.kill('SIGKILL');
    throw e;
  });
}

async function stopPageServer(srv) {
  if (!srv || srv.proc.exitCode !== null || srv.proc.signalCode !== null) return;
  const exited = new Promise((resolve) => srv.proc.once('exit', resolve));
  srv.proc.kill('SIGKILL');
  await exited;
}

before(async () => {
  ctx.server = await Server.start({ args: ['--tls-listen', '127.0.0.1:0', '--tls-cert-out', certFile] });
  ctx.cos = ctx.server.cos();
  assert.ok(ctx.server.tlsAddr, `cos-mock printed no TLS address:\n${ctx.server.log}`);
  pageServer = await startPageServer(ctx.server);
  browser = await launchChromium();
});

after(async () => {
  try {
    if (browser) await withTimeout(browser.close(), 15000, 'browser.close').catch(() => {});
  } finally {
    await stopPageServer(pageServer);
    if (ctx.server) await ctx.server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

// A clean server with the bucket, and CORS for the page's first origin only.
beforeEach(async () => {
  await ctx.server.reset();
  await ctx.cos.putBucket({ Bucket: BUCKET, Region: REGION });
  await ctx.cos.putBucketCors({
    Bucket: BUCKET,
    Region: REGION,
    CORSRules: [
      {
        AllowedOrigin: [pageServer.allowed],
        AllowedMethod: ['PUT', 'POST', 'GET', 'HEAD'],
        AllowedHeader: ['*'],
        ExposeHeader: ['ETag', 'x-cos-request-id'],
        MaxAgeSeconds: '5',
      },
    ],
  });
});

// Loads the page from `origin` in a fresh browser context and runs window.cosMockUpload(args).
async function uploadFromBrowser(origin, args) {
  const context = await browser.newContext();
  const diagnostics = [];
  try {
    const page = await context.newPage();
    page.on('console', (m) => diagnostics.push(`console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => diagnostics.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => diagnostics.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
    await page.goto(`${origin}/`, { timeout: PAGE_TIMEOUT_MS });
    const full = { cosPort: ctx.server.port, bucket: BUCKET, region: REGION, prefix: 'browser/', ...args };
    const result = await withTimeout(
      page.evaluate((a) => window.cosMockUpload(a), full),
      PAGE_TIMEOUT_MS,
      `cosMockUpload(${args.key})`
    );
    result.diagnostics = diagnostics;
    return result;
  } finally {
    await withTimeout(context.close(), 10000, 'context.close').catch(() => {});
  }
}

async function journal() {
  const res = await rawRequest(ctx.server, { path: '/_cos-mock/requests' });
  assert.equal(res.statusCode, 200);
  return JSON.parse(res.body.toString()).requests;
}

async function readBack(key) {
  const data = await ctx.cos.getObject({ Bucket: BUCKET, Region: REGION, Key: key });
  return data.Body;
}

async function assertAbsent(key) {
  const state = await ctx.server.state();
  const bucket = state.buckets.find((b) => b.name === BUCKET);
  assert.ok(!bucket.objects.some((o) => o.key === key), `${key} exists`);
}

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

test('browser: putObject with a temporary key through CORS, read back by the owner', { timeout: TEST_TIMEOUT_MS }, async () => {
  const key = 'browser/hello.txt';
  const text = `hello from Chromium ${Date.now()}\n`;
  const r = await uploadFromBrowser(pageServer.allowed, { key, method: 'putObject', text });
  assert.ok(r.ok, `upload failed: ${JSON.stringify(r, null, 1)}`);
  assert.equal(r.statusCode, 200);
  // ETag is readable only because the CORS rule exposes it.
  assert.equal(r.etag, `"${crypto.createHash('md5').update(text).digest('hex')}"`);
  assert.equal((await readBack(key)).toString(), text);

  const reqs = await journal();
  const put = reqs.find((q) => q.method === 'PUT' && q.key === key);
  assert.ok(put, 'no PUT in the journal');
  assert.equal(put.status, 200);
  assert.match(put.caller, /\(temporary key AKID\w+\)$/, 'the PUT was not signed with a temporary key');
  const preflight = reqs.find((q) => q.method === 'OPTIONS' && q.key === key);
  assert.ok(preflight, 'the browser sent no preflight');
  assert.equal(preflight.status, 200);
  assert.ok(reqs.some((q) => q.method === 'POST' && q.host === ctx.server.tlsAddr), 'no STS call in the journal');
});

test('browser: uploadFile of 3.2 MB runs a multipart upload through CORS', { timeout: TEST_TIMEOUT_MS }, async () => {
  const key = 'browser/big.bin';
  const size = 3 * 1024 * 1024 + 200 * 1024;
  const r = await uploadFromBrowser(pageServer.allowed, { key, method: 'uploadFile', size });
  if (!r.ok) {
    const refused = (await journal()).filter((q) => q.method === 'OPTIONS' && q.status !== 200);
    assert.fail(`upload failed: ${JSON.stringify(r, null, 1)}\npreflights refused: ${JSON.stringify(refused, null, 1)}`);
  }
  assert.match(r.etag, /^"[0-9a-f]{32}-4"$/, 'not a 4-part multipart ETag');
  const body = await readBack(key);
  assert.equal(body.length, size);
  assert.equal(sha256(body), r.sha256);

  const reqs = await journal();
  const parts = reqs.filter((q) => q.method === 'PUT' && q.key === key && /partNumber=/.test(q.query || ''));
  assert.equal(parts.length, 4, `parts: ${JSON.stringify(parts.map((q) => q.query))}`);
  assert.ok(parts.every((q) => q.status === 200));
});

test('browser: an upload outside the temporary key\'s prefix is AccessDenied in the page', { timeout: TEST_TIMEOUT_MS }, async () => {
  const key = 'other/denied.txt';
  const r = await uploadFromBrowser(pageServer.allowed, { key, method: 'putObject', text: 'nope' });
  assert.equal(r.ok, false, `upload succeeded: ${JSON.stringify(r)}`);
  assert.equal(r.statusCode, 403, JSON.stringify(r));
  assert.equal(r.code, 'AccessDenied', JSON.stringify(r));
  await assertAbsent(key);
});

test('browser: an origin the CORS rules do not name is refused at the preflight', { timeout: TEST_TIMEOUT_MS }, async () => {
  const key = 'browser/cross-origin.txt';
  const r = await uploadFromBrowser(pageServer.other, { key, method: 'putObject', text: 'blocked' });
  assert.equal(r.ok, false, `upload succeeded: ${JSON.stringify(r)}`);
  await assertAbsent(key);

  const reqs = await journal();
  const preflight = reqs.find((q) => q.method === 'OPTIONS' && q.key === key);
  assert.ok(preflight, `no preflight in the journal; page: ${JSON.stringify(r)}`);
  assert.equal(preflight.status, 403);
  assert.equal(preflight.error_code, 'AccessForbidden');
  assert.ok(!reqs.some((q) => q.method === 'PUT' && q.key === key), 'the browser sent the PUT anyway');
});

// qcloud-cos-sts's STS.getPolicy() puts `principal: {qcs: '*'}` in every statement; STS accepts
// and ignores it (README, STS).
test('browser: the page server\'s /sts with qcloud-cos-sts STS.getPolicy() gets a key', { timeout: TEST_TIMEOUT_MS }, async () => {
  const res = await withTimeout(fetch(`${pageServer.allowed}/sts?prefix=browser/&helper=getPolicy`), 15000, '/sts');
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.ok(body.TmpSecretId && body.TmpSecretKey && body.SecurityToken, JSON.stringify(body));
});
