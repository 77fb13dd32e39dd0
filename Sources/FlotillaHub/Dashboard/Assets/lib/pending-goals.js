// How many goals wait for a person (their plan waits for approval), for every page: a badge on
// the nav's Goals link. Loaded once at boot (GET /api/goals?state=awaiting_approval), then kept
// by goal.state_changed events (each says where its goal went), so it follows on any page.
import { h } from './dom.js'
import { waitsForPerson } from './goal-model.js'

const LIMIT = 500

export function showPendingGoals({ api, live, nav }) {
  const a = nav.querySelector("a[href='#/goals']")
  if (!a) return
  const badge = h('span', { class: 'nav-count', id: 'goals-count', hidden: true })
  a.appendChild(badge)
  const states = new Map() // goal id → its latest state

  function show() {
    let n = 0
    for (const state of states.values()) if (waitsForPerson({ state })) n++
    badge.textContent = n ? `${n}${n >= LIMIT ? '+' : ''}` : ''
    badge.hidden = n === 0
    a.title = n ? `${n} goal${n === 1 ? '' : 's'} waiting for a person` : ''
  }

  live.subscribe(['goal.state_changed'], (event) => {
    const d = event.data ?? {}
    if (typeof d.goal_id !== 'string') return
    states.set(d.goal_id, d.to)
    show()
  })

  async function load() {
    try {
      const answer = await api.get('/api/goals', { state: 'awaiting_approval', limit: LIMIT })
      // Events that came while the answer was on its way are newer than it: they win.
      for (const g of answer?.goals ?? []) if (!states.has(g.id)) states.set(g.id, g.state)
      show()
    } catch (e) {
      // A hub without goals (or a blip): the badge stays empty; events still count.
      console.warn(`goals count: ${e.message}`)
    }
  }
  load()
}
