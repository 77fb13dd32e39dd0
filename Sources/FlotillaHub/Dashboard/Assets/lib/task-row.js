// One row of a task table, keyed by task id: created once, then patched in place when the task
// changes (fixed height, same cells), so rows never jump when events pour in.
import { h } from './dom.js'
import { ago, link, setStateBadge, stateBadge } from './format.js'
import { taskTitle } from './task-query.js'

export const taskHref = link.task

// Each row's cells and the task it shows, kept beside the element rather than on it.
const rows = new WeakMap()

export function taskLink(id, attrs = {}) {
  return h('a', { href: taskHref(id), class: 'task-id', ...attrs }, id)
}

// The cells every task table shows; `extra` cells (a checkbox, an error) go around them.
export function taskRow(task) {
  const tr = h('tr', { class: 'task-row', 'data-task-id': task.id })
  const cells = {
    state: h('td', { class: 'col-state' }),
    task: h('td', { class: 'col-task' }),
    type: h('td', { class: 'col-type' }),
    role: h('td', { class: 'col-role' }),
    agent: h('td', { class: 'col-agent' }),
    attempt: h('td', { class: 'col-attempt num' }),
    age: h('td', { class: 'col-age' }),
  }
  for (const td of Object.values(cells)) tr.appendChild(td)
  rows.set(tr, { task: {}, cells })
  updateRow(tr, task)
  return tr
}

// Patches only the cells whose value changed.
export function updateRow(tr, task) {
  const row = rows.get(tr)
  const old = row.task
  const c = row.cells
  if (old.state !== task.state) {
    if (c.state.firstChild) setStateBadge(c.state.firstChild, task.state)
    else c.state.appendChild(stateBadge(task.state))
    tr.dataset.state = task.state
  }
  const title = taskTitle(task)
  if (old.id !== task.id || taskTitle(old) !== title) {
    c.task.replaceChildren(taskLink(task.id), title ? h('span', { class: 'task-title' }, title) : '')
    c.task.title = title
  }
  if (old.type !== task.type) setText(c.type, task.type)
  if (old.role !== task.role) setText(c.role, task.role)
  if (old.agent_id !== task.agent_id) {
    c.agent.replaceChildren(task.agent_id
      ? h('a', { href: link.agent(task.agent_id) }, task.agent_id)
      : h('span', { class: 'muted' }, '—'))
  }
  if (old.attempt !== task.attempt) setText(c.attempt, task.attempt ? String(task.attempt) : '')
  row.task = { ...task }
  refreshAge(tr)
}

// The task a row shows (a copy).
export function rowTask(tr) {
  return { ...rows.get(tr).task }
}

// Re-renders the relative "created" time.
export function refreshAge(tr) {
  const { task, cells } = rows.get(tr)
  const c = cells.age
  const text = task.created_at ? ago(task.created_at) : ''
  if (c.textContent !== text) c.textContent = text
  if (task.created_at) c.title = task.created_at
}

// Applies a task event ({type, agent_id, ts, data: {state, attempt, …}}) to a row's task.
export function taskFromEvent(task, ev) {
  const d = ev.data ?? {}
  // An event older than the record (a page fetched after it) must not turn the row back.
  if (ev.ts && task.updated_at && ev.ts < task.updated_at) return task
  const next = { ...task }
  if (d.state) next.state = d.state
  if (typeof d.attempt === 'number') next.attempt = d.attempt
  if (ev.agent_id !== undefined && ev.agent_id !== null) next.agent_id = ev.agent_id
  if (ev.ts) next.updated_at = ev.ts
  if (d.error !== undefined) next.error = d.error
  if (d.reason !== undefined) next.reason = d.reason
  return next
}

function setText(td, text) {
  td.textContent = text ?? ''
}
