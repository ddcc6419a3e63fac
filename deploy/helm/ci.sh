#!/usr/bin/env bash
# The Helm chart's CI: Helm v4 and the manifest checker built and cached (install-helm.sh,
# build-check.sh), `helm lint`, then `helm template` for the default values, the full values
# (ci/full-values.yaml) and those with a tbot sidecar and no PDB or ServiceAccount; each rendering
# is decoded strictly into Kubernetes' own types by the checker, and
# test/unit/deploy/chart.rendered.ts checks what the pods get (no service links, non-root,
# read-only root, a configuration the service loads with the service links Kubernetes would
# add). .ci/run calls it; it needs no cluster.
#   bash deploy/helm/ci.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

CHART=deploy/helm/jit-watcher
RELEASE=jit-watcher

log() { echo "helm-ci: $*"; }

helm="$(bash deploy/helm/install-helm.sh | tail -n 1)"
check="$(bash deploy/helm/build-check.sh | tail -n 1)"
log "helm at $helm, checker at $check"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# The checker itself: an unknown field must fail with one line naming the document and the field.
cat >"$out/bad.yaml" <<'YAML'
# Source: jit-watcher/templates/bad.yaml
apiVersion: v1
kind: Service
metadata: { name: bad }
spec:
  ports: [{ name: metrics, port: 9464, targetPot: metrics }]
YAML
if "$check" <"$out/bad.yaml" >/dev/null 2>"$out/bad.err"; then
  log "the checker accepted a Service with an unknown field"
  exit 1
fi
expected='check: document 1 (jit-watcher/templates/bad.yaml): unknown field "spec.ports[0].targetPot"'
if [ "$(cat "$out/bad.err")" != "$expected" ]; then
  log "the checker said: $(cat "$out/bad.err")"
  log "expected:         $expected"
  exit 1
fi
log "the checker refuses unknown fields: $(cat "$out/bad.err")"

# name, then the arguments that select its values. The third takes the full values with a tbot
# sidecar instead of the Secret, and the branches the others leave on turned off.
renderings=(
  "default"
  "full -f $CHART/ci/full-values.yaml"
  "full-sidecar -f $CHART/ci/full-values.yaml --set teleport.identity.source=sidecar,podDisruptionBudget.enabled=false,serviceAccount.create=false,serviceAccount.name=existing"
)
files=()
for rendering in "${renderings[@]}"; do
  read -r name args <<<"$rendering"
  # shellcheck disable=SC2086 # args holds several words on purpose
  "$helm" lint --strict "$CHART" $args >"$out/lint-$name.log" || {
    cat "$out/lint-$name.log"
    exit 1
  }
  log "helm lint --strict ($name values): ok"
  # shellcheck disable=SC2086
  "$helm" template "$RELEASE" "$CHART" --namespace jit-watcher $args >"$out/$name.yaml"
  "$check" <"$out/$name.yaml" | sed "s/^/helm-ci: $name: /"
  files+=("$out/$name.yaml")
done

# Wrong values stop the rendering (values.schema.json refuses unknown keys and bad choices).
bad_values=(
  "teleport.adress=teleport.example.com:443|additional properties 'adress' not allowed"
  "teleport.identity.source=file|value must be one of 'sidecar', 'secret'"
)
for row in "${bad_values[@]}"; do
  set_arg="${row%%|*}" expected="${row#*|}"
  if "$helm" template "$RELEASE" "$CHART" --set "$set_arg" >/dev/null 2>"$out/bad-values.err"; then
    log "helm template accepted --set $set_arg"
    exit 1
  fi
  grep -qF "$expected" "$out/bad-values.err" || {
    cat "$out/bad-values.err"
    exit 1
  }
  log "--set $set_arg fails the rendering: $expected"
done

# What the pods get, on the rendered objects (a test file npm test does not run: it needs helm).
JIT_CHART_RENDERED="$(IFS=,; echo "${files[*]}")" \
  node --import tsx --test --test-reporter=dot test/unit/deploy/chart.rendered.ts
log "rendered pods checked: ${#files[@]} renderings"
