#!/usr/bin/env bash
# Builds the manifest checker (deploy/helm/check: Kubernetes' own types, k8s.io/api v0.37.2) once
# into a cache outside the repository, keyed by a hash of its go.mod, go.sum and sources, and
# reuses it while they are unchanged. Prints the checker's path on its last line.
#   bash deploy/helm/build-check.sh
set -euo pipefail
cd "$(dirname "$0")/check"

log() { echo "build-check: $*" >&2; }

# The sources count too: a changed rule must not run the previous build.
key="$(cat go.mod go.sum ./*.go | sha256sum | cut -c1-16)"
dir="${JIT_HELM_CHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jit-watcher/helm-check}/$key"
bin="$dir/check"

if [ -x "$bin" ]; then
  log "checker $key already built at $bin"
else
  if ! command -v go >/dev/null 2>&1; then
    log "Go is not installed; install Go >= 1.21 (go.mod names the toolchain it needs)"
    exit 1
  fi
  log "building the checker $key (k8s.io/api from the Go module proxy; a minute the first time)"
  started=$SECONDS
  mkdir -p "$dir"
  # -mod=readonly: go.sum is committed and must already cover every module. GOTOOLCHAIN=auto: the
  # local Go when it meets go.mod's "go 1.26.0" (k8s.io/api's minimum), else the proxy's.
  GOTOOLCHAIN=auto go build -mod=readonly -trimpath -o "$bin.tmp" . >&2
  mv "$bin.tmp" "$bin"
  log "built $bin in $((SECONDS - started)) s"
fi
echo "$bin"
