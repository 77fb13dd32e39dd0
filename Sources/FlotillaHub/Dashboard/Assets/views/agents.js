// Agents: every agent (hub-registered and tmux-watched) in one table, live. Rows are keyed by
// agent id and patched in place: events mark rows dirty, a throttled render (≤ 10/s) updates
// only those that are on screen (an IntersectionObserver tracks which are; the others catch up
// when scrolled to); a full refetch every 10 s brings heartbeats (RSS, CPU). Fast with 1,000 agents.
import { h, clear, setText } from '../lib/dom.js'
import { throttle, every } from '../lib/schedule.js'
import { ago, ageSeconds, number, percent, stateBadge, setStateBadge, link } from '../lib/format.js'

const COLUMNS = ['Agent', 'Roles', 'Executor', 'State', 'Current task', 'Progress', 'Heartbeat', 'RSS', 'CPU', 'Screen', 'Checklist']
// The table is a grid of rows, each its own layout boundary (contain, content-visibility: auto),
// with fixed column widths: a changing cell re-lays out its row only, never 1,000 rows (an HTML
// table re-measures every row on any change), and rows out of sight are not rendered at all.
const WIDTHS = [170, 140, 84, 104, 150, 110, 96, 72, 60, 116, 90]
const NUMERIC = new Set([6, 7, 8, 10])
const cell = (i, ...children) => h('span', { role: 'cell', class: NUMERIC.has(i) ? 'num' : null }, ...children)
const FINAL = new Set(['task.succeeded', 'task.failed', 'task.dead', 'task.cancelled', 'task.expired', 'task.queued'])

// A watched pane's `since` is an ISO time or seconds since 1970.
function sinceIso(since) {
  if (since === null || since === undefined) return null
  return typeof since === 'number' ? new Date(since * 1000).toISOString() : since
}

function makeRow(id) {
  const c = {}
  c.link = h('a', { href: link.agent(id), class: 'mono' }, id)
  c.roles = h('span', { class: 'chips' })
  c.executor = h('span')
  c.state = stateBadge('unknown')
  c.task = h('span', { class: 'mono' })
  c.progressBar = h('span')
  c.progress = h('span', { class: 'progress', hidden: true }, c.progressBar)
  c.progressText = h('span', { class: 'muted' })
  c.heartbeat = h('span')
  c.rss = h('span')
  c.cpu = h('span')
  c.screen = h('span')
  c.checklist = h('span', { class: 'muted' })
  const tr = h('div', { class: 'gt-row', role: 'row', dataset: { agentId: id } },
    cell(0, c.link), cell(1, c.roles), cell(2, c.executor), cell(3, c.state), cell(4, c.task),
    cell(5, c.progress, ' ', c.progressText), cell(6, c.heartbeat), cell(7, c.rss), cell(8, c.cpu),
    cell(9, c.screen), cell(10, c.checklist))
  return { id, tr, c, rolesKey: null, taskKey: null, screenState: undefined }
}

export default {
  title: 'Agents',
  scope: 'viewer',
  mount(root, { api, live }) {
    const agents = new Map() // id → agent document (as /api/agents gives it, patched by events)
    const rows = new Map() // id → row
    const progressByTask = new Map() // task id → percent
    const dirty = new Set()
    const onScreen = new Set() // ids of rows in sight
    const count = h('span', { class: 'sub' }, '')
    const filter = h('input', { type: 'search', placeholder: 'Filter by id, role, executor, host…', 'aria-label': 'Filter agents', id: 'agents-filter' })
    const stateSelect = h('select', { 'aria-label': 'State', id: 'agents-state' },
      ['all', 'online', 'working', 'assigned', 'idle', 'draining', 'paused', 'offline'].map((s) => h('option', { value: s }, s === 'all' ? 'All states' : s)))
    const tbody = h('div', { role: 'rowgroup' })
    const empty = h('div', { class: 'empty', hidden: true })
    const error = h('div', { class: 'notice error', hidden: true })
    root.append(
      h('div', { class: 'view-header' }, h('h1', null, 'Agents', count), h('div', { class: 'toolbar' }, filter, stateSelect)),
      error,
      h('div', { class: 'card' }, h('div', { class: 'table-wrap' },
        h('div', { class: 'grid-table', role: 'table', 'aria-label': 'Agents', id: 'agents-table',
          style: { '--cols': WIDTHS.map((w, i) => (i === 4 ? `minmax(${w}px, 1fr)` : `${w}px`)).join(' '), '--min-width': `${WIDTHS.reduce((a, b) => a + b)}px` } },
        h('div', { class: 'gt-row gt-head', role: 'row' }, COLUMNS.map((c, i) => h('span', { role: 'columnheader', class: NUMERIC.has(i) ? 'num' : null }, c))),
        tbody)), empty))

    function currentTask(a) {
      return (a.held && a.held.length) ? a.held[a.held.length - 1] : null
    }

    function update(row, a) {
      const c = row.c
      const roles = (a.roles || []).join(',')
      if (row.rolesKey !== roles) {
        row.rolesKey = roles
        clear(c.roles)
        // The first role as a chip, the others counted (the cell keeps its width); all in the title.
        const list = a.roles || []
        if (list.length) c.roles.appendChild(h('span', { class: 'chip' }, list[0]))
        if (list.length > 1) c.roles.appendChild(h('span', { class: 'muted' }, ` +${list.length - 1}`))
        c.roles.title = list.join(', ')
        if (!(a.roles || []).length) c.roles.appendChild(h('span', { class: 'faint' }, a.source === 'pane' ? 'tmux' : '—'))
      }
      setText(c.executor, a.executor || (a.source === 'pane' ? a.screen?.kind || 'pane' : '—'))
      setStateBadge(c.state, a.source === 'pane' ? 'watched' : a.state)
      const task = currentTask(a)
      const taskKey = `${task}|${(a.held || []).length}`
      if (row.taskKey !== taskKey) {
        row.taskKey = taskKey
        clear(c.task)
        if (task) {
          c.task.appendChild(h('a', { href: link.task(task), dataset: { taskId: task } }, task))
          if (a.held.length > 1) c.task.appendChild(h('span', { class: 'muted' }, ` +${a.held.length - 1}`))
        } else c.task.appendChild(h('span', { class: 'faint' }, '—'))
      }
      const p = task ? progressByTask.get(task) : (a.source === 'pane' ? a.progress : null)
      c.progress.hidden = p === null || p === undefined
      const width = c.progress.hidden ? null : `${Math.max(0, Math.min(100, p))}%`
      if (width !== null && row.width !== width) { row.width = width; c.progressBar.style.width = width }
      setText(c.progressText, p === null || p === undefined ? '' : percent(p))
      const hb = a.heartbeat || {}
      setText(c.rss, hb.rss_mb === undefined || hb.rss_mb === null ? '—' : `${number(Math.round(hb.rss_mb))} MB`)
      setText(c.cpu, hb.cpu_percent === undefined || hb.cpu_percent === null ? '—' : `${hb.cpu_percent.toFixed(hb.cpu_percent < 10 ? 1 : 0)}%`)
      const screen = a.screen
      const screenState = screen ? screen.state : null
      if (row.screenState !== screenState) {
        row.screenState = screenState
        clear(c.screen)
        c.screen.appendChild(screen ? stateBadge(screen.state) : h('span', { class: 'faint' }, '—'))
      }
      const pr = screen && screen.progress
      setText(c.checklist, pr && typeof pr === 'object' ? `${pr.done}/${pr.total}` : '—')
      tickRow(row, a)
    }

    // The heartbeat column ages every second without any event.
    function tickRow(row, a) {
      if (a.source === 'pane') {
        setText(row.c.heartbeat, a.screen?.since ? ago(sinceIso(a.screen.since)) : '—')
        return
      }
      const seen = a.last_seen
      const age = ageSeconds(seen)
      setText(row.c.heartbeat, ago(seen))
      row.c.heartbeat.classList.toggle('faint', a.connected === false)
      row.c.heartbeat.classList.toggle('warn-text', a.connected !== false && age !== null && age > 60)
    }

    function matches(a) {
      const sel = stateSelect.value
      if (sel === 'online' && (a.connected === false || a.state === 'offline')) return false
      if (sel !== 'all' && sel !== 'online' && a.state !== sel) return false
      const q = filter.value.trim().toLowerCase()
      if (!q) return true
      return [a.id, a.executor, a.host, ...(a.roles || []), a.screen?.session].some((v) => v && String(v).toLowerCase().includes(q))
    }

    function applyFilter() {
      let shown = 0
      for (const [id, row] of rows) {
        const show = matches(agents.get(id))
        row.tr.hidden = !show
        if (show) shown++
      }
      const total = rows.size
      setText(count, total ? (shown === total ? `${number(total)}` : `${number(shown)} of ${number(total)}`) : '')
      empty.hidden = shown > 0
      setText(empty, total ? 'No agent matches the filter.' : 'No agents yet. Start one with `flotilla up` or `flotilla agent --hub URL --token-file FILE`.')
    }

    function render() {
      for (const id of dirty) {
        if (!onScreen.has(id)) continue
        const a = agents.get(id)
        const row = rows.get(id)
        if (a && row) {
          update(row, a)
          row.tr.hidden = !matches(a)
        }
        dirty.delete(id)
      }
    }

    // Replaces the model with a fresh list, keeping rows (and their order from the hub: by id).
    function reconcile(list) {
      const seen = new Set()
      let prev = null
      for (const a of list) {
        seen.add(a.id)
        agents.set(a.id, a)
        let row = rows.get(a.id)
        const fresh = !row
        if (fresh) { row = makeRow(a.id); rows.set(a.id, row); sight.observe(row.tr) }
        const want = prev ? prev.tr.nextSibling : tbody.firstChild
        if (want !== row.tr) tbody.insertBefore(row.tr, want)
        // New rows are filled at once; known ones now if in sight, else when they come into it.
        if (fresh || onScreen.has(a.id)) update(row, a)
        else dirty.add(a.id)
        prev = row
      }
      for (const [id, row] of rows) {
        if (!seen.has(id)) { sight.unobserve(row.tr); row.tr.remove(); rows.delete(id); agents.delete(id); onScreen.delete(id); dirty.delete(id) }
      }
      applyFilter()
    }

    async function load() {
      try {
        const [list, running] = await Promise.all([
          api.get('/api/agents'),
          api.get('/api/tasks', { state: 'assigned,running', limit: 1000 }).catch(() => null),
        ])
        if (running) for (const t of running.tasks || []) if (t.progress !== null && t.progress !== undefined) progressByTask.set(t.id, t.progress)
        error.hidden = true
        reconcile(list.agents || [])
      } catch (e) {
        error.textContent = `Could not load agents: ${e.message}`
        error.hidden = false
      }
    }

    const draw = throttle(render, 5)
    // Rows coming into sight pick up what changed while they were away.
    const sight = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const id = e.target.dataset.agentId
        if (e.isIntersecting) onScreen.add(id)
        else onScreen.delete(id)
      }
      if (dirty.size) draw()
    }, { rootMargin: '200px 0px' })
    const reload = throttle(load, 0.5)
    const touch = (id) => { if (id && agents.has(id)) { dirty.add(id); draw() } }

    const unsubscribe = live.subscribe(['agent.', 'task.'], (ev) => {
      const d = ev.data || {}
      const a = ev.agent_id ? agents.get(ev.agent_id) : null
      switch (ev.type) {
        case 'agent.online': case 'agent.killed':
          reload(); return
        case 'agent.offline':
          if (a) { a.state = 'offline'; a.connected = false; a.last_seen = ev.ts }
          break
        case 'agent.state_change':
          if (a) { a.state = d.to; a.last_seen = ev.ts } else reload()
          break
        case 'agent.screen_state':
          if (a) { a.screen = { ...(a.screen || {}), state: d.to, since: ev.ts }; if (a.source === 'pane') a.state = d.to }
          break
        case 'agent.progress':
          if (a) { a.screen = { ...(a.screen || {}), progress: { done: d.done, total: d.total, percent: d.percent } }; if (a.source === 'pane') a.progress = d.percent }
          break
        case 'task.assigned': case 'task.running':
          if (a && !(a.held || []).includes(ev.task_id)) a.held = [...(a.held || []), ev.task_id]
          break
        case 'task.progress':
          if (d.percent !== undefined) progressByTask.set(ev.task_id, d.percent)
          break
        default:
          if (FINAL.has(ev.type)) {
            progressByTask.delete(ev.task_id)
            if (a && a.held) a.held = a.held.filter((t) => t !== ev.task_id)
          }
      }
      touch(ev.agent_id)
    })

    const refilter = throttle(applyFilter, 8)
    filter.addEventListener('input', refilter)
    stateSelect.addEventListener('change', applyFilter)
    const stopTick = every(() => { for (const id of onScreen) { const row = rows.get(id); if (row && !row.tr.hidden) tickRow(row, agents.get(id)) } }, 1000)
    const stopPoll = every(load, 10000)
    load()

    return () => {
      unsubscribe()
      sight.disconnect()
      stopTick()
      stopPoll()
      draw.cancel()
      reload.cancel()
      refilter.cancel()
    }
  },
}
