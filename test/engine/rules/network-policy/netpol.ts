import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { decide, denyMessage, type Decision } from '../../../../src/engine/decide.ts'
import type { CompiledPolicy } from '../../../../src/engine/policy.ts'
import type { Operation, ReviewContext, Violation } from '../../../../src/engine/types.ts'
import { loadPolicyDir } from '../../../../src/policy/load.ts'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { contextFor, evaluate, policyWith, type ContextOptions } from '../../../helpers/policy.ts'

/** A NetworkPolicy `web` in namespace `shop` selecting `app: web`, with `spec` merged in. */
export function networkPolicy (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web', namespace: 'shop', ...metadata },
    spec: { podSelector: { matchLabels: { app: 'web' } }, ...spec }
  }
}

/** The violations one rule reports for the object under a policy given as the YAML of its spec. */
export function violationsOf (ruleId: string, object: KubeObject, policySpec = '{}', options: ContextOptions = {}): Violation[] {
  return evaluate(object, contextFor(object, options), policyWith(policySpec)).filter((violation) => violation.ruleId === ruleId)
}

export const ingressFrom = (...from: unknown[]) => ({ ingress: [{ from }] })
export const ipBlock = (cidr: unknown, ...except: unknown[]) => ({ ipBlock: except.length > 0 ? { cidr, except } : { cidr } })

interface ExampleReview {
  readonly request: {
    readonly kind: { readonly group: string, readonly kind: string }
    readonly namespace?: string
    readonly name?: string
    readonly operation: Operation
    readonly userInfo: { readonly username: string, readonly groups: readonly string[] }
    readonly object: KubeObject | null
    readonly oldObject: KubeObject | null
    readonly dryRun: boolean
  }
}

let bundled: Promise<CompiledPolicy> | undefined

/** The decision the bundled policies give an AdmissionReview file of examples/reviews/. */
async function decideExample (file: string): Promise<Decision> {
  bundled ??= loadPolicyDir(fileURLToPath(new URL('../../../../policies', import.meta.url)))
  const text = await readFile(new URL(`../../../../examples/reviews/${file}`, import.meta.url), 'utf8')
  const { request } = JSON.parse(text) as ExampleReview
  const context: ReviewContext = {
    operation: request.operation,
    kind: request.kind,
    namespace: request.namespace,
    name: request.name,
    user: request.userInfo,
    oldObject: request.oldObject ?? undefined,
    dryRun: request.dryRun,
    now: new Date('2026-11-26T12:00:00Z')
  }
  const policy = await bundled
  return decide(evaluate(request.object ?? undefined, context, policy), [], policy.mode)
}

export interface ExpectedDecision {
  readonly allowed: boolean
  /** The whole deny message, one violation per line. */
  readonly deny?: string
  readonly warnings?: readonly string[]
}

/**
 * One subtest per example file: its verdict, deny message and warnings under the bundled
 * policies; and one that every example file whose name starts with a prefix is listed.
 */
export function testExamples (prefixes: readonly string[], expected: Readonly<Record<string, ExpectedDecision>>): void {
  t.test(`every ${prefixes.join(', ')} example is checked`, async (t) => {
    const files = await readdir(new URL('../../../../examples/reviews/', import.meta.url))
    t.same(files.filter((file) => prefixes.some((prefix) => file.startsWith(prefix))).sort(), Object.keys(expected).sort())
  })
  for (const [file, { allowed, deny, warnings }] of Object.entries(expected)) {
    t.test(file, async (t) => {
      const decision = await decideExample(file)
      t.equal(decision.allowed, allowed)
      if (deny !== undefined) t.equal(denyMessage(decision.denials), deny)
      if (warnings !== undefined) t.same(decision.warnings, warnings)
    })
  }
}
