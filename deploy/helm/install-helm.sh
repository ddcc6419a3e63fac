#!/usr/bin/env bash
# Makes Helm v4 available to deploy/helm/ci.sh: built, pinned, from the Go module proxy with
# `go install` (no other download is reachable from CI), into a folder outside the repository,
# and reused while the built version matches. Prints the helm binary's path on its last line.
#   bash deploy/helm/install-helm.sh
set -euo pipefail

VERSION="4.3.2"
# helm v4.3.2's go.mod asks for Go >= 1.26.0. GOTOOLCHAIN=auto (over a machine's "local"): the
# local Go when it is new enough (1.26.8 here), else the Go proxy's toolchain go.mod names.
GO_NEEDED="1.26.0"
FIRST_BUILD="a few minutes the first time" # 2 cores, empty Go caches; instant once built
MODULE="helm.sh/helm/v4"

log() { echo "install-helm: $*" >&2; }

bindir="${HELM_BIN_DIR:-$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin-helm}"
helm="$bindir/helm"

# A `go install` build reports only "v4.3" from `helm version` (release builds set the rest with
# -ldflags), so the module version recorded in the binary is what tells the pin.
built() {
  [ -x "$helm" ] && go version -m "$helm" 2>/dev/null | grep -qE "^\s+mod\s+$MODULE\s+v$VERSION(\s|$)"
}

if built; then
  log "Helm v$VERSION already built at $helm"
else
  if ! command -v go >/dev/null 2>&1; then
    log "Go is not installed; install Go >= 1.21 (it fetches Go $GO_NEEDED itself if older)"
    exit 1
  fi
  log "building Helm v$VERSION with go install: $FIRST_BUILD"
  started=$SECONDS
  mkdir -p "$bindir"
  GOTOOLCHAIN=auto GOBIN="$bindir" \
    go install "$MODULE/cmd/helm@v$VERSION" >&2
  if ! built; then
    log "built $helm, but it does not report version v$VERSION"
    exit 1
  fi
  log "built $helm in $((SECONDS - started)) s"
fi
echo "$helm"
