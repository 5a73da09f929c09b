import { readdirSync, readFileSync } from 'node:fs'
import type { Test } from 'tap'
import type { Operation, ReviewContext, Violation } from '../../../../src/engine/types.ts'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { loadPolicyDir } from '../../../../src/policy/load.ts'
import { contextFor, evaluate, policyWith, type ContextOptions } from '../../../helpers/policy.ts'

/** A JSON fixture from test/fixtures/<folder>/<name>. */
export function fixture (folder: 'network-attachment' | 'pod', name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/${folder}/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>
}

/** A NetworkAttachmentDefinition whose spec.config is `config` (objects are serialized, strings kept). */
export function nad (config: unknown, namespace = 'payments', name = 'net'): KubeObject {
  return {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name, namespace },
    spec: config === undefined ? {} : { config: typeof config === 'string' ? config : JSON.stringify(config) }
  }
}

/** The violations of one rule for `object` under a policy given as its spec YAML. */
export function violations (ruleId: string, object: KubeObject, spec = '{}', options: ContextOptions = {}): Violation[] {
  return evaluate(object, contextFor(object, options), policyWith(spec)).filter((violation) => violation.ruleId === ruleId)
}

/** The per-namespace entry the tests share: payments may use macvlan on eth1, VLAN 50, 192.168.50.0/24. */
export const PAYMENTS = '{ namespaces: [payments], cniTypes: [macvlan], ipamTypes: [dhcp], interfaces: [eth1], vlans: [50], cidrs: [192.168.50.0/24, "fd00:50::/64"] }'

/** An example AdmissionReview from examples/reviews, read into the object and context the webhook would build. */
interface Example {
  readonly file: string
  readonly object: KubeObject
  readonly context: ReviewContext
}

const EXAMPLES = new URL('../../../../examples/reviews/', import.meta.url)

/**
 * Evaluates every example review named `<prefix>*.json` under the bundled policy and compares
 * what it finds, as `action RULE-ID path` lines, with `expected` (which must list every file).
 */
export async function checkExamples (t: Test, prefix: string, expected: Readonly<Record<string, readonly string[]>>): Promise<void> {
  const policy = await loadPolicyDir(new URL('../../../../policies/', import.meta.url).pathname)
  const found = examples(prefix)
  t.same(found.map(({ file }) => file), Object.keys(expected).sort(), `examples/reviews/${prefix}*.json`)
  for (const { file, object, context } of found) {
    const lines = evaluate(object, context, policy).map((violation) => `${violation.action} ${violation.ruleId} ${violation.path}`)
    t.same(lines, expected[file], file)
  }
}

function examples (prefix: string): Example[] {
  return readdirSync(EXAMPLES).filter((file) => file.startsWith(prefix) && file.endsWith('.json')).sort().map((file) => {
    const { request } = JSON.parse(readFileSync(new URL(file, EXAMPLES), 'utf8')) as { request: AdmissionRequest }
    return {
      file,
      object: request.object,
      context: {
        operation: request.operation,
        kind: { group: request.kind.group, kind: request.kind.kind },
        namespace: request.namespace,
        name: request.name,
        user: { username: request.userInfo.username, groups: request.userInfo.groups },
        oldObject: request.oldObject ?? undefined,
        dryRun: request.dryRun,
        now: new Date('2026-11-26T12:00:00Z')
      }
    }
  })
}

interface AdmissionRequest {
  readonly object: KubeObject
  readonly oldObject: KubeObject | null
  readonly operation: Operation
  readonly kind: { readonly group: string, readonly kind: string }
  readonly namespace: string
  readonly name: string
  readonly userInfo: { readonly username: string, readonly groups: string[] }
  readonly dryRun: boolean
}
