// node --test Tests/DashboardJS: the graph view's layered layout (lib/dag.js).
import test from 'node:test'
import assert from 'node:assert/strict'
import { loadAsset } from './load.mjs'

const { layoutDag, edgePath } = await loadAsset('lib/dag.js')
const nodes = (...ids) => ids.map((id) => ({ id }))
const byId = (layout) => new Map(layout.nodes.map((n) => [n.id, n]))

test('a chain lays out left to right, one layer per task', () => {
  const l = layoutDag(nodes('a', 'b', 'c'), [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }])
  const n = byId(l)
  assert.deepEqual([n.get('a').layer, n.get('b').layer, n.get('c').layer], [0, 1, 2])
  assert.ok(n.get('a').x < n.get('b').x && n.get('b').x < n.get('c').x)
  assert.equal(l.edges.length, 2)
  assert.equal(l.crossings, 0)
})

test('longest-path layering: a task sits right of its deepest dependency', () => {
  // a → b → c, and a → c directly: c must be in layer 2, and a→c routes through a dummy.
  const l = layoutDag(nodes('a', 'b', 'c'), [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'a', to: 'c' }])
  const n = byId(l)
  assert.equal(n.get('c').layer, 2)
  const long = l.edges.find((e) => e.from === 'a' && e.to === 'c')
  assert.equal(long.points.length, 3)
  assert.deepEqual(l.layers, [['a'], ['b'], ['c']])
})

test('barycentre ordering removes avoidable crossings', () => {
  // Two independent pairs given in an order that crosses: a1→b2, a2→b1 listed as b1, b2.
  const l = layoutDag(nodes('a1', 'a2', 'b1', 'b2'), [{ from: 'a1', to: 'b2' }, { from: 'a2', to: 'b1' }])
  assert.equal(l.crossings, 0)
  const n = byId(l)
  assert.ok((n.get('a1').y < n.get('a2').y) === (n.get('b2').y < n.get('b1').y))
})

test('a wider graph keeps every node, no overlaps within a layer', () => {
  const ids = []
  const edges = []
  for (let i = 0; i < 30; i++) ids.push(`t${i}`)
  for (let i = 1; i < 30; i++) edges.push({ from: `t${Math.floor((i - 1) / 3)}`, to: `t${i}` })
  const l = layoutDag(nodes(...ids), edges)
  assert.equal(l.nodes.length, 30)
  const seen = new Set()
  for (const node of l.nodes) {
    const key = `${node.x},${node.y}`
    assert.ok(!seen.has(key), `two nodes at ${key}`)
    seen.add(key)
    assert.ok(node.x >= 0 && node.y >= 0 && node.x + node.width <= l.width && node.y + node.height <= l.height)
  }
})

test('cycles, self loops, duplicates and dangling edges do not break the layout', () => {
  const l = layoutDag(nodes('a', 'b', 'c', 'a'), [
    { from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' },
    { from: 'a', to: 'a' }, { from: 'a', to: 'b' }, { from: 'a', to: 'zzz' },
  ])
  assert.equal(l.nodes.length, 3)
  assert.equal(l.edges.length, 3)
  for (const e of l.edges) assert.ok(e.points.length >= 2)
})

test('an empty graph is empty', () => {
  const l = layoutDag([], [])
  assert.deepEqual([l.nodes.length, l.edges.length, l.width, l.height], [0, 0, 0, 0])
})

test('1,000 nodes lay out quickly', () => {
  const ids = []
  const edges = []
  for (let i = 0; i < 1000; i++) ids.push(`n${i}`)
  for (let i = 1; i < 1000; i++) edges.push({ from: `n${(i * 7919) % i}`, to: `n${i}` })
  const start = performance.now()
  const l = layoutDag(nodes(...ids), edges, { sweeps: 4 })
  assert.equal(l.nodes.length, 1000)
  assert.ok(performance.now() - start < 3000)
})

test('edge paths are cubic curves from end to end', () => {
  assert.equal(edgePath([{ x: 0, y: 0 }, { x: 10, y: 20 }]), 'M0,0 C5,0 5,20 10,20')
})

test('crossing counts match a pairwise count on random layers', async () => {
  const { countCrossings } = await loadAsset('lib/dag.js')
  let seed = 7
  const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
  for (let round = 0; round < 50; round++) {
    const upper = Array.from({ length: 1 + rand(12) }, (_, i) => `u${i}`)
    const lower = Array.from({ length: 1 + rand(12) }, (_, i) => `l${i}`)
    const succ = new Map([...upper, ...lower].map((id) => [id, []]))
    const pairs = []
    for (const u of upper) {
      for (const l of lower) if (rand(3) === 0) { succ.get(u).push(l); pairs.push([upper.indexOf(u), lower.indexOf(l)]) }
    }
    let brute = 0
    for (const [a, b] of pairs) for (const [c, d] of pairs) if (a < c && b > d) brute++
    assert.equal(countCrossings([upper, lower], succ), brute)
  }
})
