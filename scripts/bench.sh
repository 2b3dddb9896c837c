#!/usr/bin/env bash
# Benchmark: cos-mock side by side with nginx and moto, then cos-mock's own figures, each with its
# target (issue #13). Installs what it needs, builds release binaries, runs `cos-mock-bench`.
#
#   scripts/bench.sh                      # everything: ~6 minutes on a 2-core machine
#   scripts/bench.sh --seconds 3          # shorter load runs (default 8 s each)
#   scripts/bench.sh --only side,put      # parts: side,put,start,memory,list,big
#   scripts/bench.sh --perf 5             # also a `perf record -g` profile of cos-mock under signed GETs
#   scripts/bench.sh --json               # one JSON object instead of the tables
#   scripts/bench.sh --smoke              # scripts/test.sh's smoke: debug build, --quick, cos-mock
#                                         # alone, installs nothing (a few seconds)
#   scripts/bench.sh --no-install ...     # use only what is installed; missing references are skipped
#
# Other arguments go to cos-mock-bench (`target/release/cos-mock-bench --help`).
#
# Installs, each only when missing: wrk and nginx from Debian (apt-get, as root), linux-perf for
# --perf, and moto[server] (pinned) from PyPI into .bench-venv/. Everything runs on 127.0.0.1; every
# server is a child process stopped at the end; nginx runs as the current user from a generated
# configuration in a temporary directory, not as a system service.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MOTO_PIN='moto[server]==5.2.5'
VENV="$ROOT/.bench-venv"
PYTHON="${PYTHON:-python3}"

say() { echo "bench: $*" >&2; }

install=1
smoke=0
perf=0
moto_given=0
args=()
for arg in "$@"; do
    case "$arg" in
        --no-install) install=0 ;;
        --smoke) smoke=1 install=0 ;;
        --perf | --perf=*) perf=1 args+=("$arg") ;;
        --moto | --moto=*) moto_given=1 args+=("$arg") ;;
        *) args+=("$arg") ;;
    esac
done

apt_updated=0
apt_install() {
    if [[ "$(id -u)" -ne 0 ]]; then
        say "$1 missing: install Debian's $2 as root (apt-get install $2)"
        return 0
    fi
    say "installing Debian's $2"
    if [[ $apt_updated == 0 ]]; then
        apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}

have() { command -v "$1" >/dev/null 2>&1 || [[ -x "/usr/sbin/$1" ]]; }

setup_moto() {
    local stamp="$VENV/.cos-mock-stamp"
    if [[ -x "$VENV/bin/moto_server" && -f "$stamp" && "$(cat "$stamp")" == "$MOTO_PIN" ]]; then
        return
    fi
    say "installing $MOTO_PIN into $VENV"
    rm -rf "$VENV"
    if ! "$PYTHON" -m venv "$VENV"; then
        rm -rf "$VENV"
        apt_install python3-venv python3-venv
        "$PYTHON" -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$MOTO_PIN"
    echo "$MOTO_PIN" >"$stamp"
}

if [[ $install == 1 ]]; then
    have wrk || apt_install wrk wrk
    have nginx || apt_install nginx nginx
    if [[ $perf == 1 ]]; then have perf || apt_install perf linux-perf; fi
    setup_moto
fi

profile=release
if [[ $smoke == 1 ]]; then
    profile=debug
    args=(--quick --no-references "${args[@]}")
    CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" cargo build --locked --bin cos-mock --bin cos-mock-bench >&2
else
    CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" cargo build --release --locked --bin cos-mock --bin cos-mock-bench >&2
    if [[ $moto_given == 0 && -x "$VENV/bin/moto_server" ]]; then
        args=(--moto "$VENV/bin/moto_server" "${args[@]}")
    fi
fi
exec "target/$profile/cos-mock-bench" "${args[@]}"
