// node --test Tests/DashboardJS: the approvals view's pure logic (lib/approval-model.js).
import test from 'node:test'
import assert from 'node:assert/strict'
import { loadAsset } from './load.mjs'

const m = await loadAsset('lib/approval-model.js')

const record = (over) => ({ id: 'apr_1', agent_id: 'w1', tool: 'Bash', subject: 'Bash(ls)', state: 'pending',
  created_at: 1000, expires_at: 1600, decided_at: null, decided_by: null, decider: null, reason: null, choice: null, choices: [], ...over })

test('times: epoch seconds (approvals) and ISO strings (tasks) both read as milliseconds', () => {
  assert.equal(m.toMillis(1764892800), 1764892800000)
  assert.equal(m.toMillis(1764892800.5), 1764892800500)
  assert.equal(m.toMillis('2025-12-05T00:00:00.000Z'), Date.parse('2025-12-05T00:00:00.000Z'))
  assert.equal(m.toMillis(1764892800000), 1764892800000)
  assert.equal(m.toMillis(null), null)
  assert.equal(m.toMillis('not a time'), null)
  assert.equal(m.toIso(0), '1970-01-01T00:00:00.000Z')
})

test('the countdown to the timeout policy', () => {
  assert.equal(m.countdown(598.7), '9m 58s')
  assert.equal(m.countdown(45), '45s')
  assert.equal(m.countdown(3900), '1h 05m')
  assert.equal(m.countdown(0), 'expired')
  assert.equal(m.countdown(-3), 'expired')
  assert.equal(m.secondsLeft(record({ expires_at: 1600 }), 1_000_000), 600)
  assert.equal(m.secondsLeft(record({ expires_at: null })), null)
})

test('a unified diff is coloured by line; a command is not', () => {
  const diff = 'diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n same\n-old\n+new'
  assert.equal(m.isDiff(diff), true)
  assert.deepEqual(m.diffLines(diff).map((l) => l.kind), ['meta', 'meta', 'meta', 'hunk', 'context', 'del', 'add'])
  assert.equal(m.isDiff('rm -rf build'), false)
  assert.equal(m.isDiff('--- just a line'), false)
  assert.deepEqual(m.diffLines('rm -rf build\n-x'), [{ kind: 'plain', line: 'rm -rf build' }, { kind: 'plain', line: '-x' }])
  assert.equal(m.isDiff('@@ -3 +3 @@\n-a\n+b'), true)
})

test('pending first (soonest expiry on top), then decided, the latest decision on top', () => {
  const list = [
    record({ id: 'a', expires_at: 2000 }),
    record({ id: 'b', state: 'denied', decided_at: 1500 }),
    record({ id: 'c', expires_at: 1700 }),
    record({ id: 'd', state: 'allowed', decided_at: 1800 }),
  ]
  const { pending, decided } = m.ordered(list)
  assert.deepEqual(pending.map((r) => r.id), ['c', 'a'])
  assert.deepEqual(decided.map((r) => r.id), ['d', 'b'])
})

test('what a decision says: who, how and why', () => {
  assert.equal(m.decisionText(record({ state: 'denied', decided_by: 'person', decider: 'alice' })), 'Denied by alice')
  assert.equal(m.decisionText(record({ state: 'allowed', decided_by: 'rule', decider: '^Bash\\(swift test' })), 'Allowed by rule ^Bash\\(swift test')
  assert.equal(m.decisionText(record({ state: 'denied', decided_by: 'timeout' })), 'Denied: nobody answered in time')
  assert.equal(m.decisionText(record({ state: 'allowed', decided_by: 'timeout' })), 'Allowed: nobody answered in time')
  assert.match(m.decisionText(record({ state: 'denied', decided_by: 'cancelled' })), /^Cancelled/)
  const choices = [{ key: '1', label: 'Yes', allows: true }, { key: '2', label: 'Yes, and don\'t ask again', allows: true }]
  assert.equal(m.choiceLabel(record({ state: 'allowed', choice: '2', choices })), 'Yes, and don\'t ask again (2)')
  assert.equal(m.choiceLabel(record({ state: 'allowed', choice: 'y' })), 'y')
  assert.equal(m.choiceLabel(record({ state: 'allowed' })), null)
})

test('a decision is final: a late pending copy never takes it back', () => {
  const map = new Map()
  assert.equal(m.merge(map, record({ id: 'x' })), true)
  assert.equal(m.merge(map, record({ id: 'x' })), false, 'the same record changes nothing')
  assert.equal(m.merge(map, record({ id: 'x', state: 'denied', decided_by: 'person', reason: 'no' })), true)
  assert.equal(m.merge(map, record({ id: 'x' })), false)
  assert.equal(map.get('x').state, 'denied')
  assert.equal(m.merge(map, null), false)
  assert.equal(m.merge(map, { state: 'pending' }), false)
})

test('the record of an approval event, and the tab title with the count', () => {
  const r = record({})
  assert.deepEqual(m.recordOfEvent({ type: 'approval.requested', data: r }), r)
  assert.equal(m.recordOfEvent({ type: 'task.queued', data: { state: 'queued' } }), null)
  assert.equal(m.recordOfEvent({}), null)
  assert.equal(m.titleWithCount('Tasks · Flotilla', 0), 'Tasks · Flotilla')
  assert.equal(m.titleWithCount('Tasks · Flotilla', 3), '(3) Tasks · Flotilla')
  assert.equal(m.titleWithCount('Tasks · Flotilla', 1200), '(999+) Tasks · Flotilla')
})

test('the approvals and notifications routes and their nav entries, seen by viewers', async () => {
  const { parseHash, NAV } = await loadAsset('lib/router.js')
  assert.equal(parseHash('#/approvals').name, 'approvals')
  const n = parseHash('#/notifications?status=failed')
  assert.deepEqual([n.name, n.params.query.get('status')], ['notifications', 'failed'])
  for (const [href, label] of [['#/approvals', 'Approvals'], ['#/notifications', 'Notifications']]) {
    const entry = NAV.find((e) => e.href === href)
    assert.deepEqual([entry.label, entry.scope], [label, 'viewer'])
  }
})
