#!/usr/bin/env bash
# Installs the pinned real clients the SDK suites run against:
#   .venv/              python venv with tests/python/requirements.txt
#                       (cos-python-sdk-v5, coscmd, qcloud-python-sts,
#                       tencentcloud-sdk-python-sts, pytest)
#   tests/node/node_modules/  `npm ci` from tests/node/package-lock.json
#                       (cos-nodejs-sdk-v5, cos-js-sdk-v5, qcloud-cos-sts,
#                       playwright-core for the browser test)
#   /usr/bin/chromium   Debian's chromium for the browser test (apt-get, as
#                       root, only when missing; Playwright's own browser
#                       download does not work here)
# Idempotent: each part is skipped when its stamp matches the pin file it was
# installed from, so a second run takes well under a second.
# Needs python3 (3.11), node 20 + npm, PyPI/npm registries, and Debian's
# archive (root) unless chromium is already installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
REQS="$ROOT/tests/python/requirements.txt"
NODE_DIR="$ROOT/tests/node"

say() { echo "setup-test-deps: $*" >&2; }

stamp_of() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

setup_python() {
    local want stamp="$VENV/.cos-mock-stamp"
    want="$(stamp_of "$REQS")"
    if [[ -x "$VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        say "python venv up to date"
        return
    fi
    if [[ ! -x "$VENV/bin/python" ]]; then
        say "creating $VENV"
        if ! "$PYTHON" -m venv "$VENV"; then
            # Debian's python3 ships venv (ensurepip) as a separate package.
            say "python venv module missing; installing python3-venv"
            rm -rf "$VENV"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            "$PYTHON" -m venv "$VENV"
        fi
    fi
    say "installing $REQS"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS"
    echo "$want" >"$stamp"
}

setup_node() {
    local want stamp="$NODE_DIR/node_modules/.cos-mock-stamp"
    want="$(stamp_of "$NODE_DIR/package.json" "$NODE_DIR/package-lock.json")"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        say "node modules up to date"
        return
    fi
    say "npm ci in tests/node"
    (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
}

setup_chromium() {
    if [[ -x /usr/bin/chromium ]]; then
        say "chromium present"
        return
    fi
    if [[ "$(id -u)" -ne 0 ]]; then
        say "/usr/bin/chromium missing: install Debian's chromium package as root (apt-get install chromium)"
        return 1
    fi
    say "installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    [[ -x /usr/bin/chromium ]]
}

setup_python
setup_node
setup_chromium
say "done"
