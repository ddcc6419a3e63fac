#!/usr/bin/env bash
# Builds the Dockerfile into a local image without a Docker engine: buildah with chroot isolation
# and vfs storage (scripts/image/lib.sh), FROM the local base make-base.sh makes (NODE_IMAGE), as
# root. No layer cache: in vfs every cached layer is a full copy, slower to write than the build
# it saves; npm's download cache (the Dockerfile's cache mount) is kept. Prints its size (the
# line "build.sh: <image> is N MB ...", which CI's log shows) and the image name on its last line.
#   bash scripts/image/build.sh              # -> localhost/jit-watcher:dev
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/image/lib.sh
image_require buildah podman

base="$(bash scripts/image/make-base.sh | tail -n 1)"
old="$(podman image inspect --format '{{.Id}}' "$JIT_IMAGE" 2>/dev/null || true)"
started=$SECONDS
# docker format: OCI images have no HEALTHCHECK. --pull=never: the base is local, no registry.
buildah build --quiet --isolation chroot --format docker --layers=false --pull=never \
  --build-arg NODE_IMAGE="$base" -t "$JIT_IMAGE" -f Dockerfile . >/dev/null
new="$(podman image inspect --format '{{.Id}}' "$JIT_IMAGE")"
# vfs keeps every image as a full copy: the one this build replaced goes.
if [ -n "$old" ] && [ "$old" != "$new" ]; then
  buildah rmi "$old" >/dev/null 2>&1 || true
  buildah rmi --prune >/dev/null 2>&1 || true
fi
image_log "$JIT_IMAGE is $(image_size_mb "$JIT_IMAGE") (base $base $(image_size_mb "$base")), built in $((SECONDS - started)) s"
echo "$JIT_IMAGE"
