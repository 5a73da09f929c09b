import type { Rule } from '../../rule.ts'
import { anpPriority } from './anp-priority.ts'
import { anpPriorityUnique } from './anp-priority-unique.ts'
import { anpSubject } from './anp-subject.ts'
import { anpWideAllow } from './anp-wide-allow.ts'

export const ADMIN_NETWORK_POLICY_RULES: readonly Rule[] = [anpPriority, anpPriorityUnique, anpWideAllow, anpSubject]
