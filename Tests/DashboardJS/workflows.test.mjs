// node --test Tests/DashboardJS: the workflow pages' pure logic (lib/workflow-model.js) on
// the contract's JSON shapes (docs/api.md "Workflows": WorkflowInfo, WorkflowRun).
import test from 'node:test'
import assert from 'node:assert/strict'
import { loadAsset } from './load.mjs'

const model = await loadAsset('lib/workflow-model.js')
const { layoutDag } = await loadAsset('lib/dag.js')

// A run of docs/workflows.md's rollback example after `deploy` failed: monitor skipped,
// rollback ran, notify running; plus a matrix step.
const RUN = {
  id: '01m8run', workflow: 'ship', file: 'ship.yaml', status: 'running',
  inputs: { branch: 'main' }, trigger: { kind: 'manual' }, rerun_of: null, cancel_reason: null,
  created_at: '2026-12-04T22:00:00.000Z', updated_at: '2026-12-04T22:01:00.000Z', ended_at: null,
  progress: { total: 5, pending: 0, running: 1, succeeded: 2, failed: 1, skipped: 1, cancelled: 0 },
  steps: [
    { id: 'deploy', status: 'failed', outcome: 'failure', conclusion: 'failure', needs: [], on_failure: ['rollback', 'notify'], if: null, skip_reason: null,
      error: { code: 'task_dead', message: 'exit 3' }, tasks: [{ id: 't-deploy', matrix_index: null, matrix: null, state: 'dead', result: null, error: 'exit 3' }] },
    { id: 'monitor', status: 'skipped', outcome: 'skipped', conclusion: 'skipped', needs: ['deploy'], on_failure: [], if: null,
      skip_reason: "needed step 'deploy' failed", error: null, tasks: [] },
    { id: 'rollback', status: 'succeeded', outcome: 'success', conclusion: 'success', needs: [], on_failure: [], if: null, skip_reason: null, error: null,
      tasks: [{ id: 't-rollback', matrix_index: null, matrix: null, state: 'succeeded', result: { ok: true }, error: null }] },
    { id: 'notify', status: 'running', outcome: null, conclusion: null, needs: ['rollback'], on_failure: [], if: 'always()', skip_reason: null, error: null,
      tasks: [{ id: 't-notify', matrix_index: null, matrix: null, state: 'running', result: null, error: null }] },
    { id: 'test', status: 'succeeded', outcome: 'success', conclusion: 'success', needs: ['nowhere'], on_failure: [], if: null, skip_reason: null, error: null,
      tasks: [
        { id: 't-m0', matrix_index: 0, matrix: { os: 'linux', swift: '6.2' }, state: 'succeeded', result: null, error: null },
        { id: 't-m1', matrix_index: 1, matrix: { os: 'macos', swift: '6.2' }, state: 'succeeded', result: null, error: null },
      ] },
  ],
}

test('the step graph of a run: needs edges from the needed step, on_failure edges to the handler, dangling ones dropped', () => {
  const g = model.stepGraph(RUN.steps)
  assert.deepEqual(g.nodes.map((n) => n.id), ['deploy', 'monitor', 'rollback', 'notify', 'test'])
  assert.deepEqual(g.edges, [
    { from: 'deploy', to: 'rollback', kind: 'on_failure' },
    { from: 'deploy', to: 'notify', kind: 'on_failure' },
    { from: 'deploy', to: 'monitor', kind: 'needs' },
    { from: 'rollback', to: 'notify', kind: 'needs' },
  ])
  const byId = new Map(g.nodes.map((n) => [n.id, n]))
  assert.equal(byId.get('monitor').skipReason, "needed step 'deploy' failed")
  assert.equal(byId.get('notify').condition, 'always()')
  assert.equal(byId.get('test').matrix, true)
  assert.deepEqual(byId.get('test').instances.map((i) => [i.id, i.state, i.index, i.label]),
    [['t-m0', 'succeeded', 0, 'os=linux, swift=6.2'], ['t-m1', 'succeeded', 1, 'os=macos, swift=6.2']])
  // The graph lays out: the handler sits right of the step it handles, notify right of rollback.
  const layout = layoutDag(g.nodes, g.edges)
  const layer = new Map(layout.nodes.map((n) => [n.id, n.layer]))
  assert.deepEqual([layer.get('deploy'), layer.get('rollback'), layer.get('notify'), layer.get('monitor')], [0, 1, 2, 1])
})

test("a workflow's steps (no status) make a static graph; a string needs is one need", () => {
  const steps = [
    { id: 'build', type: 'build.run', role: null, needs: [], on_failure: [], if: null, matrix: false },
    { id: 'unit', type: 'testing.run', role: null, needs: 'build', on_failure: null, if: null, matrix: true },
  ]
  const g = model.stepGraph(steps)
  assert.deepEqual(g.edges, [{ from: 'build', to: 'unit', kind: 'needs' }])
  assert.equal(g.nodes[0].status, null)
  assert.equal(g.nodes[1].matrix, true)
  assert.equal(model.stepClass(g.nodes[0].status), 'step-static')
  assert.equal(model.nodeSubtitle(steps[0]), 'build.run')
})

test('status → class: every step status has its class, anything else is unknown (never raw text)', () => {
  for (const st of model.STEP_STATUSES) assert.equal(model.stepClass(st), `step-${st}`)
  assert.equal(model.stepClass('x" onclick="y'), 'step-unknown')
  assert.equal(model.stepClass(undefined), 'step-static')
  assert.ok(model.isRunActive({ status: 'running' }))
  for (const st of ['succeeded', 'failed', 'cancelled']) assert.ok(!model.isRunActive({ status: st }))
})

test("a node's subtitle: the skip reason, else the error, else a matrix's progress, else the status", () => {
  const [deploy, monitor, , notify, matrix] = RUN.steps
  assert.equal(model.nodeSubtitle(monitor), "needed step 'deploy' failed")
  assert.equal(model.nodeSubtitle(deploy), 'exit 3')
  assert.equal(model.nodeSubtitle(notify), 'running')
  assert.equal(model.nodeSubtitle(matrix), '2 of 2 tasks ended')
})

test('trigger texts: the webhook path, the next firing, and what started a run', () => {
  assert.deepEqual(model.triggerSummary({ kind: 'webhook', text: 'github: push, pull_request', path: '/hooks/github/ship' }),
    { kind: 'webhook', text: 'github: push, pull_request', detail: 'POST /hooks/github/ship' })
  assert.deepEqual(model.triggerSummary({ kind: 'schedule', text: '*/15 * * * * (UTC)', next_at: '2026-12-04T22:15:00.000Z' }, (iso) => `at ${iso}`),
    { kind: 'schedule', text: '*/15 * * * * (UTC)', detail: 'next at 2026-12-04T22:15:00.000Z' })
  assert.deepEqual(model.triggerSummary({ kind: 'mqtt', text: 'flotilla/deployment/status' }), { kind: 'mqtt', text: 'flotilla/deployment/status', detail: '' })
  assert.equal(model.runTriggerText({ kind: 'manual' }), 'by hand')
  assert.equal(model.runTriggerText({ kind: 'webhook', source: 'github', event: 'push', delivery: 'abc-123', payload: {} }), 'github push webhook (delivery abc-123)')
  assert.equal(model.runTriggerText({ kind: 'schedule', scheduled_at: '2026-12-04T22:15:00Z' }), 'schedule (slot 2026-12-04T22:15:00Z)')
  assert.equal(model.runTriggerText({ kind: 'event', data: { type: 'task.dead' } }), 'event task.dead')
  assert.equal(model.runTriggerText({ kind: 'mqtt', topic: 'swarm/x' }), 'MQTT swarm/x')
  assert.equal(model.runTriggerText(null), 'unknown')
})

test('run inputs are typed by their declaration; empty means not given; bad numbers are refused before sending', () => {
  const declared = [
    { name: 'branch', type: 'string', required: false, default: 'main' },
    { name: 'replicas', type: 'number', required: true, default: null },
    { name: 'dry_run', type: 'boolean', required: false, default: false },
  ]
  assert.deepEqual(model.buildInputs(declared, { branch: 'dev', replicas: ' 3 ', dry_run: 'true' }), { inputs: { branch: 'dev', replicas: 3, dry_run: true } })
  assert.deepEqual(model.buildInputs(declared, { branch: '', replicas: '', dry_run: '' }), { inputs: {} })
  assert.deepEqual(model.buildInputs(declared, { replicas: 'three' }), { errors: { replicas: "'three' is not a number." } })
  assert.deepEqual(model.buildInputs(declared, { dry_run: 'yes' }), { errors: { dry_run: "'yes' is not true or false." } })
  assert.equal(model.inputHint(declared[0]), 'string, default "main"')
  assert.equal(model.inputHint(declared[1]), 'number, required')
  assert.equal(model.inputOfError({ code: 'workflow_invalid_input', field: 'inputs.replicas' }), 'replicas')
  assert.equal(model.inputOfError({ code: 'workflow_unknown_field', field: 'ship.yaml:3:4' }), null)
})

test("a step's task key wf:<run>:<step>[:<index>] names its run and step", () => {
  assert.deepEqual(model.parseStepKey('wf:01m8run:build'), { run: '01m8run', step: 'build', index: null })
  assert.deepEqual(model.parseStepKey('wf:01m8run:test:3'), { run: '01m8run', step: 'test', index: 3 })
  for (const key of [null, '', 'deploy-7', 'wf:', 'wf:run', 'wf::step', 'wf:r:s:x', 'wf:r:s:1:2']) assert.equal(model.parseStepKey(key), null, key)
})

test("a run page follows its own workflow and step events and its tasks' events, nothing else", () => {
  const ids = model.runTaskIds(RUN)
  assert.deepEqual([...ids].sort(), ['t-deploy', 't-m0', 't-m1', 't-notify', 't-rollback'])
  const concerns = (ev) => model.eventConcernsRun(ev, RUN.id, ids)
  assert.ok(concerns({ type: 'step.succeeded', data: { run_id: '01m8run', step: 'x' } }))
  assert.ok(concerns({ type: 'workflow.cancelled', data: { run_id: '01m8run' } }))
  assert.ok(concerns({ type: 'task.running', task_id: 't-m1' }))
  assert.ok(!concerns({ type: 'step.started', data: { run_id: 'other' } }))
  assert.ok(!concerns({ type: 'task.running', task_id: 'elsewhere' }))
  assert.ok(!concerns({ type: 'agent.online', data: {} }))
  assert.equal(model.progressText(RUN.progress), '4 of 5 steps ended · 1 running · 1 failed · 1 skipped')
})

test('the workflow routes and the Workflows nav entry', async () => {
  const { parseHash, NAV } = await loadAsset('lib/router.js')
  const route = (hash) => { const r = parseHash(hash); return [r.name, r.params.id, r.params.query.toString()] }
  assert.deepEqual(route('#/workflows'), ['workflows', undefined, ''])
  assert.deepEqual(route('#/workflows/ship.v2'), ['workflow', 'ship.v2', ''])
  assert.deepEqual(route('#/workflows/ship?status=failed'), ['workflow', 'ship', 'status=failed'])
  assert.deepEqual(route('#/runs/01m8run?step=deploy'), ['run', '01m8run', 'step=deploy'])
  const entry = NAV.find((n) => n.href === '#/workflows')
  assert.deepEqual([entry.label, entry.scope, entry.views], ['Workflows', 'viewer', ['workflows', 'workflow', 'run']])
})
