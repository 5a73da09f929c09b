import { parseAllDocuments } from 'yaml'
import { admit, parseReviewJson } from '../admission/review.ts'
import { buildConfig, parseCommandArgs, POLICY_OPTIONS } from '../config.ts'
import { REVIEW_POINTS, type ReviewPoint } from '../engine/types.ts'
import { ReviewYamlError, UsageError } from '../errors.ts'
import { loadPolicyDir } from '../policy/load.ts'
import { EXIT, readAll, type Command } from './io.ts'

const USAGE = `usage: netguard review validate|mutate [--policies DIR] [--mode enforce|audit] < review.json

Reads one AdmissionReview (JSON or YAML) from standard input and prints the webhook's response
AdmissionReview: the same decode, evaluate, decide and encode as the server. Exit 0 whatever the
verdict, 2 when the input is not an admission.k8s.io/v1 AdmissionReview.
To check AdmissionReview files, or manifests, by name: netguard check -f FILE.`

export const review: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(args, POLICY_OPTIONS)
  if (values.help === true) {
    io.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  const [point, ...extra] = positionals
  if (!REVIEW_POINTS.includes(point as ReviewPoint)) throw new UsageError(USAGE)
  if (extra.length > 0) {
    throw new UsageError(`review reads the AdmissionReview from standard input, not from "${extra.join(' ')}": ` +
      `netguard review ${String(point)} < ${extra[0] ?? 'review.json'} (or netguard check -f ${extra[0] ?? 'FILE'})`)
  }
  const config = buildConfig(values, io.env)
  const policy = await loadPolicyDir(config.policiesDir, { ownNamespace: config.ownNamespace })
  if ((io.stdin as { isTTY?: boolean }).isTTY === true) io.stderr.write('netguard review: reading an AdmissionReview from standard input (end with Ctrl-D)\n')
  const outcome = admit(point as ReviewPoint, parseReviewText(await readAll(io.stdin)), { policy, mode: config.mode, now: new Date() })
  io.stdout.write(`${JSON.stringify(outcome.response, null, 2)}\n`)
  return EXIT.ok
}

/**
 * JSON as the webhook reads it; anything else as YAML, turned into JSON and read the same way, so
 * that the webhook's checks (no `__proto__` key, nothing of the input quoted in an error) hold.
 */
function parseReviewText (text: string): unknown {
  if (/^\s*[{[]/.test(text) || text.trim() === '') return parseReviewJson(text)
  const documents = parseAllDocuments(text, { uniqueKeys: true })
  const [document, ...more] = documents.filter((doc) => doc.contents !== null)
  if (document === undefined || more.length > 0) throw new ReviewYamlError('expected one YAML document')
  if (document.errors.length > 0) throw new ReviewYamlError(`syntax error at line ${document.errors[0]?.linePos?.[0].line ?? 1}`)
  return parseReviewJson(JSON.stringify(document.toJS({ maxAliasCount: 100 })))
}
