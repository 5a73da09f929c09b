import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { renderChart } from '../helpers/helm-template.ts'

// The chart tests are only as good as this interpreter's reading of Go templates: check it on
// the constructs the chart uses, with the output helm gives for them.
function chartWith (template: string, values = 'a: 1\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'netguard-chart-'))
  mkdirSync(join(dir, 'templates'))
  writeFileSync(join(dir, 'Chart.yaml'), 'name: demo\nversion: 1.0.0\nappVersion: "2.0"\n')
  writeFileSync(join(dir, 'values.yaml'), values)
  writeFileSync(join(dir, '.helmignore'), '')
  writeFileSync(join(dir, 'templates', 'out.txt'), template)
  return dir
}

function renderText (template: string, values?: string): string {
  const dir = chartWith(template, values)
  try {
    return renderChart(dir).text.get('templates/out.txt') ?? ''
  } finally {
    rmSync(dir, { recursive: true })
  }
}

t.test('trim markers, comments and printing', async (t) => {
  t.equal(renderText('a  {{- 1 -}}  b\n{{/* gone */}}c {{ "x" }} {{ .Chart.AppVersion | quote }}'), 'a1b\nc x "2.0"')
  t.equal(renderText('x\n{{- /* gone */ -}}\ny'), 'xy')
})

t.test('if / else if / else, with, and Go truthiness', async (t) => {
  const template = '{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}|{{ with .Values.m }}{{ .k }}{{ else }}none{{ end }}'
  t.equal(renderText(template, 'a: 1\nb: 1\nm: {k: v}\n'), 'A|v')
  t.equal(renderText(template, 'a: 0\nb: "x"\nm: {}\n'), 'B|none')
  t.equal(renderText(template, 'a: []\nb: ""\nm: null\n'), 'C|none')
})

t.test('range over maps in key order and over lists, with variables', async (t) => {
  t.equal(renderText('{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}', 'm: {b: 2, a: 1}\n'), 'a=1;b=2;')
  t.equal(renderText('{{ range .Values.l }}[{{ . }}]{{ else }}empty{{ end }}', 'l: [x, y]\n'), '[x][y]')
  t.equal(renderText('{{ range .Values.l }}[{{ . }}]{{ else }}empty{{ end }}', 'l: []\n'), 'empty')
})

t.test('variables: := declares in its block, = assigns the outer one; $ is the root', async (t) => {
  t.equal(renderText('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}{{ range list 1 }}{{ $.Values.a }}{{ end }}'), '21')
})

t.test('define and include, pipelines, and the functions the chart uses', async (t) => {
  const template = [
    '{{- define "t" }}v={{ . }}{{ end -}}',
    '{{ include "t" 5 | nindent 2 }}',
    '{{ toYaml (dict "b" (list 1 2) "a" "x") }}',
    '{{ merge (dict "a" 1) (dict "a" 2 "b" 3) | toJson }}',
    '{{ default "d" "" }} {{ ternary "y" "n" false }} {{ printf "%s-%d" "a" 3 }} {{ trunc 3 "abcdef" | trimSuffix "c" }}'
  ].join('\n')
  t.equal(renderText(template), '\n  v=5\na: x\nb:\n  - 1\n  - 2\n{"a":1,"b":3}\nd n a-3 ab')
})

t.test('errors: unknown functions, fields of nil and fail', async (t) => {
  t.throws(() => renderText('{{ sha1sum "x" }}'), /function sha1sum is not known to test\/helpers\/helm-template\.ts/)
  t.throws(() => renderText('{{ .Values.missing.field }}'), /templates\/out\.txt: nil pointer evaluating \.Values\.missing\.field/)
  t.throws(() => renderText('{{ fail "stop here" }}'), /stop here/)
  t.throws(() => renderText('{{ if true }}open'), /unclosed if/)
})

t.test('semverCompare against .Capabilities.KubeVersion', async (t) => {
  const template = '{{ semverCompare ">=1.30-0" .Capabilities.KubeVersion.Version }} {{ semverCompare "<1.30" "v1.29.9" }}'
  t.equal(renderText(template), 'true true')
  t.throws(() => renderText('{{ semverCompare "^1.2 || ~2" "1.2.3" }}'), /constraint .* is not supported/)
})

t.test('regular expressions in Go (RE2) syntax: inline flags, numbered groups in replacements', async (t) => {
  t.equal(renderText('{{ regexSplit "(?m)^---[ \\t]*$" "a\\n---\\nb\\n--- \\nc" -1 | toJson }}'), '["a\\n","\\nb\\n","\\nc"]')
  // eslint-disable-next-line no-template-curly-in-string -- Go's replacement syntax, not a JavaScript template
  t.equal(renderText('{{ regexReplaceAll "([.+-])" "a.b+c-d" "\\\\${1}" }}'), 'a\\.b\\+c\\-d')
  t.equal(renderText('{{ regexMatch "^[^*?]*[*]$" "kube-*" }} {{ regexMatch "[*?]" "plain" }} {{ regexFind "^[0-9]+" "256Mi" }}'), 'true false 256')
})

t.test('numbers, lists and kinds the chart computes with', async (t) => {
  t.equal(renderText('{{ div (mul (atoi "256") 1048576 6) 10485760 }} {{ trimPrefix "256" "256Mi" }} {{ get (dict "Mi" 1) "Mi" }}'), '153 Mi 1')
  t.equal(renderText('{{ join ", " (compact (list "a" "" "b")) }} {{ kindIs "map" (dict) }} {{ kindIs "map" (list) }} {{ fromJsonArray "[1,2]" | len }}'), 'a, b true false 2')
  t.throws(() => renderText('{{ required "set it" .Values.none }}'), /set it/)
  t.equal(renderText('{{ required "set it" .Values.a }}'), '1')
})
