#!/usr/bin/env bash
# Benchmark: builds cos-mock and cos-mock-bench in release mode, then runs the bench (extra arguments are passed on).
#
#   scripts/bench.sh                       # 8 connections, 5 s per workload, table
#   scripts/bench.sh --seconds 2 --json    # see `target/release/cos-mock-bench --help`
#
# Everything runs on 127.0.0.1; the server is a child process and is stopped at the end.
set -euo pipefail

cd "$(dirname "$0")/.."
CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" cargo build --release --locked --bin cos-mock --bin cos-mock-bench >&2
exec target/release/cos-mock-bench "$@"
