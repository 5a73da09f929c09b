// The two pieces of @kubernetes/client-node that port.ts uses, and the only ones the built server
// carries: the bundler keeps what these reach and drops the rest of the package's generated APIs
// and models (~20 MB of RSS once loaded instead of ~80 MB for the whole package).
export { KubeConfig, Watch } from '@kubernetes/client-node'
