#!/usr/bin/env bash
# Fuzzes the parsers that read client input (README, "Fuzzing"): builds the stable-Rust harness
# (examples/fuzz.rs) in release mode and runs each target for N seconds (default 3), every corpus
# file under fuzz/corpus/<target>/ replayed first. Panicking inputs are written to fuzz/crashes/ and
# the exit status is 1.
#
#   scripts/fuzz.sh                          # every target, 3 s each
#   scripts/fuzz.sh --seconds 600 cors delete
#   scripts/fuzz.sh --list                   # other flags: target/release/examples/fuzz --help
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" cargo build --release --quiet --example fuzz >&2
exec target/release/examples/fuzz "$@"
