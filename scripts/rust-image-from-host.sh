#!/usr/bin/env bash
# Makes a stand-in for the Dockerfile's builder base (rust:1-bookworm) from this Debian host, for machines
# that reach crates.io but no container registry: the host's Rust toolchain (rustup's active one, without
# its docs) and the Debian packages the builder stage uses (gcc, libc6-dev, binutils, dash, bash, coreutils,
# grep, ca-certificates, with their dependencies), copied into a `FROM scratch` image with buildah.
# Prints the image's name, for:
#
#   COS_MOCK_RUST_IMAGE=$(scripts/rust-image-from-host.sh) scripts/image-check.sh --builder
#
# Needs root, buildah, dpkg and rustup's toolchain; about 1.3 GB in buildah's vfs storage. The image is
# kept (made again only when missing, or with --force); remove it with
# `buildah --storage-driver vfs rmi localhost/cos-mock-rust-host:bookworm`.
set -euo pipefail

TAG=localhost/cos-mock-rust-host:bookworm
BUILDAH=(buildah --storage-driver vfs)
PACKAGES=(gcc libc6-dev binutils dash bash coreutils findutils grep sed ca-certificates libc-bin base-files)

say() { echo "rust-image-from-host: $*" >&2; }
die() { say "$*"; exit 1; }

if [[ "${1:-}" != --force ]] && "${BUILDAH[@]}" inspect --type image "$TAG" >/dev/null 2>&1; then
    echo "$TAG"
    exit 0
fi
[[ $(id -u) -eq 0 ]] || die "needs root (buildah mount)"
command -v dpkg-query >/dev/null || die "needs a Debian host (dpkg)"
grep -q 'VERSION_CODENAME=bookworm' /etc/os-release || say "warning: not Debian bookworm, as rust:1-bookworm is"
SYSROOT=$(rustc --print sysroot) || die "needs rustc (rustup)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cos-mock-rust-image.XXXXXX")
CONTAINER=""
cleanup() {
    if [[ -n "$CONTAINER" ]]; then "${BUILDAH[@]}" rm "$CONTAINER" >/dev/null 2>&1 || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# The installed packages PACKAGES need (Depends and Pre-Depends, recursively).
closure() {
    local -A seen=()
    local queue=("$@") pkg dep
    while ((${#queue[@]})); do
        pkg=${queue[0]}
        queue=("${queue[@]:1}")
        [[ -n "${seen[$pkg]:-}" ]] && continue
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || continue
        seen[$pkg]=1
        for dep in $(dpkg-query -W -f='${Depends}, ${Pre-Depends}' "$pkg" | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/:any//' | tr -d ' '); do
            [[ -n "$dep" ]] && queue+=("$dep")
        done
    done
    printf '%s\n' "${!seen[@]}"
}

say "collecting the files of $(closure "${PACKAGES[@]}" | wc -l) packages"
# Each file at its canonical place (/bin/x is /usr/bin/x on a merged-/usr system); directories are made
# by tar.
closure "${PACKAGES[@]}" | xargs dpkg-query -L 2>/dev/null | while read -r path; do
    [[ -f "$path" || -L "$path" ]] || continue
    echo "$(readlink -f "$(dirname "$path")")/$(basename "$path")"
done | sed 's|^/||' | sort -u >"$WORK/files"
say "$(wc -l <"$WORK/files") files, and the toolchain at $SYSROOT"

CONTAINER=$("${BUILDAH[@]}" from --quiet scratch)
ROOTFS=$("${BUILDAH[@]}" mount "$CONTAINER")
tar -C / --no-recursion -cf - -T "$WORK/files" 2>/dev/null | tar -C "$ROOTFS" -xf -
# cc is an alternative (update-alternatives), listed by no package.
ln -sfn gcc "$ROOTFS/usr/bin/cc"
for dir in bin sbin lib lib64; do
    [[ -L "/$dir" ]] && ln -sfn "$(readlink "/$dir")" "$ROOTFS/$dir"
done
mkdir -p "$ROOTFS/usr/local/rust" "$ROOTFS/tmp" "$ROOTFS/root" "$ROOTFS/etc/ssl/certs"
chmod 1777 "$ROOTFS/tmp"
tar -C "$SYSROOT" --exclude=./share -cf - . | tar -C "$ROOTFS/usr/local/rust" -xf -
# ca-certificates' bundle is made by its postinst, not shipped: copy the host's.
cp -L /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/"
cp /etc/nsswitch.conf /etc/passwd /etc/group "$ROOTFS/etc/" 2>/dev/null || true
"${BUILDAH[@]}" config --env PATH=/usr/local/rust/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env CARGO_HOME=/usr/local/cargo --workingdir / "$CONTAINER"
"${BUILDAH[@]}" rmi "$TAG" >/dev/null 2>&1 || true
"${BUILDAH[@]}" commit --quiet --format docker "$CONTAINER" "$TAG" >/dev/null
say "made $TAG ($(du -sh "$ROOTFS" | cut -f1))"
echo "$TAG"
