import t from 'tap'
import { checkExamples } from '../network-attachment/helpers.ts'

t.test('the pod example reviews get the verdict their names promise under the bundled policy', async (t) => {
  await checkExamples(t, 'pod-', 'POD-')
})
