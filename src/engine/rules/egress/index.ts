import type { Rule } from '../../rule.ts'
import { efwAllowWorld } from './efw-allow-world.ts'
import { efwDefaultDeny } from './efw-default-deny.ts'
import { efwLimit } from './efw-limit.ts'
import { egressIpPool } from './egressip-pool.ts'
import { egressIpSelector } from './egressip-selector.ts'
import { egressIpUnique } from './egressip-unique.ts'

export const EGRESS_RULES: readonly Rule[] = [efwAllowWorld, efwDefaultDeny, efwLimit, egressIpPool, egressIpSelector, egressIpUnique]
