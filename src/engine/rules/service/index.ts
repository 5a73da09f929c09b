import type { Rule } from '../../rule.ts'
import { svcExternalDnsUnique } from './svc-external-dns-unique.ts'
import { svcExternalIp } from './svc-externalip.ts'
import { svcExternalName } from './svc-externalname.ts'
import { svcLoadBalancer } from './svc-loadbalancer.ts'
import { svcNodePort } from './svc-nodeport.ts'
import { svcPortRange } from './svc-port-range.ts'
import { svcUniqueSelector } from './svc-unique-selector.ts'

export const SERVICE_RULES: readonly Rule[] = [
  svcNodePort, svcLoadBalancer, svcExternalIp, svcExternalName, svcPortRange, svcUniqueSelector, svcExternalDnsUnique
]
