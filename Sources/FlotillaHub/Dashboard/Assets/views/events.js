// Events: a live tail of the event stream with type filters and pause. At most ~1,000 events are
// kept; only the rows in sight exist in the DOM (a pool of fixed-height rows, repositioned on
// scroll and on each throttled render), so 20,000 events/s do not freeze the page.
import { h, setText, icon } from '../lib/dom.js'
import { throttle } from '../lib/schedule.js'
import { clock, dateTime, number, plain, link } from '../lib/format.js'
import { TYPES } from '../live.js'

const KEEP = 1000
const BACKFILL = 200 // events from before the page opened, read once on mount
// Row height comes from CSS (--ev-row-h: one line wide, two lines on a phone).
let ROW_H = 30
const OVERSCAN = 6

const TYPE_CLASS = {
  'task.succeeded': 'succeeded', 'task.failed': 'failed', 'task.dead': 'dead', 'task.expired': 'expired',
  'task.cancelled': 'cancelled', 'task.queued': 'queued', 'task.blocked': 'blocked', 'task.assigned': 'assigned',
  'task.running': 'running', 'task.progress': 'running', 'agent.offline': 'offline', 'agent.stuck': 'stuck',
  'agent.error': 'error', 'agent.command_failed': 'failed', 'agent.killed': 'dead', 'agent.complete': 'succeeded',
}

function summary(ev) {
  const d = ev.data || {}
  const parts = []
  if (d.from !== undefined && d.to !== undefined) parts.push(`${d.from} → ${d.to}`)
  if (d.registration) parts.push(`${(d.registration.roles || []).join(',')} · ${d.registration.executor || ''}`)
  if (ev.type.startsWith('task.') && d.type) parts.push(`${d.type}${d.role ? ` · ${d.role}` : ''}${d.attempt ? ` · attempt ${d.attempt}` : ''}`)
  if ((ev.type.startsWith('workflow.') || ev.type.startsWith('step.')) && d.run_id) parts.push(`${d.workflow ?? ''}${d.step ? ` · ${d.step}` : ''} · run ${d.run_id}`)
  if (d.percent !== undefined && d.percent !== null) parts.push(`${d.percent}%`)
  if (d.done !== undefined && d.total !== undefined) parts.push(`${d.done}/${d.total}`)
  if (d.message) parts.push(d.message)
  if (d.error) parts.push(typeof d.error === 'string' ? d.error : JSON.stringify(d.error))
  if (d.reason) parts.push(d.reason)
  if (d.text) parts.push(JSON.stringify(d.text))
  if (d.held && d.held.length) parts.push(`held ${d.held.join(', ')}`)
  if (d.retry) parts.push('retry')
  return plain(parts.join(' · '))
}

function makeRow() {
  const seq = h('span', { class: 'ev-seq', role: 'cell' })
  const time = h('span', { class: 'ev-time', role: 'cell' })
  const type = h('span', { class: 'ev-type', role: 'cell' })
  const task = h('a', { class: 'ev-task mono', role: 'cell' })
  const agent = h('a', { class: 'ev-agent', role: 'cell' })
  const text = h('span', { class: 'ev-text', role: 'cell' })
  const el = h('div', { class: 'ev-row', role: 'row' }, seq, time, type, task, agent, text)
  return { el, seq, time, type, task, agent, text, ev: null }
}

function fill(row, ev, index) {
  if (row.ev === ev) { row.el.style.transform = `translateY(${index * ROW_H}px)`; return }
  row.ev = ev
  row.el.style.transform = `translateY(${index * ROW_H}px)`
  row.el.dataset.seq = ev.seq
  setText(row.seq, ev.seq)
  setText(row.time, clock(ev.ts))
  row.time.title = dateTime(ev.ts)
  setText(row.type, ev.type)
  row.type.className = `ev-type evt-${TYPE_CLASS[ev.type] || (ev.type.startsWith('agent.') ? 'agent' : 'other')}`
  if (ev.task_id) { row.el.dataset.taskId = ev.task_id; row.task.href = link.task(ev.task_id); setText(row.task, ev.task_id) } else {
    delete row.el.dataset.taskId; row.task.removeAttribute('href'); setText(row.task, '')
  }
  if (ev.agent_id) { row.el.dataset.agentId = ev.agent_id; row.agent.href = link.agent(ev.agent_id); setText(row.agent, ev.agent_id) } else {
    delete row.el.dataset.agentId; row.agent.removeAttribute('href'); setText(row.agent, '')
  }
  const s = summary(ev)
  setText(row.text, s)
  row.text.title = s
}

export default {
  title: 'Events',
  scope: 'viewer',
  mount(root, { api, live }) {
    let events = live.recent().slice(-KEEP) // oldest first
    let held = []
    let heldCount = 0
    let paused = false
    let shown = [] // filtered, newest first
    let arrivals = 0
    let filterKey = ''

    const boxes = ['task.', 'agent.'].map((p) => h('input', { type: 'checkbox', checked: true, value: p, id: `events-type-${p.slice(0, -1)}` }))
    const prefix = h('input', { type: 'search', id: 'events-prefix', placeholder: 'Type prefix: task.failed, agent.', 'aria-label': 'Type prefixes, comma-separated' })
    const pauseLabel = h('span', null, 'Pause')
    const pause = h('button', { class: 'btn small', type: 'button', id: 'events-pause', dataset: { action: 'pause' }, 'aria-pressed': 'false' }, icon('pause'), pauseLabel)
    const clearBtn = h('button', { class: 'btn small ghost', type: 'button', dataset: { action: 'clear' } }, 'Clear')
    const stats = h('span', { class: 'sub', id: 'events-stats' }, '')
    const spacer = h('div', { class: 'ev-spacer' })
    const scroller = h('div', { class: 'ev-scroll', tabindex: '0', role: 'rowgroup', 'aria-label': 'Events, newest first' }, spacer)
    const empty = h('div', { class: 'empty ev-empty' }, 'Waiting for events…')
    root.append(
      h('div', { class: 'view-header' }, h('h1', null, 'Events', stats),
        h('div', { class: 'toolbar' }, boxes.map((b) => h('label', { class: 'check' }, b, b.value.slice(0, -1))), prefix, pause, clearBtn)),
      h('div', { class: 'card ev-card', role: 'table', 'aria-label': 'Event stream', id: 'events-table' },
        h('div', { class: 'ev-row ev-head', role: 'row' }, ['#', 'Time', 'Type', 'Task', 'Agent', 'Details'].map((t) => h('span', { role: 'columnheader' }, t))),
        scroller, empty))

    function prefixes() {
      const typed = prefix.value.split(',').map((p) => p.trim()).filter(Boolean)
      const ticked = boxes.filter((b) => b.checked).map((b) => b.value)
      return { typed, ticked }
    }

    function visible(ev, { typed, ticked }) {
      const t = ev.type || ''
      if (!ticked.some((p) => t.startsWith(p)) && !(ticked.length === boxes.length)) return false
      if (typed.length && !typed.some((p) => t.startsWith(p))) return false
      return true
    }

    const pool = []
    let rowHKnown = false
    function renderRows() {
      if (!rowHKnown) { ROW_H = parseFloat(getComputedStyle(scroller).getPropertyValue('--ev-row-h')) || 30; rowHKnown = true }
      const height = scroller.clientHeight || 480
      const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_H) - OVERSCAN)
      const last = Math.min(shown.length, Math.ceil((scroller.scrollTop + height) / ROW_H) + OVERSCAN)
      const need = last - first
      while (pool.length < need) { const r = makeRow(); pool.push(r); scroller.appendChild(r.el) }
      for (let i = 0; i < pool.length; i++) {
        const row = pool[i]
        if (i < need) { row.el.hidden = false; fill(row, shown[first + i], first + i) } else if (!row.el.hidden) {
          // A spare row keeps no event's hooks (tests and finds must not see stale ones).
          row.el.hidden = true
          row.ev = null
          delete row.el.dataset.taskId
          delete row.el.dataset.agentId
          delete row.el.dataset.seq
        }
      }
    }

    let lastRate = performance.now()
    let rate = 0
    function render() {
      if (!rowHKnown) renderRows()
      const f = prefixes()
      const before = shown.length
      const oldTop = shown[0]
      shown = []
      for (let i = events.length - 1; i >= 0 && shown.length < KEEP; i--) if (visible(events[i], f)) shown.push(events[i])
      const key = JSON.stringify(f)
      // Keep what the reader looks at in place when newer rows arrive above it.
      if (scroller.scrollTop > 0 && key === filterKey && oldTop) {
        const added = shown.indexOf(oldTop)
        if (added > 0) scroller.scrollTop += added * ROW_H
      } else if (key !== filterKey) scroller.scrollTop = 0
      filterKey = key
      spacer.style.height = `${shown.length * ROW_H}px`
      empty.hidden = shown.length > 0
      setText(empty, events.length ? 'No event matches the filter.' : 'Waiting for events…')
      renderRows()
      const now = performance.now()
      if (now - lastRate >= 1000) { rate = arrivals / ((now - lastRate) / 1000); arrivals = 0; lastRate = now }
      setText(stats, `${number(shown.length)} shown${before !== shown.length || rate ? ` · ${number(Math.round(rate))}/s` : ''}`)
    }
    const draw = throttle(render, 10)

    function updatePause() {
      pause.dataset.action = paused ? 'resume' : 'pause'
      pause.setAttribute('aria-pressed', String(paused))
      pause.replaceChild(icon(paused ? 'play' : 'pause'), pause.firstChild)
      setText(pauseLabel, paused ? `Resume${heldCount ? ` · ${number(heldCount)} held` : ''}` : 'Pause')
    }
    const drawPause = throttle(updatePause, 5)

    const unsubscribe = live.subscribe([], (ev) => {
      arrivals++
      if (paused) {
        held.push(ev)
        heldCount++
        if (held.length > KEEP * 2) held = held.slice(-KEEP)
        drawPause()
        return
      }
      events.push(ev)
      if (events.length > KEEP * 1.5) events = events.slice(-KEEP)
      draw()
    })

    pause.addEventListener('click', () => {
      paused = !paused
      if (!paused) {
        events = events.concat(held).slice(-KEEP)
        held = []
        heldCount = 0
        draw()
      }
      updatePause()
    })
    clearBtn.addEventListener('click', () => { events = []; held = []; heldCount = 0; updatePause(); render() })
    for (const b of boxes) b.addEventListener('change', draw)
    prefix.addEventListener('input', draw)
    const onScroll = () => requestAnimationFrame(renderRows)
    scroller.addEventListener('scroll', onScroll, { passive: true })
    // A width change may switch between the one- and two-line rows.
    const resize = new ResizeObserver(() => { rowHKnown = false; render() })
    resize.observe(scroller)
    // The tail starts with the last events from before the page opened: a short second stream
    // from `since`, closed once it reaches the oldest event this page already holds.
    let backfillSource = null
    let backfillTimer = null
    async function backfill() {
      let upTo
      try { upTo = (await api.get('/api/stats')).events?.last_seq ?? 0 } catch { return }
      if (disposed) return
      const oldest = events.length ? events[0].seq : null
      const stopAt = oldest === null ? upTo : Math.min(oldest - 1, upTo)
      const from = Math.max(0, stopAt - BACKFILL)
      if (stopAt <= from) return
      const got = []
      const finish = () => {
        if (!backfillSource) return
        backfillSource.close()
        backfillSource = null
        clearTimeout(backfillTimer)
        const first = events.length ? events[0].seq : Infinity
        events = got.filter((ev) => ev.seq < first).concat(events).slice(-KEEP)
        draw()
      }
      const onEvent = (message) => {
        let ev
        try { ev = JSON.parse(message.data) } catch { return }
        if (ev.seq <= stopAt) got.push(ev)
        if (ev.seq >= stopAt) finish()
      }
      backfillSource = new EventSource(`/api/events?since=${from}`)
      for (const type of TYPES) backfillSource.addEventListener(type, onEvent)
      backfillSource.onerror = finish
      backfillTimer = setTimeout(finish, 5000)
    }
    let disposed = false
    render()
    backfill()

    return () => {
      disposed = true
      if (backfillSource) { backfillSource.close(); backfillSource = null }
      clearTimeout(backfillTimer)
      unsubscribe()
      draw.cancel()
      drawPause.cancel()
      resize.disconnect()
    }
  },
}
