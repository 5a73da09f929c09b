import type { Rule } from '../../rule.ts'
import { nsIsolation } from './ns-isolation.ts'
import { nsIsolationOptOut } from './ns-isolation-optout.ts'

export const NAMESPACE_RULES: readonly Rule[] = [nsIsolation, nsIsolationOptOut]
