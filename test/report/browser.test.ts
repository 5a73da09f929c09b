import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import t from 'tap'
import { syntheticCluster } from '../../bench/synthetic-cluster.ts'
import { resourceFor, type ResourceType } from '../../src/kube/resources.ts'
import { parseApiVersion, type KubeObject } from '../../src/kube/types.ts'
import { readPostureDocument } from '../../src/report/html.ts'
import { runCliWith } from '../helpers/cli.ts'
import { FakeApiServer } from '../helpers/fake-apiserver.ts'
import type { TestContext } from '../helpers/tap.ts'
import { EXAMPLE_MANIFESTS, EXAMPLE_STATE } from './fixture.ts'

// The posture report in a real browser: the system's Chromium (Debian's `chromium`, which
// .ci/run installs), driven by playwright-core, which never downloads a browser of its own.
// NETGUARD_CHROMIUM names another executable (and only that one is tried). Screenshots go to .tap/screenshots/.

const CANDIDATES = process.env.NETGUARD_CHROMIUM === undefined ? ['/usr/bin/chromium', '/usr/bin/chromium-browser'] : [process.env.NETGUARD_CHROMIUM]
const CHROMIUM = CANDIDATES.find((path) => existsSync(path))
const SCREENSHOTS = resolve('.tap/screenshots')
const HOSTILE = '<img src=x onerror="window.__pwned=1">'

if (CHROMIUM === undefined) {
  t.plan(0, `no Chromium at ${CANDIDATES.join(' or ')}: browser tests skipped (apt-get install -y chromium, or set NETGUARD_CHROMIUM)`)
} else {
  const browser = await chromium.launch({ executablePath: CHROMIUM, timeout: 20_000 })
  t.teardown(() => browser.close())
  mkdirSync(SCREENSHOTS, { recursive: true })

  t.test('the example report: headline numbers, filters, a link from the matrix to its findings', async (t) => {
    const { stdout } = await runCliWith(['check', '-f', EXAMPLE_MANIFESTS, '--cluster-state', EXAMPLE_STATE, '-o', 'html'])
    const report = readPostureDocument(stdout)
    const { page, errors } = await open(t, browser, stdout, 'example')
    t.same(await metrics(page), {
      objects: String(report.summary.objects),
      denied: String(report.summary.denied),
      warned: String(report.summary.warned),
      isolated: '50%',
      exposures: String(report.summary.exposures.high),
      waived: '0'
    })
    t.match(report.summary, { objects: 20, denied: 12, warned: 1, isolatedShare: 0.5, exposures: { high: 5 } }, 'the example\'s figures, as its screenshot shows them')

    t.equal(await page.locator('#finding-status').textContent(), `showing 1–${report.findings.length} of ${report.findings.length} findings`)
    await page.selectOption('#finding-rule', 'ROUTE-TLS')
    const routeTls = await column(page, '#finding-table tbody tr', 'data-rule')
    t.same(routeTls, report.findings.filter((finding) => finding.rule === 'ROUTE-TLS').map(() => 'ROUTE-TLS'), 'only that rule')
    t.ok(routeTls.length > 0 && routeTls.length < report.findings.length, `${routeTls.length} of ${report.findings.length} rows`)
    await page.selectOption('#finding-rule', '')
    await page.fill('#finding-search', 'wildcardPolicy')
    await rows(page, '#finding-table tbody tr', (count) => count < 5)
    t.match(await page.locator('#finding-table tbody').textContent(), /everything/, 'the search finds the wildcard Route')
    await page.click('#finding-clear')

    await page.fill('#matrix-filter', 'leg')
    await rows(page, '#matrix tbody tr', (count) => count === 1)
    t.same(await column(page, '#matrix tbody tr', 'data-ns'), ['legacy'])
    await page.click('#matrix tbody tr td[data-family="services"] a')
    await page.waitForURL(/#findings\?/)
    const shown = await column(page, '#finding-table tbody tr', 'data-ns')
    t.ok(shown.length > 0 && shown.every((ns) => ns === 'legacy'), 'the cell opens the namespace\'s findings')
    t.equal(await page.inputValue('#finding-family'), 'services')

    await page.selectOption('#exposure-level', 'high')
    t.same(new Set(await column(page, '#exposure-table tbody tr', 'data-level')), new Set(['high']))
    t.equal(await page.locator('#exposure-table tbody tr').count(), report.exposures.filter((exposure) => exposure.level === 'high' && exposure.verdictState !== 'exempt').length)

    t.equal(await page.locator('#finding-table a[href*="docs/rules/"]').first().getAttribute('target'), '_blank', 'rule IDs link to their documentation')
    await page.click('#finding-clear')
    await page.locator('header').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SCREENSHOTS, 'posture-example.png'), fullPage: true })
    t.same(errors, [], 'no script error, CSP violation or fetch')
  })

  t.test('a synthetic cluster from an API-server double: drawn in chunks, a hostile name stays text', async (t) => {
    const fake = await FakeApiServer.start()
    t.teardown(() => fake.close())
    const hostile: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: HOSTILE, namespace: 'team-00001', annotations: { note: `</script>${HOSTILE}` } }, spec: { type: 'NodePort', ports: [{ port: 80 }] } }
    const objects = [...syntheticCluster(220), hostile]
    for (const object of objects) fake.put(resourceFor({ group: parseApiVersion(object.apiVersion).group, kind: object.kind ?? '' }) as ResourceType, object)
    const { stdout } = await runCliWith(['audit', '--kubeconfig', fake.writeKubeconfig(t.testdir()), '-o', 'html'])
    const report = readPostureDocument(stdout)
    t.equal(report.summary.objects, objects.length)

    const { page, errors } = await open(t, browser, stdout, 'synthetic')
    t.equal((await metrics(page)).objects, objects.length.toLocaleString('en'))
    await page.waitForSelector('#matrix[data-complete="true"]')
    t.equal(await page.locator('#matrix tbody tr').count(), report.namespaces.length, 'every namespace drawn, 200 rows at a time')

    await page.fill('#finding-search', 'onerror')
    await rows(page, '#finding-table tbody tr', (count) => count === 1)
    const cell = page.locator('#finding-table tbody tr td:nth-child(3)')
    t.equal(await cell.textContent(), `Service/${HOSTILE}`, 'the name is shown as written')
    t.equal(await page.locator('img').count(), 0, 'and made no element')
    t.equal(await page.evaluate(() => typeof (globalThis as Record<string, unknown>).__pwned), 'undefined', 'and ran nothing')
    await page.fill('#finding-search', '')
    await rows(page, '#finding-table tbody tr', (count) => count === 100)
    await page.evaluate(() => (globalThis as unknown as EventTarget).dispatchEvent(new Event('beforeprint')))
    t.equal(await page.locator('#finding-table tbody tr').count(), Math.min(report.findings.length, 2000), 'a printout holds every finding, not the page on screen')
    await page.evaluate(() => (globalThis as unknown as EventTarget).dispatchEvent(new Event('afterprint')))
    t.equal(await page.locator('#finding-table tbody tr').count(), 100, 'and the screen its page again')
    await page.screenshot({ path: join(SCREENSHOTS, 'posture-synthetic.png') })
    t.same(errors, [], 'no script error, CSP violation or fetch')
  })
}

/**
 * Opens the report as a file, as a reader would, and waits until the page script has run;
 * `errors` collects script errors, CSP violations and any request that leaves the file.
 */
async function open (t: TestContext, browser: Browser, html: string, name: string): Promise<{ page: Page, errors: string[] }> {
  const file = join(t.testdir(), `${name}.html`)
  writeFileSync(file, html)
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  t.teardown(() => page.close())
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()) })
  page.on('request', (request) => { if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) errors.push(`fetched ${request.url()}`) })
  await page.goto(pathToFileURL(file).href)
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 })
  return { page, errors }
}

/**
 * Waits until the rows matching `selector` pass `test` (the lists redraw 150 ms after typing
 * stops). Polled from here: the report's CSP forbids the string evaluation waitForFunction uses.
 */
async function rows (page: Page, selector: string, test: (count: number) => boolean): Promise<void> {
  for (const deadline = Date.now() + 5_000; !test(await page.locator(selector).count());) {
    if (Date.now() > deadline) throw new Error(`${selector}: ${await page.locator(selector).count()} rows after 5 s`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

async function metrics (page: Page): Promise<Record<string, string>> {
  return await page.$$eval('[data-metric]', (nodes) => Object.fromEntries(nodes.map((node) => [node.getAttribute('data-metric'), node.textContent])))
}

async function column (page: Page, rows: string, attribute: string): Promise<string[]> {
  return await page.$$eval(rows, (nodes, name) => nodes.map((node) => node.getAttribute(name) ?? ''), attribute)
}
