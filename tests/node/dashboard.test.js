'use strict';
// The dashboard at GET /_cos-mock/ in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core, launched as browser.test.js does): state made with cos-nodejs-sdk-v5 (and one
// OSS bucket with ali-oss) shows up in the page, the journal's status filter reaches the admin API,
// client-chosen text stays text, the admin token is asked for, and an unreachable server is said.
//
// Screenshots go to $COS_MOCK_TEST_OUTPUT (default tests/output/, ignored by git):
// dashboard.png (full page) and dashboard-narrow.png (a phone-sized window). With
// COS_MOCK_DASHBOARD_DOCS=<file> the full-page one is also written there (how docs/dashboard.png,
// the README's screenshot, is made).

const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');
const { test, before, after } = require('node:test');
const OSS = require('ali-oss');
const { launchChromium } = require('./chromium');
const { BUCKET, COS, REGION, SECRET_ID, SECRET_KEY, Server, rawRequest, viaProxy } = require('./helpers');

const WAIT_MS = 15000;
const TEST_TIMEOUT_MS = 90000;

const OUTPUT = process.env.COS_MOCK_TEST_OUTPUT || path.resolve(__dirname, '..', 'output');
const DOCS_COPY = process.env.COS_MOCK_DASHBOARD_DOCS;

const APPID = '1250000000';
const B = { Bucket: BUCKET, Region: REGION };
const RES = `qcs::cos:${REGION}:uid/${APPID}:${BUCKET}`;
const ANYONE = 'qcs::cam::anyone:anyone';
const OSS_BUCKET = 'oss-dashboard-demo';
const HOSTILE_KEY = '<img src=x onerror=alert(1)>';

const ctx = {}; // { server, cos }
let browser;

before(async () => {
  ctx.server = await Server.start();
  ctx.cos = ctx.server.cos();
  browser = await launchChromium();
});

after(async () => {
  try {
    if (browser) await browser.close().catch(() => {});
  } finally {
    if (ctx.server) await ctx.server.stop();
  }
});

// ------------------------------------------------------------ state made with the SDKs

// An unsigned URL built by the SDK (the node SDK has no anonymous mode; access.test.js), fetched
// with cos-mock as the HTTP proxy.
const urlClient = new COS({ SecretId: SECRET_ID, SecretKey: SECRET_KEY, Protocol: 'http:' });
function anonGet(Key) {
  return new Promise((resolve, reject) =>
    urlClient.getObjectUrl({ ...B, Key, Sign: false }, (err, data) => (err ? reject(err) : resolve(data.Url)))
  ).then((url) => viaProxy(ctx.server, url));
}

const POLICY = {
  version: '2.0',
  statement: [
    {
      principal: { qcs: [ANYONE] },
      effect: 'deny',
      action: ['name/cos:GetObject'],
      resource: [`${RES}/private/*`],
    },
  ],
};

// A public-read bucket whose policy denies anonymous reads under private/, tagged objects, and
// an anonymous read that the policy denies (so the journal holds a deny with its reason).
async function makeState() {
  const cos = ctx.cos;
  await cos.putBucket({ ...B, ACL: 'public-read' });
  await cos.putBucketPolicy({ ...B, Policy: POLICY });
  await cos.putBucketTagging({ ...B, Tags: [{ Key: 'team', Value: 'storage' }] });
  await cos.putBucketVersioning({ ...B, VersioningConfiguration: { Status: 'Enabled' } });
  await cos.putBucketReferer({
    ...B,
    RefererConfiguration: {
      Status: 'Enabled', RefererType: 'White-List', DomainList: { Domains: ['*.example.com'] }, EmptyReferConfiguration: 'Allow',
    },
  });
  await cos.putObject({ ...B, Key: 'docs/readme.txt', Body: 'Read me first.\n' });
  await cos.putObjectTagging({ ...B, Key: 'docs/readme.txt', Tags: [{ Key: 'env', Value: 'test' }, { Key: 'owner', Value: 'qa' }] });
  await cos.putObject({ ...B, Key: 'images/logo.png', Body: Buffer.alloc(2048, 7) });
  await cos.putObject({ ...B, Key: 'private/plan.txt', Body: 'not for everyone' });
  await cos.putObjectAcl({ ...B, Key: 'images/logo.png', ACL: 'public-read' });

  const allowed = await anonGet('docs/readme.txt');
  assert.equal(allowed.statusCode, 200, allowed.body.toString());
  const denied = await anonGet('private/plan.txt');
  assert.equal(denied.statusCode, 403, denied.body.toString());

  const oss = new OSS({
    region: 'oss-cn-hangzhou',
    endpoint: `http://127.0.0.1:${ctx.server.port}`,
    accessKeyId: 'LTAIOSSMOCKROOT',
    accessKeySecret: 'oss-mock-root-secret',
    bucket: OSS_BUCKET,
    timeout: 10000,
  });
  await oss.putBucket(OSS_BUCKET);
  await oss.put('reports/2026-11.csv', Buffer.from('month,requests\n2026-11,1204\n'));
  return denied.headers['x-cos-request-id'];
}

async function journalEntry(requestId) {
  const res = await rawRequest(ctx.server, { path: '/_cos-mock/requests' });
  const entry = JSON.parse(res.body.toString()).requests.find((e) => e.request_id === requestId);
  assert.ok(entry, `request ${requestId} not in the journal`);
  return entry;
}

// ------------------------------------------------------------ the page

// A fresh browser context on the dashboard; collects dialogs, page errors and CSP reports.
async function openDashboard(server, { fragment = '', viewport = { width: 1280, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport, colorScheme: 'light' });
  const page = await context.newPage();
  const problems = [];
  const dialogs = [];
  const apiUrls = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console.error: ${m.text()}`);
  });
  page.on('request', (r) => apiUrls.push(r.url()));
  const response = await page.goto(`${server.baseUrl}/_cos-mock${fragment}`, { timeout: WAIT_MS });
  return { context, page, problems, dialogs, apiUrls, response };
}

// Waits until the page has finished `n` more refreshes than it had when called.
async function refreshes(page, n = 1) {
  const now = await page.evaluate(() => Number(document.body.dataset.refreshed || 0));
  await page.waitForFunction((target) => Number(document.body.dataset.refreshed || 0) >= target, now + n, { timeout: WAIT_MS });
}

const rowsOf = (page, table) =>
  page.$$eval(`#${table} tbody tr`, (rows) =>
    rows.map((r) => ({ status: r.dataset.status, deny: r.classList.contains('deny'), cells: [...r.cells].map((c) => c.textContent) }))
  );

function screenshotPath(name) {
  fs.mkdirSync(OUTPUT, { recursive: true });
  return path.join(OUTPUT, name);
}

test('dashboard: shows buckets of both dialects, the policy, objects and a denied request with its reason', { timeout: TEST_TIMEOUT_MS }, async () => {
  await ctx.server.reset();
  const deniedId = await makeState();
  const denied = await journalEntry(deniedId);
  assert.equal(denied.decision, 'deny');
  assert.ok(denied.reason, JSON.stringify(denied));

  const { context, page, problems, dialogs, apiUrls, response } = await openDashboard(ctx.server);
  try {
    // GET /_cos-mock answered 308 to /_cos-mock/.
    assert.equal(new URL(page.url()).pathname, '/_cos-mock/');
    assert.equal(response.status(), 200);
    await page.waitForSelector(`#buckets tbody tr[data-bucket="cos/${BUCKET}"]`, { timeout: WAIT_MS });
    await page.waitForSelector(`#requests tbody tr.deny`, { timeout: WAIT_MS });

    const buckets = await rowsOf(page, 'buckets');
    const cosRow = buckets.find((r) => r.cells[1] === BUCKET);
    assert.ok(cosRow, JSON.stringify(buckets));
    assert.deepEqual(cosRow.cells.slice(0, 10), [
      'COS', BUCKET, '100000000001', REGION, cosRow.cells[4], 'Enabled', 'public-read', '1 statement', 'referer', '3',
    ]);
    assert.match(cosRow.cells[4], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const ossRow = buckets.find((r) => r.cells[1] === OSS_BUCKET);
    assert.ok(ossRow, JSON.stringify(buckets));
    assert.equal(ossRow.cells[0], 'OSS');
    assert.equal(ossRow.cells[3], 'cn-hangzhou');

    // The first bucket is shown in detail: the policy pretty-printed, its configurations and objects.
    await page.click(`#buckets tbody tr[data-bucket="cos/${BUCKET}"] button`);
    const policyText = await page.textContent('#policy');
    // The document as it was PUT (the SDK sends JSON.stringify of POLICY), indented.
    assert.deepEqual(JSON.parse(policyText), POLICY);
    assert.equal(policyText, JSON.stringify(POLICY, null, 2));
    assert.match(await page.textContent('#configs'), /referer[\s\S]*\*\.example\.com/);
    assert.match(await page.textContent('#detail-facts'), /team=storage/);

    const objects = await rowsOf(page, 'objects');
    assert.deepEqual(objects.map((o) => o.cells[0]), ['docs/readme.txt', 'images/logo.png', 'private/plan.txt']);
    const readme = objects[0].cells;
    assert.equal(readme[1], '15 B');
    assert.match(readme[2], /^"[0-9a-f]{32}"$/);
    assert.equal(readme[3], 'default');
    assert.equal(readme[4], 'env=testowner=qa');
    assert.ok(readme[5].length > 0 && readme[5] !== '—', 'no version id on a versioned bucket');
    assert.equal(objects[1].cells[1], '2.0 KiB');
    assert.equal(objects[1].cells[3], 'public-read');

    // The denied request, with the reason the journal gives.
    const requests = await rowsOf(page, 'requests');
    const deny = requests.find((r) => r.deny);
    assert.ok(deny, JSON.stringify(requests));
    const [, method, reqPath, caller, action, status, code, decision, reason] = deny.cells;
    assert.deepEqual([method, reqPath, caller, action, status, code, decision], [
      'GET', '/private/plan.txt', 'anonymous', 'name/cos:GetObject', '403', 'AccessDenied', 'deny',
    ]);
    assert.equal(reason, denied.reason);
    assert.ok(requests.some((r) => r.status === '200' && r.cells[2] === '/docs/readme.txt'), 'the allowed anonymous read is missing');

    // A representative screenshot, before any filter.
    const shot = screenshotPath('dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (DOCS_COPY) fs.copyFileSync(shot, DOCS_COPY);

    // The status filter becomes the API's query parameter; only denied rows remain.
    await page.fill('#f-status', '403');
    await page.click('#filters button[type="submit"]');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#requests tbody tr')];
      return rows.length > 0 && rows.every((r) => r.dataset.status === '403');
    }, null, { timeout: WAIT_MS });
    assert.ok(apiUrls.some((u) => new URL(u).pathname === '/_cos-mock/requests' && new URL(u).searchParams.get('status') === '403'),
      `the page did not send status=403: ${apiUrls.filter((u) => u.includes('requests')).slice(-3)}`);
    const filtered = await rowsOf(page, 'requests');
    assert.ok(filtered.every((r) => r.deny && r.cells[7] === 'deny'), JSON.stringify(filtered));
    assert.ok(filtered.some((r) => r.cells[2] === '/private/plan.txt'));

    // Every filter input reaches the API as its query parameter.
    await page.fill('#f-status', '4xx');
    await page.fill('#f-bucket', BUCKET);
    await page.fill('#f-caller', 'anonymous');
    await page.fill('#f-action', 'GetObject');
    await page.fill('#f-limit', '5');
    await page.click('#filters button[type="submit"]');
    await refreshes(page);
    const last = apiUrls.map((u) => new URL(u)).filter((u) => u.pathname === '/_cos-mock/requests').pop();
    assert.deepEqual(Object.fromEntries(last.searchParams), {
      status: '4xx', bucket: BUCKET, caller: 'anonymous', action: 'GetObject', limit: '5',
    });
    const combined = await rowsOf(page, 'requests');
    assert.ok(combined.length >= 1 && combined.length <= 5, JSON.stringify(combined));
    for (const r of combined) {
      assert.match(r.status, /^4\d\d$/);
      assert.equal(r.cells[3], 'anonymous');
      assert.match(r.cells[4], /:GetObject$/);
    }

    // A value the API refuses (400 InvalidArgument naming the parameter) is shown by the form.
    await page.fill('#f-status', '4x');
    await page.click('#filters button[type="submit"]');
    await page.waitForSelector('#filter-error:not([hidden])', { timeout: WAIT_MS });
    assert.match(await page.textContent('#filter-error'), /InvalidArgument: .*status/);
    assert.ok(await page.isHidden('#banner'), 'a refused filter is not a server failure');

    assert.deepEqual(dialogs, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('dashboard: refreshes without a reload, and the pause toggle stops it', { timeout: TEST_TIMEOUT_MS }, async () => {
  await ctx.server.reset();
  await ctx.cos.putBucket(B);
  const { context, page, problems } = await openDashboard(ctx.server);
  try {
    await page.waitForSelector(`#buckets tbody tr[data-bucket="cos/${BUCKET}"]`, { timeout: WAIT_MS });
    await ctx.cos.putObject({ ...B, Key: 'later.txt', Body: 'x' });
    await page.waitForFunction(() => [...document.querySelectorAll('#objects tbody td')].some((c) => c.textContent === 'later.txt'),
      null, { timeout: WAIT_MS });
    assert.match(await page.textContent('#conn'), /live/);

    await page.click('#pause');
    assert.equal(await page.getAttribute('#pause', 'aria-pressed'), 'true');
    assert.match(await page.textContent('#conn'), /paused/);
    await ctx.cos.putObject({ ...B, Key: 'while-paused.txt', Body: 'y' });
    const before = await page.evaluate(() => Number(document.body.dataset.refreshed || 0));
    await page.waitForTimeout(3000);
    assert.equal(await page.evaluate(() => Number(document.body.dataset.refreshed || 0)), before, 'refreshed while paused');
    assert.ok(!(await page.textContent('#objects')).includes('while-paused.txt'));

    await page.click('#pause');
    await page.waitForFunction(() => [...document.querySelectorAll('#objects tbody td')].some((c) => c.textContent === 'while-paused.txt'),
      null, { timeout: WAIT_MS });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('dashboard: keys and reasons chosen by clients are shown as text, never as HTML', { timeout: TEST_TIMEOUT_MS }, async () => {
  await ctx.server.reset();
  await ctx.cos.putBucket(B);
  await ctx.cos.putObject({ ...B, Key: HOSTILE_KEY, Body: 'x' });
  // A malformed Authorization is quoted in the 403's reason.
  const forged = '<img src=y onerror=alert(2)><b>bold</b>';
  const res = await rawRequest(ctx.server, {
    path: '/a.txt',
    headers: { Host: `${BUCKET}.cos.${REGION}.myqcloud.com`, Authorization: `q-sign-algorithm=${forged}` },
  });
  assert.equal(res.statusCode, 403);
  const { context, page, problems, dialogs } = await openDashboard(ctx.server);
  try {
    await page.waitForFunction((key) => [...document.querySelectorAll('#objects tbody td')].some((c) => c.textContent === key),
      HOSTILE_KEY, { timeout: WAIT_MS });
    await page.waitForSelector('#requests tbody tr.deny', { timeout: WAIT_MS });
    await page.waitForTimeout(500); // an onerror handler would have fired by now
    assert.deepEqual(dialogs, []);
    assert.equal(await page.locator('img').count(), 0, 'an <img> element was created from data');
    assert.equal(await page.locator('main b').count(), 0, 'a <b> element was created from data');
    const reason = (await rowsOf(page, 'requests')).find((r) => r.deny).cells[8];
    assert.ok(reason.includes(forged), reason);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('dashboard: in a narrow window nothing overflows the page sideways', { timeout: TEST_TIMEOUT_MS }, async () => {
  await ctx.server.reset();
  await makeState();
  const { context, page, problems } = await openDashboard(ctx.server, { viewport: { width: 390, height: 844 } });
  try {
    await page.waitForSelector('#requests tbody tr.deny', { timeout: WAIT_MS });
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
    assert.ok(widths.page <= widths.window, `the page is ${widths.page}px wide in a ${widths.window}px window`);
    await page.screenshot({ path: screenshotPath('dashboard-narrow.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('dashboard: with --admin-token the page asks for the token, takes it from #token=, and says when the server is gone', { timeout: TEST_TIMEOUT_MS }, async () => {
  const TOKEN = 'dashboard-secret';
  const server = await Server.start({ args: ['--admin-token', TOKEN] });
  try {
    await server.cos().putBucket(B);

    // Without the token: the page loads (it holds no data) and says what is missing.
    let { context, page, response } = await openDashboard(server);
    try {
      assert.equal(response.status(), 200);
      await page.waitForFunction(() => !document.getElementById('banner').hidden, null, { timeout: WAIT_MS });
      assert.match(await page.textContent('#banner'), /403[\s\S]*--admin-token: enter the token above/);
      assert.match(await page.textContent('#conn'), /access denied/);
      assert.equal(await page.locator('#buckets tbody tr').count(), 0);

      // Typed into the form: kept for the tab, sent as Authorization: Bearer.
      await page.fill('#token', TOKEN);
      await page.click('#token-form button[type="submit"]');
      await page.waitForSelector(`#buckets tbody tr[data-bucket="cos/${BUCKET}"]`, { timeout: WAIT_MS });
      assert.ok(await page.isHidden('#banner'));
      assert.equal(await page.evaluate(() => sessionStorage.getItem('cos-mock-admin-token')), TOKEN);
    } finally {
      await context.close();
    }

    // From the URL fragment, which the page then drops from the address bar.
    ({ context, page } = await openDashboard(server, { fragment: `/#token=${TOKEN}` }));
    try {
      await page.waitForSelector(`#buckets tbody tr[data-bucket="cos/${BUCKET}"]`, { timeout: WAIT_MS });
      assert.equal(new URL(page.url()).hash, '');

      // The server goes away: the page says so and keeps what it showed.
      await server.stop();
      await page.waitForFunction(() => /unreachable/.test(document.getElementById('conn').textContent), null, { timeout: WAIT_MS });
      assert.match(await page.textContent('#banner'), /unreachable since/);
      assert.equal(await page.locator(`#buckets tbody tr[data-bucket="cos/${BUCKET}"]`).count(), 1);
    } finally {
      await context.close();
    }
  } finally {
    await server.stop();
  }
});
