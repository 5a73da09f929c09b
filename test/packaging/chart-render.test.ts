import t from 'tap'
import { parse } from 'yaml'
import { WEBHOOK_RULES_FILE } from '../../scripts/chart-rules.ts'
import { CACHED_RESOURCES } from '../../src/cluster/caches.ts'
import { LEASES, NETWORK_POLICIES } from '../../src/kube/resources.ts'
import { Metrics } from '../../src/metrics.ts'
import { compilePolicy } from '../../src/policy/compile.ts'
import { parseSource } from '../../src/policy/parse.ts'
import { CHART_DIR, chartFile, selects } from '../helpers/chart.ts'
import { overlay, renderChart, type RenderOptions } from '../helpers/helm-template.ts'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

// Renders the chart with test/helpers/helm-template.ts (no helm binary can be installed here)
// and checks the objects the cluster would get.
type Obj = Record<string, any>

/** An image the cluster can pull: the chart has no default (none is published). */
const IMAGE = { image: { repository: 'registry.example.com/netguard/netguard' } }

function render (values: Obj = {}, options: Omit<RenderOptions, 'values'> = {}): { objects: Obj[], find: (kind: string, name?: string) => Obj } {
  const rendered = renderChart(CHART_DIR, { ...options, values: overlay(IMAGE, values) as Obj })
  return {
    objects: rendered.objects,
    find: (kind, name) => {
      const found = rendered.find(kind, name)
      if (found === undefined) throw new Error(`no ${kind} ${name ?? ''} rendered`)
      return found
    }
  }
}

function kinds (objects: readonly Obj[]): string[] {
  return objects.map((object) => String(object.kind)).sort()
}

const webhookRules = parse(chartFile('files/webhook-rules.yaml')) as Obj

const namespace = (name: string, labels: Record<string, string> = {}): Record<string, string> => ({ 'kubernetes.io/metadata.name': name, ...labels })

t.test('defaults: what a plain install creates', async (t) => {
  const { objects } = render()
  t.same(kinds(objects), [
    'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'MutatingWebhookConfiguration', 'NetworkPolicy',
    'PodDisruptionBudget', 'ResourceQuota', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount', 'ValidatingWebhookConfiguration'
  ])
  for (const object of objects) {
    t.ok(String(object.metadata.name).length <= 63, `${object.kind} name fits 63 characters`)
    t.equal(object.metadata.labels['app.kubernetes.io/part-of'], 'netguard', `${object.kind} is labelled`)
    const clusterScoped = ['ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].includes(object.kind)
    t.equal(object.metadata.namespace, clusterScoped ? undefined : 'netguard', `${object.kind} namespace`)
  }
})

t.test('the Deployment: two spread replicas, restricted security context, probes over HTTPS', async (t) => {
  const { find } = render()
  const deployment = find('Deployment')
  const pod = deployment.spec.template.spec
  const [container] = pod.containers
  t.equal(deployment.spec.replicas, 2)
  t.same(deployment.spec.strategy.rollingUpdate, { maxSurge: 1, maxUnavailable: 0 })
  t.same(pod.topologySpreadConstraints, [{
    maxSkew: 1,
    topologyKey: 'kubernetes.io/hostname',
    whenUnsatisfiable: 'DoNotSchedule',
    nodeTaintsPolicy: 'Honor',
    labelSelector: { matchLabels: deployment.spec.selector.matchLabels },
    matchLabelKeys: ['pod-template-hash']
  }])
  t.same(pod.securityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } })
  t.same(container.securityContext, {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' }
  })
  t.notMatch(JSON.stringify(deployment), /runAsUser|fsGroup|privileged|hostNetwork|hostPath/, 'no fixed UID (OpenShift assigns one), nothing privileged')
  t.same(container.livenessProbe.httpGet, { path: '/healthz', port: 'https', scheme: 'HTTPS' })
  t.same(container.readinessProbe.httpGet, { path: '/readyz', port: 'https', scheme: 'HTTPS' })
  t.same(container.ports, [{ name: 'https', containerPort: 8443, protocol: 'TCP' }])
  t.ok(container.resources.requests.cpu && container.resources.requests.memory && container.resources.limits.memory, 'requests and limits')
  t.same(container.env.map((variable: Obj) => variable.name), ['NETGUARD_NAMESPACE', 'POD_NAME', 'NETGUARD_LOG_LEVEL', 'NODE_OPTIONS', 'NETGUARD_KUBE_API_QPS', 'NETGUARD_KUBE_API_BURST'])
  t.same(container.env.slice(-2).map((variable: Obj) => variable.value), ['20', '30'], 'the write rate limit, as client-go controllers')
  t.same(container.args, ['serve', '--port=8443', '--cert=/etc/netguard/tls/tls.crt', '--key=/etc/netguard/tls/tls.key', '--policies=/etc/netguard/policies', '--mode=audit'])
  const mounts = Object.fromEntries(container.volumeMounts.map((mount: Obj) => [mount.name, mount]))
  const volumes = Object.fromEntries(pod.volumes.map((volume: Obj) => [volume.name, volume]))
  t.equal(mounts.tmp.mountPath, '/tmp')
  t.ok(volumes.tmp.emptyDir, '/tmp is an emptyDir: the only writable path')
  t.equal(volumes.tls.secret.secretName, 'netguard-tls')
  t.equal(volumes.policies.configMap.name, 'netguard-policies')
  for (const mount of container.volumeMounts) t.notOk(mount.subPath, `${mount.name} is mounted whole, so updates reach the pod`)
  t.equal(find('PodDisruptionBudget').spec.minAvailable, 1)
})

t.test('shutdown: a preStop sleep where the kubelet has the sleep action, and room for the drain', async (t) => {
  const pod = (kubeVersion: string, values: Obj = {}): Obj => render(values, { kubeVersion }).find('Deployment').spec.template.spec
  t.same(pod('v1.30.2').containers[0].lifecycle, { preStop: { sleep: { seconds: 5 } } })
  t.equal(pod('v1.29.0').containers[0].lifecycle, undefined, 'older clusters reject the sleep action')
  t.equal(pod('v1.31.0', { preStopSleepSeconds: 0 }).containers[0].lifecycle, undefined)
  t.equal(pod('v1.31.0').terminationGracePeriodSeconds, 30)
})

t.test('the Service sends 443 to the container port 8443', async (t) => {
  const { find } = render()
  const service = find('Service')
  t.same(service.spec.ports, [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }])
  t.same(service.spec.selector, find('Deployment').spec.selector.matchLabels)
})

t.test('the webhooks: safe settings, rules from the engine registry, the Service and the CA', async (t) => {
  const { find } = render({ webhook: { excludeResources: [] } })
  const validating = find('ValidatingWebhookConfiguration').webhooks
  const mutating = find('MutatingWebhookConfiguration').webhooks
  t.same(validating.map((webhook: Obj) => webhook.name), ['validate.netguard.io', 'namespace-labels.netguard.io'])
  t.equal(mutating.length, 1)
  const ca = find('Secret').data['ca.crt']
  for (const [webhook, path, rules] of [[validating[0], '/validate', webhookRules.validating], [validating[1], '/validate', undefined], [mutating[0], '/mutate', webhookRules.mutating]]) {
    t.same(webhook.admissionReviewVersions, ['v1'])
    t.equal(webhook.sideEffects, 'None')
    t.equal(webhook.matchPolicy, 'Equivalent')
    t.equal(webhook.timeoutSeconds, 5)
    t.equal(webhook.failurePolicy, 'Ignore', 'audit mode: never blocks')
    t.same(webhook.clientConfig.service, { name: 'netguard', namespace: 'netguard', path, port: 443 })
    t.equal(webhook.clientConfig.caBundle, ca, 'the caBundle is the CA of the serving secret')
    if (rules !== undefined) t.same(webhook.rules, rules, `rules are ${WEBHOOK_RULES_FILE}`)
  }
  t.equal(mutating[0].reinvocationPolicy, 'IfNeeded')
  t.equal(validating[0].reinvocationPolicy, undefined)
})

t.test('the namespaceSelector keeps netguard, exempt names, run-levels 0 and 1 and ignored namespaces out of the webhooks', async (t) => {
  const { find } = render({}, { namespace: 'guard' })
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    const selector = find(kind).webhooks[0].namespaceSelector
    t.notOk(selects(selector, namespace('guard')), `${kind}: the release namespace`)
    t.notOk(selects(selector, namespace('openshift')), `${kind}: a namespace the policy exempts by exact name`)
    t.notOk(selects(selector, namespace('openshift-something-new', { 'openshift.io/run-level': '0' })), `${kind}: a run-level 0 namespace`)
    t.notOk(selects(selector, namespace('shop', { 'netguard.io/ignore': 'true' })), `${kind}: a namespace labelled netguard.io/ignore`)
    t.ok(selects(selector, namespace('shop')), `${kind}: a tenant namespace`)
    t.ok(selects(selector, namespace('shop', { 'openshift.io/run-level': '' })), `${kind}: a tenant namespace with an empty run-level`)
  }
  const noLabel = render({ webhook: { ignoreLabel: '' } }).find('ValidatingWebhookConfiguration').webhooks[0].namespaceSelector
  t.ok(selects(noLabel, namespace('shop', { 'netguard.io/ignore': 'true' })), 'without ignoreLabel the label means nothing')
})

t.test('a shorter timeout reaches every webhook', async (t) => {
  const { find } = render({ webhook: { timeoutSeconds: 3 } })
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    for (const webhook of find(kind).webhooks) t.equal(webhook.timeoutSeconds, 3)
  }
})

t.test('failurePolicy: Ignore in audit mode whatever the value; Fail only in enforce mode and only when chosen', async (t) => {
  const policies = (values: Obj): string[] => {
    const { find } = render(values)
    return [...find('ValidatingWebhookConfiguration').webhooks, ...find('MutatingWebhookConfiguration').webhooks].map((webhook: Obj) => webhook.failurePolicy)
  }
  t.same(policies({}), ['Ignore', 'Ignore', 'Ignore'], 'defaults: audit, Ignore')
  t.same(policies({ webhook: { failurePolicy: 'Fail' } }), ['Ignore', 'Ignore', 'Ignore'], 'audit mode with Fail asked: still Ignore')
  t.same(policies({ mode: 'enforce' }), ['Ignore', 'Ignore', 'Ignore'], 'enforce mode: Ignore unless Fail is chosen')
  t.same(policies({ mode: 'enforce', webhook: { failurePolicy: 'Fail' } }), ['Fail', 'Fail', 'Fail'], 'enforce with Fail')
})

t.test('without an image the chart refuses to render, saying how to build and push one', async (t) => {
  t.throws(() => renderChart(CHART_DIR, {}), /image\.repository is not set: no netguard image is published\. Build one from the repository's Dockerfile and push it .*docker build .*docker push .*then set image\.repository/)
  t.equal(render({ image: { tag: '1.2.3' } }).find('Deployment').spec.template.spec.containers[0].image, 'registry.example.com/netguard/netguard:1.2.3')
  t.equal(render({ image: { digest: `sha256:${'a'.repeat(64)}` } }).find('Deployment').spec.template.spec.containers[0].image, `registry.example.com/netguard/netguard@sha256:${'a'.repeat(64)}`)
})

t.test('critical-workload defaults: system-cluster-critical, admitted by a quota of its own', async (t) => {
  const { find, objects } = render()
  t.equal(find('Deployment').spec.template.spec.priorityClassName, 'system-cluster-critical')
  const quota = find('ResourceQuota')
  t.same(quota.spec.scopeSelector, { matchExpressions: [{ operator: 'In', scopeName: 'PriorityClass', values: ['system-cluster-critical'] }] })
  t.equal(quota.metadata.namespace, 'netguard')
  t.ok(objects.some((object) => object.kind === 'PodDisruptionBudget'))
  t.notOk(render({ criticalPodsQuota: false }).objects.some((object) => object.kind === 'ResourceQuota'))
  const plain = render({ priorityClassName: '' })
  t.equal(plain.find('Deployment').spec.template.spec.priorityClassName, undefined)
  t.notOk(plain.objects.some((object) => object.kind === 'ResourceQuota'), 'no quota for an ordinary priority class')
})

t.test('the heap limit follows the memory limit: 60 % of it', async (t) => {
  const heap = (limits: Obj | null): string | undefined => {
    const { find } = render({ resources: { limits } })
    return find('Deployment').spec.template.spec.containers[0].env.find((variable: Obj) => variable.name === 'NODE_OPTIONS')?.value
  }
  t.equal(heap({ memory: '256Mi' }), '--max-old-space-size=153')
  t.equal(heap({ memory: '1Gi' }), '--max-old-space-size=614')
  t.equal(heap({ memory: '500M' }), '--max-old-space-size=286')
  t.equal(heap({ memory: '536870912' }), '--max-old-space-size=307')
  t.equal(heap({ cpu: '1', memory: null }), undefined, 'no memory limit: Node chooses')
  t.equal(heap(null), undefined, 'no limits at all')
  t.throws(() => heap({ memory: '0.5Gi' }), /resources\.limits\.memory: "0\.5Gi" is not a whole number/)
})

t.test('every network stack: a dual-stack Service where the cluster has one, probes and peers by name', async (t) => {
  const { find } = render()
  t.equal(find('Service').spec.ipFamilyPolicy, 'PreferDualStack')
  t.equal(render({ service: { ipFamilyPolicy: 'RequireDualStack' } }).find('Service').spec.ipFamilyPolicy, 'RequireDualStack')
  const container = find('Deployment').spec.template.spec.containers[0]
  t.notOk(container.args.some((arg: string) => arg.startsWith('--host')), 'the server listens on every family (:: with IPv4 mapped)')
  t.equal(container.livenessProbe.httpGet.host, undefined, 'probes go to the pod IP, whatever its family')
  for (const [path, text] of renderChart(CHART_DIR, { values: IMAGE }).text) {
    // The policy files name localhost as a forbidden ExternalName target: text, not an address to use.
    if (path.endsWith('configmap-policies.yaml')) continue
    t.notMatch(text, /\b(?:0\.0\.0\.0|127\.0\.0\.1|localhost)\b/, `${path}: no IPv4-only address`)
  }
})

t.test('webhook.url points every webhook at a server outside the cluster, instead of the Service', async (t) => {
  const { find } = render({ webhook: { url: 'https://127.0.0.1:8443' } })
  for (const webhook of [...find('ValidatingWebhookConfiguration').webhooks, ...find('MutatingWebhookConfiguration').webhooks]) {
    t.equal(webhook.clientConfig.service, undefined)
    t.match(webhook.clientConfig.url, /^https:\/\/127\.0\.0\.1:8443\/(validate|mutate)$/)
    t.ok(webhook.clientConfig.caBundle, 'with the CA bundle')
  }
  t.equal(find('MutatingWebhookConfiguration').webhooks[0].clientConfig.url, 'https://127.0.0.1:8443/mutate')
})

t.test('ConfigMaps are left out by default; everything else the rules check is sent', async (t) => {
  const sent = render().find('ValidatingWebhookConfiguration').webhooks[0].rules.map((rule: Obj) => rule.resources[0])
  t.notOk(sent.includes('configmaps'))
  t.equal(sent.length, webhookRules.validating.length - 1)
})

t.test('resources can be left out of the validating webhook', async (t) => {
  const { find } = render({ webhook: { excludeResources: ['services', 'pods'] } })
  const sent = find('ValidatingWebhookConfiguration').webhooks[0].rules.map((rule: Obj) => rule.resources[0])
  t.notOk(sent.includes('services') || sent.includes('pods'))
  t.equal(sent.length, webhookRules.validating.length - 2)
})

t.test('mode is one value: the server flag', async (t) => {
  const { find } = render({ mode: 'enforce' })
  t.ok(find('Deployment').spec.template.spec.containers[0].args.includes('--mode=enforce'))
})

t.test('certificates on OpenShift: the service CA signs and injects', async (t) => {
  const { objects, find } = render({ openshift: true })
  t.notOk(objects.some((object) => object.kind === 'Secret'), 'no secret from the chart')
  t.equal(find('Service').metadata.annotations['service.beta.openshift.io/serving-cert-secret-name'], 'netguard-tls')
  t.equal(find('Deployment').spec.template.spec.volumes[0].secret.secretName, 'netguard-tls')
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    t.same(find(kind).metadata.annotations, { 'service.beta.openshift.io/inject-cabundle': 'true' })
    t.equal(find(kind).webhooks[0].clientConfig.caBundle, undefined, 'the service CA fills the caBundle')
  }
  const peers = find('NetworkPolicy').spec.ingress[0].from
  t.same(peers, [
    { namespaceSelector: { matchLabels: { 'policy-group.network.openshift.io/host-network': '' } } },
    { namespaceSelector: { matchLabels: { 'network.openshift.io/policy-group': 'monitoring' } } }
  ])
})

t.test('certificates from cert-manager: a CA of its own, or the issuer given', async (t) => {
  const { objects, find } = render({ certificates: { provider: 'certManager' } })
  const serving = find('Certificate', 'netguard-tls')
  t.equal(serving.spec.secretName, 'netguard-tls')
  t.same(serving.spec.dnsNames, ['netguard.netguard.svc', 'netguard.netguard.svc.cluster.local'])
  t.same(serving.spec.issuerRef, { kind: 'Issuer', name: 'netguard-ca' })
  t.equal(find('Certificate', 'netguard-ca').spec.isCA, true)
  t.ok(find('Issuer', 'netguard-ca').spec.ca)
  t.ok(find('Issuer', 'netguard-selfsigned').spec.selfSigned)
  t.notOk(objects.some((object) => object.kind === 'Secret'))
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    t.same(find(kind).metadata.annotations, { 'cert-manager.io/inject-ca-from': 'netguard/netguard-tls' }, 'names the serving Certificate')
    t.equal(find(kind).webhooks[0].clientConfig.caBundle, undefined)
  }

  const own = render({ certificates: { provider: 'certManager', certManager: { issuerRef: { kind: 'ClusterIssuer', name: 'corp-ca' } } } })
  t.same(kinds(own.objects).filter((kind) => kind === 'Issuer' || kind === 'Certificate'), ['Certificate'])
  t.same(own.find('Certificate').spec.issuerRef, { kind: 'ClusterIssuer', name: 'corp-ca' })
})

t.test('self-signed certificates are kept across upgrades', async (t) => {
  const data = { 'ca.crt': 'b2xkLWNh', 'tls.crt': 'b2xkLWNlcnQ=', 'tls.key': 'b2xkLWtleQ==' }
  const { find } = render({}, { cluster: { 'v1/Secret/netguard/netguard-tls': { data } } })
  t.same(find('Secret').data, data)
  t.equal(find('ValidatingWebhookConfiguration').webhooks[0].clientConfig.caBundle, 'b2xkLWNh')
  t.equal(find('MutatingWebhookConfiguration').webhooks[0].clientConfig.caBundle, 'b2xkLWNh')
})

t.test('replicas: no PDB for one replica; an HPA replaces the fixed count', async (t) => {
  t.notOk(render({ replicaCount: 1 }).objects.some((object) => object.kind === 'PodDisruptionBudget'))
  const { find } = render({ autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 6 } })
  t.equal(find('Deployment').spec.replicas, undefined)
  t.same(find('HorizontalPodAutoscaler').spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'netguard' })
  t.equal(find('HorizontalPodAutoscaler').spec.minReplicas, 3)
  t.ok(find('PodDisruptionBudget'))
})

t.test('the NetworkPolicy admits only the peers given, on the webhook port', async (t) => {
  const { find } = render({ networkPolicy: { apiServerPeers: [{ ipBlock: { cidr: '10.0.0.0/24' } }], metricsPeers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] } })
  const policy = find('NetworkPolicy')
  t.same(policy.spec.policyTypes, ['Ingress'])
  t.same(policy.spec.podSelector.matchLabels, find('Deployment').spec.selector.matchLabels)
  t.same(policy.spec.ingress, [{
    ports: [{ port: 'https', protocol: 'TCP' }],
    from: [{ ipBlock: { cidr: '10.0.0.0/24' } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]
  }])
  t.same(render().find('NetworkPolicy').spec.ingress, [{ ports: [{ port: 'https', protocol: 'TCP' }] }], 'no peer known: the port only')
  t.notOk(render({ networkPolicy: { enabled: false } }).objects.some((object) => object.kind === 'NetworkPolicy'))
})

t.test('the ServiceMonitor scrapes /metrics over HTTPS with the CA that signed the server', async (t) => {
  const plain = render({ metrics: { serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } } }).find('ServiceMonitor')
  t.equal(plain.metadata.labels.release, 'prometheus')
  t.same(plain.spec.endpoints[0], {
    port: 'https',
    scheme: 'https',
    path: '/metrics',
    interval: '30s',
    tlsConfig: { serverName: 'netguard.netguard.svc', ca: { secret: { name: 'netguard-tls', key: 'ca.crt' } } }
  })
  const openshift = render({ openshift: true, metrics: { serviceMonitor: { enabled: true } } })
  t.same(openshift.find('ServiceMonitor').spec.endpoints[0].tlsConfig.ca, { configMap: { name: 'netguard-service-ca', key: 'service-ca.crt' } })
  t.equal(openshift.find('ConfigMap', 'netguard-service-ca').metadata.annotations['service.beta.openshift.io/inject-cabundle'], 'true')
})

t.test('metrics.port: /metrics over plain HTTP on the pod IP, in the Service, scraped by the ServiceMonitor, open to the scrapers only', async (t) => {
  const defaults = render({ metrics: { serviceMonitor: { enabled: true } } })
  const container = defaults.find('Deployment').spec.template.spec.containers[0]
  t.notOk(container.args.some((arg: string) => arg.startsWith('--metrics')), 'off by default')
  t.same(container.ports.map((port: Obj) => port.name), ['https'])
  t.same(defaults.find('Service').spec.ports.map((port: Obj) => port.name), ['https'])
  t.equal(defaults.find('NetworkPolicy').spec.ingress.length, 1)

  const { find, objects } = render({ openshift: true, metrics: { port: 9090, serviceMonitor: { enabled: true } } })
  const pod = find('Deployment').spec.template.spec
  t.same(pod.containers[0].args.slice(-2), ['--metrics-port=9090', '--metrics-host=$(POD_IP)'])
  t.same(pod.containers[0].env.find((entry: Obj) => entry.name === 'POD_IP'), { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } })
  t.ok(pod.containers[0].env.findIndex((entry: Obj) => entry.name === 'POD_IP') >= 0, 'the variable the argument expands')
  t.same(pod.containers[0].ports.at(-1), { name: 'metrics', containerPort: 9090, protocol: 'TCP' })
  t.same(find('Service').spec.ports.at(-1), { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' })
  t.same(find('ServiceMonitor').spec.endpoints, [{ port: 'metrics', scheme: 'http', path: '/metrics', interval: '30s' }])
  t.notOk(objects.some((object) => object.kind === 'ConfigMap' && object.metadata.name === 'netguard-service-ca'), 'no CA bundle to scrape plain HTTP')
  t.same(find('NetworkPolicy').spec.ingress[1], {
    ports: [{ port: 'metrics', protocol: 'TCP' }],
    from: [
      { namespaceSelector: { matchLabels: { 'network.openshift.io/policy-group': 'monitoring' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-user-workload-monitoring' } } }
    ]
  })
  t.equal(find('NetworkPolicy').spec.ingress[0].from.length, 2, 'the webhook port keeps its peers')
})

t.test('the PrometheusRule, off by default, alerts on metrics netguard exports, in its own namespace', async (t) => {
  t.notOk(render().objects.some((object) => object.kind === 'PrometheusRule'))
  const { find } = render({ metrics: { prometheusRule: { enabled: true, labels: { role: 'alert-rules' }, certificateExpiryDays: 7, reviewLatencySeconds: 0.5 } } }, { namespace: 'guard' })
  const rule = find('PrometheusRule')
  t.equal(rule.metadata.namespace, 'guard')
  t.equal(rule.metadata.labels.role, 'alert-rules')
  const alerts = rule.spec.groups.flatMap((group: Obj) => group.rules) as Obj[]
  t.same(alerts.map((alert) => alert.alert), ['NetguardCertificateExpiringSoon', 'NetguardCertificateReloadFailing', 'NetguardCacheNotSynced', 'NetguardReviewErrors', 'NetguardReviewLatencyHigh'])
  const expr = (name: string): string => String(alerts.find((alert) => alert.alert === name)?.expr)
  t.match(expr('NetguardCertificateExpiringSoon'), / - time\(\) < 604800$/, '7 days')
  t.match(expr('NetguardReviewLatencyHigh'), /^histogram_quantile\(0\.99, .*\) > 0\.5$/)
  t.match(expr('NetguardReviewErrors'), /verdict="error"/)

  // Every series an alert reads is one the server exports, under that name.
  const metrics = new Metrics({ processMetrics: false })
  metrics.observeCertificate(() => ({ source: 'dev', notAfter: new Date(), loadedAt: new Date(), lastError: undefined }))
  metrics.observeCaches(() => ({}))
  const exported = new Set([...(await metrics.registry.metrics()).matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) => type === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name]))
  for (const alert of alerts) {
    t.ok(alert.for, `${alert.alert} waits before firing`)
    t.equal(alert.labels.severity, 'warning')
    t.ok(alert.annotations.summary && alert.annotations.description, `${alert.alert} says what and why`)
    const read = [...String(alert.expr).matchAll(/\b(netguard_\w+)\{([^}]*)\}/g)]
    t.ok(read.length > 0, `${alert.alert} reads netguard's metrics`)
    for (const [, name, selector] of read) {
      t.ok(exported.has(name!), `${alert.alert}: ${name} is exported`)
      t.match(selector, /^namespace="guard"/, `${alert.alert}: this release's namespace only`)
    }
  }
})

t.test('policies: the bundled files by default, overridden or replaced from values', async (t) => {
  const bundled = readdirSync('policies').filter((name) => name.endsWith('.yaml')).sort()
  const { find } = render()
  const data = find('ConfigMap', 'netguard-policies').data as Record<string, string>
  t.same(Object.keys(data).sort(), bundled, 'every policies/*.yaml, nothing from subfolders')
  for (const name of bundled) t.equal(data[name], readFileSync(`policies/${name}`, 'utf8'), `${name} as in policies/`)
  t.doesNotThrow(() => compilePolicy(Object.entries(data).flatMap(([name, text]) => parseSource(name, text).documents)), 'the bundled policy compiles')

  const services = 'apiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nspec: {}\n'
  const overridden = render({ policies: { files: { 'services.yaml': services } } }).find('ConfigMap', 'netguard-policies').data
  t.equal(overridden['services.yaml'], services)
  t.equal(overridden['00-global.yaml'], data['00-global.yaml'])
  t.same(Object.keys(render({ policies: { bundled: false, files: { 'only.yaml': services } } }).find('ConfigMap', 'netguard-policies').data), ['only.yaml'])

  const external = render({ policies: { existingConfigMap: 'corp-policies' } })
  t.notOk(external.objects.some((object) => object.kind === 'ConfigMap'))
  t.equal(external.find('Deployment').spec.template.spec.volumes[1].configMap.name, 'corp-policies')
  t.throws(() => render({ policies: { bundled: false } }), /no policy file/)
})

t.test('the audit CronJob reads every kind the rules check and writes reports of the chosen API, as its own identity', async (t) => {
  t.notOk(render().objects.some((object) => object.kind === 'CronJob'))
  const { find } = render({ audit: { enabled: true } })
  const job = find('CronJob')
  const pod = job.spec.jobTemplate.spec.template.spec
  t.equal(pod.serviceAccountName, 'netguard-audit')
  t.same(pod.containers[0].args, ['audit', '--policies=/etc/netguard/policies', '--output=text', '--write', '--report-api=wgpolicyk8s.io/v1alpha2', '--exit-zero'], 'findings never fail the Job: KubeJobFailed means the audit could not run')
  t.equal(job.spec.jobTemplate.spec.backoffLimit, 0, 'a run that finds violations exits 1 and is not retried')
  t.same(pod.containers[0].securityContext.capabilities, { drop: ['ALL'] })
  t.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true)
  const rules = find('ClusterRole', 'netguard-audit').rules as Obj[]
  for (const entry of [...webhookRules.validating, ...webhookRules.mutating]) {
    t.ok(rules.some((rule) => rule.resources.includes(entry.resources[0]) && rule.apiGroups.includes(entry.apiGroups[0]) && rule.verbs.includes('list')), `lists ${entry.resources[0]}`)
  }
  t.ok(rules.some((rule) => rule.apiGroups.includes('wgpolicyk8s.io') && rule.resources.includes('policyreports') && rule.verbs.includes('create')))
  t.notMatch(JSON.stringify(rules), /openreports/)
  t.same(find('ClusterRoleBinding', 'netguard-audit').subjects, [{ kind: 'ServiceAccount', name: 'netguard-audit', namespace: 'netguard' }])

  const pushing = render({ audit: { enabled: true, pushgateway: 'http://pushgateway.monitoring.svc:9091' } })
  t.ok(pushing.find('CronJob').spec.jobTemplate.spec.template.spec.containers[0].args.includes('--pushgateway=http://pushgateway.monitoring.svc:9091'))

  const open = render({ audit: { enabled: true, reportApi: 'openreports.io/v1alpha1' } })
  t.ok(open.find('CronJob').spec.jobTemplate.spec.template.spec.containers[0].args.includes('--report-api=openreports.io/v1alpha1'))
  const openRules = open.find('ClusterRole', 'netguard-audit').rules as Obj[]
  t.same(openRules.at(-1), { apiGroups: ['openreports.io'], resources: ['reports', 'clusterreports'], verbs: ['get', 'list', 'create', 'update', 'delete'] })
  t.notMatch(JSON.stringify(openRules), /wgpolicyk8s/, 'the chosen API only')
})

t.test('RBAC: the server reads the cached kinds, writes only the isolation it keeps, and Leases only in its namespace', async (t) => {
  const { find } = render()
  const cluster = find('ClusterRole', 'netguard').rules as Obj[]
  const writes = cluster.filter((rule) => rule.verbs.some((verb: string) => !['get', 'list', 'watch'].includes(verb)))
  t.same(writes.map((rule) => [rule.resources, rule.verbs]), [
    [['networkpolicies'], ['get', 'list', 'watch', 'create', 'update']],
    [['multi-networkpolicies'], ['get', 'list', 'watch', 'create', 'update']],
    [['baselineadminnetworkpolicies'], ['get', 'list', 'watch', 'create', 'update']]
  ], 'creates and restores, never deletes')
  t.notMatch(JSON.stringify(cluster), /"\*"|secrets/, 'no wildcard, no secrets')
  t.same(find('Role', 'netguard').rules, [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }])
  t.equal(find('Role', 'netguard').metadata.namespace, 'netguard')
  t.same(find('ClusterRoleBinding', 'netguard').subjects, [{ kind: 'ServiceAccount', name: 'netguard', namespace: 'netguard' }])
})

t.test('names follow the release', async (t) => {
  const { find } = render({}, { releaseName: 'guard', namespace: 'sec' })
  t.equal(find('Deployment').metadata.name, 'guard-netguard')
  t.same(find('ValidatingWebhookConfiguration').webhooks[0].clientConfig.service, { name: 'guard-netguard', namespace: 'sec', path: '/validate', port: 443 })
  t.equal(find('ResourceQuota').metadata.name, 'guard-netguard-critical-pods')
  t.equal(render({}, { releaseName: 'netguard-prod' }).find('Deployment').metadata.name, 'netguard-prod')
})

t.test('RBAC covers what the informer caches watch and the Lease the reconciler holds', async (t) => {
  const { find } = render()
  const cluster = find('ClusterRole', 'netguard').rules as Obj[]
  const allows = (rules: Obj[], group: string, resource: string, verb: string): boolean =>
    rules.some((rule) => rule.apiGroups.includes(group) && rule.resources.includes(resource) && rule.verbs.includes(verb))
  for (const resource of CACHED_RESOURCES) {
    for (const verb of ['list', 'watch']) t.ok(allows(cluster, resource.group, resource.plural, verb), `${verb} ${resource.plural}`)
  }
  for (const verb of ['get', 'create', 'update']) {
    t.ok(allows(cluster, NETWORK_POLICIES.group, NETWORK_POLICIES.plural, verb), `${verb} networkpolicies (reconciler)`)
    t.ok(allows(find('Role', 'netguard').rules, LEASES.group, LEASES.plural, verb), `${verb} leases in its namespace`)
  }
})

t.test('every ci/*-values.yaml renders a safe install: the points of a webhook that can never lock a cluster out', async (t) => {
  const dir = join(CHART_DIR, 'ci')
  for (const name of readdirSync(dir).filter((file) => file.endsWith('-values.yaml'))) {
    const values = parse(readFileSync(join(dir, name), 'utf8')) as Obj
    t.test(name, async (t) => {
      const { find } = render(values)
      const webhooks = [...find('ValidatingWebhookConfiguration').webhooks, ...find('MutatingWebhookConfiguration').webhooks] as Obj[]
      const enforceFail = values.mode === 'enforce' && values.webhook?.failurePolicy === 'Fail'
      for (const webhook of webhooks) {
        const expected = enforceFail && !(webhook.name === 'namespace-labels.netguard.io' && values.webhook?.matchConditions === false) ? 'Fail' : 'Ignore'
        t.equal(webhook.failurePolicy, expected, `${webhook.name as string}: failurePolicy ${expected}`)
        t.ok(webhook.timeoutSeconds <= 10, `${webhook.name as string}: a short timeout`)
        t.equal(webhook.matchConditions === undefined, values.webhook?.matchConditions === false, `${webhook.name as string}: matchConditions as chosen`)
        t.ok((webhook.matchConditions ?? []).length <= 64)
      }
      t.ok(webhooks.some((webhook) => webhook.name === 'namespace-labels.netguard.io'), 'the ignore label is guarded')
      const pod = find('Deployment').spec.template.spec
      t.equal(pod.priorityClassName, 'system-cluster-critical')
      t.match(pod.containers[0].env.find((variable: Obj) => variable.name === 'NODE_OPTIONS')?.value, /^--max-old-space-size=\d+$/, 'the heap is sized from the memory limit')
      t.ok(pod.topologySpreadConstraints.length > 0, 'replicas spread')
      t.ok(find('PodDisruptionBudget'), 'a PodDisruptionBudget')
      t.match(find('Service').spec.ipFamilyPolicy, /DualStack$/)
      t.match(pod.containers[0].image, /^registry\.example\.com\//)
    })
  }
})
