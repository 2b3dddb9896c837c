#!/usr/bin/env bash
# The project's test command (README): formatting, lints, Rust unit and integration tests, the real
# SDK suites (python, node, coscmd), and the container image check. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
LOG="$(mktemp -d)/test.log"
trap 'rm -rf "$(dirname "$LOG")"' EXIT

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy"
cargo clippy --all-targets -- -D warnings
step "cargo test"
cargo test 2>&1 | tee -a "$LOG"
# The examples' own tests (the soak client's body and listing checks).
cargo test --examples 2>&1 | tee -a "$LOG"
if [ -x scripts/fuzz.sh ] && [ "${COS_MOCK_SKIP_FUZZ:-0}" != 1 ]; then
  # Every fuzz target for 2 s, its corpus (with the regression inputs) replayed first; the dev
  # build `cargo test` just made, so no release build is needed here.
  step "fuzz targets (2 s each)"
  scripts/fuzz.sh --debug --seconds 2
fi
step "benchmark smoke (cos-mock alone, debug build, a few seconds; figures not judged)"
scripts/bench.sh --smoke
if [ -x scripts/test-sdk.sh ]; then
  step "real SDK suites"
  scripts/test-sdk.sh 2>&1 | tee -a "$LOG"
fi
if [ -x scripts/image-check.sh ] && [ "${COS_MOCK_SKIP_IMAGE:-0}" != 1 ]; then
  step "container image check"
  scripts/image-check.sh
fi
step "all tests passed"
# One closing line over every runner: cargo's "test result" lines, pytest's summary, node's counts.
passed=$(awk '/^test result:/ {p += $4} /^[0-9]+ passed/ {p += $1} /^ℹ pass / {p += $3} END {print p + 0}' "$LOG")
failed=$(awk '/^test result:/ {f += $6} /^ℹ fail / {f += $3} END {print f + 0}' "$LOG")
echo "tests: $passed passed, $failed failed"
