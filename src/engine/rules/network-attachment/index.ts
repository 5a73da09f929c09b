import type { Rule } from '../../rule.ts'
import { nadCniType } from './nad-cni-type.ts'
import { nadConfigRule } from './nad-config.ts'
import { nadIpamOverlap } from './nad-ipam-overlap.ts'
import { nadIpamRange } from './nad-ipam-range.ts'
import { nadMaster } from './nad-master.ts'
import { nadVlan } from './nad-vlan.ts'

export const NETWORK_ATTACHMENT_RULES: readonly Rule[] = [nadConfigRule, nadCniType, nadMaster, nadVlan, nadIpamRange, nadIpamOverlap]
