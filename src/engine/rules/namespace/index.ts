import type { Rule } from '../../rule.ts'
import { nsExemptName } from './ns-exempt-name.ts'
import { nsIsolation } from './ns-isolation.ts'
import { nsIsolationOptOut } from './ns-isolation-optout.ts'
import { nsReservedLabels } from './ns-reserved-labels.ts'
import { nsSelectedLabels } from './ns-selected-labels.ts'

export const NAMESPACE_RULES: readonly Rule[] = [nsIsolation, nsIsolationOptOut, nsReservedLabels, nsSelectedLabels, nsExemptName]
