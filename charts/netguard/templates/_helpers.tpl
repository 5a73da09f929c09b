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
{{- $repository := required "image.repository is not set: no netguard image is published. Build one from the repository's Dockerfile and push it where the cluster pulls from (docker build -t registry.example.com/netguard/netguard:0.1.0 . && docker push registry.example.com/netguard/netguard:0.1.0), then set image.repository (and image.tag if it is not the chart's appVersion)" .Values.image.repository -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) -}}
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
The policy files the server gets, as JSON (name → text): the bundled ones unless
policies.bundled is false, replaced or added to by policies.files. None with
policies.existingConfigMap: the chart cannot read those.
*/}}
{{- define "netguard.policyFiles" -}}
{{- $files := dict -}}
{{- if not .Values.policies.existingConfigMap -}}
{{- if .Values.policies.bundled -}}
{{- range $path, $bytes := .Files.Glob "files/policies/*.yaml" -}}
{{- $_ := set $files (base $path) (toString $bytes) -}}
{{- end -}}
{{- end -}}
{{- range $name, $content := .Values.policies.files -}}
{{- $_ := set $files $name $content -}}
{{- end -}}
{{- end -}}
{{- toJson $files -}}
{{- end -}}

{{/*
What the policy exempts, read the way the server compiles it (src/policy/compile.ts), as JSON
{namespaces, users, groups} of globs: every document's exemptions added up; kube-* and
openshift-* when no document names namespaces; always the release namespace and the service
accounts in it. With policies.existingConfigMap only the last two are known.
*/}}
{{- define "netguard.exemptions" -}}
{{- $namespaces := list -}}
{{- $users := list -}}
{{- $groups := list -}}
{{- $named := false -}}
{{- $files := include "netguard.policyFiles" . | fromJson -}}
{{- range $name, $text := $files -}}
{{- range regexSplit "(?m)^---[ \t]*$" $text -1 -}}
{{- $document := fromYaml . -}}
{{- if hasKey $document "Error" -}}
{{- fail (printf "policies: %s is not valid YAML: %s" $name $document.Error) -}}
{{- end -}}
{{- $spec := $document.spec -}}
{{- if and (kindIs "map" $spec) (kindIs "map" $spec.exemptions) -}}
{{- if hasKey $spec.exemptions "namespaces" -}}
{{- $named = true -}}
{{- $namespaces = concat $namespaces (default (list) $spec.exemptions.namespaces) -}}
{{- end -}}
{{- $users = concat $users (default (list) $spec.exemptions.users) -}}
{{- $groups = concat $groups (default (list) $spec.exemptions.groups) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and $files (not $named) -}}
{{- $namespaces = list "kube-*" "openshift-*" -}}
{{- end -}}
{{- $namespaces = append $namespaces .Release.Namespace -}}
{{- $users = append $users (printf "system:serviceaccount:%s:*" .Release.Namespace) -}}
{{- toJson (dict "namespaces" (uniq $namespaces) "users" (uniq $users) "groups" (uniq $groups)) -}}
{{- end -}}

{{/*
A CEL expression true when `.subject` matches one of `.globs` (`*` any run of characters, `?`
one character, as the server's globs): exact names with `in`, `prefix*` with startsWith, the
rest as one RE2 expression. Empty when there is no glob. Strings are written as JSON, which is
CEL's double-quoted string syntax.
*/}}
{{- define "netguard.celGlobs" -}}
{{- $subject := .subject -}}
{{- $exact := list -}}
{{- $prefixes := list -}}
{{- $patterns := list -}}
{{- range .globs -}}
{{- if not (regexMatch "[*?]" .) -}}
{{- $exact = append $exact (toJson .) -}}
{{- else if regexMatch "^[^*?]*[*]$" . -}}
{{- $prefixes = append $prefixes (toJson (trimSuffix "*" .)) -}}
{{- else -}}
{{- $patterns = append $patterns (regexReplaceAll "([.+^$(){}|\\[\\]\\\\/-])" . "\\${1}" | replace "*" ".*" | replace "?" ".") -}}
{{- end -}}
{{- end -}}
{{- $tests := list -}}
{{- with $exact -}}
{{- $tests = append $tests (printf "%s in [%s]" $subject (join ", " .)) -}}
{{- end -}}
{{- with $prefixes -}}
{{- $tests = append $tests (printf "[%s].exists(prefix, %s.startsWith(prefix))" (join ", " .) $subject) -}}
{{- end -}}
{{- with $patterns -}}
{{- $tests = append $tests (printf "%s.matches(%s)" $subject (toJson (printf "^(?:%s)$" (join "|" .)))) -}}
{{- end -}}
{{- join " || " $tests -}}
{{- end -}}

{{/*
The matchConditions that keep what the policy exempts away from a webhook, as YAML. The API
server calls a webhook only when every condition is true, and a condition that fails to
evaluate falls to failurePolicy, so each says "not exempt" and first checks that the field is
there (the API server leaves out an empty namespace, name or group list). `.namespaceObjects`:
the webhook's rules include Namespaces, which are exempt by their own name.
*/}}
{{- define "netguard.exemptionConditions" -}}
{{- $exemptions := include "netguard.exemptions" .root | fromJson -}}
{{- with include "netguard.celGlobs" (dict "subject" "request.userInfo.username" "globs" $exemptions.users) }}
- name: not-an-exempt-user
  expression: {{ printf "!has(request.userInfo.username) || !(%s)" . | quote }}
{{- end }}
{{- with include "netguard.celGlobs" (dict "subject" "group" "globs" $exemptions.groups) }}
- name: not-in-an-exempt-group
  expression: {{ printf "!has(request.userInfo.groups) || !request.userInfo.groups.exists(group, %s)" . | quote }}
{{- end }}
{{- if .namespaces }}
{{- with include "netguard.celGlobs" (dict "subject" "request.namespace" "globs" $exemptions.namespaces) }}
- name: not-in-an-exempt-namespace
  expression: {{ printf "!has(request.namespace) || request.namespace == \"\" || !(%s)" . | quote }}
{{- end }}
{{- if .namespaceObjects }}
{{- with include "netguard.celGlobs" (dict "subject" "request.name" "globs" $exemptions.namespaces) }}
- name: not-an-exempt-namespace
  expression: {{ printf "!(request.resource.group == \"\" && request.resource.resource == \"namespaces\") || !has(request.name) || !(%s)" . | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Which namespaces the webhooks see: never the release namespace nor the namespaces the policy
exempts by exact name, those with the ignore label, nor OpenShift's run-level 0 and 1
namespaces (the control plane). NotIn also matches namespaces without the label, so these hold
on plain Kubernetes too. Namespaces exempt by a pattern (kube-*, openshift-*) are left out by
the matchConditions, which a selector cannot express.
*/}}
{{- define "netguard.namespaceSelector" -}}
{{- $exemptions := include "netguard.exemptions" . | fromJson -}}
{{- $exact := list -}}
{{- range $exemptions.namespaces -}}
{{- if not (regexMatch "[*?]" .) -}}
{{- $exact = append $exact . -}}
{{- end -}}
{{- end -}}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values:
      {{- toYaml $exact | nindent 6 }}
  - key: openshift.io/run-level
    operator: NotIn
    values: ["0", "1"]
  {{- if .Values.webhook.ignoreLabel }}
  - key: {{ .Values.webhook.ignoreLabel }}
    operator: DoesNotExist
  {{- end }}
{{- end -}}

{{/*
The labels on a Namespace that take it out of the webhooks (the ignore label, OpenShift's
run-level): only exempt users may set, change or remove them, and the entry that checks this
is not skipped by them. JSON list.
*/}}
{{- define "netguard.guardedLabels" -}}
{{- toJson (uniq (compact (list .Values.webhook.ignoreLabel "netguard.io/ignore" "openshift.io/run-level"))) -}}
{{- end -}}

{{/* failurePolicy as rendered: Ignore in audit mode whatever the value says; Fail only in enforce mode, when chosen. */}}
{{- define "netguard.failurePolicy" -}}
{{- if and (eq .Values.mode "enforce") (eq .Values.webhook.failurePolicy "Fail") -}}
Fail
{{- else -}}
Ignore
{{- end -}}
{{- end -}}

{{/* Where the API server sends reviews: the Service, or webhook.url (out of cluster, development). */}}
{{- define "netguard.clientConfig" -}}
{{- if .root.Values.webhook.url -}}
url: {{ printf "%s%s" (trimSuffix "/" .root.Values.webhook.url) .path | quote }}
{{- else -}}
service:
  name: {{ include "netguard.fullname" .root }}
  namespace: {{ .root.Release.Namespace }}
  path: {{ .path }}
  port: {{ .root.Values.service.port }}
{{- end }}
{{- with .caBundle }}
caBundle: {{ . }}
{{- end }}
{{- end -}}

{{/*
V8's old-space limit (MiB) from the container's memory limit: 60 %, leaving the rest to the
young generation, buffers, code and stacks, so that V8 collects harder and, at worst, fails
with a heap error before the kernel kills the container. Empty without a limit.
*/}}
{{- define "netguard.heapMiB" -}}
{{- $limits := default (dict) .Values.resources.limits -}}
{{- $memory := toString (default "" $limits.memory) -}}
{{- if $memory -}}
{{- if not (regexMatch "^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$" $memory) -}}
{{- fail (printf "resources.limits.memory: %q is not a whole number of bytes, Ki, Mi, Gi, k, M or G (e.g. 512Mi); the heap limit is sized from it" $memory) -}}
{{- end -}}
{{- $digits := regexFind "^[0-9]+" $memory -}}
{{- $unit := trimPrefix $digits $memory -}}
{{- $multiplier := get (dict "" 1 "k" 1000 "Ki" 1024 "M" 1000000 "Mi" 1048576 "G" 1000000000 "Gi" 1073741824 "T" 1000000000000 "Ti" 1099511627776) $unit -}}
{{- div (mul (atoi $digits) $multiplier 6) 10485760 -}}
{{- end -}}
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
