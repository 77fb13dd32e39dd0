// Overview: the fleet at a glance. Agents by state, queue depth per lane with the oldest wait,
// completed/s and latency over the last 15 minutes, failures of the last hour, recent failures.
// Stats are refetched on events (at most once a second) and every 10 s; history every 10 s.
import { h, clear, setText } from '../lib/dom.js'
import { throttle, every } from '../lib/schedule.js'
import { ago, duration, number, rate, clock, stateBadge, truncate, link } from '../lib/format.js'
import { lineChart, chartLegend, stackedBar, hbar } from '../lib/chart.js'

const AGENT_STATES = ['working', 'assigned', 'idle', 'draining', 'paused', 'offline']
const TASK_STATES = ['queued', 'blocked', 'assigned', 'running', 'succeeded', 'failed', 'dead', 'cancelled', 'expired']
const PRIORITY_ORDER = { critical: 0, high: 1, normal: 2, low: 3 }

// The oldest queued task's wait in a lane, in seconds (null when the hub does not say).
function laneWait(lane) {
  if (typeof lane.oldest_wait_seconds === 'number') return lane.oldest_wait_seconds
  if (lane.oldest_queued_at) return Math.max(0, (Date.now() - Date.parse(lane.oldest_queued_at)) / 1000)
  return null
}

function kpi(label, id) {
  const value = h('div', { class: 'value', id: `kpi-${id}` }, '—')
  const detail = h('div', { class: 'detail' }, '')
  return { el: h('div', { class: 'card kpi', dataset: { kpi: id } }, h('div', { class: 'label' }, label), value, detail), value, detail }
}

function card(title, hint, ...body) {
  return h('div', { class: 'card' },
    h('div', { class: 'card-header' }, h('h2', null, title), hint ? h('span', { class: 'hint' }, hint) : null),
    ...body)
}

export default {
  title: 'Overview',
  scope: 'viewer',
  mount(root, { api, live }) {
    const k = {
      agents: kpi('Agents online', 'agents'),
      queued: kpi('Queued', 'queued'),
      throughput: kpi('Completed / s', 'throughput'),
      latency: kpi('Latency p50', 'latency'),
      hourFailed: kpi('Failed · last hour', 'failed'),
      hourDead: kpi('Dead · last hour', 'dead'),
    }
    k.hourDead.detail.appendChild(h('a', { href: '#/dead' }, 'Dead letters →'))
    const updated = h('span', { class: 'sub' }, '')
    const agentsBar = h('div', { class: 'card-body' })
    const tasksBar = h('div', { class: 'card-body' })
    const throughputChart = h('div', { class: 'chart-host' })
    const latencyChart = h('div', { class: 'chart-host' })
    const lanesBody = h('tbody')
    const lanesEmpty = h('div', { class: 'empty' }, 'No tasks are waiting.')
    const failures = h('tbody')
    const failuresEmpty = h('div', { class: 'empty' }, 'No failures.')
    const error = h('div', { class: 'notice error', hidden: true })

    root.append(
      h('div', { class: 'view-header' }, h('h1', null, 'Overview', updated)),
      error,
      h('div', { class: 'grid kpis' }, Object.values(k).map((x) => x.el)),
      h('div', { class: 'grid grid-2' },
        card('Completed per second', 'last 15 min', h('div', { class: 'card-body' },
          chartLegend([{ label: 'completed/s' }]), throughputChart)),
        card('Round-trip latency', 'submit → succeeded, last 15 min', h('div', { class: 'card-body' },
          chartLegend([{ label: 'p50' }, { label: 'p99' }]), latencyChart))),
      h('div', { class: 'grid grid-2' },
        card('Agents by state', null, agentsBar),
        card('Tasks by state', 'since the hub started', tasksBar)),
      h('div', { class: 'grid grid-2' },
        card('Queue by lane', 'role × priority', h('div', { class: 'card-body flush table-wrap' },
          h('table', { class: 'table', id: 'lanes' },
            h('thead', null, h('tr', null, h('th', null, 'Role'), h('th', null, 'Priority'), h('th', null, 'Capabilities'),
              h('th', { class: 'num' }, 'Depth'), h('th', null, ''), h('th', { class: 'num' }, 'Oldest wait'))),
            lanesBody), lanesEmpty)),
        card('Recent failures', null, h('div', { class: 'card-body flush table-wrap' },
          h('table', { class: 'table', id: 'recent-failures' }, failures), failuresEmpty))))

    let stats = null
    let history = null
    let historyMissing = false
    let recent = [] // failed/dead tasks, newest first: {id, state, type, error, ts}

    function renderStats() {
      if (!stats) return
      const ab = stats.agents?.by_state || {}
      const total = stats.agents?.total ?? 0
      const online = total - (ab.offline || 0)
      setText(k.agents.value, number(online))
      setText(k.agents.detail, `${ab.working || 0} working · ${ab.idle || 0} idle · ${total} known`)
      setText(k.queued.value, number(stats.tasks?.queued ?? 0))
      const lanes = stats.lanes || []
      const waits = lanes.map(laneWait).filter((w) => w !== null)
      const oldest = waits.length ? ` · oldest ${duration(Math.max(...waits))}` : ''
      setText(k.queued.detail, lanes.length ? `${lanes.length} lane${lanes.length === 1 ? '' : 's'}${oldest}` : 'nothing waiting')
      setText(k.throughput.value, rate(stats.completed_per_second ?? 0))
      setText(k.throughput.detail, 'over the last 10 s')
      const lat = stats.latency_seconds
      setText(k.latency.value, lat ? duration(lat.p50) : '—')
      setText(k.latency.detail, lat ? `p99 ${duration(lat.p99)}` : 'no task finished yet')
      const hour = stats.tasks?.last_hour
      setText(k.hourFailed.value, hour ? number(hour.failed) : '—')
      setText(k.hourFailed.detail, hour ? `${number(hour.succeeded)} succeeded` : '')
      setText(k.hourDead.value, hour ? number(hour.dead) : '—')
      k.hourDead.value.classList.toggle('danger-text', !!(hour && hour.dead))

      stackedBar(agentsBar, AGENT_STATES.map((s) => ({ key: s, label: s, value: ab[s] || 0 })))
      const tb = stats.tasks?.by_state || {}
      stackedBar(tasksBar, TASK_STATES.map((s) => ({ key: s, label: s, value: tb[s] || 0 })))
      renderLanes(lanes)
      setText(updated, `updated ${clock(new Date().toISOString())}`)
    }

    function renderLanes(lanes) {
      const sorted = [...lanes].sort((a, b) => (b.depth - a.depth) || ((PRIORITY_ORDER[a.priority] ?? 9) - (PRIORITY_ORDER[b.priority] ?? 9)))
      const max = sorted.reduce((m, l) => Math.max(m, l.depth), 0)
      clear(lanesBody)
      for (const lane of sorted) {
        const wait = laneWait(lane)
        lanesBody.appendChild(h('tr', { dataset: { role: lane.role, priority: lane.priority } },
          h('td', null, h('a', { href: link.tasks({ state: 'queued', role: lane.role }) }, lane.role),
            lane.roles && lane.roles.length > 1 ? h('span', { class: 'faint' }, ` (${lane.roles.filter((r) => r !== lane.role).join(', ')})`) : null),
          h('td', null, lane.priority),
          h('td', null, (lane.capabilities || []).length ? h('span', { class: 'chips' }, lane.capabilities.map((c) => h('span', { class: 'chip' }, c))) : h('span', { class: 'faint' }, '—')),
          h('td', { class: 'num' }, number(lane.depth)),
          h('td', { style: { width: '30%' } }, hbar(lane.depth, max)),
          h('td', { class: 'num' }, wait === null ? '—' : duration(wait))))
      }
      lanesEmpty.hidden = sorted.length > 0
    }

    function renderHistory() {
      if (historyMissing) {
        for (const el of [throughputChart, latencyChart]) clear(el).appendChild(h('div', { class: 'empty' }, 'This hub does not keep stats history.'))
        return
      }
      const samples = history?.samples || []
      const times = samples.map((x) => Date.parse(x.ts))
      const timeFormat = (t) => clock(new Date(t).toISOString()).slice(0, 5)
      lineChart(throughputChart, { times, timeFormat, height: 130, format: rate,
        series: [{ label: 'completed/s', values: samples.map((x) => x.completed_per_second), area: true }] })
      lineChart(latencyChart, { times, timeFormat, height: 130, format: (v) => (v === 0 ? '0' : duration(v)),
        series: [{ label: 'p50', values: samples.map((x) => x.latency_p50) }, { label: 'p99', values: samples.map((x) => x.latency_p99) }],
        empty: 'No task finished in the last 15 minutes' })
    }

    function renderFailures() {
      clear(failures)
      for (const f of recent) {
        failures.appendChild(h('tr', { dataset: { taskId: f.id } },
          h('td', null, stateBadge(f.state)),
          h('td', { class: 'mono' }, h('a', { href: link.task(f.id) }, f.id)),
          h('td', { class: 'wrap' }, h('span', { class: 'cell-clip', title: f.error || '' }, truncate(f.error || f.type || '', 90))),
          h('td', { class: 'num muted' }, ago(f.ts))))
      }
      failuresEmpty.hidden = recent.length > 0
    }

    async function loadStats() {
      try {
        stats = await api.get('/api/stats')
        error.hidden = true
        renderStats()
      } catch (e) {
        error.textContent = `Could not load stats: ${e.message}`
        error.hidden = false
      }
    }

    async function loadHistory() {
      try {
        history = await api.get('/api/stats/history', { minutes: 15 })
        historyMissing = false
      } catch (e) {
        if (e.status === 404) historyMissing = true
        else return
      }
      renderHistory()
    }

    async function loadFailures() {
      try {
        const page = await api.get('/api/tasks', { state: 'failed,dead', limit: 8 })
        recent = (page.tasks || []).map((t) => ({ id: t.id, state: t.state, type: t.type, error: t.error || t.reason, ts: t.updated_at }))
        renderFailures()
      } catch { /* the card stays as it was */ }
    }

    const refreshStats = throttle(loadStats, 1)
    const drawFailures = throttle(renderFailures, 2)
    const unsubscribe = live.subscribe(['task.', 'agent.'], (ev) => {
      refreshStats()
      if (ev.type === 'task.failed' || ev.type === 'task.dead') {
        recent = [{ id: ev.task_id, state: ev.data?.state || ev.type.slice(5), type: ev.data?.type, error: ev.data?.error || ev.data?.reason, ts: ev.ts },
          ...recent.filter((r) => r.id !== ev.task_id)].slice(0, 8)
        drawFailures()
      }
    })
    // Every 10 s: the figures, the charts (a sample per 10 s) and the failures' ages.
    const stopTimer = every(() => { loadStats(); loadHistory(); drawFailures() }, 10000)
    const redraw = throttle(renderHistory, 4)
    const resize = new ResizeObserver(() => { if (history || historyMissing) redraw() })
    resize.observe(throughputChart)

    loadStats()
    loadHistory()
    loadFailures()

    return () => {
      unsubscribe()
      stopTimer()
      refreshStats.cancel()
      drawFailures.cancel()
      redraw.cancel()
      resize.disconnect()
    }
  },
}
