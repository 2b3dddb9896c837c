#!/usr/bin/env bash
# The project's test command (README): formatting, lints, Rust unit and integration tests, the real
# SDK suites (python, node, coscmd), and the container image check. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy"
cargo clippy --all-targets -- -D warnings
step "cargo test"
cargo test
if [ -x scripts/test-sdk.sh ]; then
  step "real SDK suites"
  scripts/test-sdk.sh
fi
if [ -x scripts/image-check.sh ] && [ "${COS_MOCK_SKIP_IMAGE:-0}" != 1 ]; then
  step "container image check"
  scripts/image-check.sh
fi
step "all tests passed"
