import neostandard from 'neostandard'
import erasableSyntaxOnly from 'eslint-plugin-erasable-syntax-only'

// The engine, policy compiler and mutation code must stay pure: no I/O, no clock, no fronts.
const pureFolders = ['src/engine/**', 'src/policy/compile.ts', 'src/policy/schema.ts', 'src/policy/parse.ts', 'src/policy/isolation.ts', 'src/mutation/**', 'src/reconciler/desired.ts', 'src/reconciler/plan.ts']
const impureModules = ['node:fs', 'node:fs/promises', 'node:net', 'node:http', 'node:https', 'node:child_process', 'fs', 'net', 'http', 'https', 'fastify', 'pino', '@kubernetes/client-node']
const kubeClient = { name: '@kubernetes/client-node', message: 'use the KubePort of src/kube/port.ts' }
const fronts = { group: ['**/admission/**', '**/cli/**', '**/kube/port*', '**/tls/**', '**/log*'], message: 'the engine is pure: fronts import it, never the reverse' }
// Layers above the engine (test/layering.test.ts holds every folder to its layer, and finds circles).
const aboveEngine = {
  group: ['**/policy/**', '**/cluster/**', '**/reconciler/**', '**/config.ts', '**/metrics.ts', '**/server.ts', '**/cluster-services.ts'],
  message: 'engine/ imports only kube/, mutation/ and itself: every layer above builds on it, never the reverse'
}

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'coverage/**', '.tap/**', 'node_modules/**'] }),
  erasableSyntaxOnly.configs.recommended,
  {
    // One module talks to the Kubernetes client library (port.ts, through client-node.ts, which names the
    // two classes the bundle keeps); everything else uses its KubePort.
    files: ['src/**', 'test/**'],
    ignores: ['src/kube/port.ts', 'src/kube/client-node.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [kubeClient] }]
    }
  },
  {
    // The caches are what the reconciler reads; they know nothing of it (cluster-services.ts ties them).
    files: ['src/cluster/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [kubeClient],
        patterns: [{ group: ['**/reconciler/**', '**/admission/**', '**/cli/**', '**/server.ts', '**/cluster-services.ts'], message: 'cluster/ is below the reconciler and the fronts: they import it, never the reverse' }]
      }]
    }
  },
  {
    files: pureFolders,
    rules: {
      'no-restricted-imports': ['error', { paths: impureModules, patterns: [fronts] }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'the clock is an input to the engine' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'the engine reads no environment' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'the clock is an input to the engine (context.now)' }]
    }
  },
  {
    files: ['src/engine/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: impureModules, patterns: [fronts, aboveEngine] }]
    }
  }
]
