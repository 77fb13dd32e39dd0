// Graph: tasks and their depends_on as a DAG (GET /api/graph, or one task's component with
// #/graph?task=ID), laid out by lib/dag.js and drawn as SVG. Live: a node's state colour
// changes in place; a task the graph does not have triggers a throttled refetch (its layout
// may change). Click or Enter on a node opens the task.
import { h, s } from '../lib/dom.js'
import { stateBadge } from '../lib/format.js'
import { throttle } from '../lib/schedule.js'
import { layoutDag, edgePath } from '../lib/dag.js'
import { panZoom } from '../lib/pan-zoom.js'
import { TASK_STATES } from '../lib/task-query.js'

const NODE = { nodeWidth: 184, nodeHeight: 44, layerGap: 64, nodeGap: 14 }
const TITLE_CHARS = 26
const BIG_GRAPH = 300 // nodes

export default {
  title: 'Graph',
  scope: 'viewer',
  mount(root, ctx, params) {
    const focus = params.query.get('task') || ''
    const nodes = new Map() // task id → <g class="node">
    const edges = new Map() // 'from\0to' → <path class="edge">
    let generation = 0
    let fitted = false
    let layoutSize = { width: 0, height: 0 }
    let drawnShape = ''

    const focusInput = h('input', { type: 'search', name: 'task', placeholder: 'Task id (its component)', 'aria-label': 'Show the graph of one task', autocomplete: 'off' })
    focusInput.value = focus
    const focusForm = h('form', { class: 'graph-focus', role: 'search' }, focusInput,
      h('button', { type: 'submit', class: 'btn' }, 'Show'),
      focus ? h('a', { class: 'btn', href: '#/graph' }, 'All') : '')
    const zoomIn = h('button', { type: 'button', class: 'btn icon', 'data-action': 'zoom-in', 'aria-label': 'Zoom in' }, '+')
    const zoomOut = h('button', { type: 'button', class: 'btn icon', 'data-action': 'zoom-out', 'aria-label': 'Zoom out' }, '−')
    const fit = h('button', { type: 'button', class: 'btn', 'data-action': 'fit' }, 'Fit')
    const status = h('p', { class: 'list-status', role: 'status' }, 'Loading…')
    const legend = h('div', { class: 'graph-legend', 'aria-label': 'States' }, ...TASK_STATES.map((st) => stateBadge(st)))

    const edgeLayer = s('g', { class: 'edges' })
    const nodeLayer = s('g', { class: 'nodes' })
    const world = s('g', { class: 'graph-world' }, edgeLayer, nodeLayer)
    const svg = s('svg', { class: 'graph-svg', tabindex: '0', role: 'group', 'aria-label': 'Task graph: drag or use the arrow keys to pan, wheel or +/- to zoom' },
      s('defs', {}, s('marker', { id: 'graph-arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' },
        s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }))),
      world)
    const empty = h('div', { class: 'graph-empty', hidden: '' })
    const canvas = h('div', { class: 'graph-canvas' }, svg, empty)
    root.classList.add('graph-view')
    root.append(
      h('header', { class: 'view-header' }, h('h1', {}, focus ? `Graph of ${focus}` : 'Graph'),
        h('div', { class: 'graph-tools' }, zoomOut, zoomIn, fit)),
      h('div', { class: 'graph-bar' }, focusForm, legend),
      status, canvas)

    const pz = panZoom(svg, world)
    zoomIn.addEventListener('click', () => pz.zoomIn())
    zoomOut.addEventListener('click', () => pz.zoomOut())
    fit.addEventListener('click', () => pz.fit(layoutSize.width, layoutSize.height))
    focusForm.addEventListener('submit', (e) => {
      e.preventDefault()
      const id = focusInput.value.trim()
      ctx.navigate(id ? `#/graph?task=${encodeURIComponent(id)}` : '#/graph')
    })
    const open = (id) => ctx.navigate(`#/tasks/${encodeURIComponent(id)}`)
    nodeLayer.addEventListener('click', (e) => {
      const g = e.target.closest?.('.node')
      if (g) open(g.dataset.taskId)
    })
    nodeLayer.addEventListener('keydown', (e) => {
      const g = e.target.closest?.('.node')
      if (g && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); open(g.dataset.taskId) }
    })

    async function load() {
      const mine = ++generation
      try {
        const graph = await ctx.api.get('/api/graph', { task_id: focus || undefined })
        if (mine !== generation) return
        draw(graph)
      } catch (err) {
        if (mine !== generation) return
        status.textContent = err.code === 'task_not_found' ? `No task has the id ${focus}.` : `Could not load the graph: ${err.message ?? err}`
        status.classList.add('error')
      }
    }

    function draw(graph) {
      status.classList.remove('error')
      // Same tasks and edges as drawn: only states may differ, no new layout (nothing moves).
      const shape = JSON.stringify([graph.nodes.map((n) => n.id), graph.edges.map((e) => [e.from, e.to])])
      if (shape === drawnShape) {
        for (const n of graph.nodes) { const g = nodes.get(n.id); if (g) setState(g, n.state) }
        return
      }
      drawnShape = shape
      const layout = layoutDag(graph.nodes, graph.edges, NODE)
      layoutSize = { width: layout.width, height: layout.height }
      const seen = new Set()
      for (const n of layout.nodes) {
        seen.add(n.id)
        let g = nodes.get(n.id)
        if (!g) { g = nodeElement(n.data); nodes.set(n.id, g); nodeLayer.appendChild(g) }
        else setState(g, n.data.state)
        setAttr(g, 'transform', `translate(${n.x},${n.y})`)
      }
      for (const [id, g] of nodes) if (!seen.has(id)) { g.remove(); nodes.delete(id) }
      // Edges are keyed too: only new or moved ones touch the DOM.
      const keep = new Set()
      for (const e of layout.edges) {
        const key = `${e.from}\u0000${e.to}`
        keep.add(key)
        let path = edges.get(key)
        if (!path) {
          path = s('path', { class: 'edge', 'data-from': e.from, 'data-to': e.to, 'marker-end': 'url(#graph-arrow)' })
          edges.set(key, path)
          edgeLayer.appendChild(path)
        }
        setAttr(path, 'd', edgePath(e.points))
      }
      for (const [key, path] of edges) if (!keep.has(key)) { path.remove(); edges.delete(key) }
      const n = layout.nodes.length
      status.textContent = `${n} task${n === 1 ? '' : 's'} · ${layout.edges.length} dependenc${layout.edges.length === 1 ? 'y' : 'ies'}`
        + (graph.truncated ? ' · showing the newest part only (open a task’s graph for all of it)' : '')
      empty.hidden = n > 0
      empty.textContent = focus ? 'This task has no dependencies or dependents.' : 'No task has dependencies yet.'
      if (!fitted && n > 0) { pz.fit(layout.width, layout.height); fitted = true }
    }

    function nodeElement(node) {
      const title = node.title ?? ''
      const short = title.length > TITLE_CHARS ? `${title.slice(0, TITLE_CHARS - 1)}…` : title
      const idText = node.id.length > 24 ? `${node.id.slice(0, 23)}…` : node.id
      const g = s('g', { class: 'node', 'data-task-id': node.id, tabindex: '0', role: 'link', 'aria-label': `${node.id}: ${title}` },
        s('title', {}, `${node.id} (${node.state})${title ? `\n${title}` : ''}${node.type ? `\n${node.type}` : ''}`),
        s('rect', { class: 'node-box', width: NODE.nodeWidth, height: NODE.nodeHeight, rx: '6' }),
        s('rect', { class: 'node-stripe', width: '5', height: NODE.nodeHeight, rx: '2' }),
        s('text', { class: 'node-id', x: '14', y: '17' }, idText),
        s('text', { class: 'node-title', x: '14', y: '34' }, short || node.type || ''))
      setState(g, node.state)
      return g
    }

    function setAttr(el, name, value) {
      if (el.getAttribute(name) !== value) el.setAttribute(name, value)
    }

    function setState(g, state) {
      if (g.dataset.state === state) return
      g.dataset.state = state
      g.setAttribute('class', `node node-${state}${g.dataset.taskId === focus ? ' node-focus' : ''}`)
      const label = g.getAttribute('aria-label') ?? ''
      g.setAttribute('aria-label', label.replace(/ \([a-z]+\)$/, '') + ` (${state})`)
    }

    // Live: state changes in place at most ten times a second; unknown tasks refetch at most
    // once a second (every five seconds past BIG_GRAPH nodes).
    const pending = new Map()
    const paint = throttle(() => {
      for (const [id, state] of pending) { const g = nodes.get(id); if (g) setState(g, state) }
      pending.clear()
    }, 10)
    // A big graph costs more to lay out: it is fetched again less often.
    const refetchSmall = throttle(load, 1)
    const refetchLarge = throttle(load, 0.2)
    const refetch = () => (nodes.size > BIG_GRAPH ? refetchLarge() : refetchSmall())
    const unsubscribe = ctx.live.subscribe(['task.'], (ev) => {
      if (!ev.task_id) return
      if (nodes.has(ev.task_id)) {
        if (ev.data?.state) { pending.set(ev.task_id, ev.data.state); paint() }
      } else if (ev.type === 'task.blocked' || ev.type === 'task.queued') {
        refetch()
      }
    })

    load()
    return () => {
      generation++
      unsubscribe()
      paint.cancel()
      refetchSmall.cancel()
      refetchLarge.cancel()
      pz.destroy()
    }
  },
}
