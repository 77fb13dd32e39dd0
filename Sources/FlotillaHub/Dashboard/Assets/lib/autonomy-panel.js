// The autonomy panel of #/goals (docs/goals.md, "The hub's own initiative"): its state
// (executing / improving / resting / healing), today's budget and recent decisions, from
// GET /api/autonomy; refetched (throttled) on autonomy.* events. Hidden while the hub answers
// 404 (autonomy not built or not served), shown once it answers 200.
import { h } from './dom.js'
import { ago, dateTime, stateBadge } from './format.js'
import { throttle } from './schedule.js'
import { autonomy, iso, money } from './goal-model.js'
import { goalHref } from './goal-parts.js'

const DECISIONS = 8
const FINDINGS = 5

function decisionRow(d) {
  const at = iso(d.at ?? d.ts)
  return h('li', { class: 'autonomy-decision', dataset: { decision: String(d.decision ?? '') } },
    h('span', { class: 'chip' }, String(d.decision ?? '?')),
    ' ', String(d.reason ?? ''),
    d.goal_id ? h('span', {}, ' · ', h('a', { href: goalHref(d.goal_id) }, d.goal_id)) : '',
    at ? h('time', { class: 'muted', datetime: at, title: dateTime(at) }, ` · ${ago(at)}`) : '')
}

function findingRow(f) {
  return h('li', { class: 'autonomy-finding', dataset: { fingerprint: String(f.fingerprint ?? ''), status: String(f.status ?? '') } },
    h('span', { class: 'chip' }, String(f.kind ?? '?')), ' ', String(f.summary ?? ''), h('span', { class: 'muted' }, ` · ${f.status ?? ''}`),
    f.goal_id ? h('span', {}, ' · ', h('a', { href: goalHref(f.goal_id) }, f.goal_id)) : '')
}

export function createAutonomyPanel(ctx) {
  const body = h('div', { class: 'card-body autonomy-body' })
  const element = h('section', { class: 'card autonomy-panel', id: 'autonomy-panel', hidden: true, 'aria-labelledby': 'autonomy-title' },
    h('div', { class: 'card-header' }, h('h2', { id: 'autonomy-title' }, 'Autonomy')), body)
  let stopped = false

  function show(answer) {
    const a = autonomy(answer)
    element.dataset.state = a.state
    const budget = a.limit === null ? `${money(a.spent)} spent today` : `${money(a.spent)} of ${money(a.limit)} today${a.day ? ` (${a.day})` : ''}`
    const fraction = a.limit ? Math.min(1, a.spent / a.limit) : 0
    body.replaceChildren(
      h('div', { class: 'autonomy-head' }, stateBadge(a.state), a.enabled ? '' : h('span', { class: 'muted' }, ' off'),
        h('span', { class: 'goal-cost wide', dataset: { over: String(a.limit !== null && a.spent >= a.limit) } },
          a.limit === null ? '' : h('span', { class: 'meter', 'aria-hidden': 'true' }, h('span', { class: 'meter-fill', style: { width: `${Math.round(fraction * 100)}%` } })),
          h('span', { class: 'goal-cost-text' }, budget))),
      a.decisions.length
        ? h('ul', { class: 'autonomy-decisions' }, ...a.decisions.slice(0, DECISIONS).map(decisionRow)) // newest first
        : h('p', { class: 'muted' }, 'No decisions yet.'),
      a.findings.length ? h('details', { class: 'autonomy-findings' }, h('summary', {}, `Findings (${a.findings.length})`),
        h('ul', {}, ...a.findings.slice(0, FINDINGS).map(findingRow))) : '')
    element.hidden = false
  }

  async function load() {
    try {
      const answer = await ctx.api.get('/api/autonomy')
      if (!stopped) show(answer)
    } catch (e) {
      // 404/405: this hub has no autonomy; anything else keeps what is shown.
      if (!stopped && (e.status === 404 || e.status === 405)) element.hidden = true
    }
  }
  const refresh = throttle(load, 1)
  const unsubscribe = ctx.live.subscribe(['autonomy.'], () => refresh())
  load()
  return {
    element,
    destroy() { stopped = true; unsubscribe(); refresh.cancel() },
  }
}
