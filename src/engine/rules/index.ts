import type { Rule } from '../rule.ts'
import { NAMESPACE_RULES } from './namespace/index.ts'
import { NETWORK_ATTACHMENT_RULES } from './network-attachment/index.ts'
import { POD_RULES } from './pod/index.ts'
import { SERVICE_RULES } from './service/index.ts'

/** Every rule netguard knows, in catalog order. Each kind folder lists its own rules. */
export const RULES: readonly Rule[] = [
  ...SERVICE_RULES,
  ...NAMESPACE_RULES,
  ...NETWORK_ATTACHMENT_RULES,
  ...POD_RULES
]
