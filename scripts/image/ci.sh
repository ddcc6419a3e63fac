#!/usr/bin/env bash
# CI's image check (.ci/run calls it after the test suites): installs the Debian packages it needs,
# makes or reuses the local base image (make-base.sh; cached on the machine after the first run),
# builds the image from the Dockerfile (build.sh; the log line "build.sh: localhost/jit-watcher:dev
# is N MB ..." is its size) and runs it against the simulated cluster and a Temporal dev server on
# this host (npm run test:image). Runs as root with no stdin; a few minutes once the base is cached.
#   bash scripts/image/ci.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { echo "image: [$((SECONDS / 60))m$((SECONDS % 60))s] $*"; }

PACKAGES=(buildah podman runc mmdebstrap)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
TEMPORAL_CLI="$(bash temporal/install-cli.sh | tail -n 1)"
export TEMPORAL_CLI

step "base image (scripts/image/make-base.sh)"
bash scripts/image/make-base.sh >/dev/null
step "image build (scripts/image/build.sh)"
JIT_IMAGE="$(bash scripts/image/build.sh | tail -n 1)"
export JIT_IMAGE
step "npm run test:image ($JIT_IMAGE against the simulated cluster and a Temporal dev server)"
npm run --silent test:image
step "image done"
