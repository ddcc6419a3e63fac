#!/usr/bin/env bash
# Makes the pinned Temporal CLI (which contains the dev server and Web UI) available, building it
# with `go install` from the Go module proxy when it is not already on the machine. `npm test` and
# `npm run demo` run it first (the pretest / predemo scripts), so a fresh clone needs no separate
# step; nothing else ever fetches the CLI, and a CLI already built returns at once.
# Prints the path of the binary on its last line (progress goes to stderr).
set -euo pipefail

VERSION="1.5.1" # later tags use a replace directive and cannot be `go install`ed
FIRST_BUILD="about 4 minutes the first time" # measured on a 2-core machine with empty Go caches
SERVER_VERSION="1.29.1" # the server inside CLI 1.5.1
gobin="$(go env GOBIN 2>/dev/null || true)"
[ -n "$gobin" ] || gobin="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"

# `go install` builds report "0.0.0-DEV (Server 1.29.1, ...)"; release builds report the CLI version.
matches() { [ -x "$1" ] && "$1" --version 2>/dev/null | grep -Eq "temporal version $VERSION|Server $SERVER_VERSION"; }

for candidate in "${TEMPORAL_CLI:-}" "$gobin/temporal" "$(command -v temporal || true)"; do
  if [ -n "$candidate" ] && matches "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

if ! command -v go >/dev/null 2>&1; then
  echo "install-cli: Go is not installed; install Go >= 1.25 or set TEMPORAL_CLI to a temporal $VERSION binary" >&2
  exit 1
fi
echo "install-cli: building the Temporal CLI $VERSION with go install: $FIRST_BUILD" >&2
started=$SECONDS
go install "github.com/temporalio/cli/cmd/temporal@v$VERSION" >&2
echo "install-cli: built $gobin/temporal in $((SECONDS - started)) s" >&2
echo "$gobin/temporal"
