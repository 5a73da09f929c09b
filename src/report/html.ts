import { createHash } from 'node:crypto'
import { POSTURE_API_VERSION, POSTURE_KIND, type PostureDocument } from './posture.ts'

/** The page's template, style and script (src/report/assets/; assets.ts reads them). */
export interface ReportAssets {
  readonly template: string
  readonly style: string
  readonly script: string
}

const DATA_ID = 'posture-data'

/**
 * The self-contained HTML report: the posture document as JSON inside a non-executable script
 * block (every `<` written as `\u003c`, so no value can close the block or open a comment), the
 * style and the page script inline, and a Content-Security-Policy that forbids every fetch and
 * runs only that style and that script (by hash: no 'unsafe-inline'). Pure.
 */
export function renderPostureHtml (document: PostureDocument, assets: ReportAssets): string {
  for (const [name, text, closing] of [['style', assets.style, '</style'], ['script', assets.script, '</script']] as const) {
    if (text.toLowerCase().includes(closing)) throw new Error(`the report's ${name} contains ${closing}, which would end its element early`)
  }
  const csp = [
    "default-src 'none'",
    `script-src '${sha256(assets.script)}'`,
    `style-src '${sha256(assets.style)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'"
  ].join('; ')
  const values: Readonly<Record<string, string>> = { CSP: csp, STYLE: assets.style, SCRIPT: assets.script, DATA: embeddedJson(document) }
  // One pass over the template: what is put in is never read again for placeholders.
  return assets.template.replace(/\{\{(CSP|STYLE|SCRIPT|DATA)\}\}/g, (_, key: string) => values[key] ?? '')
}

/** JSON that is inert inside `<script type="application/json">`: `<` never appears as such. */
export function embeddedJson (value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c')
}

function sha256 (text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`
}

/**
 * The posture document of a previous report, for --compare: the HTML report itself (its JSON
 * block), or that JSON on its own. Throws an error that says what was expected.
 */
export function readPostureDocument (text: string): PostureDocument {
  const trimmed = text.trimStart()
  let json = trimmed
  if (!trimmed.startsWith('{')) {
    const start = new RegExp(`<script type="application/json" id="${DATA_ID}">`).exec(text)
    const end = start === null ? -1 : text.indexOf('</script>', start.index + start[0].length)
    if (start === null || end < 0) throw new Error('not a netguard posture report: no posture data block found (expected the HTML of --output html, or its JSON)')
    json = text.slice(start.index + start[0].length, end)
  }
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (error) {
    throw new Error(`the posture data is not valid JSON (${(error as Error).message})`)
  }
  const document = value as Partial<PostureDocument> | null
  if (typeof document !== 'object' || document === null || document.apiVersion !== POSTURE_API_VERSION || document.kind !== POSTURE_KIND) {
    throw new Error(`not a netguard posture report: expected apiVersion ${POSTURE_API_VERSION} and kind ${POSTURE_KIND}`)
  }
  for (const field of ['findings', 'exposures', 'namespaces'] as const) {
    if (!Array.isArray(document[field])) throw new Error(`the posture report has no ${field} list`)
  }
  if (typeof document.summary !== 'object' || document.summary === null) throw new Error('the posture report has no summary')
  return document as PostureDocument
}
