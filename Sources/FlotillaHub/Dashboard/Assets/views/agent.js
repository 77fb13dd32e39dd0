// One agent: what it is, its recent attempts, the live output of its current task, and for
// agents watched in tmux their screen, a prompt box and restart / stop (lib/agent-controls.js).
import { h, clear, setText } from '../lib/dom.js'
import { throttle, every } from '../lib/schedule.js'
import { ago, between, duration, dateTime, number, stateBadge, setStateBadge, truncate, link } from '../lib/format.js'
import { mountAgentControls } from '../lib/agent-controls.js'

const FINAL = ['task.succeeded', 'task.failed', 'task.dead', 'task.cancelled', 'task.expired', 'task.queued']

function dl(pairs) {
  return h('dl', { class: 'dl' }, pairs.filter(([, v]) => v !== undefined).map(([k, v]) => [h('dt', null, k), h('dd', null, v === null || v === '' ? '—' : v)]))
}

export default {
  title: 'Agent',
  scope: 'viewer',
  mount(root, ctx, params) {
    const { api, live } = ctx
    const id = params.id
    const base = `/api/agents/${encodeURIComponent(id)}`
    const badge = stateBadge('unknown')
    const actions = h('div', { class: 'toolbar', id: 'agent-actions' })
    const error = h('div', { class: 'notice error', hidden: true })
    const summary = h('div', { class: 'card-body', id: 'agent-summary' }, h('div', { class: 'muted' }, 'Loading…'))
    const outputTitle = h('span', { class: 'hint' }, '')
    const outputLabel = h('span', null, 'task ')
    const outputHost = h('div', { class: 'card-body flush', id: 'agent-output' })
    const attempts = h('tbody')
    const attemptsEmpty = h('div', { class: 'empty' }, 'No attempts yet.')
    const tmuxHost = h('div', { class: 'agent-tmux' })
    const outputCard = h('div', { class: 'card', id: 'agent-output-card' }, h('div', { class: 'card-header' }, h('h2', null, 'Live output'), outputTitle), outputHost)
    root.append(
      h('div', { class: 'view-header' },
        h('h1', { class: 'agent-title' }, h('a', { href: '#/agents', class: 'muted crumb' }, 'Agents'), h('span', { class: 'faint crumb-sep' }, ' / '), h('span', { class: 'mono' }, id), ' ', badge),
        actions),
      error,
      h('div', { class: 'agent-grid' },
        h('div', { class: 'agent-side' }, h('div', { class: 'card' }, h('div', { class: 'card-header' }, h('h2', null, 'Details')), summary)),
        h('div', { class: 'agent-main' },
          outputCard,
          tmuxHost,
          h('div', { class: 'card', id: 'agent-attempts-card' }, h('div', { class: 'card-header' }, h('h2', null, 'Recent attempts'), h('span', { class: 'hint' }, 'newest first')),
            h('div', { class: 'card-body flush table-wrap' }, h('table', { class: 'table', id: 'agent-attempts' },
              h('thead', null, h('tr', null, h('th', null, 'Task'), h('th', { class: 'num' }, '#'), h('th', null, 'Type'), h('th', null, 'Outcome'),
                h('th', null, 'Started'), h('th', { class: 'num' }, 'Duration'), h('th', null, 'Error'))),
              attempts), attemptsEmpty)))))

    let agent = null
    let outputTask = undefined
    let unmountOutput = null
    let unmountControls = null
    let disposed = false

    function renderSummary(a) {
      const hb = a.heartbeat || {}
      const sc = a.screen
      const held = (a.held || []).length ? h('span', { class: 'chips' }, a.held.map((t) => h('a', { class: 'mono', href: link.task(t), dataset: { taskId: t } }, t))) : null
      clear(summary).appendChild(dl([
        ['Source', a.source === 'pane' ? 'tmux pane (not registered with the hub)' : (sc ? 'hub, watched in tmux' : 'hub')],
        ['Roles', a.roles ? a.roles.join(', ') : undefined],
        ['Capabilities', a.capabilities ? (a.capabilities.join(', ') || null) : undefined],
        ['Executor', a.executor ?? undefined],
        ['Concurrency', a.concurrency ?? undefined],
        ['Holds', a.source === 'pane' ? undefined : held],
        ['Host', a.host ? `${a.host}${a.pid ? ` · pid ${a.pid}` : ''}` : undefined],
        ['Version', a.version ?? undefined],
        ['Connected', a.source === 'pane' ? undefined : (a.connected ? `since ${dateTime(a.connected_at)}` : 'no')],
        ['Last seen', a.last_seen ? `${ago(a.last_seen)} · ${dateTime(a.last_seen)}` : undefined],
        ['Memory', hb.rss_mb !== undefined ? `${number(Math.round(hb.rss_mb))} MB` : undefined],
        ['CPU', hb.cpu_percent !== undefined && hb.cpu_percent !== null ? `${hb.cpu_percent.toFixed(1)}%` : undefined],
        ['Uptime', hb.uptime !== undefined ? duration(hb.uptime) : undefined],
        ['Done', a.completed !== undefined ? `${number(a.completed)} completed · ${number(a.failed)} failed (since the hub started)` : undefined],
        ['tmux', sc ? `${sc.session} · pane ${sc.pane} · ${sc.kind}` : undefined],
        ['Screen', sc ? stateBadge(sc.state) : undefined],
        ['Checklist', sc && sc.progress ? `${sc.progress.done}/${sc.progress.total} (${sc.progress.percent}%)` : undefined],
      ]))
    }

    async function followOutput(taskId) {
      if (taskId === outputTask) return
      outputTask = taskId
      if (unmountOutput) { unmountOutput(); unmountOutput = null }
      clear(outputHost)
      if (!taskId) {
        setText(outputTitle, '')
        outputHost.appendChild(h('div', { class: 'empty' }, agent && agent.source === 'pane'
          ? 'This agent is not registered with the hub: see its screen.'
          : 'Idle. The output of its next task appears here as it runs.'))
        return
      }
      clear(outputTitle).append(outputLabel, h('a', { class: 'mono', href: link.task(taskId), dataset: { taskId } }, taskId))
      try {
        // ui-tasks' pane; the page still works when it is missing.
        const { mountOutput } = await import('../lib/output-pane.js')
        if (disposed || outputTask !== taskId) return
        unmountOutput = mountOutput(outputHost, ctx, { taskId })
      } catch (e) {
        if (outputTask === taskId) outputHost.appendChild(h('div', { class: 'empty' }, `Live output is not available here (${e.message}).`))
      }
    }

    async function loadAgent() {
      try {
        agent = await api.get(base)
        error.hidden = true
      } catch (e) {
        error.textContent = e.code === 'agent_not_found' ? `No agent '${id}' is known to this hub.` : `Could not load the agent: ${e.message}`
        error.hidden = false
        return
      }
      if (disposed) return
      setStateBadge(badge, agent.source === 'pane' ? 'watched' : agent.state)
      renderSummary(agent)
      const held = agent.held || []
      // Keep showing the last task's output after it ends, until another one starts.
      followOutput(held.length ? held[held.length - 1] : (outputTask ?? null))
      setText(outputLabel, held.includes(outputTask) ? 'task ' : 'last task ')
      if (agent.screen && !unmountControls) unmountControls = mountAgentControls(tmuxHost, ctx, { id, actions })
      // An agent only watched in a pane runs no hub tasks: its screen is its output.
      const paneOnly = agent.source === 'pane'
      outputCard.hidden = paneOnly
      root.querySelector('#agent-attempts-card').hidden = paneOnly
    }

    async function loadAttempts() {
      try {
        const r = await api.get(`${base}/attempts`, { limit: 20 })
        clear(attempts)
        for (const a of r.attempts || []) {
          attempts.appendChild(h('tr', { dataset: { taskId: a.task_id, attempt: a.attempt } },
            h('td', { class: 'mono' }, h('a', { href: link.task(a.task_id) }, a.task_id)),
            h('td', { class: 'num' }, a.attempt),
            h('td', null, a.type || '—'),
            h('td', null, stateBadge(a.outcome || 'running')),
            h('td', { class: 'muted', title: dateTime(a.started_at) }, ago(a.started_at)),
            h('td', { class: 'num' }, duration(between(a.started_at, a.ended_at))),
            h('td', { class: 'wrap' }, a.error ? h('span', { class: 'cell-clip', title: a.error }, truncate(a.error, 80)) : h('span', { class: 'faint' }, '—'))))
        }
        attemptsEmpty.hidden = (r.attempts || []).length > 0
        // An idle agent shows its last task's output.
        if (!outputTask && agent && !(agent.held || []).length && r.attempts && r.attempts.length) {
          followOutput(r.attempts[0].task_id)
          setText(outputLabel, 'last task ')
        }
        setText(attemptsEmpty, 'No attempts yet.')
      } catch (e) {
        setText(attemptsEmpty, e.status === 404 && e.code !== 'agent_not_found' ? 'This hub does not list an agent’s attempts.' : e.message)
        attemptsEmpty.hidden = false
      }
    }

    const refreshAgent = throttle(loadAgent, 1)
    const refreshAttempts = throttle(loadAttempts, 1)
    const unsubscribe = live.subscribe(['agent.', 'task.'], (ev) => {
      if (ev.agent_id !== id) return
      refreshAgent()
      if (ev.type === 'task.assigned' || FINAL.includes(ev.type)) refreshAttempts()
    })
    const stopPoll = every(() => { loadAgent(); loadAttempts() }, 10000)
    loadAgent()
    loadAttempts()

    return () => {
      disposed = true
      unsubscribe()
      stopPoll()
      refreshAgent.cancel()
      refreshAttempts.cancel()
      if (unmountOutput) unmountOutput()
      if (unmountControls) unmountControls()
    }
  },
}
