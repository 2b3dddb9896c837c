#!/usr/bin/env bash
# Image check: builds the FROM scratch image with buildah (no Docker engine) and runs it.
#
#   scripts/image-check.sh              the final stage, from a host-built static binary (scripts/Dockerfile.local)
#   scripts/image-check.sh --builder    also the whole ./Dockerfile, builder stage included (or COS_MOCK_IMAGE_BUILDER=1)
#
# Steps: install buildah if missing (root, apt-get); check scripts/Dockerfile.local still mirrors the final
# stage of ./Dockerfile; build cos-mock statically (glibc, crt-static); `buildah bud` the image; check its
# config (user, env, port, entrypoint, HEALTHCHECK, OCI labels, /tmp mode 1777); run `/cos-mock --version`
# in it (it must match the version label and Cargo.toml); start the server in it on 127.0.0.1 (a free port)
# with its TLS CA written to /tmp, check GET /_cos-mock/health from the host and the image's own HEALTHCHECK
# command from inside; stop it; then run the server as PID 1 of a PID namespace (as in a container) with
# `--listen` as an argument and COS_MOCK_LISTEN pointing elsewhere, and check the HEALTHCHECK command (same
# environment, no arguments) follows the flag; remove the containers and the images.
#
# --builder builds ./Dockerfile as `docker build` would, from COS_MOCK_RUST_IMAGE (default rust:1-bookworm;
# the build fetches crates from crates.io) and runs the same checks on the result. It is opt-in: it
# compiles every dependency in release mode (2 minutes on 2 idle cores, 10 on busy ones) and needs ~3 GB
# in buildah's vfs storage while it runs. When rust:1-bookworm cannot be pulled (no registry but crates.io
# here), scripts/rust-image-from-host.sh makes a stand-in base from this Debian host's own toolchain and
# packages (kept as localhost/cos-mock-rust-host:bookworm for the next run).
#
# Prints `image-check: PASS` and exits 0, or `image-check: FAIL: why` and exits 1. Only when buildah cannot
# be installed or cannot run at all here does it print `image-check: SKIPPED: why` and exit 0 (and with
# --builder, when no base image can be had, `builder stage SKIPPED: why` in the PASS line).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILDER=${COS_MOCK_IMAGE_BUILDER:-0}
for arg in "$@"; do
    case "$arg" in
        --builder) BUILDER=1 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "image-check: unknown argument $arg (--builder, --help)" >&2; exit 2 ;;
    esac
done
RUST_IMAGE=${COS_MOCK_RUST_IMAGE:-docker.io/library/rust:1-bookworm}
BUILDAH=(buildah --storage-driver vfs)
# buildah run with chroot isolation, on the host's network (no network namespace is made).
RUN_IN=("${BUILDAH[@]}" run --isolation chroot --network host)
TAG_BASE="localhost/cos-mock:image-check-$$"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cos-mock-image-check.XXXXXX")
TAGS=()
CONTAINERS=()
CONTAINER=""
RUN_PID=""
PID1_PID=""

say() { echo "image-check: $*" >&2; }
fail() { echo "image-check: FAIL: $*"; exit 1; }
skip() { echo "image-check: SKIPPED: $*"; exit 0; }

cleanup() {
    stop_server || true
    stop_pid1_server || true
    local c t
    for c in "${CONTAINERS[@]}"; do "${BUILDAH[@]}" rm "$c" >/dev/null 2>&1 || true; done
    for t in "${TAGS[@]}"; do "${BUILDAH[@]}" rmi "$t" >/dev/null 2>&1 || true; done
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

cargo_version() { sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1; }

# The context of scripts/Dockerfile.local: the binary and an empty /tmp (mode 1777; `COPY . /` keeps it).
build_static_binary() {
    local target
    target="$(uname -m)-unknown-linux-gnu"
    say "building a static cos-mock for $target"
    RUSTFLAGS='-C target-feature=+crt-static' CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" \
        cargo build --release --locked --bin cos-mock --target "$target" >&2
    BINARY="target/$target/release/cos-mock"
    ldd "$BINARY" 2>&1 | grep -Eq 'not a dynamic executable|statically linked' \
        || fail "$BINARY is not statically linked: $(ldd "$BINARY" 2>&1 | head -3)"
    mkdir -p "$WORK/context/tmp"
    chmod 1777 "$WORK/context/tmp"
    cp "$BINARY" "$WORK/context/cos-mock"
}

# bud FILE CONTEXT TAG [ARGS...]: builds the image and makes a working container of it (CONTAINER).
bud() {
    local file=$1 context=$2 tag=$3
    shift 3
    say "buildah bud -f ${file#"$ROOT"/} -> $tag"
    TAGS+=("$tag")
    # --format docker: the OCI image format has no HEALTHCHECK.
    "${BUILDAH[@]}" bud --isolation chroot --format docker --quiet "$@" \
        -f "$file" -t "$tag" "$context" >"$WORK/bud.log" 2>&1 \
        || { tail -40 "$WORK/bud.log" >&2; fail "buildah bud -f ${file#"$ROOT"/} failed (log above)"; }
    CONTAINER=$("${BUILDAH[@]}" from --quiet "$tag" 2>&1) || fail "buildah from: $CONTAINER"
    CONTAINERS+=("$CONTAINER")
    MNT=$("${BUILDAH[@]}" mount "$CONTAINER" 2>&1) || fail "buildah mount: $MNT"
}

check_config() {
    local tag=$1 got want
    # Go's default formatting (buildah 1.28 templates have no `json`).
    got=$("${BUILDAH[@]}" inspect --type image --format \
        '{{.Docker.Config.User}}|{{.Docker.Config.Entrypoint}}|{{.Docker.Config.Healthcheck.Test}}|{{.Docker.Config.ExposedPorts}}' \
        "$tag" 2>&1) || fail "buildah inspect: $got"
    want='65534:65534|[/cos-mock]|[CMD /cos-mock healthcheck]|map[9400/tcp:{}]'
    [[ "$got" == "$want" ]] || fail "image config: got $got, want $want"
    got=$("${BUILDAH[@]}" inspect --type image --format '{{.Docker.Config.Env}}' "$tag" 2>&1) || fail "buildah inspect: $got"
    [[ " ${got//[\[\]]/ } " == *" COS_MOCK_LISTEN=0.0.0.0:9400 "* ]] || fail "image env lacks COS_MOCK_LISTEN=0.0.0.0:9400: $got"
    local key
    for key in title description version source licenses; do
        got=$(label "$tag" "org.opencontainers.image.$key")
        [[ -n "$got" ]] || fail "image has no label org.opencontainers.image.$key"
    done
    [[ "$(label "$tag" org.opencontainers.image.licenses)" == "$(sed -n 's/^license = "\(.*\)"$/\1/p' Cargo.toml)" ]] \
        || fail "licence label $(label "$tag" org.opencontainers.image.licenses) is not Cargo.toml's"
    [[ "$(stat -c %a "$MNT/tmp" 2>&1)" == 1777 ]] || fail "/tmp in the image: $(stat -c %a "$MNT/tmp" 2>&1), want mode 1777"
}

label() { "${BUILDAH[@]}" inspect --type image --format "{{index .Docker.Config.Labels \"$2\"}}" "$1"; }

check_version() {
    local tag=$1 out
    out=$(timeout 30 "${RUN_IN[@]}" "$CONTAINER" -- /cos-mock --version 2>&1) || fail "/cos-mock --version in the image: $out"
    [[ "$out" == "cos-mock "* ]] || fail "/cos-mock --version printed: $out"
    VERSION=$out
    [[ "$out" == "cos-mock $(cargo_version)" ]] || fail "the image's binary is $out, Cargo.toml says $(cargo_version)"
    [[ "$(label "$tag" org.opencontainers.image.version)" == "$(cargo_version)" ]] \
        || fail "version label $(label "$tag" org.opencontainers.image.version) is not Cargo.toml's $(cargo_version) (ARG VERSION in Dockerfile and scripts/Dockerfile.local)"
}

# Waits for the ready line in LOG while PID lives; sets ADDR and PORT.
wait_ready() {
    local log=$1 pid=$2 line=""
    for _ in $(seq 100); do
        line=$(grep -m1 '^cos-mock ready on http://' "$log" || true)
        [[ -n "$line" ]] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [[ -n "$line" ]] || { cat "$log" >&2; fail "no ready line from the server in the image"; }
    ADDR=${line#cos-mock ready on http://}
    PORT=${ADDR##*:}
}

# Starts the server in the image on 127.0.0.1:0 and sets PORT from its ready line; its TLS listener writes
# the local CA to /tmp (the image's writable /tmp, as uid 65534).
start_server() {
    "${RUN_IN[@]}" --env COS_MOCK_LISTEN=127.0.0.1:0 --env COS_MOCK_TLS_LISTEN=127.0.0.1:0 \
        --env COS_MOCK_TLS_CERT_OUT=/tmp/cos-mock-ca.pem "$CONTAINER" -- /cos-mock >"$WORK/server.log" 2>&1 &
    RUN_PID=$!
    wait_ready "$WORK/server.log" "$RUN_PID"
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
    HEALTH_ADDR=$ADDR
    pid=$(server_pid)
    [[ -n "$pid" ]] || fail "cannot find the server process"
    uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
    [[ "$uid" == 65534 ]] || fail "the server runs as uid $uid, want 65534"
    [[ "$(stat -c %u "$MNT/tmp/cos-mock-ca.pem" 2>&1)" == 65534 ]] \
        || fail "the server (uid 65534) could not write /tmp/cos-mock-ca.pem: $(tail -3 "$WORK/server.log")"
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

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# As in a container: the server is PID 1 of its own PID namespace (unshare), started with `--listen` as an
# argument while COS_MOCK_LISTEN names a closed port; the HEALTHCHECK command, run in that namespace with
# the same environment and no arguments, must find the flag (from /proc/1/cmdline). Needs root (unshare,
# nsenter); otherwise this one check is skipped (PID1_NOTE says so).
check_healthcheck_follows_listen_flag() {
    local port env=(env -i COS_MOCK_LISTEN=127.0.0.1:1 COS_MOCK_LOG=warn) as_nobody
    as_nobody=("$(command -v chroot)" --userspec=65534:65534 "$MNT")
    if [[ $(id -u) -ne 0 ]] || ! command -v unshare >/dev/null || ! command -v nsenter >/dev/null \
        || ! unshare --pid --fork --mount-proc true 2>/dev/null; then
        PID1_NOTE="healthcheck-follows---listen SKIPPED (needs root, unshare and nsenter)"
        return
    fi
    port=$(free_port)
    mkdir -p "$MNT/proc"
    unshare --pid --fork --mount --mount-proc="$MNT/proc" \
        "${env[@]}" "${as_nobody[@]}" /cos-mock --listen "127.0.0.1:$port" >"$WORK/pid1.log" 2>&1 &
    PID1_PID=$!
    wait_ready "$WORK/pid1.log" "$PID1_PID"
    [[ "$PORT" == "$port" ]] || fail "the PID 1 server listens on $ADDR, want port $port"
    local server
    server=$(ps -o pid= --ppid "$PID1_PID" | tr -d ' ')
    [[ "$(awk '/^NSpid:/ {print $NF}' "/proc/$server/status")" == 1 ]] || fail "the server is not PID 1 of its namespace"
    timeout 30 nsenter --target "$server" --pid --mount "${env[@]}" "${as_nobody[@]}" /cos-mock healthcheck >&2 \
        || fail "with the server's --listen as an argument (PID 1), the HEALTHCHECK command did not find it"
    # Outside that namespace PID 1 is no cos-mock server: the same command probes COS_MOCK_LISTEN and fails.
    if timeout 30 "${env[@]}" "${as_nobody[@]}" /cos-mock healthcheck >/dev/null 2>&1; then
        fail "the HEALTHCHECK command succeeded outside the server's PID namespace (it should probe 127.0.0.1:1)"
    fi
    stop_pid1_server
    PID1_NOTE="healthcheck follows --listen (server as PID 1)"
}

stop_pid1_server() {
    [[ -n "$PID1_PID" ]] || return 0
    kill -TERM "$(ps -o pid= --ppid "$PID1_PID" | tr -d ' ')" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$PID1_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$PID1_PID" 2>/dev/null && kill -KILL "$PID1_PID" 2>/dev/null
    wait "$PID1_PID" 2>/dev/null || true
    PID1_PID=""
}

# Every check on one built image (CONTAINER and MNT set by bud).
check_image() {
    local tag=$1
    check_config "$tag"
    check_version "$tag"
    start_server
    check_server
    stop_server
    check_health_fails_when_down
    check_healthcheck_follows_listen_flag
}

# --builder: ./Dockerfile as `docker build` builds it. Sets BUILDER_NOTE.
check_builder() {
    if ! "${BUILDAH[@]}" inspect --type image "$RUST_IMAGE" >/dev/null 2>&1; then
        say "pulling $RUST_IMAGE"
        if ! timeout 900 "${BUILDAH[@]}" pull --quiet "$RUST_IMAGE" >"$WORK/pull.log" 2>&1; then
            tail -3 "$WORK/pull.log" >&2
            if [[ -n "${COS_MOCK_RUST_IMAGE:-}" ]]; then
                BUILDER_NOTE="builder stage SKIPPED: cannot pull $RUST_IMAGE here (log above)"
                return
            fi
            say "cannot pull $RUST_IMAGE (log above): making a stand-in from this host's toolchain"
            if ! RUST_IMAGE=$(scripts/rust-image-from-host.sh); then
                BUILDER_NOTE="builder stage SKIPPED: cannot pull rust:1-bookworm here, nor make a stand-in (scripts/rust-image-from-host.sh, above)"
                return
            fi
        fi
    fi
    local started=$SECONDS
    say "building ./Dockerfile (builder stage from $RUST_IMAGE; release build of every dependency: 2-10 minutes)"
    bud "$ROOT/Dockerfile" "$ROOT" "$TAG_BASE-builder" --network host --build-arg "RUST_IMAGE=$RUST_IMAGE"
    check_image "$TAG_BASE-builder"
    BUILDER_NOTE="builder stage built from $RUST_IMAGE in $((SECONDS - started)) s and checked"
}

ensure_buildah
# Can buildah work here at all? (No daemon is needed, but its storage must be usable.)
"${BUILDAH[@]}" images >/dev/null 2>"$WORK/probe.log" || skip "buildah cannot run here: $(head -1 "$WORK/probe.log")"
check_in_sync
build_static_binary
bud "$ROOT/scripts/Dockerfile.local" "$WORK/context" "$TAG_BASE"
check_image "$TAG_BASE"
SUMMARY="$VERSION, static $(du -h "$WORK/context/cos-mock" | cut -f1), FROM scratch, uid 65534, /tmp 1777, labels, health ok on $HEALTH_ADDR, $PID1_NOTE"
BUILDER_NOTE="builder stage not built (opt-in: --builder)"
if [[ "$BUILDER" == 1 ]]; then check_builder; fi
echo "image-check: PASS ($SUMMARY; $BUILDER_NOTE)"
