// The workflow pages' pure logic (docs/api.md "Workflows"; JSON shapes WorkflowInfo and
// WorkflowRun): the step graph from a workflow's or a run's steps, status → class, trigger and
// input texts, typed run inputs, the `wf:<run>:<step>` idempotency key of a step's task. No
// DOM, so `node --test` runs it (Tests/DashboardJS/workflows.test.mjs).

export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'cancelled']
export const STEP_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled']

// The CSS class of a step node by its status: 'step-running'; a step of a workflow (no run,
// no status) is 'step-static'; anything unknown is 'step-unknown' (never raw text in a class).
export function stepClass(status) {
  if (status === undefined || status === null) return 'step-static'
  return STEP_STATUSES.includes(status) ? `step-${status}` : 'step-unknown'
}

export function isRunActive(run) {
  return !!run && run.status === 'running'
}

// Nodes and edges for lib/dag.js from steps in file order: a `needs` edge runs from the needed
// step to the step; an `on_failure` edge from the step to its handler (drawn dashed). Edges to
// steps not in the list are dropped.
export function stepGraph(steps) {
  const list = Array.isArray(steps) ? steps : []
  const ids = new Set(list.map((s) => s.id))
  const nodes = list.map((s) => ({
    id: s.id,
    status: s.status ?? null,
    type: s.type ?? null,
    skipReason: s.skip_reason ?? null,
    condition: s.if ?? null,
    instances: instancesOf(s),
    matrix: s.matrix === true || (Array.isArray(s.tasks) && s.tasks.some((t) => t.matrix_index !== null && t.matrix_index !== undefined)),
  }))
  const edges = []
  const seen = new Set()
  const add = (from, to, kind) => {
    const key = `${from}\u0000${to}`
    if (from === to || !ids.has(from) || !ids.has(to) || seen.has(key)) return
    seen.add(key)
    edges.push({ from, to, kind })
  }
  for (const s of list) {
    for (const need of asList(s.needs)) add(need, s.id, 'needs')
    for (const handler of asList(s.on_failure)) add(s.id, handler, 'on_failure')
  }
  return { nodes, edges }
}

// A step's tasks as graph instances: [{id, state, index, label}] (matrix instances carry their
// combination as the label).
function instancesOf(step) {
  if (!Array.isArray(step.tasks)) return []
  return step.tasks.map((t) => ({ id: t.id, state: t.state ?? null, index: t.matrix_index ?? null, label: matrixLabel(t.matrix) }))
}

function asList(v) {
  if (v === undefined || v === null) return []
  return Array.isArray(v) ? v : [v]
}

// {os: 'linux', swift: '6.2'} → 'os=linux, swift=6.2'; null → ''.
export function matrixLabel(matrix) {
  if (!matrix || typeof matrix !== 'object') return ''
  return Object.entries(matrix).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')
}

// A short text for a node's second line: the skip reason, the error, the matrix's progress,
// the type of a workflow's step.
export function nodeSubtitle(step) {
  if (step.subtitle) return step.subtitle // a page's own text (a goal's step: 'merged ✓', 'fixing')
  if (step.status === 'skipped' && step.skip_reason) return step.skip_reason
  if (step.error?.message) return step.error.message
  const tasks = Array.isArray(step.tasks) ? step.tasks : []
  if (tasks.length > 1) {
    const done = tasks.filter((t) => ['succeeded', 'dead', 'cancelled', 'expired'].includes(t.state)).length
    return `${done} of ${tasks.length} tasks ended`
  }
  if (step.status) return step.status
  return step.type ?? ''
}

// One trigger of WorkflowInfo.triggers → {kind, text, detail}: detail is the webhook's path or
// when the schedule fires next.
export function triggerSummary(trigger, formatTime = (iso) => iso) {
  const kind = trigger?.kind ?? 'unknown'
  const text = trigger?.text ?? ''
  let detail = ''
  if (kind === 'webhook' && trigger.path) detail = `POST ${trigger.path}`
  else if (kind === 'schedule' && trigger.next_at) detail = `next ${formatTime(trigger.next_at)}`
  return { kind, text, detail }
}

// What started a run, in a few words, from its `trigger` object.
export function runTriggerText(trigger) {
  if (!trigger || typeof trigger !== 'object') return 'unknown'
  switch (trigger.kind) {
    case 'manual': return 'by hand'
    case 'webhook': {
      const source = trigger.source ?? 'webhook'
      const event = trigger.event ? ` ${trigger.event}` : ''
      return `${source}${event} webhook${trigger.delivery ? ` (delivery ${String(trigger.delivery).slice(0, 12)})` : ''}`
    }
    case 'schedule': return trigger.scheduled_at ? `schedule (slot ${trigger.scheduled_at})` : 'schedule'
    case 'event': return trigger.type || trigger.data?.type ? `event ${trigger.type ?? trigger.data.type}` : 'event'
    case 'mqtt': return trigger.topic ? `MQTT ${trigger.topic}` : 'MQTT message'
    default: return String(trigger.kind ?? 'unknown')
  }
}

// An input declaration's hint: 'number, required' / 'string, default "main"'.
export function inputHint(input) {
  const parts = [input.type ?? 'string']
  if (input.required) parts.push('required')
  if (input.default !== undefined && input.default !== null) parts.push(`default ${JSON.stringify(input.default)}`)
  return parts.join(', ')
}

// A form value → the input's JSON value by its declared type, or an error to show beside the
// field. Empty text means "not given" (the hub applies the default or refuses a required one).
// Booleans come from a select: '' (not given), 'true', 'false'.
export function coerceInput(input, raw) {
  const text = raw === undefined || raw === null ? '' : String(raw)
  if (text.trim() === '') return { given: false }
  switch (input.type) {
    case 'number': {
      const n = Number(text.trim())
      if (!Number.isFinite(n)) return { error: `'${text}' is not a number.` }
      return { given: true, value: n }
    }
    case 'boolean':
      if (text === 'true') return { given: true, value: true }
      if (text === 'false') return { given: true, value: false }
      return { error: `'${text}' is not true or false.` }
    default:
      return { given: true, value: text }
  }
}

// The form's values {name: raw} for the declared inputs → {inputs} to POST, or {errors}.
export function buildInputs(declared, values) {
  const inputs = {}
  const errors = {}
  for (const input of declared ?? []) {
    const r = coerceInput(input, values[input.name])
    if (r.error) errors[input.name] = r.error
    else if (r.given) inputs[input.name] = r.value
  }
  return Object.keys(errors).length ? { errors } : { inputs }
}

// The input a hub error names (`field: "inputs.branch"`), or null.
export function inputOfError(err) {
  const f = typeof err?.field === 'string' ? err.field : ''
  return f.startsWith('inputs.') ? f.slice('inputs.'.length) : null
}

// 'wf:<run>:<step>' or 'wf:<run>:<step>:<index>' → {run, step, index}; anything else → null.
export function parseStepKey(key) {
  if (typeof key !== 'string' || !key.startsWith('wf:')) return null
  const parts = key.slice(3).split(':')
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) return null
  let index = null
  if (parts.length === 3) {
    if (!/^\d+$/.test(parts[2])) return null
    index = Number(parts[2])
  }
  return { run: parts[0], step: parts[1], index }
}

// A run's progress → '3 of 6 steps ended · 1 running · 1 skipped'.
export function progressText(progress) {
  if (!progress) return ''
  const ended = (progress.succeeded ?? 0) + (progress.failed ?? 0) + (progress.skipped ?? 0) + (progress.cancelled ?? 0)
  const parts = [`${ended} of ${progress.total ?? 0} steps ended`]
  for (const k of ['running', 'failed', 'skipped', 'cancelled']) if (progress[k]) parts.push(`${progress[k]} ${k}`)
  return parts.join(' · ')
}

// Which events concern a run page: workflow.* and step.* with this run_id, and task events of
// the run's own tasks (their state shows on matrix instances and in the side panel).
export function eventConcernsRun(event, runId, taskIds) {
  if (!event || typeof event.type !== 'string') return false
  if (event.type.startsWith('workflow.') || event.type.startsWith('step.')) return event.data?.run_id === runId
  if (event.type.startsWith('task.')) return !!event.task_id && !!taskIds && taskIds.has(event.task_id)
  return false
}

// The task ids of a run (every instance of every step).
export function runTaskIds(run) {
  const ids = new Set()
  for (const s of run?.steps ?? []) for (const t of s.tasks ?? []) if (t.id) ids.add(t.id)
  return ids
}
