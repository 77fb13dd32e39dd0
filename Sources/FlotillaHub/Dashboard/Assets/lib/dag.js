// A layered (Sugiyama-style) layout for the task graph, pure: nodes and edges in, positions
// out, no DOM, so it runs in a browser and under `node --test` alike.
//   1. cycles are broken (the API forbids them, but a layout must never loop)
//   2. longest-path layering: a task sits one layer right of its deepest dependency
//   3. edges spanning several layers get dummy points so they route around nodes
//   4. within each layer, nodes are ordered by the barycentre of their neighbours, sweeping
//      down and up a few times and keeping the order with the fewest crossings
//   5. coordinates: layers are columns (left → right = dependency → dependent), each column
//      centred vertically.

const DEFAULTS = { nodeWidth: 180, nodeHeight: 40, layerGap: 70, nodeGap: 16, sweeps: 8, margin: 20 }

// nodes: [{id, ...}], edges: [{from, to}] with `from` the dependency.
// Returns {nodes: [{id, layer, order, x, y, width, height, data}], edges: [{from, to, points}],
//          width, height, layers, crossings}.
export function layoutDag(inputNodes, inputEdges, options = {}) {
  const o = { ...DEFAULTS, ...options }
  const ids = []
  const data = new Map()
  for (const n of inputNodes) {
    if (!data.has(n.id)) { ids.push(n.id); data.set(n.id, n) }
  }
  const edges = dedupeEdges(inputEdges, data)
  const acyclic = breakCycles(ids, edges)
  const layerOf = longestPathLayers(ids, acyclic)
  const { layers, chains, succ, pred } = insertDummies(ids, acyclic, layerOf)
  const crossings = orderLayers(layers, succ, pred, o.sweeps)
  const pos = place(layers, o)

  const nodes = ids.map((id) => {
    const p = pos.get(id)
    return { id, layer: layerOf.get(id), order: p.order, x: p.x, y: p.y, width: o.nodeWidth, height: o.nodeHeight, data: data.get(id) }
  })
  const outEdges = edges.map((e) => {
    const chain = chains.get(`${e.from}\u0000${e.to}`) ?? [e.from, e.to]
    const a = pos.get(chain[0])
    const b = pos.get(chain[chain.length - 1])
    const points = [{ x: a.x + o.nodeWidth, y: a.y + o.nodeHeight / 2 }]
    for (const d of chain.slice(1, -1)) {
      const p = pos.get(d)
      points.push({ x: p.x + o.nodeWidth / 2, y: p.y + o.nodeHeight / 2 })
    }
    points.push({ x: b.x, y: b.y + o.nodeHeight / 2 })
    // A reversed (cycle-breaking) edge is drawn in its original direction.
    if (chain[0] !== e.from) points.reverse()
    return { from: e.from, to: e.to, points }
  })
  const width = layers.length === 0 ? 0 : layers.length * o.nodeWidth + (layers.length - 1) * o.layerGap + 2 * o.margin
  const tallest = Math.max(0, ...layers.map((l) => l.length))
  const height = tallest === 0 ? 0 : tallest * o.nodeHeight + (tallest - 1) * o.nodeGap + 2 * o.margin
  return { nodes, edges: outEdges, width, height, layers: layers.map((l) => l.filter((id) => data.has(id))), crossings }
}

function dedupeEdges(edges, data) {
  const seen = new Set()
  const out = []
  for (const e of edges) {
    const key = `${e.from}\u0000${e.to}`
    if (e.from === e.to || seen.has(key) || !data.has(e.from) || !data.has(e.to)) continue
    seen.add(key)
    out.push({ from: e.from, to: e.to })
  }
  return out
}

// Returns the edges with every back edge of a depth-first search reversed (iteratively, so a
// long chain cannot overflow the stack).
function breakCycles(ids, edges) {
  const out = new Map(ids.map((id) => [id, []]))
  for (const e of edges) out.get(e.from).push(e.to)
  const state = new Map() // 1 = on the stack, 2 = done
  const back = new Set()
  for (const root of ids) {
    if (state.has(root)) continue
    const stack = [[root, 0]]
    state.set(root, 1)
    while (stack.length) {
      const top = stack[stack.length - 1]
      const next = out.get(top[0])[top[1]++]
      if (next === undefined) { state.set(top[0], 2); stack.pop(); continue }
      const s = state.get(next)
      if (s === 1) back.add(`${top[0]}\u0000${next}`)
      else if (s === undefined) { state.set(next, 1); stack.push([next, 0]) }
    }
  }
  return edges.map((e) => (back.has(`${e.from}\u0000${e.to}`) ? { from: e.to, to: e.from, reversed: true } : e))
}

// Kahn's topological order; each node's layer is one more than its deepest predecessor's.
function longestPathLayers(ids, edges) {
  const indeg = new Map(ids.map((id) => [id, 0]))
  const out = new Map(ids.map((id) => [id, []]))
  for (const e of edges) { out.get(e.from).push(e.to); indeg.set(e.to, indeg.get(e.to) + 1) }
  const layer = new Map(ids.map((id) => [id, 0]))
  const queue = ids.filter((id) => indeg.get(id) === 0)
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i]
    for (const v of out.get(u)) {
      layer.set(v, Math.max(layer.get(v), layer.get(u) + 1))
      indeg.set(v, indeg.get(v) - 1)
      if (indeg.get(v) === 0) queue.push(v)
    }
  }
  return layer
}

// Splits edges longer than one layer into chains through dummy nodes (ids that cannot clash
// with task ids, which never contain a NUL).
function insertDummies(ids, edges, layerOf) {
  const maxLayer = Math.max(-1, ...ids.map((id) => layerOf.get(id)))
  const layers = Array.from({ length: maxLayer + 1 }, () => [])
  for (const id of ids) layers[layerOf.get(id)].push(id)
  const succ = new Map(ids.map((id) => [id, []]))
  const pred = new Map(ids.map((id) => [id, []]))
  const chains = new Map()
  let dummies = 0
  for (const e of edges) {
    const chain = [e.from]
    for (let l = layerOf.get(e.from) + 1; l < layerOf.get(e.to); l++) {
      const d = `\u0000d${dummies++}`
      layers[l].push(d)
      succ.set(d, [])
      pred.set(d, [])
      chain.push(d)
    }
    chain.push(e.to)
    for (let i = 0; i + 1 < chain.length; i++) {
      succ.get(chain[i]).push(chain[i + 1])
      pred.get(chain[i + 1]).push(chain[i])
    }
    const key = e.reversed ? `${e.to}\u0000${e.from}` : `${e.from}\u0000${e.to}`
    chains.set(key, chain)
  }
  return { layers, chains, succ, pred }
}

// Crossings between two adjacent layers: pairs of edges whose ends are in opposite order.
// Edges sorted by (upper, lower) position; each edge crosses every earlier one that ends
// further down, counted with a Fenwick tree: O(E log V) rather than comparing every pair.
function crossingsBetween(upper, lower, succ) {
  const posLower = new Map(lower.map((id, i) => [id, i]))
  const ends = []
  upper.forEach((id, i) => {
    for (const v of succ.get(id)) if (posLower.has(v)) ends.push([i, posLower.get(v)])
  })
  ends.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const tree = new Array(lower.length + 1).fill(0)
  let count = 0
  ends.forEach(([, j], seen) => {
    let atOrAbove = 0 // earlier edges ending at or above j
    for (let k = j + 1; k > 0; k -= k & -k) atOrAbove += tree[k]
    count += seen - atOrAbove
    for (let k = j + 1; k <= lower.length; k += k & -k) tree[k]++
  })
  return count
}

export function countCrossings(layers, succ) {
  let total = 0
  for (let l = 0; l + 1 < layers.length; l++) total += crossingsBetween(layers[l], layers[l + 1], succ)
  return total
}

// Reorders `layer` by the mean position of each node's neighbours in `fixed`; nodes without
// neighbours keep their place (stable sort on their current index).
function sortByBarycentre(layer, fixed, neighbours) {
  const posFixed = new Map(fixed.map((id, i) => [id, i]))
  const keyed = layer.map((id, i) => {
    const ps = neighbours.get(id).filter((n) => posFixed.has(n)).map((n) => posFixed.get(n))
    return { id, i, key: ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : i }
  })
  keyed.sort((a, b) => a.key - b.key || a.i - b.i)
  return keyed.map((k) => k.id)
}

// Alternating down and up sweeps; keeps the best ordering seen. Mutates `layers`.
function orderLayers(layers, succ, pred, sweeps) {
  let best = layers.map((l) => l.slice())
  let bestCount = countCrossings(layers, succ)
  for (let s = 0; s < sweeps && bestCount > 0; s++) {
    if (s % 2 === 0) {
      for (let l = 1; l < layers.length; l++) layers[l] = sortByBarycentre(layers[l], layers[l - 1], pred)
    } else {
      for (let l = layers.length - 2; l >= 0; l--) layers[l] = sortByBarycentre(layers[l], layers[l + 1], succ)
    }
    const count = countCrossings(layers, succ)
    if (count < bestCount) { bestCount = count; best = layers.map((l) => l.slice()) }
  }
  for (let l = 0; l < layers.length; l++) layers[l] = best[l]
  return bestCount
}

function place(layers, o) {
  const tallest = Math.max(0, ...layers.map((l) => l.length))
  const fullHeight = tallest * o.nodeHeight + Math.max(0, tallest - 1) * o.nodeGap
  const pos = new Map()
  layers.forEach((layer, l) => {
    const h = layer.length * o.nodeHeight + Math.max(0, layer.length - 1) * o.nodeGap
    const top = o.margin + (fullHeight - h) / 2
    layer.forEach((id, i) => {
      pos.set(id, { order: i, x: o.margin + l * (o.nodeWidth + o.layerGap), y: top + i * (o.nodeHeight + o.nodeGap) })
    })
  })
  return pos
}

// An SVG path through the points: horizontal cubic curves between consecutive points.
export function edgePath(points) {
  if (points.length === 0) return ''
  let d = `M${r(points[0].x)},${r(points[0].y)}`
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]
    const b = points[i]
    const mx = (a.x + b.x) / 2
    d += ` C${r(mx)},${r(a.y)} ${r(mx)},${r(b.y)} ${r(b.x)},${r(b.y)}`
  }
  return d
}

function r(n) {
  return Math.round(n * 10) / 10
}
