// node --test Tests/DashboardJS: the goals pages' pure logic (lib/goal-model.js).
import test from 'node:test'
import assert from 'node:assert/strict'
import { loadAsset } from './load.mjs'

const m = await loadAsset('lib/goal-model.js')

const plan = {
  summary: 'Rate limits',
  steps: [
    { id: 'limiter', title: 'Token bucket', prompt: 'p', success_criteria: ['refills'], files: ['Sources/Limits/'] },
    { id: 'routes', title: 'Use it', prompt: 'p', success_criteria: ['429'], needs: ['limiter'] },
    { id: 'docs', title: 'Document it', prompt: 'p', success_criteria: ['documented'], needs: ['routes'] },
  ],
}
const goal = (over) => ({ id: 'g_1', title: 'Add rate limiting', repo: '/srv/api', state: 'executing', budget_usd: 0.5, plan,
  details: {}, cost: { usd: 0.125, attempts: 2 }, created_at: 1764892800, updated_at: 1764892800, ...over })

test('goal progress counts the merged steps of the plan', () => {
  assert.deepEqual(m.progress(goal({ plan: null })), { merged: 0, total: 0, fraction: 0, text: '—' })
  const g = goal({ details: { merges: {
    limiter: { task_id: 't1', commit: 'a', merged_commit: 'b', state: 'merged', fixes: [] },
    routes: { task_id: 't2', commit: 'c', merged_commit: null, state: 'fixing', fixes: ['t3'] },
    ghost: { state: 'merged' }, // not a step of the plan: not counted
  } } })
  assert.equal(m.progress(g).text, '1/3')
  assert.equal(m.progress(g).merged, 1)
})

test('cost against the budget: fraction capped at 1, over once reached, none without a budget', () => {
  assert.deepEqual(m.costShare(goal()), { usd: 0.125, budget: 0.5, fraction: 0.25, over: false })
  assert.equal(m.costShare(goal({ cost: { usd: 0.75 } })).fraction, 1)
  assert.equal(m.costShare(goal({ cost: { usd: 0.5 } })).over, true)
  assert.deepEqual(m.costShare(goal({ budget_usd: null, cost: undefined })), { usd: 0, budget: null, fraction: 0, over: false })
  assert.equal(m.costText(goal()), '$0.1250 of $0.50')
  assert.equal(m.costText(goal({ budget_usd: null, cost: { usd: 0.06 } })), '$0.06 (no budget)')
})

test('graph steps carry the run state and the merge state', () => {
  const run = { steps: [{ id: 'limiter', status: 'succeeded', tasks: [{ id: 't1', state: 'succeeded' }] }, { id: 'routes', status: 'running', tasks: [] }] }
  const g = goal({ details: { merges: { limiter: { state: 'merged', merged_commit: 'b', fixes: [] }, routes: { state: 'fixing', fixes: ['t3'] } } } })
  const steps = m.graphSteps(g, run)
  assert.deepEqual(steps.map((s) => [s.id, s.status, s.subtitle, s.merge]), [
    ['limiter', 'succeeded', 'merged ✓', 'merged'],
    ['routes', 'running', 'fixing (1 fix)', 'fixing'],
    ['docs', 'pending', 'Document it', null],
  ])
  assert.deepEqual(steps[1].needs, ['limiter'])
  // Without a run yet: no status, the title as the subtitle.
  assert.deepEqual(m.graphSteps(goal(), null).map((s) => [s.status, s.subtitle]), [[null, 'Token bucket'], [null, 'Use it'], [null, 'Document it']])
})

test('the timeline keeps one goal\'s state changes, oldest first, each once', () => {
  const ev = (seq, goalId, from, to, reason = null) => ({ seq, type: 'goal.state_changed', ts: '2026-12-05T04:00:00Z', data: { goal_id: goalId, from, to, reason } })
  const events = [ev(9, 'g_1', 'queued', 'planning'), ev(3, 'g_1', null, 'queued'), ev(5, 'g_2', null, 'queued'),
    ev(9, 'g_1', 'queued', 'planning'), { seq: 10, type: 'goal.step_merged', data: { goal_id: 'g_1' } }, ev(12, 'g_1', 'planning', 'cancelled', 'no')]
  assert.deepEqual(m.timeline(events, 'g_1').map((e) => [e.seq, e.from, e.to, e.reason]),
    [[3, null, 'queued', null], [9, 'queued', 'planning', null], [12, 'planning', 'cancelled', 'no']])
})

test('events: a state change patches its goal; goal tasks are told by their type', () => {
  const e = { type: 'goal.state_changed', data: { goal_id: 'g_1', title: 'T', from: 'queued', to: 'planning', run_id: null } }
  assert.deepEqual(m.patchFromEvent(e), { id: 'g_1', state: 'planning', title: 'T', run_id: null })
  assert.equal(m.patchFromEvent({ type: 'goal.reviewed', data: { goal_id: 'g_1' } }), null)
  assert.equal(m.eventGoalId({ type: 'goal.step_merged', data: { goal_id: 'g_7' } }), 'g_7')
  assert.equal(m.isGoalTaskEvent({ type: 'task.succeeded', data: { type: 'goal.step' } }), true)
  assert.equal(m.isGoalTaskEvent({ type: 'task.succeeded', data: { type: 'code.generate' } }), false)
})

test('merging records: an older record does not replace a newer one', () => {
  const goals = new Map()
  assert.equal(m.mergeGoal(goals, goal({ state: 'executing', updated_at: 20 })), true)
  assert.equal(m.mergeGoal(goals, goal({ state: 'planning', updated_at: 10 })), false)
  assert.equal(goals.get('g_1').state, 'executing')
  assert.equal(m.mergeGoal(goals, goal({ state: 'done', updated_at: 30 })), true)
  assert.equal(goals.get('g_1').state, 'done')
})

test('filters and states', () => {
  assert.equal(m.stateQuery(''), undefined)
  assert.equal(m.stateQuery('active'), 'queued,planning,awaiting_approval,executing,verifying,review')
  assert.equal(m.stateQuery('failed'), 'failed')
  assert.equal(m.stateQuery('bogus'), undefined)
  assert.equal(m.matchesFilter(goal({ state: 'done' }), 'active'), false)
  assert.equal(m.canCancel(goal({ state: 'queued' })), true)
  assert.equal(m.canCancel(goal({ state: 'done' })), false)
  assert.equal(m.canRetry(goal({ state: 'cancelled' })), true)
  assert.equal(m.waitsForPerson(goal({ state: 'awaiting_approval' })), true)
})

test('the add form\'s body leaves checking to the hub and names the field of its error', () => {
  assert.deepEqual(m.addGoalBody({ title: '  ', repo: '' }), { title: '', repo: '' })
  assert.deepEqual(m.addGoalBody({ title: ' Add X ', repo: '/r', budget: '0.5', priority: '70', approvePlan: true, verify: 'swift build\n\n  swift test \n' }),
    { title: 'Add X', repo: '/r', budget_usd: 0.5, priority: 70, approve_plan: true, verify: ['swift build', 'swift test'] })
  // Not a number: sent as typed, so the hub's invalid_field names it.
  assert.deepEqual(m.addGoalBody({ title: 'a', repo: 'b', budget: 'lots' }), { title: 'a', repo: 'b', budget_usd: 'lots' })
  assert.equal(m.formFieldOf({ field: 'title' }), 'title')
  assert.equal(m.formFieldOf({ field: 'verify[1]' }), 'verify')
  assert.equal(m.formFieldOf({ field: 'body' }), null)
  assert.equal(m.formFieldOf({}), null)
})

test('details: review, verification, planning; links only for http(s)', () => {
  const g = goal({ details: {
    review: { tier: 'high', reasons: ['path:migrations: db/migrations/1.sql', { rule: 'size_lines', tier: 'medium', message: '320 changed lines', files: [] }],
      secrets: [{ file: 'a.env', line: 3, kind: 'aws_access_key_id' }], blocked: true, diff: { files: 2, added: 10, removed: 1 }, pr_url: null, auto_merge: false },
    verification: { rounds: 1, checks: [{ command: 'make test', exit_code: 0, passed: true, output: 'ok' }], fix_tasks: [] },
    planning: { tasks: ['t_p'], issues: ['steps[1].role: unknown role'], approval_id: 'ap_1' },
  } })
  const r = m.review(g)
  assert.equal(r.tier, 'high')
  assert.deepEqual(r.reasons, ['path:migrations: db/migrations/1.sql', 'size_lines (medium): 320 changed lines'])
  assert.equal(r.secrets[0].line, 3)
  assert.equal(r.blocked, true)
  assert.equal(m.verification(g).checks.length, 1)
  assert.deepEqual(m.planning(g), { tasks: ['t_p'], issues: ['steps[1].role: unknown role'], approvalId: 'ap_1' })
  assert.equal(m.review(goal()), null)
  assert.equal(m.safeUrl('https://github.com/o/r/pull/1'), 'https://github.com/o/r/pull/1')
  assert.equal(m.safeUrl('javascript:alert(1)'), null)
  assert.equal(m.prUrl(goal({ pr_url: null, details: { review: { pr_url: 'https://x/pull/2' } } })), 'https://x/pull/2')
})

test('autonomy answers (GET /api/autonomy) are read defensively; a proposed goal names its finding', () => {
  const a = m.autonomy({ enabled: true, state: 'resting', budget: { day_usd: 1, spent_usd: 0.2, left_usd: 0.8, day: '2026-12-05' },
    decisions: [{ decision: 'propose', reason: 'new todo finding', goal_id: 'g_2', at: 1764892800 }], findings: [{ fingerprint: 'f1', kind: 'todo' }] })
  assert.deepEqual([a.state, a.spent, a.limit, a.day, a.decisions.length, a.findings.length], ['resting', 0.2, 1, '2026-12-05', 1, 1])
  assert.deepEqual(m.autonomy(null), { state: 'starting', enabled: true, spent: 0, limit: null, day: null, decisions: [], findings: [] })
  assert.equal(m.proposal(goal()), null)
  assert.deepEqual(m.proposal(goal({ details: { autonomy: { origin: 'autonomy', finding: { kind: 'test', fingerprint: 'f9', summary: 'swift test fails' } } } })),
    { kind: 'test', fingerprint: 'f9', summary: 'swift test fails' })
})
