#!/usr/bin/env bash
# Runs the recipes in examples/ (GitHub Actions service, docker compose, testcontainers-python, GitLab CI)
# as far as this machine allows; the checks are in scripts/recipes_check.py (its docstring says what each
# does). Without a Docker engine the image is stood in for by the real binary, started as each recipe
# configures the container (environment, arguments, ports, health check) as PID 1 of its own PID and
# network namespaces (needs root); with one, docker compose and testcontainers run for real
# (COS_MOCK_IMAGE names the image to use, e.g. one just built from ./Dockerfile).
#
#   scripts/test-recipes.sh               the recipes
#   scripts/test-recipes.sh --self-test   broken copies of the recipes must each fail
#
# Installs into .tools/venv (pinned): pyyaml, cos-python-sdk-v5, pytest, testcontainers. Builds the debug
# binary unless COS_MOCK_BIN names one. Ends with `skipped here: K` and `recipes: N passed, M failed`; exits 1 if
# any check failed.
set -euo pipefail

cd "$(dirname "$0")/.."
TOOLS=.tools
PINS=(pyyaml==6.0.3 cos-python-sdk-v5==1.9.44 pytest==8.4.2 testcontainers==4.15.0)

if [[ ! -f "$TOOLS/.pins-recipes" || "$(cat "$TOOLS/.pins-recipes")" != "${PINS[*]}" ]]; then
    echo "test-recipes: installing ${PINS[*]} into $TOOLS/venv" >&2
    mkdir -p "$TOOLS"
    [[ -x "$TOOLS/venv/bin/python" ]] || "${PYTHON:-python3}" -m venv "$TOOLS/venv"
    "$TOOLS/venv/bin/python" -m pip install -q --disable-pip-version-check "${PINS[@]}" >&2
    echo "${PINS[*]}" >"$TOOLS/.pins-recipes"
fi
BIN=${COS_MOCK_BIN:-}
if [[ -z "$BIN" ]]; then
    cargo build --quiet --bin cos-mock >&2
    BIN=target/debug/cos-mock
fi
exec "$TOOLS/venv/bin/python" scripts/recipes_check.py --binary "$(realpath "$BIN")" \
    --python "$PWD/$TOOLS/venv/bin/python" "$@"
