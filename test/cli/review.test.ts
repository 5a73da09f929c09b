import { readFileSync } from 'node:fs'
import t from 'tap'
import { stringify } from 'yaml'
import { runCliWith } from '../helpers/cli.ts'
import { exampleReview } from '../helpers/review.ts'

const example = (name: string): string => readFileSync(new URL(`../../examples/reviews/${name}.json`, import.meta.url), 'utf8')

interface ReviewOut { apiVersion: string, kind: string, response: { uid: string, allowed: boolean, status?: { message: string }, warnings?: string[], patch?: string } }

t.test('review validate prints the response AdmissionReview and exits 0 whatever the verdict', async (t) => {
  const denied = await runCliWith(['review', 'validate'], { stdin: example('service-nodeport-denied') })
  t.equal(denied.code, 0)
  t.equal(denied.stderr, '')
  const out = JSON.parse(denied.stdout) as ReviewOut
  t.match(out, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'c0ffee00-1d2b-4c3d-8e4f-5a6b7c8d9e01', allowed: false, status: { code: 403, message: /^\[SVC-NODEPORT\]/ } } })
  const allowed = await runCliWith(['review', 'validate'], { stdin: example('service-clusterip-allowed') })
  t.equal(allowed.code, 0)
  t.same(JSON.parse(allowed.stdout), { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: '5b1a3c2e-8f0d-4a57-9d61-2c7e0b9f4a11', allowed: true } })
})

t.test('review mutate prints the patch the server would send', async (t) => {
  const result = await runCliWith(['review', 'mutate'], { stdin: example('namespace-create-isolated') })
  t.equal(result.code, 0)
  const { response } = JSON.parse(result.stdout) as ReviewOut
  t.same(JSON.parse(Buffer.from(response.patch ?? '', 'base64').toString()), [{ op: 'add', path: '/metadata/labels', value: { 'netguard.io/isolation': 'default-deny' } }])
})

t.test('--mode and NETGUARD_MODE switch to audit; the flag wins', async (t) => {
  const input = example('service-nodeport-denied')
  const viaEnv = JSON.parse((await runCliWith(['review', 'validate'], { stdin: input, env: { NETGUARD_MODE: 'audit' } })).stdout) as ReviewOut
  t.match(viaEnv.response, { allowed: true, warnings: [/would deny/] })
  const viaFlag = JSON.parse((await runCliWith(['review', 'validate', '--mode', 'enforce'], { stdin: input, env: { NETGUARD_MODE: 'audit' } })).stdout) as ReviewOut
  t.equal(viaFlag.response.allowed, false)
})

t.test('--policies points at another policy folder', async (t) => {
  const dir = t.testdir({
    'policy.yaml': 'apiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nspec:\n  rules:\n    SVC-NODEPORT: { allowedNamespaces: [shop] }\n'
  })
  const result = await runCliWith(['review', 'validate', '--policies', dir], { stdin: example('service-nodeport-denied') })
  t.equal((JSON.parse(result.stdout) as ReviewOut).response.allowed, true)
})

t.test('bad input: a message on stderr, nothing on stdout, exit 2', async (t) => {
  const valid = exampleReview('service-nodeport-denied')
  const cases: [string, string[], string, RegExp][] = [
    ['malformed JSON', ['review', 'validate'], '{"request": ', /not valid JSON/],
    ['empty input', ['review', 'validate'], '', /not valid JSON: the body is empty/],
    ['not an AdmissionReview', ['review', 'validate'], JSON.stringify({ ...valid, apiVersion: 'admission.k8s.io/v1beta1' }), /apiVersion must be admission\.k8s\.io\/v1/],
    ['no uid', ['review', 'mutate'], JSON.stringify({ ...valid, request: { ...valid.request, uid: undefined } }), /request\.uid is missing/],
    ['no point', ['review'], example('service-nodeport-denied'), /usage: netguard review validate\|mutate/],
    ['unknown point', ['review', 'check'], example('service-nodeport-denied'), /usage: netguard review/],
    ['unknown flag', ['review', 'validate', '--port', '1'], example('service-nodeport-denied'), /Unknown option '--port'/],
    ['bad mode', ['review', 'validate', '--mode', 'off'], example('service-nodeport-denied'), /--mode must be one of enforce, audit/],
    ['missing policies', ['review', 'validate', '--policies', '/nonexistent'], example('service-nodeport-denied'), /cannot read policies from \/nonexistent/]
  ]
  for (const [label, argv, stdin, message] of cases) {
    const result = await runCliWith(argv, { stdin })
    t.equal(result.code, 2, label)
    t.equal(result.stdout, '', `${label}: nothing on stdout`)
    t.match(result.stderr, message, label)
  }
})

t.test('review --help says that it reads standard input, JSON or YAML', async (t) => {
  const result = await runCliWith(['review', '--help'])
  t.equal(result.code, 0)
  t.match(result.stdout, /usage: netguard review validate\|mutate/)
  t.match(result.stdout, /\(JSON or YAML\) from standard input/)
})

t.test('a YAML AdmissionReview gets the same response as its JSON', async (t) => {
  const json = await runCliWith(['review', 'validate'], { stdin: example('service-nodeport-denied') })
  const yaml = await runCliWith(['review', 'validate'], { stdin: stringify(exampleReview('service-nodeport-denied')) })
  t.equal(yaml.code, 0)
  t.equal(yaml.stdout, json.stdout)
  const two = await runCliWith(['review', 'validate'], { stdin: 'a: 1\n---\nb: 2\n' })
  t.same([two.code, two.stdout], [2, ''])
  t.match(two.stderr, 'the input is not a YAML AdmissionReview: expected one YAML document')
  const broken = await runCliWith(['review', 'validate'], { stdin: 'kind: AdmissionReview\nrequest: [\n' })
  t.match(broken.stderr, /not a YAML AdmissionReview: syntax error at line \d/)
})

t.test('a file argument is refused with how to give it on standard input', async (t) => {
  const result = await runCliWith(['review', 'validate', 'review.json'])
  t.equal(result.code, 2)
  t.equal(result.stdout, '')
  t.match(result.stderr, 'review reads the AdmissionReview from standard input, not from "review.json": netguard review validate < review.json (or netguard check -f review.json)')
})
