import type { Rule } from '../../rule.ts'
import { podHostNetwork } from './pod-hostnetwork.ts'
import { podHostPort } from './pod-hostport.ts'
import { podNetworks } from './pod-networks.ts'

export const POD_RULES: readonly Rule[] = [podNetworks, podHostNetwork, podHostPort]
