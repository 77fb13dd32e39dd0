// The task list's filters: read from and written to the hash query (so a filtered view is a
// link), turned into GET /api/tasks parameters, and matched against live events. Pure.

export const TASK_STATES = ['blocked', 'queued', 'assigned', 'running', 'succeeded', 'failed', 'dead', 'cancelled', 'expired']
export const FINAL_STATES = ['succeeded', 'dead', 'cancelled', 'expired']
// What POST /api/tasks/{id}/cancel and /retry accept (docs/api.md).
export const CANCELLABLE = ['blocked', 'queued', 'assigned', 'running', 'failed']
export const RETRYABLE = ['dead', 'cancelled', 'expired', 'failed']

const TEXT_KEYS = ['role', 'type', 'agent', 'q']

// URLSearchParams → {states: [...], role, type, agent, q} (empty strings dropped, unknown
// states ignored so a stale link still opens).
export function readFilters(query) {
  const states = (query.get('state') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => TASK_STATES.includes(s))
  const f = { states: TASK_STATES.filter((s) => states.includes(s)) }
  for (const k of TEXT_KEYS) {
    const v = (query.get(k) ?? '').trim()
    if (v) f[k] = v
  }
  return f
}

// The hash for a filtered list: '#/tasks?state=queued,running&role=x'. Commas stay readable.
export function filtersHash(f) {
  const parts = []
  if (f.states?.length) parts.push(`state=${f.states.map(encodeURIComponent).join(',')}`)
  for (const k of TEXT_KEYS) if (f[k]) parts.push(`${k}=${encodeURIComponent(f[k])}`)
  return parts.length ? `#/tasks?${parts.join('&')}` : '#/tasks'
}

// Query parameters for GET /api/tasks (undefined values are skipped by api.get).
export function filtersQuery(f, cursor, limit) {
  return {
    state: f.states?.length ? f.states.join(',') : undefined,
    role: f.role,
    type: f.type,
    agent: f.agent,
    q: f.q,
    cursor: cursor ?? undefined,
    limit,
  }
}

export function hasFilters(f) {
  return Boolean(f.states?.length || TEXT_KEYS.some((k) => f[k]))
}

// Whether a task event may concern a task the filtered list would show. Text search cannot be
// decided from an event (it has no prompt): such events count as possible matches and the
// server decides on the refetch.
export function eventMayMatch(f, ev) {
  const d = ev.data ?? {}
  if (f.states?.length && !f.states.includes(d.state)) return false
  if (f.role && d.role !== undefined && d.role !== f.role) return false
  if (f.type && d.type !== undefined && d.type !== f.type) return false
  if (f.agent && ev.agent_id !== f.agent) return false
  return true
}

// A one-line title for a task: the prompt's first line, else its shell command.
export function taskTitle(task) {
  const text = typeof task.prompt === 'string' && task.prompt.trim()
    ? task.prompt
    : typeof task.payload?.command === 'string' ? task.payload.command : ''
  const first = text.trim().split('\n')[0]
  return first.length > 120 ? `${first.slice(0, 119)}…` : first
}
