#!/usr/bin/env bash
# Makes the production Temporal topology available for `npm run test:production` and the benches:
# the Temporal server and its SQL tool built, pinned, from the Go module proxy with `go install`
# (reused while the built version matches), and PostgreSQL from Debian's packages. .ci/run calls
# it; nothing is downloaded at test time. Prints the folder holding `server` and `sql` last.
#   bash temporal/install-server.sh        # or: npm run install-temporal-server
set -euo pipefail

VERSION="1.32.2"             # docker-compose.yml and the Helm chart's values name the same version
TOOLCHAIN="go1.27.3"         # the server needs Go >= 1.26.10; the Go proxy serves this toolchain
FIRST_BUILD="about 8 minutes the first time" # 2 cores, empty Go caches; seconds once cached
MODULE="go.temporal.io/server"

log() { echo "install-server: $*" >&2; }

bindir="${TEMPORAL_SERVER_BIN_DIR:-$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin-server}"

# `server --version` and `sql --version` print "... version 1.32.2" (headers.ServerVersion).
built() { [ -x "$bindir/$1" ] && "$bindir/$1" --version 2>/dev/null | grep -q "version $VERSION"; }

postgres_installed() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }

if ! postgres_installed; then
  if [ "$(id -u)" != 0 ]; then
    log "PostgreSQL is not installed; run as root, or: sudo apt-get install -y postgresql"
    exit 1
  fi
  log "installing PostgreSQL from Debian's packages (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
# Debian's package starts a cluster on :5432 through its service scripts; the tests never use it
# (they make their own on a free port), so an installed-and-running one is simply left alone.

if built server && built sql; then
  log "Temporal server $VERSION already built in $bindir"
else
  if ! command -v go >/dev/null 2>&1; then
    log "Go is not installed; install Go >= 1.21 (it fetches $TOOLCHAIN itself)"
    exit 1
  fi
  log "building the Temporal server $VERSION and its SQL tool with go install: $FIRST_BUILD"
  started=$SECONDS
  mkdir -p "$bindir"
  GOTOOLCHAIN="$TOOLCHAIN" GOBIN="$bindir" go install \
    "$MODULE/cmd/server@v$VERSION" "$MODULE/cmd/tools/sql@v$VERSION" >&2
  log "built $bindir/server and $bindir/sql in $((SECONDS - started)) s"
fi

# The schema files come with the module source `go install` fetched.
schema="$(go env GOMODCACHE)/$MODULE@v$VERSION/schema/postgresql/v12"
if [ ! -d "$schema/temporal/versioned" ]; then
  log "schema missing at $schema; fetching the module source"
  GOTOOLCHAIN="$TOOLCHAIN" go mod download "$MODULE@v$VERSION" >&2
fi
echo "$bindir"
