# cos-mock image: a static binary in an empty (FROM scratch) image, non-root, listening on 0.0.0.0:9400.
#
#   docker build -t cos-mock .
#   docker run --rm -p 9400:9400 cos-mock
#
# The final stage is mirrored by scripts/Dockerfile.local (used by scripts/image-check.sh to build the
# same image from a binary built on the host); scripts/image-check.sh fails if the two drift apart.

FROM rust:1-bookworm AS builder
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
# Statically linked against glibc: every dependency is pure Rust, so nothing needs NSS or dlopen.
# The target is named explicitly so RUSTFLAGS do not reach build scripts and proc-macros.
RUN target="$(uname -m)-unknown-linux-gnu" \
 && RUSTFLAGS='-C target-feature=+crt-static' \
    cargo build --release --locked --bin cos-mock --target "$target" \
 && mkdir -p /out \
 && cp "target/$target/release/cos-mock" /out/cos-mock \
 && ldd /out/cos-mock 2>&1 | grep -Eq 'not a dynamic executable|statically linked' \
 && /out/cos-mock --version

FROM scratch
COPY --from=builder /out/cos-mock /cos-mock
USER 65534:65534
ENV COS_MOCK_LISTEN=0.0.0.0:9400
EXPOSE 9400
HEALTHCHECK --interval=10s --timeout=5s --start-period=2s --retries=3 CMD ["/cos-mock","healthcheck"]
ENTRYPOINT ["/cos-mock"]
