// A workflow's steps as an SVG graph (the workflow page, static; the run page, live): laid out
// by lib/dag.js left (needed) to right, `needs` edges solid, `on_failure` edges dashed. Nodes
// are keyed by step id and updated in place (status colour, subtitle, matrix instances), so a
// live run never re-lays out: the steps of a run do not change. Each node carries
// data-step-id and data-status (the browser tests wait on them).
import { h, s } from './dom.js'
import { layoutDag, edgePath } from './dag.js'
import { panZoom } from './pan-zoom.js'
import { stepGraph, stepClass, nodeSubtitle } from './workflow-model.js'

const NODE = { nodeWidth: 200, nodeHeight: 52, layerGap: 60, nodeGap: 16 }
const SUBTITLE_CHARS = 30
const DOT = 8 // a matrix instance's square

function clip(text, max) {
  const t = text ?? ''
  return t.length > max ? `${t.slice(0, max - 1)}…` : t
}

// createStepGraph({onSelect, label}) → {element, update(steps), select(id), destroy()}.
export function createStepGraph({ onSelect, label = 'Step graph' } = {}) {
  const nodes = new Map() // step id → <g>
  let shape = ''
  let size = { width: 0, height: 0 }
  let selected = null
  let fitted = false

  const edgeLayer = s('g', { class: 'edges' })
  const nodeLayer = s('g', { class: 'nodes' })
  const world = s('g', { class: 'graph-world' }, edgeLayer, nodeLayer)
  // Marker ids are per page: the workflow and run pages never show two graphs at once.
  const svg = s('svg', { class: 'graph-svg step-graph', tabindex: '0', role: 'group', 'aria-label': `${label}: drag or use the arrow keys to pan, wheel or +/- to zoom` },
    s('defs', {}, s('marker', { id: 'step-arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }))),
    world)
  const fit = h('button', { type: 'button', class: 'btn small graph-fit', 'data-action': 'fit' }, 'Fit')
  const legend = h('div', { class: 'step-legend muted' },
    h('span', {}, h('i', { class: 'legend-line' }), ' needs'),
    h('span', {}, h('i', { class: 'legend-line dashed' }), ' on failure'))
  const canvas = h('div', { class: 'graph-canvas step-canvas' }, svg)
  const element = h('div', { class: 'step-graph-box' }, canvas, h('div', { class: 'step-graph-bar' }, legend, fit))
  const pz = panZoom(svg, world)
  // Step names stay readable: below this scale the graph is panned rather than shrunk further.
  const LEGIBLE = 0.6
  const fitGraph = () => pz.fit(size.width, size.height, 16, LEGIBLE)
  fit.addEventListener('click', fitGraph)

  const choose = (e) => {
    const g = e.target.closest?.('.node')
    if (g && onSelect) onSelect(g.dataset.stepId)
  }
  nodeLayer.addEventListener('click', choose)
  nodeLayer.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); choose(e) }
  })

  function layout(graph) {
    const l = layoutDag(graph.nodes, graph.edges, NODE)
    size = { width: l.width, height: l.height }
    // As tall as the graph (a short pipeline does not get a screenful of dots), within bounds.
    canvas.style.height = `${Math.max(160, Math.min(560, l.height + 24))}px`
    edgeLayer.replaceChildren()
    const kinds = new Map(graph.edges.map((e) => [`${e.from}\u0000${e.to}`, e.kind]))
    for (const e of l.edges) {
      const kind = kinds.get(`${e.from}\u0000${e.to}`) ?? 'needs'
      edgeLayer.appendChild(s('path', { class: `edge edge-${kind === 'on_failure' ? 'failure' : 'needs'}`, 'data-from': e.from, 'data-to': e.to,
        d: edgePath(e.points), 'marker-end': 'url(#step-arrow)' }))
    }
    const keep = new Set()
    for (const n of l.nodes) {
      keep.add(n.id)
      let g = nodes.get(n.id)
      if (!g) {
        g = nodeElement(n.id)
        nodes.set(n.id, g)
        nodeLayer.appendChild(g)
      }
      g.setAttribute('transform', `translate(${n.x},${n.y})`)
    }
    for (const [id, g] of nodes) if (!keep.has(id)) { g.remove(); nodes.delete(id) }
  }

  function nodeElement(id) {
    // Only a graph with a panel to open has focusable, clickable nodes.
    const interactive = onSelect ? { tabindex: '0', role: 'button' } : { role: 'img' }
    return s('g', { class: 'node step-node', 'data-step-id': id, ...interactive },
      s('title', {}, id),
      s('rect', { class: 'node-box', width: NODE.nodeWidth, height: NODE.nodeHeight, rx: '6' }),
      s('rect', { class: 'node-stripe', width: '5', height: NODE.nodeHeight, rx: '2' }),
      s('text', { class: 'node-id', x: '14', y: '18' }, clip(id, 26)),
      s('text', { class: 'node-title', x: '14', y: '36' }, ''),
      s('g', { class: 'node-instances' }))
  }

  function paint(g, step, node) {
    const status = node.status ?? ''
    const cls = `node step-node ${stepClass(node.status)}${g.dataset.stepId === selected ? ' node-selected' : ''}`
    if (g.getAttribute('class') !== cls) g.setAttribute('class', cls)
    if (status) { if (g.dataset.status !== status) g.dataset.status = status } else delete g.dataset.status
    if (step.merge) { if (g.dataset.merge !== step.merge) g.dataset.merge = step.merge } else delete g.dataset.merge
    const subtitle = nodeSubtitle(step)
    const text = g.querySelector('.node-title')
    const short = clip(subtitle, SUBTITLE_CHARS)
    if (text.textContent !== short) text.textContent = short
    const tip = [`${step.id}${status ? ` (${status})` : ''}`, step.title || step.type || '', step.if ? `if: ${step.if}` : '',
      step.skip_reason ? `skipped: ${step.skip_reason}` : '', step.error?.message ?? ''].filter(Boolean).join('\n')
    const title = g.querySelector('title')
    if (title.textContent !== tip) title.textContent = tip
    g.setAttribute('aria-label', `${step.id}${status ? `, ${status}` : ''}${step.skip_reason ? `: ${step.skip_reason}` : ''}`)
    // Matrix instances: one small square per task, coloured by the task's state.
    const box = g.querySelector('.node-instances')
    const instances = node.instances.length > 1 ? node.instances : []
    const wanted = instances.map((i) => `${i.id}:${i.state}`).join(',')
    if (box.dataset.key !== wanted) {
      box.dataset.key = wanted
      box.replaceChildren(...instances.slice(0, 18).map((inst, i) =>
        s('rect', { class: `instance fill-${(inst.state ?? 'queued').replace(/[^a-z_]/g, '')}`, x: String(14 + i * (DOT + 3)), y: String(NODE.nodeHeight - DOT - 5),
          width: String(DOT), height: String(DOT), rx: '2', 'data-task-id': inst.id, 'data-state': inst.state ?? '' },
        s('title', {}, `${inst.label || `#${inst.index ?? i}`}: ${inst.state ?? 'unknown'}`))))
    }
  }

  return {
    element,
    // steps: WorkflowInfo.steps or WorkflowRun.steps, in file order.
    update(steps) {
      const graph = stepGraph(steps)
      const next = JSON.stringify([graph.nodes.map((n) => n.id), graph.edges.map((e) => [e.from, e.to, e.kind])])
      if (next !== shape) { shape = next; layout(graph) }
      const byId = new Map(steps.map((st) => [st.id, st]))
      for (const n of graph.nodes) paint(nodes.get(n.id), byId.get(n.id), n)
      if (!fitted && graph.nodes.length) {
        fitted = true
        // The canvas has its size once it is in the document: fit on the next frame.
        requestAnimationFrame(fitGraph)
      }
    },
    select(id) {
      selected = id
      for (const [sid, g] of nodes) g.classList.toggle('node-selected', sid === id)
    },
    destroy() { pz.destroy() },
  }
}
