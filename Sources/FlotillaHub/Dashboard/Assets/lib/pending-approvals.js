// How many approval requests wait for a person, for every page: a badge on the nav's Approvals
// link and the count in the tab title ('(2) Tasks · Flotilla'). Loaded once at boot
// (GET /api/approvals?state=pending), then kept by the approval.requested / approval.decided
// events, so a request shows on whatever page is open.
import { merge, recordOfEvent, isPending, titleWithCount } from './approval-model.js'

const LIMIT = 500 // the API's largest page: more than that shows as 500+

export function createPendingApprovals({ api, live }) {
  const records = new Map() // id → the latest record seen (decided ones kept: a decision is final)
  const listeners = new Set()
  let base = document.title
  let full = false // the first load hit LIMIT: there may be more than we know of

  const state = {
    count: 0,
    // The badge's text: '3', '500+', '' for none.
    label: () => (state.count === 0 ? '' : `${state.count}${full && state.count >= LIMIT ? '+' : ''}`),
    onChange(fn) {
      listeners.add(fn)
      fn(state)
      return () => listeners.delete(fn)
    },
    // Sets the page's own title; the count goes in front of it while anything waits.
    setTitle(title) {
      base = title
      document.title = titleWithCount(base, state.count)
    },
  }

  function recount() {
    let n = 0
    for (const r of records.values()) if (isPending(r)) n++
    if (n === state.count) return
    state.count = n
    document.title = titleWithCount(base, n)
    for (const fn of listeners) {
      try { fn(state) } catch (e) { console.error(e) }
    }
  }

  // Events that arrive while the first load is on its way merge the same way, so neither order
  // loses a request nor resurrects a decided one.
  live.subscribe(['approval.'], (event) => {
    if (merge(records, recordOfEvent(event))) recount()
  })

  async function load() {
    try {
      const answer = await api.get('/api/approvals', { state: 'pending', limit: LIMIT })
      const list = answer?.approvals ?? []
      full = list.length >= LIMIT
      for (const r of list) merge(records, r)
      recount()
    } catch (e) {
      // A hub without approvals (or a blip): the badge stays empty; events still count.
      console.warn(`approvals count: ${e.message}`)
    }
  }
  load()
  return state
}
