import type { Rule } from '../../rule.ts'
import { svcExternalIp } from './svc-externalip.ts'
import { svcExternalName } from './svc-externalname.ts'
import { svcLoadBalancer } from './svc-loadbalancer.ts'
import { svcNodePort } from './svc-nodeport.ts'

export const SERVICE_RULES: readonly Rule[] = [svcNodePort, svcLoadBalancer, svcExternalIp, svcExternalName]
