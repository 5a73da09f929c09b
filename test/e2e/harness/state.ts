import { readFileSync } from 'node:fs'
import type { ReplicaSpec } from './netguard.ts'

/** What the runner hands the test files (a JSON file named by $NETGUARD_E2E_STATE). */
export interface E2EState {
  readonly server: string
  /** The cluster CA (PEM) the clients trust. */
  readonly ca: string
  readonly tokens: { readonly admin: string, readonly tenant: string }
  readonly users: { readonly admin: string, readonly tenant: string, readonly tenantGroup: string }
  readonly binDir: string
  readonly kubeVersion: string
  readonly logDir: string
  readonly pidDir: string
  readonly workDir: string
  readonly netguard: {
    readonly namespace: string
    readonly serviceAccount: string
    /** The kubeconfig with the service account's token. */
    readonly kubeconfig: string
    /** The webhooks' base URL (https://127.0.0.1:port) and the CA in their caBundle. */
    readonly url: string
    readonly port: number
    readonly ca: string
    readonly policiesDir: string
    /** How to start another replica, as the runner started the first. */
    readonly replica: ReplicaSpec
    /** The replica the runner started: its name (log file `<name>.log`) and pid. */
    readonly primary: { readonly name: string, readonly pid: number }
  }
}

export const STATE_ENV = 'NETGUARD_E2E_STATE'

export function readState (): E2EState {
  const file = process.env[STATE_ENV]
  if (file === undefined || file === '') throw new Error(`${STATE_ENV} is not set: run the end-to-end suite with \`npm run e2e\``)
  return JSON.parse(readFileSync(file, 'utf8')) as E2EState
}
