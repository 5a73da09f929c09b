import type { Rule } from '../../rule.ts'
import { erAddress } from './er-address.ts'
import { erInterface } from './er-interface.ts'
import { erRedirect } from './er-redirect.ts'

export const EGRESS_ROUTER_RULES: readonly Rule[] = [erRedirect, erAddress, erInterface]
