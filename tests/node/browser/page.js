'use strict';
// Runs in the browser. browser.test.js calls window.cosMockUpload(...) through Playwright; it
// resolves (never rejects) with what the SDK answered, so the test sees browser-side failures as data.

const stsErrors = []; // what went wrong in getAuthorization, reported with the SDK's error

// A COS client that asks this page's own server for a temporary key (for `prefix`) whenever it
// needs one, and talks to cos-mock on `cosPort` by virtual-host names under `.localhost`, which
// Chromium resolves to loopback itself.
function makeCos({ cosPort, prefix }) {
  return new COS({
    Protocol: 'http:',
    Domain: `{Bucket}.cos.{Region}.localhost:${cosPort}`,
    getAuthorization(options, callback) {
      fetch(`/sts?prefix=${encodeURIComponent(prefix)}`)
        .then((r) => r.json())
        .then((key) => {
          if (key.error) throw new Error(`/sts: ${key.error}`);
          callback(key); // { TmpSecretId, TmpSecretKey, SecurityToken, StartTime, ExpiredTime }
        })
        .catch((e) => {
          stsErrors.push(String(e.message || e));
          callback({ error: e });
        });
    },
  });
}

// `size` bytes from crypto.getRandomValues (which fills at most 64 KiB a call).
function randomBytes(size) {
  const bytes = new Uint8Array(size);
  for (let off = 0; off < size; off += 65536) crypto.getRandomValues(bytes.subarray(off, Math.min(size, off + 65536)));
  return bytes;
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

// { cosPort, bucket, region, prefix, key, method: 'putObject' | 'uploadFile', text | size }
// -> { ok: true, statusCode, etag, size, sha256, text? } or { ok: false, statusCode, code, message }
window.cosMockUpload = async function cosMockUpload(args) {
  const { cosPort, bucket, region, prefix, key, method, text, size } = args;
  const bytes = text !== undefined ? new TextEncoder().encode(text) : randomBytes(size);
  const body = new Blob([bytes], { type: 'application/octet-stream' });
  const cos = makeCos({ cosPort, prefix });
  const params = { Bucket: bucket, Region: region, Key: key, Body: body };
  if (method === 'uploadFile') {
    // Above SliceSize uploadFile runs sliceUploadFile: initiate, parts of ChunkSize, complete.
    Object.assign(params, { SliceSize: 1024 * 1024, ChunkSize: 1024 * 1024 });
  }
  const sha256 = await sha256Hex(bytes);
  return new Promise((resolve) => {
    cos[method](params, (err, data) => {
      if (err) {
        resolve({
          ok: false,
          statusCode: err.statusCode === undefined ? null : err.statusCode,
          code: err.code || (err.error && err.error.Code) || null,
          message: String(err.message || (err.error && err.error.Message) || JSON.stringify(err)),
          stsErrors: stsErrors.slice(),
        });
        return;
      }
      resolve({ ok: true, statusCode: data.statusCode, etag: data.ETag || null, size: bytes.length, sha256, text });
    });
  });
};
