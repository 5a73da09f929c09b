import type { KubeObject } from '../../../kube/types.ts'
import { defineRule, type Rule } from '../../rule.ts'
import { asList, asObject } from '../../read.ts'

export const MNP_KIND = [{ group: 'k8s.cni.cncf.io', kind: 'MultiNetworkPolicy' }] as const

/** Names the networks (NetworkAttachmentDefinitions) a MultiNetworkPolicy applies to. */
export const POLICY_FOR_ANNOTATION = 'k8s.v1.cni.cncf.io/policy-for'

/**
 * A MultiNetworkPolicy rule made from the NetworkPolicy rule that judges the same thing: the
 * same check on the same spec (MultiNetworkPolicySpec is NetworkPolicySpec), the same default
 * action, and the NetworkPolicy rule's settings unless its own entry sets them, so one policy
 * decides both. Only how policyTypes is read differs (see asNetworkPolicy).
 */
export function forMultiNetworkPolicy (rule: Rule, id: string): Rule {
  if (rule.type !== 'validate') throw new Error(`${rule.id} is not a validation rule`)
  // rule.check already reports fields of the wrong type (defineRule wrapped it): no second time.
  const { fields: _fields, ...spec } = rule
  return defineRule({
    ...spec,
    id,
    kinds: MNP_KIND,
    summary: `as ${rule.id}, for MultiNetworkPolicy: ${rule.summary}`,
    inherits: [{ rule: rule.id, settings: Object.keys(rule.settings.properties) }],
    check: (object, context, settings) => rule.check(asNetworkPolicy(object), context, settings)
  })
}

const DIRECTIONS: Readonly<Record<string, string>> = { ingress: 'Ingress', egress: 'Egress' }

/**
 * The policy with `spec.policyTypes` as the MultiNetworkPolicy implementations read it: the
 * iptables one compares the types case-insensitively (`ingress` turns ingress on; the CRD has no
 * enum), where NetworkPolicy takes `Ingress` and `Egress` only. Other entries stay as written:
 * the NetworkPolicy reading ignores them (with none left, its defaults apply, which judge at
 * least what either implementation enforces) and still reports one of the wrong type.
 */
export function asNetworkPolicy (object: KubeObject): KubeObject {
  const spec = asObject(object['spec'])
  const listed = asList(spec?.['policyTypes'])
  if (spec === undefined || listed === undefined) return object
  const policyTypes = listed.map((type) => (typeof type === 'string' ? DIRECTIONS[type.toLowerCase()] : undefined) ?? type)
  return { ...object, spec: { ...spec, policyTypes } }
}
