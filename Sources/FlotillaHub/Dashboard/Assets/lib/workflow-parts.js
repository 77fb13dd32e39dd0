// Pieces the workflow pages share (views/workflows.js, workflow.js, run.js): links, a run's
// status line, the trigger list, a runs table row. Each returns an element; nothing fetches.
import { h } from './dom.js'
import { ago, between, dateTime, duration, stateBadge } from './format.js'
import { runTriggerText, triggerSummary } from './workflow-model.js'

export const workflowHref = (name) => `#/workflows/${encodeURIComponent(name)}`
export const runHref = (id) => `#/runs/${encodeURIComponent(id)}`

// The last run as a line: status, when, how long, link.
export function lastRunLine(run) {
  if (!run) return h('span', { class: 'muted' }, 'never run')
  return h('span', { class: 'last-run' },
    stateBadge(run.status), ' ',
    h('a', { href: runHref(run.id), 'data-run-id': run.id }, h('time', { datetime: run.created_at, title: run.created_at }, ago(run.created_at))),
    h('span', { class: 'muted' }, ` · ${duration(between(run.created_at, run.ended_at))}`))
}

// The newest runs as a strip of squares, newest first, each a link coloured by its status.
export function recentRuns(runs) {
  return h('span', { class: 'recent-runs' }, ...runs.map((r) =>
    h('a', { class: `run-dot fill-${RUN_CLASS[r.status] ?? 'cancelled'}`, href: runHref(r.id), dataset: { runId: r.id, status: r.status },
      title: `${r.status} · ${dateTime(r.created_at)} · ${duration(between(r.created_at, r.ended_at))}`, 'aria-label': `Run ${r.id}: ${r.status}` })))
}
const RUN_CLASS = { running: 'running', succeeded: 'succeeded', failed: 'dead', cancelled: 'cancelled' }

export function triggerList(triggers) {
  if (!triggers?.length) return h('span', { class: 'muted' }, 'started by hand')
  return h('ul', { class: 'trigger-list' }, ...triggers.map((t) => {
    const sum = triggerSummary(t, dateTime)
    return h('li', { dataset: { trigger: sum.kind } },
      h('span', { class: `chip trigger-kind trigger-${sum.kind.replace(/[^a-z]/g, '')}` }, sum.kind), ' ',
      h('span', { class: 'trigger-text' }, sum.text),
      sum.detail ? h('span', { class: 'trigger-detail muted' }, ` · ${sum.detail}`) : '')
  }))
}

// One row of a runs table: status, id (link), trigger, started, duration, progress.
export function runRow(run) {
  const p = run.progress
  return h('tr', { class: 'run-row', dataset: { runId: run.id, status: run.status } },
    h('td', { class: 'col-state' }, stateBadge(run.status)),
    h('td', { class: 'col-run' }, h('a', { class: 'run-id', href: runHref(run.id) }, run.id),
      run.rerun_of ? h('span', { class: 'muted' }, ' (rerun)') : ''),
    h('td', { class: 'col-trigger' }, runTriggerText(run.trigger)),
    h('td', { class: 'col-age' }, h('time', { datetime: run.created_at, title: run.created_at }, ago(run.created_at))),
    h('td', { class: 'col-duration num' }, duration(between(run.created_at, run.ended_at))),
    h('td', { class: 'col-progress num' }, p ? `${p.succeeded + p.failed + p.skipped + p.cancelled}/${p.total}` : ''))
}

export function runTableHead() {
  return h('thead', {}, h('tr', {},
    h('th', { class: 'col-state' }, 'Status'), h('th', { class: 'col-run' }, 'Run'), h('th', { class: 'col-trigger' }, 'Trigger'),
    h('th', { class: 'col-age' }, 'Started'), h('th', { class: 'col-duration num' }, 'Duration'), h('th', { class: 'col-progress num' }, 'Steps')))
}
