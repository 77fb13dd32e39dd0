// Notifications: the hub's deliveries to people's targets (docs/notifications.md,
// GET /api/notifications): target, event and its subject, status, attempts, last error and times, newest first,
// filtered by status (kept in the address: #/notifications?status=failed). A delivery's retries
// are not events, so the list is fetched again every 5 s while the tab is visible, and soon
// after an event that may be notified.
import { h, setText } from '../lib/dom.js'
import { ago, dateTime, stateBadge } from '../lib/format.js'
import { every, throttle } from '../lib/schedule.js'
import { toIso } from '../lib/approval-model.js'

export const STATUSES = ['pending', 'delivered', 'failed', 'suppressed']
const LIMIT = 200
// The event kinds a subscription can follow (contract F): one of them may start a delivery.
const NOTIFIED = ['approval.requested', 'task.succeeded', 'task.failed', 'task.dead', 'agent.stuck', 'agent.error', 'agent.offline', 'budget.']

function when(t) {
  const iso = toIso(t)
  return iso ? h('span', { title: dateTime(iso) }, ago(iso)) : h('span', { class: 'faint' }, '—')
}

// Time until a retry: 'in 30s', 'due' once past.
function nextAttempt(t, now = Date.now()) {
  const iso = toIso(t)
  if (!iso) return h('span', { class: 'faint' }, '—')
  const s = Math.round((Date.parse(iso) - now) / 1000)
  return h('span', { title: dateTime(iso) }, s > 0 ? `in ${s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`}` : 'due')
}

function row(d) {
  return h('tr', { class: 'notification-row', dataset: { notificationId: String(d.id), status: d.status } },
    h('td', { class: 'col-state' }, stateBadge(d.status)),
    h('td', { class: 'col-target', title: d.subscription ? `subscription ${d.subscription}` : '' }, d.target, d.kind ? h('span', { class: 'chip notification-kind' }, d.kind) : ''),
    h('td', { class: 'col-event', title: d.event_id != null ? `event #${d.event_id}` : '' }, h('code', {}, d.event_type ?? ''),
      d.subject ? h('span', { class: 'muted notification-subject' }, ` ${d.subject}`) : ''),
    h('td', { class: 'col-attempts num' }, String(d.attempts ?? 0)),
    h('td', { class: 'col-error wrap' }, d.last_error ?? ''),
    h('td', { class: 'col-next' }, d.status === 'pending' ? nextAttempt(d.next_attempt_at) : h('span', { class: 'faint' }, '—')),
    h('td', { class: 'col-created' }, when(d.created_at)),
    h('td', { class: 'col-delivered' }, when(d.delivered_at)))
}

export default {
  title: 'Notifications',
  scope: 'viewer',
  mount(root, ctx, params) {
    let stopped = false
    let generation = 0
    const initial = params.query.get('status')
    const filter = h('select', { name: 'status', id: 'notifications-status', 'aria-label': 'Filter deliveries by status' },
      h('option', { value: '' }, 'All statuses'), ...STATUSES.map((st) => h('option', { value: st }, st)))
    filter.value = STATUSES.includes(initial) ? initial : ''
    const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite' }, 'Loading…')
    const body = h('tbody')
    root.classList.add('notifications-view')
    root.append(
      h('header', { class: 'view-header' }, h('h1', {}, 'Notifications'), h('div', { class: 'toolbar' }, filter)),
      status,
      h('div', { class: 'card table-wrap' }, h('table', { class: 'table notification-table' },
        h('thead', {}, h('tr', {}, ...['Status', 'Target', 'Event', 'Attempts', 'Last error', 'Next attempt', 'Created', 'Delivered']
          .map((c, i) => h('th', { scope: 'col', class: i === 3 ? 'num' : '' }, c)))),
        body)))

    async function load() {
      const gen = ++generation
      try {
        const answer = await ctx.api.get('/api/notifications', { status: filter.value || undefined, limit: LIMIT })
        if (stopped || gen !== generation) return
        const list = answer.notifications ?? []
        body.replaceChildren(...(list.length ? list.map(row)
          : [h('tr', { class: 'empty-row' }, h('td', { colspan: '8' }, filter.value ? `No ${filter.value} deliveries.` : 'Nothing delivered yet: no subscription has matched an event.'))]))
        status.classList.remove('error')
        setText(status, `${list.length}${list.length === LIMIT ? '+' : ''} deliver${list.length === 1 ? 'y' : 'ies'}${filter.value ? ` ${filter.value}` : ''}`)
      } catch (e) {
        if (stopped || gen !== generation) return
        status.classList.add('error')
        setText(status, `Could not load notifications: ${e.message}`)
      }
    }

    filter.addEventListener('change', () => {
      // The filter lives in the address; replaceState keeps the view mounted (no hashchange).
      const q = filter.value ? `?status=${filter.value}` : ''
      history.replaceState(null, '', `#/notifications${q}`)
      load()
    })
    const soon = throttle(load, 1)
    const unsubscribe = ctx.live.subscribe(NOTIFIED, () => soon())
    const stopPolling = every(load, 5000)
    load()
    return () => {
      stopped = true
      unsubscribe()
      stopPolling()
      soon.cancel()
    }
  },
}
