#!/usr/bin/env bash
# Soak test (README, "Soak test"; not part of scripts/test.sh): builds cos-mock and the soak client
# (examples/soak.rs) in release mode, starts cos-mock on 127.0.0.1 and runs concurrent signed
# clients over PUT/GET/DELETE/PUT ?acl/?policy/listings on overlapping keys. Fails (exit 1) on any
# 5xx, unanswered request, torn or lost write, inconsistent listing, or memory that does not come
# back after everything is deleted. Extra flags: target/release/examples/soak --help.
#
#   scripts/soak.sh                          # 64 clients, 60 s
#   scripts/soak.sh --seconds 600 --clients 128
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" cargo build --release --quiet --bin cos-mock --example soak >&2
exec target/release/examples/soak --server target/release/cos-mock "$@"
