// One goal (GET /api/goals/{id}): its state timeline (goal.state_changed events), the plan as an
// SVG graph (lib/step-graph.js: each step with its run state, merged ✓, fixing), the steps with
// criteria, files, merges and fix tasks, the verification checks, the review (risk tier with
// reasons, secret findings, diff size), the PR link and the cost against the budget. Submitters
// get Cancel and Retry (confirmed first) and Raise budget (POST /api/goals/{id}/budget; hidden
// when the hub answers 404/405: a hub without goal budgets). Live: this goal's goal.* events,
// goal tasks' events and its run's step.* / workflow.* events refetch it (four times a second at most).
import { h } from '../lib/dom.js'
import { stateBadge } from '../lib/format.js'
import { throttle } from '../lib/schedule.js'
import { createStepGraph } from '../lib/step-graph.js'
import { canCancel, canRetry, eventGoalId, graphSteps, isGoalTaskEvent, planSteps } from '../lib/goal-model.js'
import { age, costBar, panel, prLink } from '../lib/goal-parts.js'
import { noticesFor, reviewBlock, stepList, timelineList, verificationBlock } from '../lib/goal-sections.js'
import { watchTimeline } from '../lib/goal-timeline.js'
import { runHref } from '../lib/workflow-parts.js'

export default {
  title: 'Goal',
  scope: 'viewer',
  mount(root, ctx, params) {
    const id = params.id
    const canAct = ctx.api.can('submitter')
    let goal = null
    let run = null
    let stopped = false
    let busy = false
    let budgetRoute = true // false once the hub answered 404/405 to a raise

    const badge = h('span', { class: 'heading-state' })
    const title = h('h1', { class: 'task-heading goal-heading' }, h('span', { class: 'muted' }, 'Goal '), h('span', { class: 'task-id' }, id))
    const actions = h('div', { class: 'actions' })
    const subtitle = h('p', { class: 'task-subtitle muted goal-subtitle' })
    const message = h('p', { class: 'action-message', role: 'status', 'aria-live': 'polite' })
    const notices = h('div', { class: 'task-notices goal-notices' })
    const costHost = h('div', { class: 'goal-cost-host' })
    const timelineHost = h('div', { class: 'goal-timeline-host' }, h('p', { class: 'muted' }, 'Reading the event log…'))
    // Choosing a node shows that step's card below the graph.
    const graph = createStepGraph({ label: `Plan of goal ${id}`, onSelect: (step) => {
      graph.select(step)
      const card = [...stepsHost.querySelectorAll('li.goal-step')].find((li) => li.dataset.stepId === step)
      if (card) { card.scrollIntoView({ block: 'nearest', behavior: 'smooth' }); card.classList.add('goal-step-chosen'); setTimeout(() => card.classList.remove('goal-step-chosen'), 1500) }
    } })
    const graphHost = h('div', { class: 'goal-graph-host' })
    const stepsHost = h('div', { class: 'goal-steps-host' })
    const verifyHost = h('div')
    const reviewHost = h('div')
    const cancel = h('button', { type: 'button', class: 'btn danger', 'data-action': 'cancel-goal' }, 'Cancel goal')
    const retry = h('button', { type: 'button', class: 'btn', 'data-action': 'retry-goal' }, 'Retry')
    const amount = h('input', { type: 'text', inputmode: 'decimal', name: 'budget_usd', class: 'budget-input', 'aria-label': 'New budget in US dollars', placeholder: 'USD' })
    const raise = h('button', { type: 'submit', class: 'btn small', 'data-action': 'raise-budget' }, 'Raise budget')
    const raiseError = h('p', { class: 'error-text', 'data-error-for': 'budget_usd', 'aria-live': 'polite' })
    const raiseForm = h('form', { class: 'goal-raise', novalidate: '' }, amount, raise)

    root.classList.add('goal-view')
    root.dataset.goalId = id
    root.append(
      h('header', { class: 'view-header' }, h('div', { class: 'heading-group' }, title, badge), actions),
      subtitle, message, notices,
      h('div', { class: 'goal-columns' },
        h('div', { class: 'goal-main' }, panel('Plan', graphHost, stepsHost), panel('Verification', verifyHost), panel('Review', reviewHost)),
        h('aside', { class: 'goal-side' }, panel('Cost', costHost), panel('Timeline', timelineHost))))

    cancel.addEventListener('click', () => act('cancel'))
    retry.addEventListener('click', () => act('retry'))
    raiseForm.addEventListener('submit', (e) => { e.preventDefault(); raiseBudget() })

    async function act(action) {
      if (busy || !goal) return
      const question = action === 'cancel' ? `Cancel the goal "${goal.title}"? Its running tasks are cancelled.` : `Retry the goal "${goal.title}" from a new plan?`
      if (!window.confirm(question)) return
      busy = true
      showActions()
      message.className = 'action-message'
      message.textContent = action === 'cancel' ? 'Cancelling…' : 'Putting it back in the backlog…'
      try {
        const body = action === 'cancel' ? { reason: 'cancelled from the dashboard' } : undefined
        const record = await ctx.api.post(`/api/goals/${encodeURIComponent(id)}/${action}`, body)
        message.textContent = action === 'cancel' ? 'Cancelled.' : 'Back in the backlog.'
        if (!stopped) show(record)
      } catch (err) {
        message.className = 'action-message error'
        message.textContent = `${action === 'cancel' ? 'Cancel' : 'Retry'} failed: ${err.message ?? err}`
      } finally {
        busy = false
        if (!stopped) showActions()
      }
    }

    async function raiseBudget() {
      if (busy) return
      raiseError.textContent = ''
      const text = amount.value.trim()
      busy = true
      raise.disabled = true
      try {
        const record = await ctx.api.post(`/api/goals/${encodeURIComponent(id)}/budget`, { budget_usd: text && Number.isFinite(Number(text)) ? Number(text) : text })
        amount.value = ''
        message.className = 'action-message'
        message.textContent = 'Budget raised.'
        if (!stopped && record?.id) show(record)
        else refresh()
      } catch (err) {
        if ((err.status === 404 && err.code !== 'goal_not_found') || err.status === 405) {
          budgetRoute = false
          message.className = 'action-message'
          message.textContent = 'This hub cannot raise a goal\'s budget.'
        } else {
          raiseError.textContent = err.message ?? String(err)
        }
      } finally {
        busy = false
        raise.disabled = false
        if (!stopped) showCost()
      }
    }

    function showActions() {
      actions.replaceChildren()
      if (goal?.run_id) actions.appendChild(h('a', { class: 'btn', href: runHref(goal.run_id) }, 'Workflow run'))
      if (!canAct || !goal) return
      if (canCancel(goal)) actions.appendChild(cancel)
      if (canRetry(goal)) actions.appendChild(retry)
      cancel.disabled = busy
      retry.disabled = busy
    }

    function showCost() {
      if (!goal) return
      const raisable = canAct && budgetRoute && canCancel(goal)
      costHost.replaceChildren(costBar(goal, { wide: true }),
        h('p', { class: 'muted' }, `${goal.cost?.attempts ?? 0} attempt${goal.cost?.attempts === 1 ? '' : 's'} · ${goal.cost?.input_tokens ?? 0} in / ${goal.cost?.output_tokens ?? 0} out tokens`),
        raisable ? raiseForm : '', raisable ? raiseError : '')
    }

    let shownSections = ''
    function show(record) {
      goal = record
      root.dataset.state = goal.state
      title.replaceChildren(h('span', { class: 'goal-title' }, goal.title))
      badge.replaceChildren(stateBadge(goal.state))
      subtitle.replaceChildren(h('code', {}, goal.repo), ' · ', h('code', {}, goal.branch ?? ''), ` · priority ${goal.priority}`,
        ' · added ', age(goal.created_at), goal.retries ? ` · retried ${goal.retries}×` : '', ' · PR ', prLink(goal))
      notices.replaceChildren(...noticesFor(goal))
      showActions()
      showCost()
      const steps = graphSteps(goal, run)
      if (steps.length) {
        if (!graphHost.firstChild) graphHost.appendChild(graph.element)
        graph.update(steps)
      } else graphHost.replaceChildren()
      // The sections are rebuilt only when what they show changed (an opened output stays open).
      const key = JSON.stringify([goal.plan, goal.details, goal.state, run?.steps?.map((st) => [st.id, st.status, st.tasks?.map((t) => [t.id, t.state])])])
      if (key !== shownSections) {
        shownSections = key
        stepsHost.replaceChildren(stepList(goal, run))
        verifyHost.replaceChildren(verificationBlock(goal))
        reviewHost.replaceChildren(reviewBlock(goal))
      }
    }

    async function load() {
      try {
        const record = await ctx.api.get(`/api/goals/${encodeURIComponent(id)}`)
        if (stopped) return
        if (record.run_id && planSteps(record).length) {
          try { run = await ctx.api.get(`/api/workflow-runs/${encodeURIComponent(record.run_id)}`) } catch { /* drawn without run states */ }
          if (stopped) return
        } else run = null
        show(record)
      } catch (err) {
        if (stopped || goal) return // a failed refresh keeps what is shown
        root.replaceChildren(h('header', { class: 'view-header' }, title),
          h('p', { class: 'notice error' }, err.code === 'goal_not_found' ? `No goal has the id ${id}.` : `Could not load the goal: ${err.message ?? err}`),
          h('p', {}, h('a', { href: '#/goals' }, '← Goals')))
      }
    }
    const refresh = throttle(load, 4)

    const unsubscribe = ctx.live.subscribe(['goal.', 'task.', 'step.', 'workflow.'], (event) => {
      if (eventGoalId(event) === id || isGoalTaskEvent(event) || (goal?.run_id && event.data?.run_id === goal.run_id)) refresh()
    })
    const stopTimeline = watchTimeline(id, (entries, loading) => timelineHost.replaceChildren(timelineList(entries, loading)))
    load()
    return () => {
      stopped = true
      unsubscribe()
      refresh.cancel()
      stopTimeline()
      graph.destroy()
    }
  },
}
