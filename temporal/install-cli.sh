#!/usr/bin/env bash
# Makes the pinned Temporal CLI (which contains the dev server and Web UI) available, building it
# with `go install` from the Go module proxy when it is not already on the machine. Nothing is
# downloaded at run or test time: this script is the only place the CLI is fetched.
# Prints the path of the binary on its last line.
set -euo pipefail

VERSION="1.5.1" # later tags use a replace directive and cannot be `go install`ed
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
echo "install-cli: building temporal $VERSION with go install (first build takes a few minutes)..." >&2
go install "github.com/temporalio/cli/cmd/temporal@v$VERSION" >&2
echo "$gobin/temporal"
