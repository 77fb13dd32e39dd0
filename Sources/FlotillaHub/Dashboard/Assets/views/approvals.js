// Approvals: what agents ask a person (docs/approvals.md). Pending requests first, each a card
// with the exact command or diff, the time left before the timeout policy answers, and Allow /
// Deny (with a reason) for submitters; then the decided history (who, how, why). A decision
// changes the page only once the hub has answered (or its approval.decided event came). Live:
// approval.requested / approval.decided events merge into the list without a reload.
import { h, clear, setText } from '../lib/dom.js'
import { every, throttle } from '../lib/schedule.js'
import { merge, ordered, recordOfEvent } from '../lib/approval-model.js'
import { decidedRow, pendingCard } from '../lib/approval-card.js'

const HISTORY = 100

export default {
  title: 'Approvals',
  scope: 'viewer',
  mount(root, ctx) {
    const canDecide = ctx.api.can('submitter')
    const records = new Map() // id → latest record
    const cards = new Map() // id → pending card
    const notes = new Map() // id → what happened to this page's own late answer
    let stopped = false
    let loaded = false

    const count = h('span', { class: 'sub' })
    const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite' }, 'Loading…')
    const pendingList = h('div', { class: 'approval-list', id: 'approvals-pending' })
    const historyBody = h('tbody')
    root.classList.add('approvals-view')
    root.append(
      h('header', { class: 'view-header' }, h('h1', {}, 'Approvals', count)),
      status,
      h('section', { class: 'approval-section', 'aria-labelledby': 'approvals-pending-title' },
        h('h2', { id: 'approvals-pending-title' }, 'Waiting for a decision'),
        pendingList),
      h('section', { class: 'card table-wrap approval-history', 'aria-labelledby': 'approvals-history-title' },
        h('div', { class: 'card-header' }, h('h2', { id: 'approvals-history-title' }, 'Decided'), h('span', { class: 'hint' }, `the last ${HISTORY}`)),
        h('table', { class: 'table approval-table' },
          h('thead', {}, h('tr', {}, ...[['State', 'col-state'], ['Request', 'col-request'], ['Agent · task', 'col-who'], ['Decision', 'col-decision'], ['Reason', 'col-reason'], ['When', 'col-age']]
            .map(([c, cls]) => h('th', { scope: 'col', class: cls }, c)))),
          historyBody)))

    async function decide(id, action, body) {
      try {
        const record = await ctx.api.post(`/api/approvals/${encodeURIComponent(id)}/${action}`, body)
        if (!stopped && merge(records, record)) paint()
      } catch (e) {
        if (e.code === 'approval_decided' || e.code === 'approval_not_found') {
          notes.set(id, `Your ${action} came too late (${e.code}).`)
          refetch(id)
        }
        throw e
      }
    }

    async function refetch(id) {
      try {
        const record = await ctx.api.get(`/api/approvals/${encodeURIComponent(id)}`)
        if (!stopped && merge(records, record)) paint()
      } catch { /* the event brings it */ }
    }

    function render() {
      if (stopped) return
      const { pending, decided } = ordered([...records.values()])
      // Pending: cards are kept across renders (a half-typed deny reason survives), moved only
      // when the order changes.
      const ids = new Set(pending.map((r) => r.id))
      for (const [id, card] of cards) if (!ids.has(id)) { card.el.remove(); cards.delete(id) }
      for (const r of pending) if (!cards.has(r.id)) cards.set(r.id, pendingCard(r, { canDecide, decide: (action, body) => decide(r.id, action, body) }))
      const want = pending.map((r) => cards.get(r.id).el)
      const have = [...pendingList.querySelectorAll(':scope > .approval-card')]
      if (want.length !== have.length || want.some((el, i) => el !== have[i])) {
        clear(pendingList)
        pendingList.append(...want)
      }
      if (!pending.length) pendingList.replaceChildren(h('div', { class: 'card empty' }, loaded ? 'Nothing waits for a decision.' : 'Loading…'))
      // History: rebuilt (it is short and changes only on a decision).
      const rows = decided.slice(0, HISTORY).map((r) => {
        const tr = decidedRow(r)
        const note = notes.get(r.id)
        if (note) tr.querySelector('.col-decision').append(h('span', { class: 'approval-note' }, ` · ${note}`))
        return tr
      })
      historyBody.replaceChildren(...(rows.length ? rows : [h('tr', { class: 'empty-row' }, h('td', { colspan: '6' }, 'No decisions yet.'))]))
      setText(count, pending.length ? `${pending.length} waiting` : '')
      if (loaded) status.textContent = `${pending.length} waiting · ${Math.min(decided.length, HISTORY)} decided shown`
    }
    const paint = throttle(render, 10)

    async function load() {
      try {
        const [waiting, recent] = await Promise.all([
          ctx.api.get('/api/approvals', { state: 'pending', limit: 500 }),
          ctx.api.get('/api/approvals', { state: 'all', limit: HISTORY }),
        ])
        if (stopped) return
        for (const r of [...waiting.approvals, ...recent.approvals]) merge(records, r)
        loaded = true
        render()
      } catch (e) {
        if (!stopped) { status.textContent = `Could not load approvals: ${e.message}`; status.classList.add('error') }
      }
    }

    // Events that come while the first load is on its way merge the same way (a decision is final).
    const unsubscribe = ctx.live.subscribe(['approval.'], (event) => {
      if (merge(records, recordOfEvent(event)) && loaded) paint()
    })
    const stopTicking = every(() => { const now = Date.now(); for (const c of cards.values()) c.tick(now) }, 1000)
    render()
    load()
    return () => {
      stopped = true
      unsubscribe()
      stopTicking()
      paint.cancel()
    }
  },
}
