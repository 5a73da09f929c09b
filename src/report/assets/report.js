/* global document, window, location, URLSearchParams */
// The posture report's page script. Everything from the cluster reaches the page through the
// JSON block and becomes text nodes (textContent, never innerHTML); hrefs are either fragment
// links built here or http(s) documentation links. Large reports stay responsive: the matrix is
// drawn in chunks between frames, the lists are paged.
(function () {
  'use strict'

  const PAGE = 100
  /** Rows of each list a printout holds (the current filter's first ones): enough, and a bound. */
  const PRINT_ROWS = 2000
  const MATRIX_CHUNK = 200
  const STATE_ORDER = ['error', 'deny', 'warn', 'audit', 'patch', 'waived', 'pass', 'exempt']
  const STATE_TEXT = { error: 'error', deny: 'deny', warn: 'warn', audit: 'audit', patch: 'would patch', waived: 'waived', pass: 'pass', exempt: 'exempt', unchecked: 'not checked' }
  const ISOLATION_TEXT = { isolated: 'isolated', partial: 'partly isolated', 'not-isolated': 'not isolated', exempt: 'exempt', terminating: 'terminating', unknown: 'unknown' }
  const CLUSTER = '(cluster)'

  const data = JSON.parse(document.getElementById('posture-data').textContent)
  const $ = (id) => document.getElementById(id)

  /** An element with text children only: strings become text nodes, never markup. */
  function el (tag, props, ...children) {
    const node = document.createElement(tag)
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) continue
        if (key === 'className') node.className = value
        else if (key === 'text') node.textContent = value
        else if (key === 'href') node.href = value
        else if (key === 'dataset') Object.assign(node.dataset, value)
        else node.setAttribute(key, value)
      }
    }
    for (const child of children) {
      if (child === undefined || child === null || child === false) continue
      node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child)
    }
    return node
  }

  /** Documentation links only over http(s): a document from elsewhere cannot smuggle a javascript: URL. */
  function safeUrl (url) {
    return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : undefined
  }

  function nsLabel (ns) { return ns === '' ? CLUSTER : ns }
  function plural (count, word) { return `${count.toLocaleString('en')} ${word}${count === 1 ? '' : 's'}` }
  function percent (share) { return share === null ? 'n/a' : `${Math.round(share * 1000) / 10}%` }
  function badge (state, text) { return el('span', { className: `badge s-${state}` }, text || STATE_TEXT[state] || state) }

  function ruleLink (rule) {
    const info = data.rules[rule] || {}
    const url = safeUrl(info.doc)
    return url === undefined
      ? el('span', { title: info.summary }, rule)
      : el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', title: info.summary ? `${info.summary} (documentation)` : 'documentation' }, rule)
  }

  /** Calls `fn` once typing has paused. */
  function debounce (fn, ms) {
    let timer
    return function () { window.clearTimeout(timer); timer = window.setTimeout(fn, ms) }
  }

  /** A paged table body: `show(items)` draws the first page; the pager moves through the rest; a printout gets every row up to PRINT_ROWS. */
  function pager (tbody, nav, status, columns, rowOf, noun) {
    let items = []
    let page = 0
    const prev = el('button', { type: 'button' }, '‹ previous')
    const next = el('button', { type: 'button' }, 'next ›')
    const where = el('span', { className: 'status' })
    nav.append(prev, where, next)
    prev.addEventListener('click', () => { page--; draw() })
    next.addEventListener('click', () => { page++; draw() })
    function draw () {
      const pages = Math.max(1, Math.ceil(items.length / PAGE))
      page = Math.min(Math.max(page, 0), pages - 1)
      const rows = document.createDocumentFragment()
      for (const item of items.slice(page * PAGE, (page + 1) * PAGE)) rows.append(rowOf(item))
      if (items.length === 0) rows.append(el('tr', null, el('td', { colspan: String(columns), className: 'empty' }, `no ${noun}s`)))
      tbody.replaceChildren(rows)
      const first = items.length === 0 ? 0 : page * PAGE + 1
      const last = Math.min(items.length, (page + 1) * PAGE)
      where.textContent = `page ${page + 1} of ${pages}`
      status.textContent = items.length === 0 ? '' : `showing ${first.toLocaleString('en')}–${last.toLocaleString('en')} of ${plural(items.length, noun)}`
      prev.disabled = page === 0
      next.disabled = page >= pages - 1
      nav.hidden = pages === 1
    }
    window.addEventListener('beforeprint', () => {
      const rows = document.createDocumentFragment()
      for (const item of items.slice(0, PRINT_ROWS)) rows.append(rowOf(item))
      if (items.length > PRINT_ROWS) rows.append(el('tr', null, el('td', { colspan: String(columns), className: 'empty' }, `and ${(items.length - PRINT_ROWS).toLocaleString('en')} more ${noun}s: filter the list to print them`)))
      if (items.length > 0) tbody.replaceChildren(rows)
    })
    window.addEventListener('afterprint', draw)
    return { show (list) { items = list; page = 0; draw() } }
  }

  // --- header and summary ---

  function header () {
    document.title = `netguard posture: ${data.source}`
    $('title').textContent = `Network posture: ${data.source}`
    const when = new Date(data.generatedAt)
    const front = data.front === 'audit' ? 'netguard audit of the cluster, judged as enforce mode would' : `netguard check of manifests, mode ${data.mode}`
    $('meta').textContent = `${front} · generated ${isNaN(when) ? data.generatedAt : when.toUTCString()} · isolation label ${data.isolation.label}=${data.isolation.value}`
    $('footer').textContent = `Generated by netguard (${data.apiVersion} ${data.kind}). This file is self-contained: it loads nothing from the network, and its data is the JSON block inside it, which \`--compare\` reads back.`
  }

  function delta (now, then, higherIsWorse) {
    if (typeof then !== 'number' || now === then) return null
    const up = now > then
    const worse = up === higherIsWorse
    return el('span', { className: `delta ${worse ? 'worse' : 'better'}`, title: `was ${then}` }, `${up ? '▲' : '▼'} ${Math.abs(now - then).toLocaleString('en')}`)
  }

  function card (metric, label, value, sub, tone, change, extra) {
    return el('div', { className: `card ${tone || ''}`, dataset: { card: metric } },
      el('div', { className: 'label' }, label),
      el('div', null, el('span', { className: 'value', dataset: { metric } }, value), change),
      extra,
      el('div', { className: 'sub' }, sub))
  }

  function summary () {
    const s = data.summary
    const before = data.compare ? data.compare.previous.summary : {}
    const f = s.findings
    const judged = s.namespaces.isolated + s.namespaces.partial + s.namespaces['not-isolated']
    const bar = el('div', { className: 'bar', title: `${s.namespaces.isolated} of ${judged}` }, el('span'))
    bar.firstChild.style.width = `${s.isolatedShare === null ? 0 : Math.round(s.isolatedShare * 100)}%`
    const exposures = s.exposures.high + s.exposures.medium + s.exposures.low
    $('cards').replaceChildren(
      card('objects', 'Objects reviewed', s.objects.toLocaleString('en'), `in ${plural(s.namespaces.total, 'namespace')}; ${s.exempt.toLocaleString('en')} exempt`, '', delta(s.objects, before.objects, false)),
      card('denied', 'Would be denied', s.denied.toLocaleString('en'), `objects; ${plural(f.deny + f.error, 'deny finding')}`, s.denied > 0 ? 'bad' : 'good', delta(s.denied, before.denied, true)),
      card('warned', 'Warnings', s.warned.toLocaleString('en'), `objects; ${f.warn} warn, ${f.audit} audit, ${f.patch} would patch`, s.warned > 0 ? 'warnish' : 'good', delta(s.warned, before.warned, true)),
      card('isolated', 'Isolated namespaces', percent(s.isolatedShare), `${s.namespaces.isolated} of ${judged} non-exempt; ${s.namespaces.partial} partly, ${s.namespaces['not-isolated']} not isolated; ${s.namespaces.exempt} exempt`,
        s.isolatedShare === 1 ? 'good' : 'warnish', delta(s.namespaces.isolated, before.namespaces && before.namespaces.isolated, false), bar),
      card('exposures', 'High-risk exposures', s.exposures.high.toLocaleString('en'), `${plural(exposures, 'exposure')}: ${s.exposures.medium} medium, ${s.exposures.low} low`, s.exposures.high > 0 ? 'bad' : 'good',
        delta(s.exposures.high, before.exposures && before.exposures.high, true)),
      card('waived', 'Waived by exceptions', f.waived.toLocaleString('en'), 'rule results an exception skipped', f.waived > 0 ? 'warnish' : '', delta(f.waived, before.findings && before.findings.waived, true))
    )
    const notes = data.notes.slice()
    if (s.namespaces.unknown > 0) notes.push(`${plural(s.namespaces.unknown, 'namespace')} named by objects without its Namespace manifest: isolation unknown.`)
    $('notes').replaceChildren(...notes.map((note) => el('li', null, note)))
  }

  function changes () {
    const compare = data.compare
    if (!compare) return
    $('changes').hidden = false
    $('toc-changes').hidden = false
    $('changes-meta').textContent = `Compared with the report of ${compare.previous.generatedAt} (${compare.previous.source}).`
    const list = (id, items, countId) => {
      $(countId).textContent = `(${items.length.toLocaleString('en')})`
      const shown = items.slice(0, 500).map((change) => el('li', { dataset: { what: change.what } },
        el('strong', null, nsLabel(change.ns)), change.object ? ` ${change.object}` : '', change.what === 'finding' ? ' [' : ' ', change.what === 'finding' ? ruleLink(change.key) : '', change.what === 'finding' ? '] ' : '', change.text))
      if (items.length > 500) shown.push(el('li', { className: 'empty' }, `and ${(items.length - 500).toLocaleString('en')} more`))
      if (items.length === 0) shown.push(el('li', { className: 'empty' }, 'nothing'))
      $(id).replaceChildren(...shown)
    }
    list('worse', compare.worse, 'worse-count')
    list('better', compare.better, 'better-count')
  }

  // --- matrix ---

  const familyTitle = Object.fromEntries(data.families.map((family) => [family.id, family.title]))
  const rowRank = new Map(data.namespaces.map((namespace) => {
    let worst = STATE_ORDER.length
    for (const cell of Object.values(namespace.cells)) worst = Math.min(worst, STATE_ORDER.indexOf(cell.state))
    return [namespace, worst]
  }))
  const sortedNamespaces = data.namespaces.slice().sort((a, b) => rowRank.get(a) - rowRank.get(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  let matrixJob = 0

  function findingsHref (params) {
    const query = new URLSearchParams()
    for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value)
    return `#findings?${query}`
  }

  function matrixRow (namespace) {
    const name = nsLabel(namespace.name)
    const head = el('th', { scope: 'row', className: 'ns' }, name, ' ',
      el('span', { className: `badge i-${namespace.isolation}`, title: namespace.missing ? `missing or changed: ${namespace.missing.join(', ')}` : undefined }, ISOLATION_TEXT[namespace.isolation]))
    const cells = data.families.map((family) => {
      const cell = namespace.cells[family.id]
      if (!cell) return el('td', { className: 'cell s-none' })
      const text = cell.state === 'pass' ? 'pass' : cell.findings > 0 ? `${STATE_TEXT[cell.state]} · ${cell.findings}` : STATE_TEXT[cell.state]
      return el('td', { className: `cell s-${cell.state}`, dataset: { family: family.id, state: cell.state } },
        el('a', { href: findingsHref({ ns: name, family: family.id }), title: `${name}: ${family.title}` }, text))
    })
    return el('tr', { dataset: { ns: namespace.name } }, head, ...cells)
  }

  function matrix () {
    const legend = STATE_ORDER.map((state) => badge(state))
    legend.push(el('span', { className: 'status' }, 'isolation:'), ...Object.keys(ISOLATION_TEXT).map((status) => el('span', { className: `badge i-${status}` }, ISOLATION_TEXT[status])))
    $('legend').replaceChildren(...legend)
    $('matrix').tHead.replaceChildren(el('tr', null, el('th', null, 'Namespace'),
      ...data.families.map((family) => el('th', { className: 'family', title: family.covers }, family.title))))
    drawMatrix()
  }

  /** Draws the rows that pass the filters, MATRIX_CHUNK at a time, yielding to the browser between chunks. */
  function drawMatrix (all) {
    const job = ++matrixJob
    const text = $('matrix-filter').value.trim().toLowerCase()
    const show = $('matrix-show').value
    const rows = sortedNamespaces.filter((namespace) => {
      if (text && !nsLabel(namespace.name).toLowerCase().includes(text)) return false
      if (show === 'findings') return Object.values(namespace.cells).some((cell) => cell.findings > 0)
      if (show === 'not-isolated') return namespace.isolation === 'partial' || namespace.isolation === 'not-isolated' || namespace.isolation === 'unknown'
      return true
    })
    const body = $('matrix').tBodies[0]
    body.replaceChildren()
    let at = 0
    const status = $('matrix-status')
    const step = () => {
      if (job !== matrixJob) return
      const chunk = document.createDocumentFragment()
      const end = all ? rows.length : Math.min(rows.length, at + MATRIX_CHUNK)
      for (; at < end; at++) chunk.append(matrixRow(rows[at]))
      body.append(chunk)
      if (rows.length === 0) body.append(el('tr', null, el('td', { colspan: String(data.families.length + 1), className: 'empty' }, 'no namespaces')))
      status.textContent = at < rows.length ? `drawing ${at.toLocaleString('en')} of ${plural(rows.length, 'namespace')}…` : plural(rows.length, 'namespace')
      if (at < rows.length) window.setTimeout(step, 0)
      else $('matrix').dataset.complete = 'true'
    }
    $('matrix').dataset.complete = 'false'
    step()
  }

  // --- exposure ---

  function exposure () {
    const types = [...new Set(data.exposures.map((item) => item.type))].sort()
    $('exposure-type').append(...types.map((type) => el('option', { value: type }, type)))
    const list = pager($('exposure-table').tBodies[0], $('exposure-pager'), $('exposure-status'), 6, (item) => el('tr', { dataset: { level: item.level, type: item.type } },
      el('td', null, el('span', { className: `badge s-${item.level}` }, `${item.level} ${item.risk}`)),
      el('td', null, item.type),
      el('td', null, nsLabel(item.ns)),
      el('td', { className: 'wrap' }, `${item.kind}/${item.name}`),
      el('td', { className: 'wrap' }, item.what, el('div', { className: 'mono fix' }, item.path)),
      el('td', null, el('span', { className: `badge s-${item.verdictState}` }, STATE_TEXT[item.verdictState] || item.verdictState), el('div', { className: 'fix' }, item.verdict))), 'exposure')
    const apply = () => {
      const level = $('exposure-level').value
      const type = $('exposure-type').value
      const text = $('exposure-search').value.trim().toLowerCase()
      const exempt = $('exposure-exempt').checked
      list.show(data.exposures.filter((item) => (exempt || item.verdictState !== 'exempt') && (!level || item.level === level) && (!type || item.type === type) &&
        (!text || `${nsLabel(item.ns)} ${item.kind}/${item.name} ${item.what} ${item.verdict}`.toLowerCase().includes(text))))
    }
    for (const id of ['exposure-level', 'exposure-type', 'exposure-exempt']) $(id).addEventListener('change', apply)
    $('exposure-search').addEventListener('input', debounce(apply, 150))
    apply()
  }

  // --- multus ---

  function multus () {
    const rows = data.networks.flatMap((network) => {
      const plugins = network.plugins.length > 0 ? network.plugins : [{ type: network.problem || '(unreadable)', ranges: [] }]
      return plugins.map((plugin, index) => ({ network, plugin, first: index === 0 }))
    })
    const attached = (network) => {
      const entries = Object.entries(network.attachedBy)
      return entries.length === 0 ? 'no pod asks for it' : entries.map(([ns, count]) => `${nsLabel(ns)} (${count})`).join(', ')
    }
    const list = pager($('multus-table').tBodies[0], $('multus-pager'), $('multus-status'), 8, ({ network, plugin, first }) => el('tr', null,
      el('td', null, first ? nsLabel(network.ns) : ''),
      el('td', { className: 'wrap' }, first ? network.name : ''),
      el('td', null, plugin.type),
      el('td', { className: 'mono' }, plugin.attaches || ''),
      el('td', null, plugin.vlan || ''),
      el('td', null, plugin.ipam || ''),
      el('td', { className: 'mono' }, plugin.ranges.join(', ')),
      el('td', { className: 'wrap' }, first ? attached(network) : '')), 'network plugin')
    const apply = () => {
      const text = $('multus-search').value.trim().toLowerCase()
      list.show(rows.filter(({ network, plugin }) => !text ||
        `${nsLabel(network.ns)} ${network.name} ${plugin.type} ${plugin.attaches || ''} ${plugin.vlan || ''} ${plugin.ranges.join(' ')} ${Object.keys(network.attachedBy).join(' ')}`.toLowerCase().includes(text)))
    }
    $('multus-search').addEventListener('input', debounce(apply, 150))
    apply()
  }

  // --- findings ---

  const namespaceNames = new Set(data.namespaces.map((namespace) => nsLabel(namespace.name)))
  let haystacks

  function findings () {
    const rules = Object.keys(data.rules).sort()
    const actions = STATE_ORDER.filter((state) => data.summary.findings[state] > 0)
    $('finding-family').append(...data.families.map((family) => el('option', { value: family.id }, family.title)))
    $('finding-rule').append(...rules.map((rule) => el('option', { value: rule }, rule)))
    $('finding-action').append(...actions.map((action) => el('option', { value: action }, STATE_TEXT[action])))
    const withFindings = [...new Set(data.findings.map((finding) => nsLabel(finding.ns)))].sort()
    $('namespace-list').append(...withFindings.map((ns) => el('option', { value: ns })))
    const list = pager($('finding-table').tBodies[0], $('finding-pager'), $('finding-status'), 6, (finding) => el('tr', { dataset: { rule: finding.rule, ns: finding.ns, action: finding.action } },
      el('td', null, badge(finding.action)),
      el('td', null, nsLabel(finding.ns)),
      el('td', { className: 'wrap' }, `${finding.kind}/${finding.name}`),
      el('td', null, ruleLink(finding.rule)),
      el('td', { className: 'mono' }, finding.path),
      el('td', null, el('div', { className: 'message' }, finding.message), el('div', { className: 'fix' }, `Fix: ${finding.fix}`),
        finding.detail ? el('div', { className: 'detail' }, `Admin detail: ${finding.detail}`) : null)), 'finding')
    const apply = () => {
      const ns = $('finding-ns').value.trim()
      const exact = namespaceNames.has(ns)
      const nsText = ns.toLowerCase()
      const family = $('finding-family').value
      const rule = $('finding-rule').value
      const action = $('finding-action').value
      const text = $('finding-search').value.trim().toLowerCase()
      if (text && !haystacks) haystacks = data.findings.map((f) => `${nsLabel(f.ns)} ${f.kind}/${f.name} ${f.rule} ${f.path} ${f.message} ${f.fix} ${f.detail || ''}`.toLowerCase())
      list.show(data.findings.filter((finding, index) => {
        if (ns && (exact ? nsLabel(finding.ns) !== ns : !nsLabel(finding.ns).toLowerCase().includes(nsText))) return false
        if (family && (data.rules[finding.rule] || {}).family !== family) return false
        if (rule && finding.rule !== rule) return false
        if (action && finding.action !== action) return false
        return !text || haystacks[index].includes(text)
      }))
    }
    for (const id of ['finding-family', 'finding-rule', 'finding-action']) $(id).addEventListener('change', apply)
    for (const id of ['finding-ns', 'finding-search']) $(id).addEventListener('input', debounce(apply, 150))
    $('finding-clear').addEventListener('click', () => {
      for (const id of ['finding-ns', 'finding-family', 'finding-rule', 'finding-action', 'finding-search']) $(id).value = ''
      apply()
    })
    return apply
  }

  /** `#findings?ns=shop&family=services`: the matrix's links, and a way to share a filtered view. */
  function route (applyFindings) {
    const [target, query] = location.hash.slice(1).split('?')
    if (target !== 'findings' || query === undefined) return
    const params = new URLSearchParams(query)
    $('finding-ns').value = params.get('ns') || ''
    $('finding-family').value = familyTitle[params.get('family')] ? params.get('family') : ''
    $('finding-rule').value = data.rules[params.get('rule')] ? params.get('rule') : ''
    $('finding-action').value = STATE_TEXT[params.get('action')] ? params.get('action') : ''
    $('finding-search').value = params.get('q') || ''
    applyFindings()
    $('findings').scrollIntoView()
  }

  header()
  summary()
  changes()
  matrix()
  exposure()
  multus()
  const applyFindings = findings()
  applyFindings()
  route(applyFindings)
  window.addEventListener('hashchange', () => route(applyFindings))
  $('matrix-filter').addEventListener('input', debounce(() => drawMatrix(false), 150))
  $('matrix-show').addEventListener('change', () => drawMatrix(false))
  // A printout shows every row of the matrix, not just those drawn so far.
  window.addEventListener('beforeprint', () => { if ($('matrix').dataset.complete !== 'true') drawMatrix(true) })
  $('report').setAttribute('aria-busy', 'false')
  document.body.dataset.ready = 'true'
})()
