// node --test Tests/DashboardJS: the task list's filters (lib/task-query.js).
import test from 'node:test'
import assert from 'node:assert/strict'
import { loadAsset } from './load.mjs'

const q = await loadAsset('lib/task-query.js')

test('filters read from the hash query, unknown states dropped, states in lifecycle order', () => {
  const f = q.readFilters(new URLSearchParams('state=running,bogus,queued&role=testing&q=%20deploy%20&type='))
  assert.deepEqual(f, { states: ['queued', 'running'], role: 'testing', q: 'deploy' })
})

test('filters written back to a readable, encoded hash that reads the same', () => {
  const f = { states: ['queued', 'running'], role: 'r&d', agent: 'a/1', q: 'fix #42' }
  const hash = q.filtersHash(f)
  assert.equal(hash, '#/tasks?state=queued,running&role=r%26d&agent=a%2F1&q=fix%20%2342')
  assert.deepEqual(q.readFilters(new URLSearchParams(hash.split('?')[1])), f)
  assert.equal(q.filtersHash({ states: [] }), '#/tasks')
})

test('API query: states joined, empty filters and cursor left out', () => {
  assert.deepEqual(q.filtersQuery({ states: ['dead'], q: 'x' }, undefined, 50),
    { state: 'dead', role: undefined, type: undefined, agent: undefined, q: 'x', cursor: undefined, limit: 50 })
  assert.equal(q.filtersQuery({ states: [] }, 'c1', 50).cursor, 'c1')
})

test('events match on state, role, type and agent; text search is left to the server', () => {
  const ev = { type: 'task.queued', agent_id: null, data: { state: 'queued', role: 'testing', type: 'testing.run' } }
  assert.equal(q.eventMayMatch({ states: [] }, ev), true)
  assert.equal(q.eventMayMatch({ states: ['running'] }, ev), false)
  assert.equal(q.eventMayMatch({ states: ['queued'], role: 'testing', type: 'testing.run' }, ev), true)
  assert.equal(q.eventMayMatch({ states: [], role: 'general' }, ev), false)
  assert.equal(q.eventMayMatch({ states: [], agent: 'a1' }, ev), false)
  assert.equal(q.eventMayMatch({ states: [], q: 'anything' }, ev), true)
})

test('a task title is the first prompt line, else the shell command, shortened', () => {
  assert.equal(q.taskTitle({ prompt: 'Fix the bug\nin detail' }), 'Fix the bug')
  assert.equal(q.taskTitle({ payload: { command: 'make test' } }), 'make test')
  assert.equal(q.taskTitle({ payload: {} }), '')
  assert.equal(q.taskTitle({ prompt: 'x'.repeat(300) }).length, 120)
})
