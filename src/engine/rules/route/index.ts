import type { Rule } from '../../rule.ts'
import { routeAnnotations } from './route-annotations.ts'
import { routeCert } from './route-cert.ts'
import { routeHostOwnership } from './route-host-ownership.ts'
import { routeHostRule } from './route-host.ts'
import { routeInsecure } from './route-insecure.ts'
import { routeTermination } from './route-termination.ts'
import { routeTlsRule } from './route-tls.ts'
import { routeWildcard } from './route-wildcard.ts'

export const ROUTE_RULES: readonly Rule[] = [
  routeTlsRule, routeInsecure, routeTermination, routeHostRule, routeWildcard, routeCert, routeAnnotations, routeHostOwnership
]
