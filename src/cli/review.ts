import { admit, parseReviewJson } from '../admission/review.ts'
import { buildConfig, parseCommandArgs, POLICY_OPTIONS } from '../config.ts'
import { REVIEW_POINTS, type ReviewPoint } from '../engine/types.ts'
import { UsageError } from '../errors.ts'
import { loadPolicyDir } from '../policy/load.ts'
import { EXIT, type Command } from './io.ts'

const USAGE = `usage: netguard review validate|mutate [--policies DIR] [--mode enforce|audit] < review.json

Reads an AdmissionReview from stdin and prints the webhook's response AdmissionReview:
the same decode, evaluate, decide and encode as the server. Exit 0 whatever the verdict,
2 when the input is not an admission.k8s.io/v1 AdmissionReview.`

export const review: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(args, POLICY_OPTIONS)
  if (values.help === true) {
    io.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  const [point, ...extra] = positionals
  if (!REVIEW_POINTS.includes(point as ReviewPoint) || extra.length > 0) throw new UsageError(USAGE)
  const config = buildConfig(values, io.env)
  const policy = await loadPolicyDir(config.policiesDir, { ownNamespace: config.ownNamespace })
  const outcome = admit(point as ReviewPoint, parseReviewJson(await readAll(io.stdin)), { policy, mode: config.mode, now: new Date() })
  io.stdout.write(`${JSON.stringify(outcome.response, null, 2)}\n`)
  return EXIT.ok
}

async function readAll (stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString('utf8')
}
