import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { renderChart } from '../../helpers/helm-template.ts'

export const CHART_DIR = 'charts/netguard'
export const RELEASE = { name: 'netguard', namespace: 'netguard' } as const

export type Manifest = Record<string, unknown> & { apiVersion: string, kind: string, metadata: { name: string, namespace?: string, [key: string]: unknown } }

/** An image name for the chart to render; nothing pulls it here. */
export const E2E_IMAGE = { repository: 'registry.example/netguard', tag: 'e2e' }

/**
 * The chart's values for the suite: enforce with failurePolicy Fail, the setting where an outage
 * of netguard could block a request, so that denials are denials and exemptions are tested where
 * they matter; the CA injected the way cert-manager's injector does it (the provider renders no
 * caBundle of its own), because the serving certificate must name 127.0.0.1; everything else is
 * the chart's default.
 */
export function e2eValues (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { mode: 'enforce', image: E2E_IMAGE, webhook: { failurePolicy: 'Fail' }, certificates: { provider: 'certManager' }, ...overrides }
}

/** `helm template` with the real helm binary, parsed. */
export function renderWithHelm (helm: string, values: Record<string, unknown>, kubeVersion: string): Manifest[] {
  const dir = mkdtempSync(join(tmpdir(), 'netguard-e2e-values-'))
  try {
    const valuesFile = join(dir, 'values.json')
    writeFileSync(valuesFile, JSON.stringify(values))
    const text = execFileSync(helm, [
      'template', RELEASE.name, CHART_DIR, '--namespace', RELEASE.namespace, '--kube-version', kubeVersion, '--values', valuesFile
    ], { encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: join(dir, 'cache'), HELM_CONFIG_HOME: join(dir, 'config'), HELM_DATA_HOME: join(dir, 'data') } })
    return parseManifests(text)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The repository's own Go-template interpreter (what `npm test` renders the chart with). */
export function renderWithInterpreter (values: Record<string, unknown>, kubeVersion: string): Manifest[] {
  return renderChart(CHART_DIR, { releaseName: RELEASE.name, namespace: RELEASE.namespace, values, kubeVersion }).objects as Manifest[]
}

export function parseManifests (text: string): Manifest[] {
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw new Error(`rendered chart: ${document.errors[0]?.message ?? 'bad YAML'}`)
    return document.toJS() as Manifest | null
  }).filter((object): object is Manifest => object !== null && typeof object === 'object')
}

/** Kinds the suite applies from the rendered chart: what a pod-less API server can use. */
export const APPLIED_KINDS = new Set(['ServiceAccount', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'])

/**
 * The webhook configurations as the API server gets them here: `clientConfig.service` becomes
 * `url` to the loopback address (there is no service network), and the CA is injected; every
 * rule, selector, condition, timeout and failure policy stays as the chart rendered it.
 */
export function webhookConfigurations (objects: readonly Manifest[], baseUrl: string, caPem: string): Manifest[] {
  const caBundle = Buffer.from(caPem).toString('base64')
  return objects
    .filter((object) => object.kind === 'ValidatingWebhookConfiguration' || object.kind === 'MutatingWebhookConfiguration')
    .map((object) => {
      const copy = structuredClone(object)
      for (const webhook of copy.webhooks as Array<{ clientConfig: { service?: { path?: string }, url?: string, caBundle?: string } }>) {
        const path = webhook.clientConfig.service?.path ?? ''
        webhook.clientConfig = { url: `${baseUrl}${path}`, caBundle }
      }
      return copy
    })
}
