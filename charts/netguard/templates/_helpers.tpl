{{/* Chart name, at most 63 characters. */}}
{{- define "netguard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every resource name: the release name, plus the chart name unless it has it. */}}
{{- define "netguard.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "netguard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "netguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "netguard.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "netguard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: netguard
{{- end -}}

{{- define "netguard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "netguard.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "netguard.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The secret with tls.crt and tls.key, whichever way it is made. */}}
{{- define "netguard.tlsSecretName" -}}
{{- printf "%s-tls" (include "netguard.fullname" .) -}}
{{- end -}}

{{- define "netguard.policiesConfigMapName" -}}
{{- default (printf "%s-policies" (include "netguard.fullname" .)) .Values.policies.existingConfigMap -}}
{{- end -}}

{{/* certificates.provider with `auto` resolved: openshift, certManager or selfSigned. */}}
{{- define "netguard.certProvider" -}}
{{- if ne .Values.certificates.provider "auto" -}}
{{- .Values.certificates.provider -}}
{{- else if .Values.openshift -}}
openshift
{{- else -}}
selfSigned
{{- end -}}
{{- end -}}

{{/* The DNS name the API server checks the serving certificate against. */}}
{{- define "netguard.serviceHost" -}}
{{- printf "%s.%s.svc" (include "netguard.fullname" .) .Release.Namespace -}}
{{- end -}}

{{/*
Which namespaces the webhooks see: never the release namespace, the excluded ones, those with
the ignore label, nor OpenShift's run-level 0 and 1 namespaces (the control plane). NotIn also
matches namespaces without the label, so these hold on plain Kubernetes too.
*/}}
{{- define "netguard.namespaceSelector" -}}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values:
      {{- toYaml (uniq (prepend .Values.webhook.excludeNamespaces .Release.Namespace)) | nindent 6 }}
  - key: openshift.io/run-level
    operator: NotIn
    values: ["0", "1"]
  {{- if .Values.webhook.ignoreLabel }}
  - key: {{ .Values.webhook.ignoreLabel }}
    operator: DoesNotExist
  {{- end }}
{{- end -}}

{{/* Annotations that make the platform inject the CA bundle into a webhook configuration. */}}
{{- define "netguard.caInjectionAnnotations" -}}
{{- $provider := include "netguard.certProvider" . -}}
{{- if eq $provider "openshift" -}}
service.beta.openshift.io/inject-cabundle: "true"
{{- else if eq $provider "certManager" -}}
cert-manager.io/inject-ca-from: {{ printf "%s/%s" .Release.Namespace (include "netguard.tlsSecretName" .) }}
{{- end -}}
{{- end -}}

{{/*
The self-signed CA and serving pair as JSON of base64 values (ca.crt, tls.crt, tls.key): the
existing secret's when there is one, so an upgrade keeps the CA the webhooks trust.
*/}}
{{- define "netguard.selfSignedTLS" -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "netguard.tlsSecretName" .) -}}
{{- if and $existing (hasKey (default (dict) $existing.data) "ca.crt") -}}
{{- toJson $existing.data -}}
{{- else -}}
{{- $fullname := include "netguard.fullname" . -}}
{{- $days := int .Values.certificates.selfSigned.validityDays -}}
{{- $dns := list $fullname (printf "%s.%s" $fullname .Release.Namespace) (include "netguard.serviceHost" .) (printf "%s.cluster.local" (include "netguard.serviceHost" .)) -}}
{{- $ca := genCA (printf "%s-ca" $fullname) $days -}}
{{- $cert := genSignedCert (include "netguard.serviceHost" .) nil $dns $days $ca -}}
{{- toJson (dict "ca.crt" (b64enc $ca.Cert) "tls.crt" (b64enc $cert.Cert) "tls.key" (b64enc $cert.Key)) -}}
{{- end -}}
{{- end -}}
