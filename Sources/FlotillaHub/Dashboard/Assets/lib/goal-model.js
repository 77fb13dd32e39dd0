// The goals pages' pure logic (docs/goals.md, docs/api.md "Goals"): states, progress (merged
// steps of the plan), cost against budget, the plan's steps with their run state and merge
// state for the step graph, the state timeline from goal.state_changed events, the add form's
// body, and the `details` keys each stage writes (planning, merges, verification, review,
// autonomy). No DOM and no imports, so `node --test` runs it (Tests/DashboardJS/goals.test.mjs).

export const GOAL_STATES = ['queued', 'planning', 'awaiting_approval', 'executing', 'verifying', 'review', 'done', 'failed', 'cancelled']
export const FINAL_STATES = ['done', 'failed', 'cancelled']
export const ACTIVE_STATES = GOAL_STATES.filter((st) => !FINAL_STATES.includes(st))

export const isFinal = (goal) => FINAL_STATES.includes(goal?.state)
export const canCancel = (goal) => !!goal && !isFinal(goal)
export const canRetry = (goal) => goal?.state === 'failed' || goal?.state === 'cancelled'
// A goal waits for a person while its plan waits for approval.
export const waitsForPerson = (goal) => goal?.state === 'awaiting_approval'

// The `state` query of the list's filter: '' all, 'active' the states that have not ended.
export function stateQuery(filter) {
  if (!filter) return undefined
  if (filter === 'active') return ACTIVE_STATES.join(',')
  return GOAL_STATES.includes(filter) ? filter : undefined
}

// A goal's time (seconds since the epoch, or an ISO string) as milliseconds; null when absent.
export function millis(t) {
  if (t === null || t === undefined || t === '') return null
  if (typeof t === 'number') return Number.isFinite(t) ? (Math.abs(t) < 1e11 ? t * 1000 : t) : null
  const ms = Date.parse(String(t))
  return Number.isNaN(ms) ? null : ms
}

export function iso(t) {
  const ms = millis(t)
  return ms === null ? null : new Date(ms).toISOString()
}

const obj = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : null)
const list = (v) => (Array.isArray(v) ? v : [])

export function planSteps(goal) {
  return list(obj(goal?.plan)?.steps).filter((st) => obj(st) && typeof st.id === 'string')
}

// details.merges: {step: {task_id, commit, merged_commit, state, fixes, reason}}.
export function merges(goal) {
  return obj(obj(goal?.details)?.merges) ?? {}
}

function isMerged(entry) {
  return !!entry && (entry.state === 'merged' || (entry.merged_commit !== null && entry.merged_commit !== undefined && entry.state !== 'failed'))
}

// Merged steps of the plan's steps: {merged, total, fraction, text: '2/3'}; text '—' without a plan.
export function progress(goal) {
  const steps = planSteps(goal)
  const m = merges(goal)
  const merged = steps.filter((st) => isMerged(m[st.id])).length
  const total = steps.length
  return { merged, total, fraction: total ? merged / total : 0, text: total ? `${merged}/${total}` : '—' }
}

// What the goal spent against its budget: {usd, budget (null: none), fraction (0…1), over}.
export function costShare(goal) {
  const usd = Number(goal?.cost?.usd) || 0
  const budget = typeof goal?.budget_usd === 'number' && goal.budget_usd > 0 ? goal.budget_usd : null
  const fraction = budget ? Math.min(1, usd / budget) : 0
  return { usd, budget, fraction, over: budget !== null && usd >= budget }
}

// Whole cents as cents ($0.06), smaller amounts to a hundredth of a cent ($0.0021).
export function money(usd) {
  const n = Number(usd) || 0
  const cents = Math.round(n * 100)
  return '$' + (Math.abs(n * 100 - cents) < 1e-6 ? (cents / 100).toFixed(2) : n.toFixed(4))
}

export function costText(goal) {
  const c = costShare(goal)
  return c.budget === null ? `${money(c.usd)} (no budget)` : `${money(c.usd)} of ${money(c.budget)}`
}

// The plan's steps as steps of lib/step-graph.js ({id, needs, status, tasks, subtitle}), each
// with its run step's status and tasks (GET /api/workflow-runs/{id}) and its merge state:
// 'merged ✓', 'fixing', a failed merge's reason, else the run's status, else the step's title.
export function graphSteps(goal, run) {
  const runSteps = new Map(list(run?.steps).map((st) => [st.id, st]))
  const m = merges(goal)
  return planSteps(goal).map((st) => {
    const r = runSteps.get(st.id)
    const merge = obj(m[st.id])
    const mergeState = merge?.state ?? null
    let subtitle = st.title ?? ''
    if (isMerged(merge)) subtitle = 'merged ✓'
    else if (mergeState === 'fixing') subtitle = `fixing (${list(merge.fixes).length} fix${list(merge.fixes).length === 1 ? '' : 'es'})`
    else if (mergeState === 'failed') subtitle = `merge failed${merge.reason ? `: ${merge.reason}` : ''}`
    else if (mergeState === 'merging' || mergeState === 'waiting') subtitle = mergeState === 'merging' ? 'merging…' : 'waiting to merge'
    else if (r?.status) subtitle = r.status
    return {
      id: st.id, title: st.title ?? '', needs: list(st.needs), status: r?.status ?? (run ? 'pending' : null),
      tasks: list(r?.tasks), subtitle, merge: isMerged(merge) ? 'merged' : mergeState,
    }
  })
}

// A plan step's merge, for the step list: {state, taskId, commit, mergedCommit, fixes, reason}.
export function stepMerge(goal, stepId) {
  const e = obj(merges(goal)[stepId])
  if (!e) return null
  return { state: isMerged(e) ? 'merged' : (e.state ?? 'waiting'), taskId: e.task_id ?? null, commit: e.commit ?? null,
    mergedCommit: e.merged_commit ?? null, fixes: list(e.fixes), reason: e.reason ?? null }
}

// goal.state_changed events of one goal, oldest first: [{seq, ts, from, to, reason}].
export function timeline(events, goalId) {
  const out = []
  const seen = new Set()
  for (const ev of list(events)) {
    if (ev?.type !== 'goal.state_changed' || ev.data?.goal_id !== goalId || seen.has(ev.seq)) continue
    seen.add(ev.seq)
    out.push({ seq: ev.seq, ts: ev.ts ?? null, from: ev.data.from ?? null, to: ev.data.to ?? null, reason: ev.data.reason ?? null })
  }
  return out.sort((a, b) => a.seq - b.seq)
}

// Which goal an event concerns (goal.* and autonomy events carry goal_id; goal tasks carry it
// in metadata, not in events, so task events are matched by their type: goal.plan/step/fix).
export function eventGoalId(event) {
  const id = event?.data?.goal_id
  return typeof id === 'string' ? id : null
}

export function isGoalTaskEvent(event) {
  return typeof event?.type === 'string' && event.type.startsWith('task.') && typeof event.data?.type === 'string' && event.data.type.startsWith('goal.')
}

// What a goal.state_changed event says about a goal: a patch for a record already shown, or
// the start of a new one (the full record is fetched next).
export function patchFromEvent(event) {
  const d = event?.data ?? {}
  if (event?.type !== 'goal.state_changed' || typeof d.goal_id !== 'string') return null
  const patch = { id: d.goal_id, state: d.to }
  if (typeof d.title === 'string') patch.title = d.title
  if (d.run_id !== undefined) patch.run_id = d.run_id
  return patch
}

// Merges a goal into a map (id → goal); a record older than the one held is ignored.
// Returns whether anything changed.
export function mergeGoal(goals, goal) {
  if (!goal?.id) return false
  const held = goals.get(goal.id)
  if (held && millis(held.updated_at) !== null && millis(goal.updated_at) !== null && millis(goal.updated_at) < millis(held.updated_at)) return false
  goals.set(goal.id, held ? { ...held, ...goal } : goal)
  return true
}

// Newest first, as the API lists them.
export function ordered(goals) {
  return [...goals].sort((a, b) => (millis(b.created_at) ?? Infinity) - (millis(a.created_at) ?? Infinity) || String(b.id).localeCompare(String(a.id)))
}

export function matchesFilter(goal, filter) {
  if (!filter) return true
  if (filter === 'active') return !isFinal(goal)
  return goal.state === filter
}

// The add form's values → the POST /api/goals body. Nothing is checked here: the hub checks
// and its error names the field, shown beside it. Empty optional fields are left out.
export function addGoalBody({ title = '', repo = '', budget = '', priority = '', approvePlan = false, verify = '' } = {}) {
  const body = { title: String(title).trim(), repo: String(repo).trim() }
  const b = String(budget).trim()
  if (b) body.budget_usd = Number.isFinite(Number(b)) ? Number(b) : b
  const p = String(priority).trim()
  if (p) body.priority = Number.isInteger(Number(p)) ? Number(p) : p
  if (approvePlan) body.approve_plan = true
  const lines = String(verify).split('\n').map((l) => l.trim()).filter(Boolean)
  if (lines.length) body.verify = lines
  return body
}

// The form field an error of the hub names ('verify[1]' → 'verify'), or null for the form.
export const FORM_FIELDS = ['title', 'repo', 'budget_usd', 'priority', 'approve_plan', 'verify']
export function formFieldOf(error) {
  const f = typeof error?.field === 'string' ? error.field.replace(/[[.].*$/, '') : null
  return FORM_FIELDS.includes(f) ? f : null
}

// details.planning: {tasks, issues, approval_id}.
export function planning(goal) {
  const p = obj(obj(goal?.details)?.planning)
  return p ? { tasks: list(p.tasks), issues: list(p.issues).map(String), approvalId: p.approval_id ?? null } : null
}

// details.verification: {rounds, checks: [{command, exit_code, passed, output}], fix_tasks}.
export function verification(goal) {
  const v = obj(obj(goal?.details)?.verification)
  if (!v) return null
  return { rounds: v.rounds ?? null, checks: list(v.checks).filter(obj), fixTasks: list(v.fix_tasks) }
}

// details.review: {tier, reasons, secrets: [{file, line, kind}], blocked, diff: {files, added, removed}, pr_url, auto_merge}.
export function review(goal) {
  const r = obj(obj(goal?.details)?.review)
  if (!r) return null
  const diff = obj(r.diff)
  return {
    tier: typeof r.tier === 'string' ? r.tier : null, reasons: list(r.reasons).map(reasonText),
    secrets: list(r.secrets).filter(obj), blocked: r.blocked === true,
    diff: diff ? { files: diff.files ?? 0, added: diff.added ?? 0, removed: diff.removed ?? 0 } : null,
    prUrl: r.pr_url ?? null, autoMerge: r.auto_merge === true,
  }
}

// A risk reason as text: the classifier's {rule, tier, detail}, or text as it came.
export function reasonText(reason) {
  if (typeof reason === 'string') return reason
  const r = obj(reason)
  if (!r) return String(reason)
  const head = [r.rule ?? r.name, r.tier ? `(${r.tier})` : null].filter(Boolean).join(' ')
  const tail = r.detail ?? r.message ?? r.reason ?? (Array.isArray(r.files) ? r.files.join(', ') : null)
  return [head, tail].filter(Boolean).join(': ') || JSON.stringify(r)
}

export function prUrl(goal) {
  return goal?.pr_url ?? review(goal)?.prUrl ?? null
}

// Only http(s) links become anchors (a model's or a tool's text is never a javascript: URL).
export function safeUrl(url) {
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null
}

// GET /api/autonomy (docs/api.md, "The hub's own initiative"): {enabled, state, budget: {day_usd,
// spent_usd, left_usd, day}, decisions (newest first): [{decision, reason, goal_id?, fingerprint?,
// at}], findings: [{fingerprint, repo, kind, summary, status, goal_id, …}]}, read defensively.
export function autonomy(answer) {
  const a = obj(answer) ?? {}
  const budget = obj(a.budget) ?? {}
  const limit = typeof budget.day_usd === 'number' ? budget.day_usd : null
  return {
    state: typeof a.state === 'string' ? a.state : 'starting', enabled: a.enabled !== false,
    spent: Number(budget.spent_usd) || 0, limit, day: typeof budget.day === 'string' ? budget.day : null,
    decisions: list(a.decisions).filter(obj), findings: list(a.findings).filter(obj),
  }
}

// details.autonomy: the finding the hub's own initiative proposed this goal for, or null.
export function proposal(goal) {
  const a = obj(obj(goal?.details)?.autonomy)
  if (!a) return null
  const f = obj(a.finding) ?? {}
  return { kind: f.kind ?? null, fingerprint: f.fingerprint ?? null, summary: f.summary ?? null }
}
