#!/bin/sh
# Registers jit-watcher's custom search attributes on a self-hosted Temporal cluster; without them
# every sweep's UpsertSearchAttributes fails its workflow task. The embedded dev server registers
# them itself (src/temporal/devServer.ts); docker-compose.yml runs this once; run it by hand for
# any other cluster. Safe to repeat: the server skips attributes that already exist.
#
#   TEMPORAL_ADDRESS=temporal.example.com:7233 TEMPORAL_NAMESPACE=default \
#     sh temporal/register-search-attributes.sh [--create-namespace]
#
# --create-namespace: create the namespace first if it is missing (a fresh server has none; the
# compose stack needs this). TLS and API-key settings are read by the `temporal` CLI itself from
# TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY, TEMPORAL_TLS_CA and TEMPORAL_API_KEY.
# POSIX sh, not bash: temporalio/admin-tools is a small image.
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-localhost:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
ATTEMPTS="${REGISTER_ATTEMPTS:-60}" # a fresh server needs about a minute (schema, then ringpop)
DELAY_S=2

# Name=Type, exactly as SEARCH_ATTRIBUTE_REGISTRATIONS in src/temporal/searchAttributes.ts;
# test/unit/deploy/manifests.test.ts fails when the two lists differ.
ATTRIBUTES='
JitUsers=KeywordList
JitRequestIds=KeywordList
JitActions=KeywordList
JitDryRun=Bool
JitShadowDisagreements=Int
'

create_namespace=false
for arg in "$@"; do
  case "$arg" in
    --create-namespace) create_namespace=true ;;
    *)
      echo "register-search-attributes: unknown argument $arg; usage: $0 [--create-namespace]" >&2
      exit 2
      ;;
  esac
done

log() { echo "register-search-attributes: $*" >&2; }

# Runs "$@" until it succeeds: the server may still be starting, and a namespace created a moment
# ago is not visible to every frontend until its namespace cache refreshes (about 10 s).
retry() {
  what="$1"
  shift
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$ATTEMPTS" ]; then
      log "gave up: $what still failing after $attempt attempts against $ADDRESS"
      return 1
    fi
    log "$what not possible yet (attempt $attempt/$ATTEMPTS); retrying in ${DELAY_S}s"
    attempt=$((attempt + 1))
    sleep "$DELAY_S"
  done
}

ensure_namespace() {
  temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1 ||
    temporal operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE"
}

retry "reaching the Temporal frontend" temporal operator cluster health --address "$ADDRESS"
if [ "$create_namespace" = true ]; then
  retry "creating namespace $NAMESPACE" ensure_namespace
fi
registered=''
for attribute in $ATTRIBUTES; do
  name="${attribute%%=*}"
  type="${attribute#*=}"
  retry "registering $name ($type)" temporal operator search-attribute create \
    --address "$ADDRESS" --namespace "$NAMESPACE" --name "$name" --type "$type"
  registered="$registered $name"
done
log "registered in namespace $NAMESPACE on $ADDRESS:$registered"
