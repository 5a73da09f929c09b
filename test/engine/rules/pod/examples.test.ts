import t from 'tap'
import { evaluate } from '../../../../src/engine/evaluate.ts'
import { loadPolicyDir } from '../../../../src/policy/load.ts'
import { examples } from '../network-attachment/helpers.ts'

t.test('the pod example reviews get the verdict their names promise under the bundled policy', async (t) => {
  const policy = await loadPolicyDir(new URL('../../../../policies/', import.meta.url).pathname)
  const found = examples('pod-')
  t.ok(found.length >= 4)
  for (const { file, object, context } of found) {
    const denials = evaluate(object, context, policy).filter((violation) => violation.action === 'deny')
    if (file.endsWith('-allowed.json')) t.same(denials, [], file)
    else t.ok(denials.some((violation) => violation.ruleId.startsWith('POD-')), file)
  }
})
