// The tmux part of an agent's page: its visible screen, the command trail, a prompt box that
// types safely through the hub's command queue, and restart / stop (admins only).
import { h, clear, setText, icon } from './dom.js'
import { every, throttle } from './schedule.js'
import { ago, stateBadge, truncate } from './format.js'

const enc = encodeURIComponent

// mountAgentControls(el, ctx, {id, actions}) → unmount: `el` receives the cards, `actions` (the
// page header's toolbar) the restart and stop buttons.
export function mountAgentControls(el, { api, live }, { id, actions }) {
  const base = `/api/agents/${enc(id)}`
  const admin = api.can('admin')
  const screen = h('pre', { class: 'screen', id: 'agent-screen', tabindex: '0', 'aria-label': 'Screen' }, '')
  const screenInfo = h('span', { class: 'hint' }, '')
  const trail = h('tbody')
  const trailEmpty = h('div', { class: 'empty' }, 'No commands typed yet.')
  const status = h('div', { class: 'notice', id: 'agent-action-status', role: 'status', hidden: true })

  // Restart and stop sit in the page header (actions); stop asks before it acts.
  if (admin) {
    const restart = h('button', { class: 'btn small', type: 'button', id: 'agent-restart', dataset: { action: 'restart' } }, icon('refresh'), 'Restart')
    const stop = h('button', { class: 'btn small danger', type: 'button', id: 'agent-stop', dataset: { action: 'stop' } }, icon('stop'), 'Stop')
    const confirmBox = h('span', { class: 'confirm', hidden: true },
      h('span', null, `Stop ${id} for good?`),
      h('button', { class: 'btn small danger solid', type: 'button', id: 'agent-stop-confirm', dataset: { action: 'confirm-stop' } }, 'Stop agent'),
      h('button', { class: 'btn small', type: 'button', dataset: { action: 'cancel-stop' } }, 'Keep'))
    restart.addEventListener('click', () => act(restart, 'restart', {}, (r) => `Restarted: pane ${r.pane} respawned.`))
    stop.addEventListener('click', () => { confirmBox.hidden = false; stop.hidden = true; confirmBox.querySelector('[data-action="cancel-stop"]').focus() })
    confirmBox.addEventListener('click', (ev) => {
      const b = ev.target.closest('button')
      if (!b) return
      confirmBox.hidden = true
      stop.hidden = false
      if (b.dataset.action === 'confirm-stop') act(stop, 'kill', {}, () => `Stopped ${id}: its pane is gone.`)
      else stop.focus()
    })
    actions.append(restart, stop, confirmBox)
  }

  async function act(button, path, body, success) {
    button.disabled = true
    try {
      const r = await api.post(`${base}/${path}`, body)
      show(success(r || {}), false)
    } catch (e) {
      show(e.message, true)
    } finally {
      button.disabled = false
    }
  }

  function show(text, isError) {
    status.textContent = text
    status.classList.toggle('error', isError)
    status.hidden = false
  }

  const card = (title, hint, ...body) => h('div', { class: 'card' },
    h('div', { class: 'card-header' }, h('h2', null, title), hint), ...body)

  el.append(status, card('Screen', screenInfo, h('div', { class: 'card-body' }, screen)))

  if (admin) {
    const text = h('textarea', { id: 'agent-prompt', rows: 3, placeholder: `Type a prompt for ${id}…`, 'aria-label': 'Prompt' })
    const force = h('input', { type: 'checkbox', id: 'agent-force' })
    const send = h('button', { class: 'btn primary', type: 'submit', id: 'agent-send', dataset: { action: 'type' } }, icon('send'), 'Send')
    const form = h('form', { class: 'prompt-box', id: 'agent-prompt-form' }, text,
      h('div', { class: 'toolbar' }, h('label', { class: 'check', title: 'Type even while the agent is busy' }, force, 'Force'),
        h('span', { class: 'faint hint' }, 'Typed safely through the hub’s command queue; Ctrl+Enter sends.'), h('span', { class: 'header-spacer' }), send))
    text.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) form.requestSubmit() })
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      if (!text.value.trim()) { text.focus(); return }
      send.disabled = true
      try {
        const c = await api.post(`${base}/command`, { text: text.value, force: force.checked })
        show(`Command #${c.id} ${c.status === 'queued' ? 'queued' : c.status}.`, false)
        text.value = ''
        loadTrail()
      } catch (e) {
        show(e.message, true)
      } finally {
        send.disabled = false
      }
    })
    el.appendChild(card('Type a prompt', null, h('div', { class: 'card-body' }, form)))
  }

  el.appendChild(card('Commands', h('span', { class: 'hint' }, 'newest first'), h('div', { class: 'card-body flush table-wrap' },
    h('table', { class: 'table', id: 'agent-commands' }, trail), trailEmpty)))

  async function loadScreen() {
    try {
      const r = await api.get(`${base}/output`)
      setText(screen, String(r.output ?? '').replace(/\s+$/, ''))
      setText(screenInfo, `${r.state ? r.state.replace(/_/g, ' ') + ' · ' : ''}pane ${r.pane || ''}`)
    } catch (e) {
      setText(screen, e.message)
    }
  }

  async function loadTrail() {
    try {
      const r = await api.get(`${base}/commands`)
      const list = (r.commands || []).slice(-10).reverse()
      clear(trail)
      for (const c of list) {
        trail.appendChild(h('tr', { dataset: { commandId: c.id } },
          h('td', { class: 'num muted' }, `#${c.id}`),
          h('td', null, stateBadge(c.status)),
          h('td', null, h('span', { class: 'cell-clip mono', title: c.text }, truncate(c.text, 100))),
          h('td', { class: 'muted' }, c.error ? c.error.code : (c.forced || c.force ? 'forced' : '')),
          h('td', { class: 'num muted' }, ago(c.finished_at || c.queued_at))))
      }
      trailEmpty.hidden = list.length > 0
    } catch (e) {
      setText(trailEmpty, e.message)
      trailEmpty.hidden = false
    }
  }

  const refreshTrail = throttle(loadTrail, 2)
  const refreshScreen = throttle(loadScreen, 2)
  const unsubscribe = live.subscribe(['agent.'], (ev) => {
    if (ev.agent_id !== id) return
    if (ev.type.startsWith('agent.command_')) refreshTrail()
    refreshScreen()
  })
  const stopPoll = every(loadScreen, 3000)
  loadScreen()
  loadTrail()

  return () => {
    unsubscribe()
    stopPoll()
    refreshTrail.cancel()
    refreshScreen.cancel()
  }
}
