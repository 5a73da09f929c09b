import { readFileSync } from 'node:fs'
import t from 'tap'
import { evaluate } from '../../../helpers/policy.ts'
import type { ReviewContext } from '../../../../src/engine/types.ts'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { loadPolicyDir } from '../../../../src/policy/load.ts'

// The route and ingress examples under examples/reviews, with what the bundled policy denies.
// Offline there is no cluster state: the two ownership rules only warn.
const EXPECTED: Record<string, readonly string[]> = {
  'route-edge-redirect.json': [],
  'route-plain-http.json': ['ROUTE-TLS'],
  'route-insecure-allow.json': ['ROUTE-INSECURE'],
  'route-wildcard.json': ['ROUTE-WILDCARD'],
  'ingress-tls.json': [],
  'ingress-okd-reencrypt.json': [],
  'ingress-plain-http.json': ['ING-TLS'],
  'ingress-catch-all-v1beta1.json': ['ING-HOST', 'ING-HOST', 'ING-HOST']
}

interface Review {
  apiVersion: string
  kind: string
  request: {
    uid: string
    kind: { group: string, version: string, kind: string }
    namespace: string
    name: string
    operation: ReviewContext['operation']
    userInfo: { username: string, groups: string[] }
    object: KubeObject
    dryRun: boolean
  }
}

t.test('each route and ingress example gets the verdict it illustrates', async (t) => {
  const policy = await loadPolicyDir('policies')
  for (const [file, denied] of Object.entries(EXPECTED)) {
    const review = JSON.parse(readFileSync(`examples/reviews/${file}`, 'utf8')) as Review
    t.match(review, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: String, object: { metadata: { name: review.request.name } } } }, file)
    const { request } = review
    const violations = evaluate(request.object, {
      operation: request.operation,
      kind: request.kind,
      namespace: request.namespace,
      name: request.name,
      user: request.userInfo,
      oldObject: undefined,
      dryRun: request.dryRun,
      now: new Date('2026-11-26T12:00:00Z')
    }, policy)
    t.same(violations.filter((v) => v.action === 'deny').map((v) => v.ruleId), denied, file)
    t.same(violations.filter((v) => v.action !== 'deny').map((v) => `${v.ruleId}:${v.action}`),
      [request.kind.kind === 'Route' ? 'ROUTE-HOST-OWNERSHIP:warn' : 'ING-HOST-UNIQUE:warn'], file)
  }
})
