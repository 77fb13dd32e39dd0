// node --test Tests/DashboardJS: the dashboard shell's pure modules (hash routes, render
// throttling, formatting). The DOM parts are covered by the browser tests (Tests/Browser).
import test from 'node:test';
import assert from 'node:assert/strict';

const assets = new URL('../../Sources/FlotillaHub/Dashboard/Assets/', import.meta.url);
const { parseHash } = await import(new URL('lib/router.js', assets));
const { throttle } = await import(new URL('lib/schedule.js', assets));
const format = await import(new URL('lib/format.js', assets));

test('hash routes name their view, decode the id once and keep the query', () => {
  const route = (hash) => { const r = parseHash(hash); return [r.name, r.params.id, r.params.query.toString()]; };
  assert.deepEqual(route(''), ['overview', undefined, '']);
  assert.deepEqual(route('#/'), ['overview', undefined, '']);
  assert.deepEqual(route('#/agents'), ['agents', undefined, '']);
  assert.deepEqual(route('#/agents/a%2Fb'), ['agent', 'a/b', '']);
  assert.deepEqual(route('#/agents/%2512'), ['agent', '%12', '']);
  assert.deepEqual(route('#/tasks/t-1'), ['task', 't-1', '']);
  assert.deepEqual(route('#/tasks?state=queued,running&q=x'), ['tasks', undefined, 'state=queued%2Crunning&q=x']);
  assert.deepEqual(route('#/graph?task=x'), ['graph', undefined, 'task=x']);
  for (const name of ['submit', 'events', 'dead']) assert.equal(parseHash(`#/${name}`).name, name);
  assert.equal(parseHash('#/nothing').name, null);
  assert.equal(parseHash('#/tasks/a/b').name, null);
});

test('throttle runs at most perSecond times however often it is asked, and always after the last ask', async () => {
  let runs = 0;
  let lastRunAt = 0;
  let lastAskAt = 0;
  const request = throttle(() => { runs++; lastRunAt = performance.now(); }, 10);
  const started = performance.now();
  // 20,000 asks spread over ~0.5 s.
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 1000; i++) { lastAskAt = performance.now(); request(); }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  // The last ask is followed by a run (it may have happened already): wait for it with a deadline.
  const deadline = performance.now() + 2000;
  while (lastRunAt < lastAskAt && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(lastRunAt >= lastAskAt, 'no run after the last ask');
  const elapsed = (performance.now() - started) / 1000;
  assert.ok(runs >= 1 && runs <= Math.ceil(elapsed * 10) + 1, `${runs} runs in ${elapsed.toFixed(2)} s`);
  // Nothing more runs without a new ask; cancel drops a pending run.
  const settled = runs;
  request();
  request.cancel();
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(runs, settled);
});

test('durations, sizes, rates and ages read as people write them', () => {
  assert.equal(format.duration(0.5), '500 ms');
  assert.equal(format.duration(5.123), '5.12 s');
  assert.equal(format.duration(305), '5m 05s');
  assert.equal(format.duration(7400), '2h 03m');
  assert.equal(format.duration(null), '—');
  assert.equal(format.bytes(500), '500 B');
  assert.equal(format.bytes(2048), '2.0 KiB');
  assert.equal(format.bytes(5 * 1024 * 1024), '5.0 MiB');
  assert.equal(format.rate(0), '0');
  assert.equal(format.rate(0.04), '0.04');
  assert.equal(format.rate(1234.5), '1,235');
  const now = Date.parse('2026-11-21T13:35:00.000Z');
  assert.equal(format.ago('2026-11-21T13:33:30.000Z', now), '1m ago');
  assert.equal(format.ago('2026-11-21T13:34:55.000Z', now), '5s ago');
  assert.equal(format.ago(null, now), '—');
});

test('links encode ids and skip empty filters', () => {
  assert.equal(format.link.task('a/b c'), '#/tasks/a%2Fb%20c');
  assert.equal(format.link.agent('%12'), '#/agents/%2512');
  assert.equal(format.link.tasks({ state: 'queued', role: 'x', q: '' }), '#/tasks?state=queued&role=x');
  assert.equal(format.link.graph('t1'), '#/graph?task=t1');
});

test('one-line text loses terminal escapes and control characters', () => {
  assert.equal(format.plain('a\x1b[32mok\x1b[0m b\x1b]0;title\x07c\x01d'), 'aok bcd');
  assert.equal(format.plain(null), '');
});
