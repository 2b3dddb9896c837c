'use strict';
// Harness for the node SDK suites (node:test): one cos-mock process per test
// file, reset before every test.
//
// The binary comes from $COS_MOCK_BIN (default target/debug/cos-mock under the
// repo root); it is started as `cos-mock --listen 127.0.0.1:0 [--config FILE]`
// and the harness waits for the stderr line `cos-mock ready on http://ADDR`.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert/strict');
const { before, after, beforeEach } = require('node:test');
const COS = require('cos-nodejs-sdk-v5');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

// The default identity (interface.md, "Default identity").
const SECRET_ID = 'AKIDCOSMOCKROOT';
const SECRET_KEY = 'cos-mock-root-secret';
const APPID = '1250000000';
const UIN = '100000000001';
const REGION = 'ap-guangzhou';
const BUCKET = `examplebucket-${APPID}`;

const READY_RE = /cos-mock ready on http:\/\/([^\s"]+)[^\n]*\n/; // whole line (pretty or json): a chunk may end mid-address
const TLS_RE = /cos-mock tls on https:\/\/([^\s"]+)[^\n]*\n/; // printed before the ready line with --tls-listen
const START_TIMEOUT_MS = 15000;

function vhost(bucket = BUCKET, region = REGION) {
  return `${bucket}.cos.${region}.myqcloud.com`;
}

class Server {
  static async start({ config, args = [] } = {}) {
    const binary = process.env.COS_MOCK_BIN || path.join(REPO_ROOT, 'target', 'debug', 'cos-mock');
    if (!fs.existsSync(binary)) throw new Error(`cos-mock binary not found at ${binary} (set COS_MOCK_BIN or cargo build)`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cos-mock-node-'));
    const argv = ['--listen', '127.0.0.1:0', ...args];
    if (config) {
      const file = path.join(tmp, 'config.json');
      fs.writeFileSync(file, JSON.stringify(config));
      argv.push('--config', file);
    }
    const proc = spawn(binary, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    const srv = new Server(proc, tmp);
    srv.addr = await srv.waitReady();
    srv.port = Number(srv.addr.split(':').pop());
    srv.baseUrl = `http://${srv.addr}`;
    const tls = TLS_RE.exec(srv.log);
    if (tls) srv.tlsAddr = tls[1];
    return srv;
  }

  constructor(proc, tmp) {
    this.proc = proc;
    this.tmp = tmp;
    this.log = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
      this.log = (this.log + chunk).slice(-20000);
    });
  }

  waitReady() {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('timed out')), START_TIMEOUT_MS);
      const check = () => {
        const m = READY_RE.exec(this.log);
        if (m) {
          cleanup();
          resolve(m[1]);
        }
      };
      const fail = (err) => {
        cleanup();
        this.proc.kill('SIGKILL');
        reject(new Error(`cos-mock did not print its ready line (${err.message}); stderr:\n${this.log}`));
      };
      const onExit = (code) => fail(new Error(`exited with ${code}`));
      const cleanup = () => {
        clearTimeout(timer);
        this.proc.stderr.off('data', check);
        this.proc.off('exit', onExit);
      };
      this.proc.stderr.on('data', check);
      this.proc.on('exit', onExit);
      check();
    });
  }

  async stop() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }

  async reset() {
    const res = await rawRequest(this, { method: 'POST', path: '/_cos-mock/reset' });
    assert.equal(res.statusCode, 204, `reset answered ${res.statusCode}`);
  }

  async state() {
    const res = await rawRequest(this, { method: 'GET', path: '/_cos-mock/state' });
    return JSON.parse(res.body.toString());
  }

  // The recommended config (real-clients.md §3): Ip rewrites only the URL host;
  // the Host header stays the virtual-host name.
  cos(options = {}) {
    return new COS({
      SecretId: SECRET_ID,
      SecretKey: SECRET_KEY,
      Protocol: 'http:',
      Ip: `127.0.0.1:${this.port}`,
      ServiceDomain: `127.0.0.1:${this.port}`,
      ...options,
    });
  }
}

// Registers before/after/beforeEach hooks for the calling test file and
// returns an object whose `server` and `cos` are set once the server is up.
function useServer(opts = {}) {
  const ctx = {};
  before(async () => {
    ctx.server = await Server.start(opts);
    ctx.cos = ctx.server.cos();
  });
  after(async () => {
    if (ctx.server) await ctx.server.stop();
  });
  beforeEach(async () => {
    await ctx.server.reset();
  });
  return ctx;
}

// Plain HTTP to the server: { method, path, headers, body } ->
// { statusCode, headers, rawHeaders, body: Buffer }.
function rawRequest(server, { method = 'GET', path: reqPath = '/', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, method, path: reqPath, headers, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ statusCode: res.statusCode, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) })
        );
        res.on('error', reject);
      }
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// GET a full URL through the server used as an HTTP proxy (absolute form).
function viaProxy(server, url, { method = 'GET', headers = {}, body } = {}) {
  const u = new URL(url);
  return rawRequest(server, { method, path: url, headers: { Host: u.host, ...headers }, body });
}

// The promise must reject with a COS error of this status and code.
async function expectError(promise, statusCode, code, message) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${statusCode} ${code}, but the call succeeded`);
  assert.equal(err.statusCode, statusCode, `status: ${JSON.stringify(err.error || err.message)}`);
  assert.equal(err.code, code, `code: ${JSON.stringify(err.error || err.message)}`);
  if (message !== undefined) assert.equal(err.message, message);
  return err;
}

// CRC-64/XZ (ECMA-182 reflected), what COS puts in x-cos-hash-crc64ecma.
function crc64ecma(buf) {
  const poly = 0xc96c5795d7870f42n;
  let crc = 0xffffffffffffffffn;
  for (const byte of buf) {
    crc ^= BigInt(byte);
    for (let i = 0; i < 8; i++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return (crc ^ 0xffffffffffffffffn).toString();
}

module.exports = {
  APPID, BUCKET, COS, REGION, SECRET_ID, SECRET_KEY, UIN,
  Server, crc64ecma, expectError, rawRequest, useServer, viaProxy, vhost,
};
