import { readFileSync } from 'node:fs'
import type { ReportAssets } from './html.ts'

/**
 * Reads the report's template, style and script from the assets folder beside this module
 * (src/report/assets/ when run from source; dist/cli/assets/ once built, beside the bundle's
 * chunks: `npm run build` copies the folder there). Read once per process.
 */
let loaded: ReportAssets | undefined

export function reportAssets (): ReportAssets {
  if (loaded === undefined) {
    const read = (name: string): string => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8')
    loaded = { template: read('report.html'), style: read('report.css'), script: read('report.js') }
  }
  return loaded
}
