// A goal's state timeline from the events API: a stream of its own that replays this goal's
// stored goal.state_changed events from the start (`?since=0&goal=ID&types=goal.state_changed`:
// the hub reads only this goal's events, through an index, not every goal's) and stays open,
// so a change made while the page is open joins the timeline too. onChange(entries, loading)
// after each (throttled).
import { throttle } from './schedule.js'
import { timeline } from './goal-model.js'

// How long the replay may take before the page says there is nothing (every goal has at least
// its "added" event unless the retention removed it).
const FIRST_WAIT_MS = 4000

export function watchTimeline(goalId, onChange) {
  const events = []
  let loading = true
  let closed = false
  const emit = throttle(() => { if (!closed) onChange(timeline(events, goalId), loading) }, 10)
  let source = null
  const onEvent = (message) => {
    let ev
    try { ev = JSON.parse(message.data) } catch { return }
    // The hub sends this goal's events only; kept as a guard, it costs one comparison.
    if (ev?.data?.goal_id !== goalId) return
    loading = false
    events.push(ev)
    emit()
  }
  const open = () => {
    source = new EventSource(`/api/events?since=0&goal=${encodeURIComponent(goalId)}&types=goal.state_changed`)
    source.addEventListener('goal.state_changed', onEvent)
  }
  // Closed while the page is hidden (a page in the back/forward cache must not hold one of the
  // host's six connections), replayed again if it comes back (timeline() drops repeats).
  const hide = () => { if (source) { source.close(); source = null } }
  const show = (ev) => { if (ev.persisted && !closed && !source) open() }
  window.addEventListener('pagehide', hide)
  window.addEventListener('pageshow', show)
  open()
  // The browser resumes a dropped stream itself (Last-Event-ID): nothing is replayed twice.
  const timer = setTimeout(() => { if (loading) { loading = false; emit() } }, FIRST_WAIT_MS)
  emit()
  return () => {
    closed = true
    clearTimeout(timer)
    emit.cancel()
    hide()
    window.removeEventListener('pagehide', hide)
    window.removeEventListener('pageshow', show)
  }
}
