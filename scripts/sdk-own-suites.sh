#!/usr/bin/env bash
# Runs the python SDK's own test suite (cos-python-sdk-v5 `ut/test.py`) against cos-mock, with
# configuration changes only: the credentials, region and APPID come from the environment the suite
# reads, and the SDK reaches cos-mock as an HTTPS proxy (`CONNECT`, TLS terminated with cos-mock's
# self-signed certificate, trusted through REQUESTS_CA_BUNDLE).
#
#   scripts/sdk-own-suites.sh PATH/TO/cos-python-sdk-v5 [pytest args...]
#   scripts/sdk-own-suites.sh --node PATH/TO/cos-nodejs-sdk-v5 [mocha args...]
#
# With --node, the node SDK's own suite (test/test.js, mocha) runs instead: see
# scripts/sdk-own-suites-node.sh.
#
# Not part of `scripts/test.sh`: it needs a checkout of the SDK's repository (the published package
# has no tests), and takes minutes. Tests of other Tencent Cloud services (CI, MetaInsight, vectors,
# AI recognition, speech) are deselected. Prints pytest's summary; the exit status is pytest's.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ "${1:-}" == "--node" ]]; then
    shift
    exec bash "$ROOT/scripts/sdk-own-suites-node.sh" "$@"
fi
SDK="${1:?usage: scripts/sdk-own-suites.sh [--node] PATH/TO/cos-python-sdk-v5|cos-nodejs-sdk-v5 [pytest|mocha args...]}"
shift
SDK="$(cd "$SDK" && pwd)"
[[ -f "$SDK/ut/test.py" ]] || { echo "sdk-own-suites: $SDK/ut/test.py not found" >&2; exit 2; }

cd "$ROOT"
bash scripts/setup-test-deps.sh >/dev/null || exit 1
if [[ -z "${COS_MOCK_BIN:-}" ]]; then
    cargo build --quiet --release --bin cos-mock || exit 1
    COS_MOCK_BIN="$ROOT/target/release/cos-mock"
fi

WORK="$(mktemp -d)"
trap 'kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
COS_MOCK_LOG=warn COS_MOCK_LOG_FORMAT=pretty "$COS_MOCK_BIN" --listen 127.0.0.1:0 --tls-listen 127.0.0.1:0 --tls-cert-out "$WORK/cert.pem" \
    2>"$WORK/server.log" &
PID=$!
for _ in $(seq 100); do
    ADDR="$(sed -n 's/^cos-mock ready on http:\/\/\(.*\)$/\1/p' "$WORK/server.log")"
    [[ -n "$ADDR" && -s "$WORK/cert.pem" ]] && break
    sleep 0.05
done
[[ -n "$ADDR" ]] || { cat "$WORK/server.log" >&2; exit 1; }
echo "sdk-own-suites: cos-mock on $ADDR"

# The suite's own module-level setUp() (nose style) runs once, before the first test.
mkdir -p "$WORK/ut"
cp "$SDK/ut/test.py" "$WORK/ut/test_sdk_own.py"
cat >"$WORK/ut/conftest.py" <<'PY'
import pytest

@pytest.fixture(autouse=True, scope="module")
def _suite_setup(request):
    request.module.setUp()
PY

export COS_SECRET_ID=AKIDCOSMOCKROOT COS_SECRET_KEY=cos-mock-root-secret COS_REGION=ap-guangzhou \
    COS_APPID=1250000000 TRAVIS_FLAG=false ERR_HOST=127.0.0.1:1 TEST_CI=false \
    USE_CREDENTIAL_INST=false COS_VECTORS_BUCKET=v-1250000000 \
    COS_VECTORS_BUCKET_FOR_CREATE_DELETE=v2-1250000000 COS_VECTORS_APPID=1250000000 \
    COS_VECTORS_SECRET_ID=AKIDCOSMOCKROOT COS_VECTORS_SECRET_KEY=cos-mock-root-secret \
    COS_VECTORS_REGION=ap-guangzhou COS_VECTORS_USE_IP=false
export HTTPS_PROXY="http://$ADDR" HTTP_PROXY="http://$ADDR" NO_PROXY="" REQUESTS_CA_BUNDLE="$WORK/cert.pem"

# Other Tencent Cloud services (CI image/media/document processing, MetaInsight, vectors, AI,
# speech) and the SDK's client-side retry tests, which need the SDK team's failure-injecting server.
OTHER_SERVICES='not _ci_ and not test_ci and not _mi_ and not meta_insight and not vectors and not ai_ and not speech and not media and not doc_ and not _image and not audit and not qrcode and not pic_process and not process_on_cloud and not goods_matting and not auto_translation and not action_sequence and not live_code and not sensitive_content and not client_retry and not network_failure'
cd "$WORK/ut"
"$ROOT/.venv/bin/python" -m pytest test_sdk_own.py -q -p no:cacheprovider -k "$OTHER_SERVICES" \
    -o log_cli=false "$@" 2>&1 | tail -n 120
exit "${PIPESTATUS[0]}"
