// Pieces of the task page that show a task record (docs/api.md "Task record"): its facts, its
// spec, why it waits, its result. Each returns an element; nothing here fetches.
import { h } from './dom.js'
import { ago, duration, stateBadge } from './format.js'
import { taskHref } from './task-row.js'

// A collapsible, pretty-printed JSON value (text only, never HTML).
export function jsonBlock(title, value, { open = true } = {}) {
  const details = h('details', { class: 'json-block' },
    h('summary', {}, title),
    h('pre', { class: 'code' }, JSON.stringify(value, null, 2)))
  details.open = open
  return details
}

function row(label, ...value) {
  return [h('dt', {}, label), h('dd', {}, ...value)]
}

function time(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—')
  return h('time', { datetime: iso, title: iso }, ago(iso))
}

function list(values, render = (v) => v) {
  if (!values?.length) return h('span', { class: 'muted' }, 'none')
  return h('span', { class: 'chips' }, ...values.map((v) => h('span', { class: 'chip' }, render(v))))
}

export function factsList(task) {
  const rows = [
    row('State', stateBadge(task.state)),
    row('Type', h('code', {}, task.type)),
    row('Role', task.roles?.length > 1 ? `${task.role} (any of ${task.roles.join(', ')})` : task.role),
    row('Priority', h('span', { class: `priority priority-${task.priority}` }, task.priority)),
    row('Capabilities', list(task.capabilities)),
    row('Depends on', task.depends_on?.length
      ? h('span', { class: 'chips' }, ...task.depends_on.map((id) => h('a', { class: 'chip task-id', href: taskHref(id), 'data-depends-on': id }, id)))
      : h('span', { class: 'muted' }, 'none')),
    row('Attempt', `${task.attempt} of ${task.max_attempts}`),
    row('Agent', task.agent_id ? h('a', { href: `#/agents/${encodeURIComponent(task.agent_id)}` }, task.agent_id) : h('span', { class: 'muted' }, '—')),
    row('Timeout', task.timeout_seconds ? duration(task.timeout_seconds) : h('span', { class: 'muted' }, 'hub default')),
  ]
  if (task.ttl_seconds) rows.push(row('TTL', duration(task.ttl_seconds)))
  if (task.progress !== null && task.progress !== undefined) {
    const bar = h('progress', { max: '100', value: String(task.progress) })
    rows.push(row('Progress', bar, ` ${Math.round(task.progress)}%`, task.progress_message ? h('span', { class: 'muted' }, ` ${task.progress_message}`) : ''))
  }
  rows.push(row('Created', time(task.created_at)), row('Updated', time(task.updated_at)))
  if (task.finished_at) rows.push(row('Finished', time(task.finished_at)))
  if (task.retry_at) rows.push(row('Retry at', time(task.retry_at)))
  if (task.submitter) rows.push(row('Submitter', task.submitter))
  if (task.repo) rows.push(row('Repo', h('code', {}, task.repo)))
  if (task.complexity) rows.push(row('Complexity', task.complexity))
  if (task.idempotency_key) rows.push(row('Idempotency key', h('code', {}, task.idempotency_key)))
  // What its attempts spent so far (the cost ledger; docs/costs.md).
  if (task.cost?.attempts) rows.push(row('Cost', h('span', { 'data-cost': String(task.cost.usd) }, `$${Number(task.cost.usd).toFixed(4)}`), h('span', { class: 'muted' }, ` · ${task.cost.input_tokens} in / ${task.cost.output_tokens} out tokens`)))
  return h('dl', { class: 'dl facts' }, ...rows.flat())
}

// Why the task is not running (GET /api/tasks/{id}'s `waiting`), its error and reason.
export function problems(task) {
  const out = []
  if (task.error) out.push(h('div', { class: 'notice error' }, h('strong', {}, 'Error: '), task.error))
  if (task.reason) out.push(h('div', { class: 'notice' }, h('strong', {}, 'Reason: '), task.reason))
  for (const w of task.waiting ?? []) {
    out.push(h('div', { class: 'notice notice-wait', 'data-waiting': w.reason }, h('strong', {}, `Waiting (${w.reason.replace(/_/g, ' ')}): `), w.message ?? ''))
  }
  return out
}

export function specBlocks(task) {
  const blocks = []
  if (task.prompt) blocks.push(h('section', { class: 'spec-block' }, h('h3', {}, 'Prompt'), h('pre', { class: 'code prompt' }, task.prompt)))
  blocks.push(jsonBlock('Payload', task.payload ?? {}, { open: !task.prompt }))
  if (task.verify?.length) {
    blocks.push(h('section', { class: 'spec-block' }, h('h3', {}, 'Verify'),
      h('ul', { class: 'verify' }, ...task.verify.map((c) => h('li', {}, h('code', {}, c))))))
  }
  for (const key of ['context', 'success_criteria', 'budget', 'metadata']) {
    if (task[key] !== undefined && task[key] !== null) blocks.push(jsonBlock(key.replace('_', ' '), task[key], { open: false }))
  }
  return blocks
}
