# cos-mock image: a static binary in an empty (FROM scratch) image, non-root, listening on 0.0.0.0:9400.
#
#   docker build -t cos-mock .
#   docker run --rm -p 9400:9400 cos-mock
#   docker run --rm -p 8080:8080 cos-mock --listen 0.0.0.0:8080    # the HEALTHCHECK follows the flag
#
# The HEALTHCHECK runs `cos-mock healthcheck`, which probes the server's listen address: COS_MOCK_LISTEN
# (the container's environment) or a --listen given to the server (read from the container's first
# process, /proc/1/cmdline; also under `docker run --init`).
#
# Build arguments: VERSION and SOURCE (OCI labels; the release workflow sets them), RUST_IMAGE (the
# builder's base image).
#
# The final stage is mirrored by scripts/Dockerfile.local (used by scripts/image-check.sh to build the
# same image from a binary built on the host); scripts/image-check.sh fails if the two drift apart.

ARG RUST_IMAGE=rust:1-bookworm

FROM ${RUST_IMAGE} AS builder
WORKDIR /src
# Statically linked against glibc: every dependency is pure Rust, so nothing needs NSS or dlopen.
# The target is named explicitly (below) so RUSTFLAGS do not reach build scripts and proc-macros.
ENV RUSTFLAGS='-C target-feature=+crt-static'
# The dependency-cache layer: the manifests with stub sources, so the dependencies are compiled in a
# layer that is reused until Cargo.toml or Cargo.lock change.
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src/bin \
 && echo 'fn main() {}' > src/main.rs \
 && echo 'fn main() {}' > src/bin/bench.rs \
 && touch src/lib.rs \
 && cargo build --release --locked --bin cos-mock --target "$(uname -m)-unknown-linux-gnu" \
 && rm -rf src
COPY src src
# `touch`: COPY keeps the sources' modification times, older than the stubs' build, and cargo would
# then keep the stub binary. The version check below also catches that (the stub prints nothing).
RUN target="$(uname -m)-unknown-linux-gnu" \
 && touch src/main.rs src/lib.rs \
 && cargo build --release --locked --bin cos-mock --target "$target" \
 && mkdir -p /out/tmp \
 && chmod 1777 /out/tmp \
 && cp "target/$target/release/cos-mock" /out/cos-mock \
 && ldd /out/cos-mock 2>&1 | grep -Eq 'not a dynamic executable|statically linked' \
 && /out/cos-mock --version | grep -q '^cos-mock '

FROM scratch
ARG VERSION=0.1.0
ARG SOURCE=https://github.com/your-org/cos-mock
LABEL org.opencontainers.image.title="cos-mock" \
      org.opencontainers.image.description="A local Tencent Cloud COS (and Alibaba Cloud OSS) server for integration tests" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0"
# /cos-mock, and /tmp (mode 1777: e.g. for --tls-cert-out /tmp/ca.pem).
COPY --from=builder /out/ /
USER 65534:65534
ENV COS_MOCK_LISTEN=0.0.0.0:9400
EXPOSE 9400
HEALTHCHECK --interval=10s --timeout=5s --start-period=2s --retries=3 CMD ["/cos-mock","healthcheck"]
ENTRYPOINT ["/cos-mock"]
