'use strict';
// README.md as written: its `<!-- snippet: node -->` block, taken from the README itself (never
// retyped; only the port 9400 becomes this server's), run by node as a CommonJS file against the
// cos-mock started here. tests/python/test_readme.py runs the python, shell and coscmd snippets.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BUCKET, REGION, useServer } = require('./helpers');

const ctx = useServer();
const README = path.join(__dirname, '..', '..', 'README.md');

function snippet(name) {
  const re = new RegExp(`^<!-- snippet: ${name} -->\\n\`\`\`(\\w*)\\n([\\s\\S]*?)^\`\`\`$`, 'm');
  const m = re.exec(fs.readFileSync(README, 'utf8'));
  assert.ok(m, `README.md has no snippet ${name}`);
  return m[2];
}

function runNode(file) {
  // NODE_PATH: the snippet's require('cos-nodejs-sdk-v5') from a file outside tests/node.
  const env = { ...process.env, NODE_PATH: path.join(__dirname, 'node_modules') };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file], { env, timeout: 60000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`node ${file} failed: ${err.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

test('README node snippet runs as written: creates the bucket, puts and reads doc/a.txt', async (t) => {
  const code = snippet('node');
  assert.match(code, /9400/, 'the snippet no longer names the default port 9400');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cos-mock-readme-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'readme-node.js'); // .js without a package.json: CommonJS
  fs.writeFileSync(file, code.replaceAll('9400', String(ctx.server.port)));
  const { stdout } = await runNode(file);
  assert.equal(stdout.trim(), 'hello');
  const got = await ctx.cos.getObject({ Bucket: BUCKET, Region: REGION, Key: 'doc/a.txt' });
  assert.equal(got.Body.toString(), 'hello');
});
