import type { Rule } from '../rule.ts'
import { CONFIGMAP_RULES } from './configmap/index.ts'
import { NAMESPACE_RULES } from './namespace/index.ts'
import { SERVICE_RULES } from './service/index.ts'

/** Every rule netguard knows, in catalog order. Each kind folder lists its own rules. */
export const RULES: readonly Rule[] = [
  ...SERVICE_RULES,
  ...NAMESPACE_RULES,
  ...CONFIGMAP_RULES
]
