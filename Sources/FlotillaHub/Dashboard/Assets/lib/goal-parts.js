// Small pieces of the goals pages: the cost bar against the budget, the progress bar of merged
// steps, the PR link, a goal's link and its age. Built from lib/goal-model.js's pure values.
import { h } from './dom.js'
import { ago, dateTime } from './format.js'
import { costShare, costText, iso, money, progress, prUrl, safeUrl } from './goal-model.js'

export const goalHref = (id) => `#/goals/${encodeURIComponent(id)}`

// A thin bar: what was spent against the budget (full and red once reached); just the amount
// without a budget.
export function costBar(goal, { wide = false } = {}) {
  const c = costShare(goal)
  const label = costText(goal)
  const bar = c.budget === null ? null : h('span', { class: 'meter', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': String(c.budget),
    'aria-valuenow': String(Math.min(c.usd, c.budget)), 'aria-label': `Cost ${label}` },
  h('span', { class: 'meter-fill', style: { width: `${Math.round(c.fraction * 100)}%` } }))
  return h('span', { class: `goal-cost${wide ? ' wide' : ''}`, dataset: { over: String(c.over), usd: String(c.usd) }, title: label },
    bar, h('span', { class: 'goal-cost-text' }, c.budget === null ? money(c.usd) : label))
}

// Merged steps of the plan: '2/3' with a bar; '—' before there is a plan.
export function progressBar(goal) {
  const p = progress(goal)
  if (!p.total) return h('span', { class: 'goal-progress faint', dataset: { merged: '0', total: '0' } }, '—')
  return h('span', { class: 'goal-progress', dataset: { merged: String(p.merged), total: String(p.total) }, title: `${p.merged} of ${p.total} steps merged` },
    h('span', { class: 'meter', 'aria-hidden': 'true' }, h('span', { class: 'meter-fill ok', style: { width: `${Math.round(p.fraction * 100)}%` } })),
    h('span', {}, p.text))
}

export function prLink(goal) {
  const url = safeUrl(prUrl(goal))
  if (!url) return h('span', { class: 'faint' }, '—')
  const short = url.replace(/^https?:\/\/(www\.)?/, '').replace(/^github\.com\//, '')
  return h('a', { class: 'goal-pr', href: url, target: '_blank', rel: 'noopener noreferrer', title: url }, short)
}

export function age(t) {
  const at = iso(t)
  return at ? h('time', { datetime: at, title: dateTime(at) }, ago(at)) : h('span', { class: 'faint' }, '—')
}

// A card with a heading: the detail page's sections.
export function panel(title, ...body) {
  return h('section', { class: 'card goal-panel' }, h('div', { class: 'card-header' }, h('h2', {}, title)), h('div', { class: 'card-body' }, ...body))
}
