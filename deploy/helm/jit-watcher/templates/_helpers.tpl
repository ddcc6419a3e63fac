{{/*
Names and labels shared by the templates, and the checks on values that would otherwise fail
only inside a running pod.
*/}}

{{- define "jit-watcher.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name; "jit-watcher" for `helm install jit-watcher`. */}}
{{- define "jit-watcher.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "jit-watcher.selectorLabels" -}}
app.kubernetes.io/name: {{ include "jit-watcher.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: worker
{{- end }}

{{- define "jit-watcher.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "jit-watcher.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "jit-watcher.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "jit-watcher.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name: name an existing service account when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Teleport cluster name a sidecar's projected token is bound to. */}}
{{- define "jit-watcher.clusterName" -}}
{{- default (first (splitList ":" .Values.teleport.address)) .Values.teleport.identity.sidecar.clusterName }}
{{- end }}

{{/* Fails the rendering with one line when values contradict each other. */}}
{{- define "jit-watcher.validate" -}}
{{- $_ := required "teleport.address: set the Teleport proxy address, e.g. teleport.example.com:443" .Values.teleport.address }}
{{- $_ := required "temporal.address: set the Temporal frontend address; the image has no dev server" .Values.temporal.address }}
{{- if not (has .Values.teleport.identity.source (list "sidecar" "secret")) }}
{{- fail (printf "teleport.identity.source: %q is neither sidecar nor secret" .Values.teleport.identity.source) }}
{{- end }}
{{- if eq .Values.teleport.identity.source "secret" }}
{{- $_ := required "teleport.identity.secret.name: name the Secret tbot keeps the identity in" .Values.teleport.identity.secret.name }}
{{- $_ := required "teleport.identity.secret.key: name the key of the identity in that Secret" .Values.teleport.identity.secret.key }}
{{- end }}
{{- range $key := list "teleport" "temporal" "metrics" }}
{{- if hasKey $.Values.config $key }}
{{- fail (printf "config.%s: set %s settings with the chart's %s values, not in config (they would be overridden)" $key $key $key) }}
{{- end }}
{{- end }}
{{- if and .Values.temporal.apiKey.secret (not .Values.temporal.apiKey.key) }}
{{- fail "temporal.apiKey.key: name the key of the API key in that Secret" }}
{{- end }}
{{- end }}

{{/* Whether the connection to Temporal uses TLS (the service turns it on for any TLS setting). */}}
{{- define "jit-watcher.temporalTLS" -}}
{{- if or .Values.temporal.tls.certSecret .Values.temporal.tls.caSecret .Values.temporal.tls.serverName .Values.temporal.apiKey.secret }}true{{ end }}
{{- end }}
