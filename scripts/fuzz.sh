#!/usr/bin/env bash
# Fuzzes the parsers that read client input (README, "Fuzzing"): builds the stable-Rust harness
# (examples/fuzz.rs) and runs each target for N seconds (default 3), every file under
# fuzz/corpus/<target>/ replayed first. Panicking inputs are written to fuzz/crashes/<target>/ and
# the exit status is 1.
#
#   scripts/fuzz.sh                          # every target, 3 s each (release build)
#   scripts/fuzz.sh --seconds 600 cors delete
#   scripts/fuzz.sh --debug --seconds 2      # the dev build `cargo test` already made (test.sh)
#   scripts/fuzz.sh --list                   # other flags: target/release/examples/fuzz --help
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release
if [ "${1:-}" = --debug ]; then
  profile=debug
  shift
fi
flags=(--quiet --example fuzz)
[ "$profile" = release ] && flags+=(--release)
CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" cargo build "${flags[@]}" >&2
exec "target/$profile/examples/fuzz" "$@"
