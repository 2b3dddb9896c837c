#!/usr/bin/env bash
# Builds the Python wheel (pyproject.toml: maturin `bin` bindings + python/cos_mock), installs it
# with its [cos,oss] extras and pytest into a FRESH venv, checks the `cos-mock` command it puts in
# the venv's bin/, and runs tests/wheel (the pytest plugin's cos_mock fixture only) there.
#
#   scripts/test-wheel.sh                    # build with the dev profile (reuses target/debug)
#   scripts/test-wheel.sh --release          # build with the release profile
#   scripts/test-wheel.sh --wheel FILE.whl   # test a wheel built elsewhere (e.g. by the release job)
#   scripts/test-wheel.sh -- -k oss          # more pytest arguments after --
#
# maturin (pinned below) is installed from PyPI into the temporary directory, not into the venv;
# the SDK and pytest versions are the project's pins (tests/python/requirements.txt, as pip
# constraints). Needs python3 with venv, cargo, PyPI. Prints pytest's summary line; the exit status
# is non-zero when any step fails. Everything it makes is removed at exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MATURIN_VERSION="${MATURIN_VERSION:-1.16.0}"
PYTHON="${PYTHON:-python3}"
PINS="$ROOT/tests/python/requirements.txt"
PROFILE=dev
WHEEL=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --release) PROFILE=release; shift ;;
        --wheel) WHEEL="$(realpath "${2:?--wheel needs a file}")"; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "test-wheel: unknown argument $1 (--help)" >&2; exit 2 ;;
    esac
done

say() { echo "test-wheel: $*" >&2; }
TMP="$(mktemp -d "${TMPDIR:-/tmp}/cos-mock-wheel.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
VENV="$TMP/venv"
PIP=(--quiet --disable-pip-version-check)
t0=$SECONDS

# A fresh venv (Debian's python3 ships the venv module as a separate package).
if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    if [[ "$(id -u)" -ne 0 ]]; then
        say "$PYTHON -m venv failed: install python3-venv"
        exit 1
    fi
    say "python venv module missing; installing python3-venv"
    rm -rf "$VENV"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    "$PYTHON" -m venv "$VENV"
fi

if [[ -z "$WHEEL" ]]; then
    say "building the wheel (maturin $MATURIN_VERSION, profile $PROFILE)"
    "$VENV/bin/pip" install "${PIP[@]}" --target "$TMP/maturin" "maturin==$MATURIN_VERSION"
    t_build=$SECONDS
    "$TMP/maturin/bin/maturin" build --quiet --profile "$PROFILE" --out "$TMP/wheels"
    WHEEL="$(ls "$TMP"/wheels/cos_mock-*.whl)"
    say "built $(basename "$WHEEL") ($(du -h "$WHEEL" | cut -f1)) in $((SECONDS - t_build)) s"
fi

say "installing it with [cos,oss] and pytest into a fresh venv"
t_install=$SECONDS
"$VENV/bin/pip" install "${PIP[@]}" -c "$PINS" "$WHEEL[cos,oss]" pytest
say "installed in $((SECONDS - t_install)) s"

# The command the wheel installs, from the venv's bin/ (not PATH), and the package's own view of it.
want="cos-mock $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
got="$("$VENV/bin/cos-mock" --version)"
if [[ "$got" != "$want" ]]; then
    say "$VENV/bin/cos-mock --version printed '$got', expected '$want'"
    exit 1
fi
got="$(env -u COS_MOCK_BIN "$VENV/bin/python" -m cos_mock --version)"
[[ "$got" == "$want" ]] || { say "python -m cos_mock --version printed '$got'"; exit 1; }
say "$VENV/bin/cos-mock --version: $got"

# The suite runs from a copy, so nothing of this checkout (conftest, pyproject) is importable.
cp -r tests/wheel "$TMP/tests"
cp python/README.md "$TMP/tests/README.md"   # its pytest example is run too
rc=0
(cd "$TMP/tests" && env -u COS_MOCK_BIN -u PYTHONPATH "$VENV/bin/python" -m pytest -q \
    -p no:cacheprovider --rootdir "$TMP/tests" "$@") || rc=$?
say "done in $((SECONDS - t0)) s (exit $rc)"
exit $rc
