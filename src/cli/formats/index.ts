import type { ReportRenderer } from '../report.ts'
import { renderGithub } from './github.ts'
import { renderJson } from './json.ts'
import { renderJunit } from './junit.ts'
import { renderSarif } from './sarif.ts'
import { renderText } from './text.ts'

/** The output formats of `netguard check`, by the name `--output` takes. One module each. */
export const REPORT_FORMATS = {
  text: renderText,
  json: renderJson,
  junit: renderJunit,
  sarif: renderSarif,
  github: renderGithub
} as const satisfies Readonly<Record<string, ReportRenderer>>

export type ReportFormat = keyof typeof REPORT_FORMATS

export function isReportFormat (name: string): name is ReportFormat {
  return Object.hasOwn(REPORT_FORMATS, name)
}
