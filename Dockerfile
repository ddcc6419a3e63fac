# syntax=docker/dockerfile:1
# The jit-watcher image: compiled JavaScript, production dependencies and the .proto files, run by
# a non-root user. Debian, not Alpine: Temporal's core bridge ships glibc builds only. The image
# has no Temporal CLI, so it needs a Temporal frontend (JIT_WATCHER_TEMPORAL_ADDRESS). Node 24 LTS:
# CI runs the whole suite on it (Node 20 reached end of life on 2026-04-30).
#   docker build -t jit-watcher .
# Without a Docker engine (as CI builds and runs it): scripts/image/build.sh, with buildah.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so a source change does not reinstall them. proto/ comes with them: npm ci
# runs `prepare`, which generates the wire types (src/teleport/generated) from it.
COPY package.json package-lock.json ./
COPY proto ./proto
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
# `npm run build` ends with this script (the prebuilt workflow bundle); it is the only one it runs.
COPY scripts/bundle-workflows.ts ./scripts/
COPY src ./src
# tsx (and its esbuild) only runs TypeScript sources in development; the image runs dist/.
# Node never loads TypeScript or source maps from node_modules: the packages' .ts sources,
# declarations and maps (a third of node_modules) stay out too.
# The core bridge ships native builds for five platforms plus its Rust sources: keep the one
# this platform loads (the bridge's own naming, so the two cannot disagree).
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/tsx node_modules/esbuild node_modules/@esbuild \
           node_modules/.bin/tsx node_modules/.bin/esbuild \
 && rm -rf node_modules/@types \
 && find node_modules -type f \( -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.map' \) -delete \
 && bridge=node_modules/@temporalio/core-bridge \
 && target="$(node -p "require('./$bridge/common.js').getPrebuiltTargetName()")" \
 && find "$bridge/releases" -mindepth 1 -maxdepth 1 ! -name "$target" -exec rm -rf {} + \
 && rm -rf "$bridge/sdk-core" \
 && node -e "require('@temporalio/core-bridge')" \
 && node dist/cli/main.js --help >/dev/null

FROM ${NODE_IMAGE}
WORKDIR /app
# The heap cap and two malloc arenas keep the worker near 280 MB at 10,000 open requests, as
# deploy/systemd/jit-watcher.env explains.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=8" \
    MALLOC_ARENA_MAX=2 \
    JIT_WATCHER_METRICS_LISTEN=0.0.0.0:9464
# Owned by root and read-only to the service user: the process cannot alter its own code.
# proto/ sits beside dist/ because dist/teleport/proto.js loads ../../proto.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/proto ./proto
# The base image's "node" user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 9464
# /healthz answers while the process lives; readiness (/readyz) is for orchestrators to route on.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const port = (process.env.JIT_WATCHER_METRICS_LISTEN || '').split(':').pop(); if (!port) process.exit(0); fetch('http://127.0.0.1:' + port + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["run"]
