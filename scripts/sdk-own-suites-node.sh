#!/usr/bin/env bash
# Runs the node SDK's own test suite (cos-nodejs-sdk-v5 `test/test.js`, mocha) against cos-mock, with
# configuration changes only:
#   - the suite reads SecretId, SecretKey, Bucket, Region, Uin and nodejssdkStsUrl from the
#     environment; they name cos-mock's default root account and a bucket made at start;
#   - the SDK's request library honours HTTPS_PROXY/HTTP_PROXY (the suite's `Proxy` option is ''),
#     so every request reaches cos-mock as a proxy (`CONNECT host:443`, TLS terminated with
#     cos-mock's local CA, trusted through NODE_EXTRA_CA_CERTS);
#   - the suite's STS server (`${nodejssdkStsUrl}/sts`, `/uploadSign`) is a small node http server
#     started here: /sts asks cos-mock's own STS (qcloud-cos-sts over TLS) for temporary keys limited
#     to `nodejs-sdk/test/*`, /uploadSign answers a PutObject signature for `1.txt`.
# The SDK is copied into a temporary directory (the suite writes its test files next to test.js) and
# its package.json's dependencies and devDependencies (mocha, request, qcloud-cos-sts, ...) are
# installed there with npm. In the copy of test.js one configuration line changes, `var proxy = '';`
# becomes cos-mock's address (see below); no test's logic changes.
#
#   scripts/sdk-own-suites-node.sh PATH/TO/cos-nodejs-sdk-v5 [mocha args...]
#
# Tests of other Tencent Cloud services (CI image and media processing) and the SDK's client retry
# tests are deselected with mocha's --grep/--invert (OTHER_SERVICES below); the suite's last test
# runs alone in a second mocha process. Extra arguments go to both mocha runs (e.g.
# `--reporter dot`). Prints mocha's reports; the exit status is non-zero when a test failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SDK="${1:?usage: scripts/sdk-own-suites-node.sh PATH/TO/cos-nodejs-sdk-v5 [mocha args...]}"
shift
SDK="$(cd "$SDK" && pwd)"
[[ -f "$SDK/test/test.js" && -f "$SDK/package.json" ]] || { echo "sdk-own-suites: $SDK/test/test.js not found" >&2; exit 2; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "sdk-own-suites: node and npm are needed" >&2; exit 2; }

cd "$ROOT"
if [[ -z "${COS_MOCK_BIN:-}" ]]; then
    cargo build --quiet --release --bin cos-mock || exit 1
    COS_MOCK_BIN="$ROOT/target/release/cos-mock"
fi

WORK="$(mktemp -d)"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT

# The SDK, without its node_modules or VCS directory, and its dependencies.
mkdir -p "$WORK/sdk"
(cd "$SDK" && tar cf - --exclude=./node_modules --exclude=./.git .) | tar xf - -C "$WORK/sdk"
echo "sdk-own-suites: npm install (cos-nodejs-sdk-v5's dependencies and devDependencies)"
(cd "$WORK/sdk" && npm install --no-audit --no-fund --ignore-scripts --no-save --loglevel=error >"$WORK/npm.log" 2>&1) \
    || { cat "$WORK/npm.log" >&2; exit 1; }

ACCOUNT_UIN=100000000001 APPID=1250000000 REGION=ap-guangzhou
SECRET_ID=AKIDCOSMOCKROOT SECRET_KEY=cos-mock-root-secret
BUCKET="nodejs-sdk-own-$APPID"
cat >"$WORK/config.json" <<JSON
{"region": "$REGION",
 "accounts": [{"uin": "$ACCOUNT_UIN", "appid": "$APPID", "secret_id": "$SECRET_ID", "secret_key": "$SECRET_KEY"}],
 "buckets": [{"name": "$BUCKET"}]}
JSON

COS_MOCK_LOG=warn COS_MOCK_LOG_FORMAT=pretty "$COS_MOCK_BIN" --listen 127.0.0.1:0 --tls-listen 127.0.0.1:0 --tls-cert-out "$WORK/cert.pem" \
    --config "$WORK/config.json" 2>"$WORK/server.log" &
PIDS+=($!)
ADDR=""
for _ in $(seq 100); do
    ADDR="$(sed -n 's/^cos-mock ready on http:\/\/\(.*\)$/\1/p' "$WORK/server.log")"
    TLS_ADDR="$(sed -n 's/^cos-mock tls on https:\/\/\(.*\)$/\1/p' "$WORK/server.log")"
    [[ -n "$ADDR" && -n "$TLS_ADDR" && -s "$WORK/cert.pem" ]] && break
    sleep 0.05
done
[[ -n "$ADDR" && -n "$TLS_ADDR" ]] || { cat "$WORK/server.log" >&2; exit 1; }
echo "sdk-own-suites: cos-mock on $ADDR (https $TLS_ADDR)"

# The suite's STS server. It talks to cos-mock's https listener directly (no proxy).
cat >"$WORK/sts-server.js" <<'JS'
const http = require('http');
const STS = require('qcloud-cos-sts');
const COS = require(process.env.SDK_DIR);
const [host, secretId, secretKey, region, bucket, appid] = process.argv.slice(2);
const res = `qcs::cos:${region}:uid/${appid}:${bucket}`;
// The suite's temporary keys may write under nodejs-sdk/test/ only ("... 没有权限" expects a refusal
// elsewhere), with what a simple and a multipart upload need.
const policy = {
  version: '2.0',
  statement: [
    {
      effect: 'allow',
      action: ['name/cos:PutObject', 'name/cos:PostObject', 'name/cos:HeadObject', 'name/cos:GetObject',
        'name/cos:InitiateMultipartUpload', 'name/cos:ListParts', 'name/cos:UploadPart',
        'name/cos:CompleteMultipartUpload', 'name/cos:AbortMultipartUpload'],
      resource: [`${res}/nodejs-sdk/test/*`],
    },
    { effect: 'allow', action: ['name/cos:ListMultipartUploads'], resource: [`${res}/*`] },
  ],
};
http
  .createServer((req, reply) => {
    const send = (status, body) => {
      reply.writeHead(status, { 'Content-Type': 'application/json' });
      reply.end(JSON.stringify(body));
    };
    const path = req.url.split('?')[0];
    if (path === '/sts') {
      STS.getCredential({ secretId, secretKey, host, region, policy, durationSeconds: 1800 }, (err, data) =>
        err ? send(500, { error: String((err && err.message) || JSON.stringify(err)) }) : send(200, data)
      );
    } else if (path === '/uploadSign') {
      const PutObject = COS.getAuthorization({ SecretId: secretId, SecretKey: secretKey, Method: 'PUT', Key: '1.txt', Expires: 900 });
      send(200, { signMap: { PutObject } });
    } else {
      send(404, { error: 'not found' });
    }
  })
  .listen(0, '127.0.0.1', function () {
    process.stdout.write(`sts ready on http://127.0.0.1:${this.address().port}\n`);
  });
JS
(cd "$WORK/sdk" && env -u HTTPS_PROXY -u HTTP_PROXY -u https_proxy -u http_proxy SDK_DIR="$WORK/sdk" \
    NODE_EXTRA_CA_CERTS="$WORK/cert.pem" NODE_PATH="$WORK/sdk/node_modules" \
    node "$WORK/sts-server.js" "$TLS_ADDR" "$SECRET_ID" "$SECRET_KEY" "$REGION" "$BUCKET" "$APPID" \
    >"$WORK/sts.log" 2>&1) &
PIDS+=($!)
STS_URL=""
for _ in $(seq 100); do
    STS_URL="$(sed -n 's/^sts ready on \(.*\)$/\1/p' "$WORK/sts.log")"
    [[ -n "$STS_URL" ]] && break
    sleep 0.05
done
[[ -n "$STS_URL" ]] || { cat "$WORK/sts.log" >&2; exit 1; }

# The suite's `var proxy = '';` is the one line changed: it is passed as `proxy` to the `request`
# calls that fetch signed URLs (getAuth, getV4Auth, getObjectUrl), where an explicit '' makes the
# request library ignore HTTPS_PROXY; set to cos-mock's address, those URLs reach cos-mock too.
sed -i "s|^var proxy = '';\$|var proxy = process.env.HTTPS_PROXY; // sdk-own-suites: was ''|" "$WORK/sdk/test/test.js"
grep -q "^var proxy = process.env.HTTPS_PROXY;" "$WORK/sdk/test/test.js" \
    || { echo "sdk-own-suites: test/test.js has no line \`var proxy = '';\`" >&2; exit 2; }

# Deselected (mocha --grep ... --invert, on "<group> <test>"):
# - other Tencent Cloud services: `request` (CI image processing, image inspection, media snapshot
#   and m3u8 through cos.request) and `RawBody error` (CI hosts);
# - `retry myqcloud.com` / `retry tencentcos.cn`: the SDK's retry behaviour against the SDK team's
#   failure-injecting bucket cos-sdk-err-retry-1253960454 (keys "500", "shutdown", "timeout" answer
#   as named), which is not object storage behaviour;
# - `getStream() 流式下载 ECONNREFUSED 错误` runs alone afterwards (the suite says it must run
#   last): in one process the request library's agent pool keeps the plain-http agent that the
#   `Tunnel=false` test used for its proxied https request, and hands it to this test's direct
#   https request, which then fails with ERR_INVALID_PROTOCOL instead of ECONNREFUSED.
OTHER_SERVICES='^request |^RawBody error |^retry myqcloud\.com |^retry tencentcos\.cn '
LAST='^getStream\(\) 流式下载 ECONNREFUSED'

export SecretId="$SECRET_ID" SecretKey="$SECRET_KEY" Bucket="$BUCKET" Region="$REGION" Uin="$ACCOUNT_UIN" \
    nodejssdkStsUrl="$STS_URL"
export HTTPS_PROXY="http://$ADDR" HTTP_PROXY="http://$ADDR" NO_PROXY="127.0.0.1,localhost" \
    NODE_EXTRA_CA_CERTS="$WORK/cert.pem"
cd "$WORK/sdk"
node_modules/.bin/mocha test/test.js --exit --reporter spec --grep "$OTHER_SERVICES|$LAST" --invert "$@" 2>&1
STATUS=$?
echo "sdk-own-suites: and, alone, the suite's last test:"
node_modules/.bin/mocha test/test.js --exit --reporter spec --grep "$LAST" "$@" 2>&1
LAST_STATUS=$?
exit $((STATUS + LAST_STATUS))
