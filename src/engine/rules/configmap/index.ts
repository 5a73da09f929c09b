import type { Rule } from '../../rule.ts'
import { cmNginxSnippets } from './cm-nginx-snippets.ts'

export const CONFIGMAP_RULES: readonly Rule[] = [cmNginxSnippets]
