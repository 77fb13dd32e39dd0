// Costs: what attempts spent (the cost ledger, GET /api/costs) per day as an SVG bar chart and
// per agent and role as tables, with the budgets and today's spending (GET /api/budgets).
// Live: refetched (throttled) when an attempt ends or a budget alert comes.
import { h, s, clear } from '../lib/dom.js'
import { throttle } from '../lib/schedule.js'

const DAYS = 14

// Whole cents as cents ($0.06), smaller amounts to a hundredth of a cent ($0.0021).
export function money(usd) {
  const n = Number(usd) || 0
  const cents = Math.round(n * 100)
  return '$' + (Math.abs(n * 100 - cents) < 1e-6 ? (cents / 100).toFixed(2) : n.toFixed(4))
}

// One bar per UTC day of the last `days` (empty days at zero), oldest first.
export function dayBars(totals, days = DAYS, now = Date.now()) {
  const byDay = new Map(totals.map((t) => [t.key, t]))
  const out = []
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(now - i * 86400000).toISOString().slice(0, 10)
    const t = byDay.get(day)
    out.push({ day, usd: t ? t.usd : 0, attempts: t ? t.attempts : 0 })
  }
  return out
}

function barChart(bars) {
  const width = 640, height = 160, pad = 24
  const max = Math.max(...bars.map((b) => b.usd), 0)
  const step = (width - pad) / bars.length
  const svg = s('svg', { viewBox: `0 0 ${width} ${height + 20}`, preserveAspectRatio: 'xMinYMid meet', class: 'cost-chart', role: 'img', 'aria-label': `Spending per day over the last ${bars.length} days` })
  bars.forEach((b, i) => {
    const barHeight = max > 0 ? Math.max(b.usd > 0 ? 1 : 0, (b.usd / max) * (height - pad)) : 0
    const x = pad + i * step
    svg.appendChild(s('rect', { x: x + 2, y: height - barHeight, width: Math.max(1, step - 4), height: barHeight, class: 'cost-bar', 'data-day': b.day },
      s('title', {}, `${b.day}: ${money(b.usd)} over ${b.attempts} attempt${b.attempts === 1 ? '' : 's'}`)))
    if (i % 2 === 0 || bars.length <= 7) svg.appendChild(s('text', { x: x + step / 2, y: height + 14, 'text-anchor': 'middle', class: 'cost-label' }, b.day.slice(5)))
  })
  svg.appendChild(s('text', { x: 0, y: 12, class: 'cost-label' }, money(max)))
  return svg
}

function totalsTable(label, report) {
  const body = h('tbody')
  for (const t of report.totals) {
    body.appendChild(h('tr', { 'data-key': t.key ?? '' },
      h('td', {}, t.key ?? '—'), h('td', { class: 'num' }, money(t.usd)), h('td', { class: 'num' }, String(t.input_tokens)),
      h('td', { class: 'num' }, String(t.output_tokens)), h('td', { class: 'num' }, String(t.cached_tokens)), h('td', { class: 'num' }, String(t.attempts))))
  }
  if (!report.totals.length) body.appendChild(h('tr', { class: 'empty-row' }, h('td', { colspan: '6' }, 'Nothing spent yet.')))
  return h('table', { class: 'table cost-table', 'data-by': report.by },
    h('thead', {}, h('tr', {}, ...[label, 'USD', 'Input', 'Output', 'Cached', 'Attempts'].map((c, i) => h('th', { scope: 'col', class: i ? 'num' : '' }, c)))),
    body)
}

function budgetRows(b) {
  const rows = [['Hub (day)', b.spent.day, b.limits.day]]
  const roles = new Set([...Object.keys(b.limits.roles || {}), ...Object.keys(b.spent.roles || {})])
  for (const role of [...roles].sort()) rows.push([`Role ${role}`, b.spent.roles?.[role] ?? 0, b.limits.roles?.[role] ?? null])
  return h('table', { class: 'table budget-table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Budget'), h('th', { scope: 'col', class: 'num' }, 'Spent today'), h('th', { scope: 'col', class: 'num' }, 'Limit'))),
    h('tbody', {}, ...rows.map(([name, spent, limit]) => h('tr', { 'data-budget': name, 'data-over': limit !== null && spent >= limit ? 'true' : 'false' },
      h('td', {}, name), h('td', { class: 'num' }, money(spent)), h('td', { class: 'num' }, limit === null ? 'none' : money(limit))))))
}

export default {
  title: 'Costs',
  scope: 'viewer',
  mount(root, ctx) {
    let stopped = false
    const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite' }, 'Loading…')
    const chart = h('div', { class: 'card cost-days' })
    const budgets = h('div', { class: 'card' })
    const byAgent = h('div', { class: 'card table-wrap' })
    const byRole = h('div', { class: 'card table-wrap' })
    root.classList.add('costs-view')
    root.append(h('header', { class: 'view-header' }, h('h1', {}, 'Costs')), status, chart, budgets, byAgent, byRole)

    async function load() {
      try {
        const since = new Date(Date.now() - (DAYS - 1) * 86400000).toISOString().slice(0, 10)
        const [days, agents, roles, budget] = await Promise.all([
          ctx.api.get('/api/costs', { by: 'day', since }),
          ctx.api.get('/api/costs', { by: 'agent' }),
          ctx.api.get('/api/costs', { by: 'role' }),
          ctx.api.get('/api/budgets'),
        ])
        if (stopped) return
        clear(chart).append(h('div', { class: 'card-header' }, h('h2', {}, `Per day (UTC), last ${DAYS} days`)), barChart(dayBars(days.totals)))
        clear(budgets).append(h('div', { class: 'card-header' }, h('h2', {}, `Budgets · ${budget.day}`)), budgetRows(budget),
          budget.held ? h('p', { class: 'notice' }, `${budget.held} queued task${budget.held === 1 ? '' : 's'} wait for budget.`) : '')
        clear(byAgent).append(h('div', { class: 'card-header' }, h('h2', {}, 'By agent')), totalsTable('Agent', agents))
        clear(byRole).append(h('div', { class: 'card-header' }, h('h2', {}, 'By role')), totalsTable('Role', roles))
        status.textContent = `${money(agents.total.usd)} over ${agents.total.attempts} attempt${agents.total.attempts === 1 ? '' : 's'} in all`
      } catch (e) {
        if (!stopped) status.textContent = `Could not load costs: ${e.message}`
      }
    }
    const refresh = throttle(load, 1)
    load()
    const unsubscribe = ctx.live.subscribe(['task.succeeded', 'task.failed', 'task.dead', 'budget.'], () => refresh())
    return () => { stopped = true; unsubscribe() }
  },
}
