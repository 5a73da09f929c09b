import type { Rule } from '../rule.ts'
import { ADMIN_NETWORK_POLICY_RULES } from './admin-network-policy/index.ts'
import { CONFIGMAP_RULES } from './configmap/index.ts'
import { EGRESS_RULES } from './egress/index.ts'
import { EGRESS_ROUTER_RULES } from './egress-router/index.ts'
import { INGRESS_RULES } from './ingress/index.ts'
import { MULTI_NETWORK_POLICY_RULES } from './multi-network-policy/index.ts'
import { NAMESPACE_RULES } from './namespace/index.ts'
import { NETWORK_ATTACHMENT_RULES } from './network-attachment/index.ts'
import { NETWORK_POLICY_RULES } from './network-policy/index.ts'
import { POD_RULES } from './pod/index.ts'
import { ROUTE_RULES } from './route/index.ts'
import { SERVICE_RULES } from './service/index.ts'
import { USER_DEFINED_NETWORK_RULES } from './user-defined-network/index.ts'

/** Every rule netguard knows, in catalog order. Each kind folder lists its own rules. */
export const RULES: readonly Rule[] = [
  ...SERVICE_RULES,
  ...ROUTE_RULES,
  ...INGRESS_RULES,
  ...CONFIGMAP_RULES,
  ...NETWORK_POLICY_RULES,
  ...NETWORK_ATTACHMENT_RULES,
  ...POD_RULES,
  ...EGRESS_RULES,
  ...EGRESS_ROUTER_RULES,
  ...USER_DEFINED_NETWORK_RULES,
  ...MULTI_NETWORK_POLICY_RULES,
  ...ADMIN_NETWORK_POLICY_RULES,
  ...NAMESPACE_RULES
]
