import type { BuiltPlugins, Test, TestOpts } from '@tapjs/test'

/** The `t` a subtest callback receives, for helpers that register teardowns or make test dirs. */
export type TestContext = Test<BuiltPlugins, TestOpts> & BuiltPlugins
