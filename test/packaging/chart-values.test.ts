import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import t from 'tap'
import { isMap, isScalar, parse, parseDocument, type Pair, type YAMLMap } from 'yaml'
import { CHART_DIR, chartFile, defaultValues, templates } from '../helpers/chart.ts'
import { overlay, renderChart } from '../helpers/helm-template.ts'

const schema = JSON.parse(chartFile('values.schema.json')) as object
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema)

function errors (values: unknown): string[] {
  return validate(values) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`)
}

function withValue (path: string, value: unknown): Record<string, unknown> {
  const values = defaultValues()
  const keys = path.split('.')
  let node = values
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>
  node[keys.at(-1) ?? ''] = value
  return values
}

t.test('values.yaml is valid against values.schema.json', async (t) => {
  t.same(errors(defaultValues()), [])
})

t.test('the schema refuses values that would break the webhooks or the pods', async (t) => {
  const bad: [string, unknown, RegExp][] = [
    ['webhook.failurePolicy', 'Sometimes', /\/webhook\/failurePolicy must be equal to one of the allowed values/],
    ['webhook.timeoutSeconds', 31, /\/webhook\/timeoutSeconds must be <= 30/],
    ['webhook.excludeNamespaces', ['kube-system'], /\/webhook must NOT have additional properties/],
    ['webhook.url', 'http://127.0.0.1:8443', /\/webhook\/url must match pattern/],
    ['webhook.matchConditions', 'yes', /\/webhook\/matchConditions must be boolean/],
    ['service.ipFamilyPolicy', 'IPv6', /\/service\/ipFamilyPolicy must be equal to one of the allowed values/],
    ['mode', 'block', /\/mode must be equal to one of the allowed values/],
    ['certificates.provider', 'vault', /\/certificates\/provider must be equal to one of the allowed values/],
    ['replicaCount', 0, /\/replicaCount must be >= 1/],
    ['policies.files', { 'readme.txt': 'x' }, /\/policies\/files must match pattern|property name must be valid/],
    ['webhook.failurepolicy', 'Ignore', /\/webhook must NOT have additional properties/],
    ['image.digest', 'latest', /\/image\/digest must match pattern/],
    ['certificates.certManager.issuerRef', { kind: 'ClusterIssuer' }, /must have property name when property kind is present/]
  ]
  for (const [path, value, message] of bad) t.match(errors(withValue(path, value)).join('\n'), message, `${path}: ${JSON.stringify(value)}`)
  t.same(errors(withValue('webhook.failurePolicy', 'Fail')), [], 'Fail is allowed (it applies in enforce mode)')
  t.same(errors(withValue('webhook.url', 'https://[::1]:8443')), [], 'an IPv6 URL')
  t.same(errors(withValue('certificates.certManager.issuerRef', { kind: 'ClusterIssuer', name: 'corp-ca' })), [])
  t.same(errors(withValue('policies.files', { 'routes.yaml': 'apiVersion: netguard.io/v1alpha1\n' })), [])
})

/** `.Values.a.b` and `$.Values.a.b` paths used in templates, by file. */
function usedPaths (): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>()
  for (const [file, text] of templates()) {
    for (const match of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
      const path = (match[1] ?? '').slice(1)
      used.set(path, (used.get(path) ?? new Set()).add(file))
    }
  }
  return used
}

function has (values: unknown, path: string): boolean {
  let node = values
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return false
    node = (node as Record<string, unknown>)[key]
  }
  return true
}

function leaves (value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) return [prefix]
  return Object.entries(value).flatMap(([key, child]) => leaves(child, prefix === '' ? key : `${prefix}.${key}`))
}

t.test('every .Values path a template uses is defined in values.yaml', async (t) => {
  const values = defaultValues()
  const used = usedPaths()
  t.ok(used.size > 30, `templates use ${used.size} value paths`)
  for (const [path, files] of used) t.ok(has(values, path), `.Values.${path} (${[...files].join(', ')}) is not in values.yaml`)
})

t.test('every value in values.yaml is used by a template', async (t) => {
  const used = [...usedPaths().keys()]
  for (const leaf of leaves(defaultValues())) {
    t.ok(used.some((path) => leaf === path || leaf.startsWith(`${path}.`)), `${leaf} is in values.yaml but no template reads it`)
  }
})

t.test('every value has a helm-docs "# --" comment', async (t) => {
  const document = parseDocument(chartFile('values.yaml'))
  const documented = (pair: Pair, parent: YAMLMap): boolean => {
    const comment = (isScalar(pair.key) ? pair.key.commentBefore : undefined) ??
      (parent.items[0] === pair ? parent.commentBefore ?? (parent === document.contents ? document.commentBefore : undefined) : undefined)
    return (comment ?? '').split('\n').some((line) => line.trimStart().startsWith('--'))
  }
  const visit = (map: YAMLMap, prefix: string): void => {
    for (const pair of map.items) {
      const key = `${prefix}${String(isScalar(pair.key) ? pair.key.value : pair.key)}`
      if (isMap(pair.value) && pair.value.items.length > 0 && !documented(pair, map)) visit(pair.value, `${key}.`)
      else t.ok(documented(pair, map), `${key} has a "# --" comment`)
    }
  }
  if (isMap(document.contents)) visit(document.contents, '')
})

t.test('the chart deploys the version of netguard in package.json', async (t) => {
  const chart = parse(chartFile('Chart.yaml')) as { appVersion: string }
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
  t.equal(chart.appVersion, pkg.version, 'bump appVersion in Chart.yaml with package.json')
})

t.test('the ci/*-values.yaml sets (chart-testing) are valid and render', async (t) => {
  const dir = join(CHART_DIR, 'ci')
  const files = readdirSync(dir).filter((name) => name.endsWith('-values.yaml'))
  t.ok(files.length >= 3)
  for (const name of files) {
    const values = parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>
    t.same(errors(overlay(defaultValues(), values)), [], `${name} is valid`)
    t.ok(renderChart(CHART_DIR, { values }).objects.some((object) => object.kind === 'Deployment'), `${name} renders`)
  }
})
