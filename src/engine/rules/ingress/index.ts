import type { Rule } from '../../rule.ts'
import { ingAnnotations } from './ing-annotations.ts'
import { ingClass } from './ing-class.ts'
import { ingHostUnique } from './ing-host-unique.ts'
import { ingHost } from './ing-host.ts'
import { ingTls } from './ing-tls.ts'

export const INGRESS_RULES: readonly Rule[] = [ingTls, ingHost, ingClass, ingAnnotations, ingHostUnique]
