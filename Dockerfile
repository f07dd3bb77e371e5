# A small image holding the static xianfeng binary, for site CI (GitLab, Drone, Jenkins...).
#
#   docker build -t xianfeng .
#   docker run --rm -v "$PWD:/site" xianfeng build /site --base-url https://host/jgdj/showcase/
#
# The final stage is alpine rather than scratch: CI runners (GitLab's among them) need a shell
# in the job image. The binary itself is static (musl) and needs nothing from alpine.

FROM rust:1-alpine AS builder
# musl-dev: the C runtime for linking; the crates' C parts (e.g. blake3's SIMD) need a compiler.
RUN apk add --no-cache musl-dev
WORKDIR /src
# xianfeng --version names the commit; .git is not in the build context, so pass it in.
ARG XIANFENG_COMMIT=unknown
ENV XIANFENG_COMMIT=${XIANFENG_COMMIT}
# Dependencies first, so source edits do not refetch crates.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && echo 'fn main() {}' > build.rs && cargo fetch --locked && rm -rf src build.rs
COPY build.rs ./
COPY src ./src
COPY themes ./themes
RUN cargo build --locked --release && strip target/release/xianfeng \
    && ./target/release/xianfeng --version

FROM alpine:3.20
COPY --from=builder /src/target/release/xianfeng /usr/local/bin/xianfeng
WORKDIR /site
ENTRYPOINT ["xianfeng"]
CMD ["--help"]
