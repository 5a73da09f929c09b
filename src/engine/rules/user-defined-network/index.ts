import type { Rule } from '../../rule.ts'
import { cudnSelector } from './cudn-selector.ts'
import { nsUdnLabel } from './ns-udn-label.ts'
import { udnLocalnet } from './udn-localnet.ts'
import { udnOverlap } from './udn-overlap.ts'
import { udnPrimaryLabel } from './udn-primary-label.ts'
import { udnSubnets } from './udn-subnets.ts'

export const USER_DEFINED_NETWORK_RULES: readonly Rule[] = [udnSubnets, udnOverlap, udnLocalnet, udnPrimaryLabel, cudnSelector, nsUdnLabel]
