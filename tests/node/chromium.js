'use strict';
// Headless Chromium for the browser tests (browser.test.js, dashboard.test.js): Debian's
// /usr/bin/chromium (CHROMIUM_PATH overrides) driven by playwright-core.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Playwright adds --headless, --no-sandbox (no chromiumSandbox) and a new empty --user-data-dir
// of its own; the rest keep Chromium off the network it cannot reach here.
const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const LAUNCH_TIMEOUT_MS = 30000;

/** Starts headless Chromium, or fails saying how to install it. */
async function launchChromium() {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} not found: bash scripts/setup-test-deps.sh installs Debian's chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: LAUNCH_TIMEOUT_MS,
  });
}

module.exports = { launchChromium };
