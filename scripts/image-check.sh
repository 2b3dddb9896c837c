#!/usr/bin/env bash
# Image check: builds the FROM scratch image with buildah (no Docker engine) from a host-built static binary, then runs it.
#
# Steps: install buildah if missing (root, apt-get); check scripts/Dockerfile.local still mirrors the final
# stage of ./Dockerfile; build cos-mock statically (glibc, crt-static); `buildah bud` the image; check its
# config (user, env, port, entrypoint, HEALTHCHECK); run `/cos-mock --version` in it; start the server in it
# on 127.0.0.1 (a free port), check GET /_cos-mock/health from the host and the image's own HEALTHCHECK
# command from inside; stop it; remove the container and the image.
#
# Prints `image-check: PASS` and exits 0, or `image-check: FAIL: why` and exits 1. Only when buildah cannot
# be installed or cannot run at all here does it print `image-check: SKIPPED: why` and exit 0.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILDAH=(buildah --storage-driver vfs)
# buildah run with chroot isolation, on the host's network (no network namespace is made).
RUN_IN=("${BUILDAH[@]}" run --isolation chroot --network host)
TAG="localhost/cos-mock:image-check-$$"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cos-mock-image-check.XXXXXX")
CONTAINER=""
RUN_PID=""

say() { echo "image-check: $*" >&2; }
fail() { echo "image-check: FAIL: $*"; exit 1; }
skip() { echo "image-check: SKIPPED: $*"; exit 0; }

cleanup() {
    stop_server || true
    if [[ -n "$CONTAINER" ]]; then "${BUILDAH[@]}" rm "$CONTAINER" >/dev/null 2>&1 || true; fi
    "${BUILDAH[@]}" rmi "$TAG" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

ensure_buildah() {
    command -v buildah >/dev/null && return
    [[ $(id -u) -eq 0 ]] || skip "buildah is not installed and installing it needs root (apt-get install buildah)"
    command -v apt-get >/dev/null || skip "buildah is not installed and there is no apt-get to install it"
    say "installing buildah (apt-get)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah; } >"$WORK/apt.log" 2>&1; then
        tail -5 "$WORK/apt.log" >&2
        skip "apt-get could not install buildah (log above)"
    fi
}

# The final stage of each file from `FROM scratch` on, without its COPY line (the only intended difference).
final_stage() { sed -n '/^FROM scratch/,$p' "$1" | grep -v '^COPY ' | grep -v '^[[:space:]]*$'; }

check_in_sync() {
    diff <(final_stage Dockerfile) <(final_stage scripts/Dockerfile.local) >&2 \
        || fail "scripts/Dockerfile.local no longer mirrors the final stage of Dockerfile (diff above)"
}

build_static_binary() {
    local target
    target="$(uname -m)-unknown-linux-gnu"
    say "building a static cos-mock for $target"
    RUSTFLAGS='-C target-feature=+crt-static' CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" \
        cargo build --release --locked --bin cos-mock --target "$target" >&2
    BINARY="target/$target/release/cos-mock"
    ldd "$BINARY" 2>&1 | grep -Eq 'not a dynamic executable|statically linked' \
        || fail "$BINARY is not statically linked: $(ldd "$BINARY" 2>&1 | head -3)"
    cp "$BINARY" "$WORK/cos-mock"
}

build_image() {
    say "buildah bud -> $TAG"
    # --format docker: the OCI image format has no HEALTHCHECK.
    "${BUILDAH[@]}" bud --isolation chroot --format docker --quiet \
        -f "$ROOT/scripts/Dockerfile.local" -t "$TAG" "$WORK" >"$WORK/bud.log" 2>&1 \
        || { cat "$WORK/bud.log" >&2; fail "buildah bud failed (log above)"; }
    CONTAINER=$("${BUILDAH[@]}" from --quiet "$TAG" 2>&1) || fail "buildah from: $CONTAINER"
}

check_config() {
    local got want
    # Go's default formatting (buildah 1.28 templates have no `json`).
    got=$("${BUILDAH[@]}" inspect --type image --format \
        '{{.Docker.Config.User}}|{{.Docker.Config.Entrypoint}}|{{.Docker.Config.Healthcheck.Test}}|{{.Docker.Config.ExposedPorts}}' \
        "$TAG" 2>&1) || fail "buildah inspect: $got"
    want='65534:65534|[/cos-mock]|[CMD /cos-mock healthcheck]|map[9400/tcp:{}]'
    [[ "$got" == "$want" ]] || fail "image config: got $got, want $want"
    got=$("${BUILDAH[@]}" inspect --type image --format '{{.Docker.Config.Env}}' "$TAG" 2>&1) || fail "buildah inspect: $got"
    [[ " ${got//[\[\]]/ } " == *" COS_MOCK_LISTEN=0.0.0.0:9400 "* ]] || fail "image env lacks COS_MOCK_LISTEN=0.0.0.0:9400: $got"
}


check_version() {
    local out
    out=$(timeout 30 "${RUN_IN[@]}" "$CONTAINER" -- /cos-mock --version 2>&1) || fail "/cos-mock --version in the image: $out"
    [[ "$out" == "cos-mock "* ]] || fail "/cos-mock --version printed: $out"
    VERSION=$out
}

# Starts the server in the image on 127.0.0.1:0 and sets PORT from its ready line.
start_server() {
    "${RUN_IN[@]}" --env COS_MOCK_LISTEN=127.0.0.1:0 "$CONTAINER" -- /cos-mock >"$WORK/server.log" 2>&1 &
    RUN_PID=$!
    local line=""
    for _ in $(seq 100); do
        line=$(grep -m1 '^cos-mock ready on http://' "$WORK/server.log" || true)
        [[ -n "$line" ]] && break
        kill -0 "$RUN_PID" 2>/dev/null || break
        sleep 0.1
    done
    [[ -n "$line" ]] || { cat "$WORK/server.log" >&2; fail "no ready line from the server in the image"; }
    ADDR=${line#cos-mock ready on http://}
    PORT=${ADDR##*:}
}

# The in-image server: the `cos-mock` process below our `buildah run`.
server_pid() {
    local pids=("$RUN_PID") pid child
    while ((${#pids[@]})); do
        pid=${pids[0]}
        pids=("${pids[@]:1}")
        [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == cos-mock ]] && { echo "$pid"; return; }
        for child in $(ps -o pid= --ppid "$pid"); do pids+=("$child"); done
    done
}

check_server() {
    local pid uid body
    pid=$(server_pid)
    [[ -n "$pid" ]] || fail "cannot find the server process"
    uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
    [[ "$uid" == 65534 ]] || fail "the server runs as uid $uid, want 65534"
    if command -v curl >/dev/null; then
        body=$(curl -fsS -m 5 "http://$ADDR/_cos-mock/health") || fail "GET /_cos-mock/health from the host failed"
        [[ "$body" == '{"status":"ok"}' ]] || fail "health answered $body"
    fi
    # The image's HEALTHCHECK as Docker runs it (no --url: the listen address comes from the env).
    timeout 30 "${RUN_IN[@]}" --env "COS_MOCK_LISTEN=0.0.0.0:$PORT" "$CONTAINER" -- /cos-mock healthcheck >&2 \
        || fail "the image's HEALTHCHECK command failed against a running server"
    timeout 30 "${RUN_IN[@]}" "$CONTAINER" -- /cos-mock healthcheck --url "http://127.0.0.1:$PORT" >&2 \
        || fail "/cos-mock healthcheck --url failed against a running server"
}

stop_server() {
    [[ -n "$RUN_PID" ]] || return 0
    local pid
    pid=$(server_pid)
    [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$RUN_PID" 2>/dev/null && kill -KILL "$RUN_PID" 2>/dev/null
    wait "$RUN_PID" 2>/dev/null || true
    RUN_PID=""
}

check_health_fails_when_down() {
    if timeout 30 "${RUN_IN[@]}" "$CONTAINER" -- /cos-mock healthcheck --url "http://127.0.0.1:$PORT" >/dev/null 2>&1; then
        fail "healthcheck succeeded with the server stopped"
    fi
}

ensure_buildah
# Can buildah work here at all? (No daemon is needed, but its storage must be usable.)
"${BUILDAH[@]}" images >/dev/null 2>"$WORK/probe.log" || skip "buildah cannot run here: $(head -1 "$WORK/probe.log")"
check_in_sync
build_static_binary
build_image
check_config
check_version
start_server
check_server
stop_server
check_health_fails_when_down
echo "image-check: PASS ($VERSION, static $(du -h "$WORK/cos-mock" | cut -f1), FROM scratch, uid 65534, health ok on 127.0.0.1:$PORT)"
