// Goals (GET /api/goals, docs/goals.md): the backlog and running goals, newest first, each with
// its state, title, repository, progress (merged steps of the plan), cost against its budget,
// PR link and age; filtered by state (kept in the address: #/goals?state=active). Submitters
// get "Add goal" (lib/goal-form.js). The autonomy panel shows when the hub has autonomy.
// Live: a goal.state_changed event changes or adds its row at once (a new goal's full record is
// fetched next); other goal.* events and the goal tasks' ends (costs) refetch the list, at most
// twice a second.
import { h, setText } from '../lib/dom.js'
import { stateBadge, truncate } from '../lib/format.js'
import { throttle } from '../lib/schedule.js'
import { GOAL_STATES, isGoalTaskEvent, matchesFilter, mergeGoal, ordered, patchFromEvent, proposal, stateQuery } from '../lib/goal-model.js'
import { age, costBar, goalHref, prLink, progressBar } from '../lib/goal-parts.js'
import { goalForm } from '../lib/goal-form.js'
import { createAutonomyPanel } from '../lib/autonomy-panel.js'

const LIMIT = 200
const COLUMNS = [['State', 'col-state'], ['Goal', 'col-title'], ['Repository', 'col-repo'], ['Progress', 'col-progress'],
  ['Cost', 'col-cost'], ['PR', 'col-pr'], ['Age', 'col-age']]

function row(goal) {
  return h('tr', { class: 'goal-row', dataset: { goalId: goal.id, state: goal.state } },
    h('td', { class: 'col-state' }, stateBadge(goal.state)),
    h('td', { class: 'col-title wrap' }, h('a', { href: goalHref(goal.id) }, goal.title ?? goal.id),
      proposal(goal) ? h('span', { class: 'chip goal-proposed', title: proposal(goal).summary ?? '' }, 'autonomy') : ''),
    h('td', { class: 'col-repo' }, h('span', { class: 'cell-clip mono', title: goal.repo ?? '' }, truncate(goal.repo ?? '', 60))),
    h('td', { class: 'col-progress' }, progressBar(goal)),
    h('td', { class: 'col-cost' }, costBar(goal)),
    h('td', { class: 'col-pr' }, prLink(goal)),
    h('td', { class: 'col-age' }, age(goal.created_at)))
}

export default {
  title: 'Goals',
  scope: 'viewer',
  mount(root, ctx, params) {
    const canAdd = ctx.api.can('submitter')
    const goals = new Map() // id → latest record (or an event's patch until it is fetched)
    const rows = new Map() // id → {tr, json}
    let stopped = false
    let loaded = false
    let generation = 0

    const initial = params.query.get('state') || ''
    const filter = h('select', { name: 'state', id: 'goals-state', 'aria-label': 'Filter goals by state' },
      h('option', { value: '' }, 'All goals'), h('option', { value: 'active' }, 'Not ended'),
      ...GOAL_STATES.map((st) => h('option', { value: st }, st.replace(/_/g, ' '))))
    filter.value = initial === 'active' || GOAL_STATES.includes(initial) ? initial : ''
    const toolbar = h('div', { class: 'toolbar' }, filter)
    const formHost = h('div', { class: 'goal-form-host' })
    if (canAdd) {
      // "Add goal" opens the form above the list; adding closes it (the row comes at once).
      let form = null
      const open = h('button', { type: 'button', class: 'btn primary', 'data-action': 'open-goal-form', 'aria-expanded': 'false' }, 'Add goal')
      const closeForm = () => { form = null; formHost.replaceChildren(); open.setAttribute('aria-expanded', 'false') }
      open.addEventListener('click', () => {
        if (form) { closeForm(); return }
        form = goalForm(ctx, { onAdded: (goal) => { if (mergeGoal(goals, goal)) paint(); closeForm() }, onClose: closeForm })
        formHost.replaceChildren(form.element)
        open.setAttribute('aria-expanded', 'true')
        form.focus()
      })
      toolbar.appendChild(open)
    }
    const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite' }, 'Loading…')
    const body = h('tbody')
    const autonomyPanel = createAutonomyPanel(ctx)
    root.classList.add('goals-view')
    root.append(
      h('header', { class: 'view-header' }, h('h1', {}, 'Goals'), toolbar),
      formHost, autonomyPanel.element, status,
      h('div', { class: 'card table-wrap' }, h('table', { class: 'table goal-table', id: 'goal-table' },
        h('thead', {}, h('tr', {}, ...COLUMNS.map(([c, cls]) => h('th', { scope: 'col', class: cls }, c)))),
        body)))

    function render() {
      if (stopped) return
      const shown = ordered([...goals.values()].filter((g) => matchesFilter(g, filter.value))).slice(0, LIMIT)
      const keep = new Set()
      const trs = shown.map((g) => {
        keep.add(g.id)
        const json = JSON.stringify(g)
        let r = rows.get(g.id)
        if (!r || r.json !== json) {
          const tr = row(g)
          if (r) r.tr.replaceWith(tr)
          r = { tr, json }
          rows.set(g.id, r)
        }
        return r.tr
      })
      for (const [id, r] of rows) if (!keep.has(id)) { r.tr.remove(); rows.delete(id) }
      const have = [...body.children]
      if (trs.length !== have.length || trs.some((tr, i) => tr !== have[i])) body.replaceChildren(...trs)
      if (!trs.length) body.replaceChildren(h('tr', { class: 'empty-row' }, h('td', { colspan: String(COLUMNS.length) },
        !loaded ? 'Loading…' : filter.value ? 'No goals in this state.' : 'No goals yet: add one with "Add goal" or `flotilla goal add`.')))
      if (loaded) {
        status.classList.remove('error')
        setText(status, `${shown.length}${shown.length === LIMIT ? '+' : ''} goal${shown.length === 1 ? '' : 's'}`)
      }
    }
    const paint = throttle(render, 10)

    async function load() {
      const gen = ++generation
      try {
        const answer = await ctx.api.get('/api/goals', { state: stateQuery(filter.value), limit: LIMIT })
        if (stopped || gen !== generation) return
        for (const g of answer.goals ?? []) mergeGoal(goals, g)
        loaded = true
        render()
      } catch (e) {
        if (stopped || gen !== generation) return
        status.classList.add('error')
        setText(status, `Could not load goals: ${e.message}`)
      }
    }
    const refresh = throttle(load, 2)

    async function fetchOne(id) {
      try {
        const goal = await ctx.api.get(`/api/goals/${encodeURIComponent(id)}`)
        if (!stopped && mergeGoal(goals, goal)) paint()
      } catch { /* the next refresh brings it */ }
    }

    filter.addEventListener('change', () => {
      history.replaceState(null, '', filter.value ? `#/goals?state=${filter.value}` : '#/goals')
      render()
      load()
    })
    const unsubscribe = ctx.live.subscribe(['goal.', 'task.'], (event) => {
      const patch = patchFromEvent(event)
      if (patch) {
        const known = goals.has(patch.id)
        // The event's state shows at once; the record (cost, plan, details) follows.
        goals.set(patch.id, { ...(goals.get(patch.id) ?? { created_at: Date.parse(event.ts) || Date.now() }), ...patch })
        paint()
        if (!known) fetchOne(patch.id)
        else refresh()
      } else if (event.type.startsWith('goal.') || isGoalTaskEvent(event)) {
        refresh()
      }
    })
    render()
    load()
    return () => {
      stopped = true
      unsubscribe()
      paint.cancel()
      refresh.cancel()
      autonomyPanel.destroy()
    }
  },
}

