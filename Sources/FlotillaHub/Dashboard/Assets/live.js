// The page's one event stream: EventSource('/api/events') with the session cookie. Views
// subscribe by type prefix. The browser resumes a dropped stream with Last-Event-ID; when it
// gives up (the hub refused or was down at reconnect), we reconnect ourselves with ?since=.

import { signInUrl } from './api.js'

// Every event type the hub emits (EventSource only delivers named events to listeners of that
// name). An unknown future type still arrives through 'message' if sent unnamed.
export const TYPES = [
  'task.blocked', 'task.queued', 'task.assigned', 'task.running', 'task.progress', 'task.succeeded',
  'task.failed', 'task.dead', 'task.cancelled', 'task.expired',
  'agent.online', 'agent.offline', 'agent.state_change', 'agent.screen_state', 'agent.progress',
  'agent.stuck', 'agent.error', 'agent.complete', 'agent.command_sent', 'agent.command_failed',
  'agent.approval', 'agent.killed',
  'workflow.started', 'workflow.succeeded', 'workflow.failed', 'workflow.cancelled',
  'step.started', 'step.succeeded', 'step.failed', 'step.skipped', 'step.cancelled',
  'budget.warning', 'budget.exceeded',
  'approval.requested', 'approval.decided',
  'goal.state_changed', 'goal.step_merged', 'goal.fix_requested', 'goal.reviewed', 'goal.workspace_removed',
  'autonomy.state_changed', 'autonomy.decision',
]

const RECENT_MAX = 1000

export function createLive({ url = '/api/events' } = {}) {
  const subscribers = new Set()
  const stateListeners = new Set()
  const recent = []
  let source = null
  let retryTimer = null
  let retryDelay = 1000
  let closed = false

  const live = {
    state: 'connecting',
    lastSeq: null,
    subscribe(prefixes, handler) {
      const sub = { prefixes: Array.isArray(prefixes) ? prefixes : [prefixes], handler }
      subscribers.add(sub)
      return () => subscribers.delete(sub)
    },
    onState(fn) {
      stateListeners.add(fn)
      return () => stateListeners.delete(fn)
    },
    // The last (up to 1,000) events since the page loaded, oldest first.
    recent: () => recent.slice(),
    close() {
      closed = true
      if (retryTimer) clearTimeout(retryTimer)
      if (source) source.close()
      source = null
    },
  }

  function setState(state) {
    if (live.state === state) return
    live.state = state
    for (const fn of stateListeners) {
      try { fn(state) } catch (e) { console.error(e) }
    }
  }

  function dispatch(message) {
    let event
    try { event = JSON.parse(message.data) } catch { return }
    const seq = typeof event.seq === 'number' ? event.seq : Number(message.lastEventId)
    // A resumed stream never repeats, but a reconnect racing the browser's own could.
    if (live.lastSeq !== null && Number.isFinite(seq) && seq <= live.lastSeq) return
    if (Number.isFinite(seq)) live.lastSeq = seq
    if (!event.type && message.type !== 'message') event.type = message.type
    recent.push(event)
    if (recent.length > RECENT_MAX * 2) recent.splice(0, recent.length - RECENT_MAX)
    const type = event.type || ''
    for (const sub of subscribers) {
      if (sub.prefixes.length && !sub.prefixes.some((p) => type.startsWith(p))) continue
      try { sub.handler(event) } catch (e) { console.error(e) }
    }
  }

  function connect() {
    retryTimer = null
    if (closed) return
    const target = live.lastSeq === null ? url : `${url}?since=${live.lastSeq}`
    const es = new EventSource(target)
    source = es
    es.onopen = () => {
      retryDelay = 1000
      setState('live')
    }
    es.onerror = () => {
      if (es.readyState === EventSource.CONNECTING) {
        // The browser is resuming with Last-Event-ID by itself.
        setState('reconnecting')
        return
      }
      // CLOSED: the browser gave up (an error status, or the hub was away). Ask whether we are
      // still signed in, then try again with ?since=lastSeq, backing off to 10 s.
      es.close()
      if (source === es) source = null
      setState('reconnecting')
      scheduleRetry()
    }
    es.onmessage = dispatch
    for (const type of TYPES) es.addEventListener(type, dispatch)
  }

  async function scheduleRetry() {
    if (closed || retryTimer) return
    const delay = retryDelay
    retryDelay = Math.min(retryDelay * 2, 10000)
    retryTimer = setTimeout(async () => {
      try {
        const r = await fetch('/auth/session', { credentials: 'same-origin', cache: 'no-store' })
        if (r.status === 401) {
          location.assign(signInUrl())
          return
        }
      } catch { /* hub still down: connect() fails and comes back here */ }
      connect()
    }, delay)
  }

  // A page kept in the back/forward cache would hold its stream open, and a browser gives a
  // host only six connections: streams of pages left behind starve the page in front. The
  // stream closes when the page is hidden and resumes (?since=) if the page comes back.
  window.addEventListener('pagehide', () => {
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null }
    if (source) { source.close(); source = null }
  })
  window.addEventListener('pageshow', (ev) => {
    if (ev.persisted && !closed && !source) { setState('reconnecting'); connect() }
  })

  connect()
  return live
}
