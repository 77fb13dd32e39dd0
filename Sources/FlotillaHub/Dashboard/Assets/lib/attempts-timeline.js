// A task's attempts as a timeline: one row per attempt, a bar from its start to its end (or
// now, while it runs) on a shared time axis, coloured by outcome, with the error beneath.
import { h } from './dom.js'
import { duration } from './format.js'

export function attemptsTimeline(attempts, now = Date.now()) {
  if (!attempts?.length) return h('p', { class: 'muted' }, 'No attempts yet.')
  const spans = attempts.map((a) => {
    const start = Date.parse(a.started_at)
    const end = a.ended_at ? Date.parse(a.ended_at) : now
    return { a, start, end: Math.max(start, end) }
  })
  const t0 = Math.min(...spans.map((s) => s.start))
  const t1 = Math.max(...spans.map((s) => s.end), t0 + 1)
  const scale = (t) => ((t - t0) / (t1 - t0)) * 100
  const list = h('ol', { class: 'timeline', 'aria-label': 'Attempts' })
  for (const { a, start, end } of spans) {
    const outcome = a.outcome ?? 'running'
    const left = scale(start)
    const width = Math.max(scale(end) - left, 0.6)
    const bar = h('div', { class: `timeline-bar outcome-${outcome}`, title: `${a.started_at} → ${a.ended_at ?? 'now'}` })
    bar.style.left = `${left}%`
    bar.style.width = `${Math.min(width, 100 - left)}%`
    const seconds = (end - start) / 1000
    list.appendChild(h('li', { class: 'timeline-row', 'data-attempt': String(a.attempt) },
      h('div', { class: 'timeline-label' },
        h('span', { class: 'timeline-attempt' }, `#${a.attempt}`),
        a.agent_id ? h('a', { href: `#/agents/${encodeURIComponent(a.agent_id)}` }, a.agent_id) : h('span', { class: 'muted' }, '—'),
        h('span', { class: `timeline-outcome outcome-text-${outcome}` }, outcome.replace('_', ' ')),
        h('span', { class: 'muted num' }, duration(seconds))),
      h('div', { class: 'timeline-track' }, bar),
      a.error ? h('div', { class: 'timeline-error' }, a.error) : ''))
  }
  return h('div', { class: 'timeline-box' }, list,
    h('div', { class: 'timeline-axis muted' },
      h('span', {}, new Date(t0).toLocaleTimeString()),
      h('span', {}, new Date(t1).toLocaleTimeString())))
}
