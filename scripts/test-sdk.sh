#!/usr/bin/env bash
# Runs the real-SDK suites against a cos-mock binary:
#   python (cos-python-sdk-v5, coscmd) with pytest from .venv, tests/python
#   node   (cos-nodejs-sdk-v5) with `node --test`, tests/node; this includes
#          browser.test.js: headless Debian chromium driven by playwright-core
#          uploads with cos-js-sdk-v5 and a temporary key through CORS
# Installs the pinned clients first (scripts/setup-test-deps.sh). Uses
# $COS_MOCK_BIN when set, otherwise builds target/debug/cos-mock.
# Exit status is non-zero when either suite fails; both always run.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup-test-deps.sh || exit 1

if [[ -z "${COS_MOCK_BIN:-}" ]]; then
    cargo build --quiet --bin cos-mock || exit 1
    COS_MOCK_BIN="$ROOT/target/debug/cos-mock"
fi
export COS_MOCK_BIN
echo "test-sdk: using $COS_MOCK_BIN ($("$COS_MOCK_BIN" --version 2>&1))"

LOGDIR="$(mktemp -d)"
trap 'rm -rf "$LOGDIR"' EXIT

echo "test-sdk: python suite (tests/python)"
.venv/bin/python -m pytest tests/python -q -p no:cacheprovider "$@" 2>&1 | tee "$LOGDIR/python.log"
py_rc=${PIPESTATUS[0]}

echo "test-sdk: node suite (tests/node)"
(cd tests/node && node --test --test-reporter=spec --test-concurrency=1 ./*.test.js) 2>&1 | tee "$LOGDIR/node.log"
node_rc=${PIPESTATUS[0]}

echo
echo "== SDK suites summary =="
echo "python: $(grep -E '^=+ .*(passed|failed|error).* =+$|^[0-9]+ (passed|failed)' "$LOGDIR/python.log" | tail -1) (exit $py_rc)"
echo "node:   $(grep -E '^ℹ (tests|pass|fail) ' "$LOGDIR/node.log" | tr '\n' ' ') (exit $node_rc)"

[[ $py_rc -eq 0 && $node_rc -eq 0 ]]
