// A task's page: its facts and spec, attempts as a timeline, result, live output, and cancel /
// retry for submitters when the state allows. The record is refetched (throttled) on each of
// the task's events; the output pane stays mounted across refreshes and restarts when a retry
// brings a finished task back.
import { h, clear } from '../lib/dom.js'
import { stateBadge } from '../lib/format.js'
import { throttle } from '../lib/schedule.js'
import { mountOutput } from '../lib/output-pane.js'
import { attemptsTimeline } from '../lib/attempts-timeline.js'
import { factsList, problems, specBlocks, jsonBlock } from '../lib/task-detail.js'
import { CANCELLABLE, RETRYABLE, FINAL_STATES, taskTitle } from '../lib/task-query.js'
import { parseStepKey } from '../lib/workflow-model.js'

function panel(title, body) {
  return h('section', { class: 'card' }, h('div', { class: 'card-header' }, h('h2', {}, title)), h('div', { class: 'card-body' }, body))
}

export default {
  title: 'Task',
  scope: 'viewer',
  mount(root, ctx, params) {
    const id = params.id
    const canAct = ctx.api.can('submitter')
    let task = null
    let stopped = false
    let unmountOutput = null
    let busy = false
    let shownResult = null // the result's JSON as drawn

    const title = h('h1', { class: 'task-heading' }, h('span', { class: 'task-id' }, id))
    const badge = h('span', { class: 'heading-state' })
    const subtitle = h('p', { class: 'task-subtitle muted' })
    // A workflow step's task (idempotency key wf:<run>:<step>[:<index>]) links back to its run.
    const stepOf = h('p', { class: 'task-step-of', hidden: '' })
    const cancel = h('button', { type: 'button', class: 'btn danger', 'data-action': 'cancel' }, 'Cancel')
    const retry = h('button', { type: 'button', class: 'btn', 'data-action': 'retry' }, 'Retry')
    const actions = h('div', { class: 'actions' })
    const message = h('p', { class: 'action-message', role: 'status', 'aria-live': 'polite' })
    const graphLink = h('a', { class: 'btn', href: `#/graph?task=${encodeURIComponent(id)}` }, 'Graph')
    const facts = h('div', { class: 'task-facts' })
    const notices = h('div', { class: 'task-notices' })
    const spec = h('div', { class: 'task-spec' })
    const timeline = h('div', { class: 'task-attempts' })
    const result = h('div', { class: 'task-result' })
    const outputHost = h('div', { class: 'task-output' })
    const view = root
    root.classList.add('task-view')
    root.dataset.taskId = id
    root.append(
      h('header', { class: 'view-header' }, h('div', { class: 'heading-group' }, title, badge), actions),
      subtitle, stepOf, message, notices,
      h('div', { class: 'task-columns' },
        h('div', { class: 'task-main' },
          panel('Live output', outputHost),
          panel('Attempts', timeline),
          result),
        h('aside', { class: 'task-side' },
          panel('Details', facts),
          panel('Spec', spec))))

    cancel.addEventListener('click', () => act('cancel'))
    retry.addEventListener('click', () => act('retry'))

    async function act(action) {
      if (busy) return
      busy = true
      cancel.disabled = true
      retry.disabled = true
      message.className = 'action-message'
      message.textContent = action === 'cancel' ? 'Cancelling…' : 'Retrying…'
      try {
        const record = await ctx.api.post(`/api/tasks/${encodeURIComponent(id)}/${action}`, action === 'cancel' ? { reason: 'cancelled from the dashboard' } : undefined)
        message.textContent = action === 'cancel' ? 'Cancelled.' : 'Queued again.'
        if (!stopped) show({ ...task, ...record, attempts: task.attempts, waiting: task.waiting })
        refresh()
      } catch (err) {
        message.className = 'action-message error'
        message.textContent = `${action === 'cancel' ? 'Cancel' : 'Retry'} failed: ${err.message ?? err}`
      } finally {
        busy = false
        if (task) showActions()
      }
    }

    function showActions() {
      clear(actions)
      if (canAct && task && CANCELLABLE.includes(task.state)) actions.appendChild(cancel)
      if (canAct && task && RETRYABLE.includes(task.state)) actions.appendChild(retry)
      cancel.disabled = busy
      retry.disabled = busy
      actions.appendChild(graphLink)
    }

    function show(record) {
      const wasFinal = task && FINAL_STATES.includes(task.state)
      task = record
      badge.replaceChildren(stateBadge(task.state))
      view.dataset.state = task.state
      subtitle.textContent = taskTitle(task)
      const step = parseStepKey(task.idempotency_key)
      if (step && stepOf.hidden) {
        const runHref = `#/runs/${encodeURIComponent(step.run)}?step=${encodeURIComponent(step.step)}`
        stepOf.replaceChildren('Step ', h('a', { href: runHref, 'data-step-link': step.step }, step.step),
          step.index !== null ? ` (matrix #${step.index})` : '', ' of workflow run ', h('a', { href: `#/runs/${encodeURIComponent(step.run)}`, 'data-run-link': step.run }, step.run))
        stepOf.hidden = false
      }
      showActions()
      facts.replaceChildren(factsList(task))
      notices.replaceChildren(...problems(task))
      // The spec never changes: drawn once, so what the reader opened stays open.
      if (!spec.firstChild) spec.replaceChildren(...specBlocks(task))
      timeline.replaceChildren(attemptsTimeline(task.attempts))
      const json = task.result === null || task.result === undefined ? '' : JSON.stringify(task.result)
      if (json !== shownResult) {
        shownResult = json
        result.replaceChildren(json ? panel('Result', jsonBlock('JSON', task.result)) : '')
      }
      // A retried task starts new attempts: follow them with a fresh stream.
      if (!unmountOutput || (wasFinal && !FINAL_STATES.includes(task.state))) {
        if (unmountOutput) unmountOutput()
        unmountOutput = mountOutput(outputHost, ctx, { taskId: id })
      }
    }

    async function load() {
      try {
        const record = await ctx.api.get(`/api/tasks/${encodeURIComponent(id)}`)
        if (!stopped) show(record)
      } catch (err) {
        if (stopped) return
        if (task) return // a failed refresh keeps what is shown; the next event tries again
        view.replaceChildren(h('header', { class: 'view-header' }, title),
          h('p', { class: 'notice error' }, err.code === 'task_not_found' ? `No task has the id ${id}.` : `Could not load the task: ${err.message ?? err}`),
          h('p', {}, h('a', { href: '#/tasks' }, '← All tasks')))
      }
    }
    // Progress reports can come many times a second: at most four refetches a second.
    const refresh = throttle(load, 4)
    const unsubscribe = ctx.live.subscribe(['task.'], (ev) => {
      if (ev.task_id === id) refresh()
    })
    // Relative times and a running attempt's bar move on even without events.
    const tick = setInterval(() => { if (task && !FINAL_STATES.includes(task.state)) timeline.replaceChildren(attemptsTimeline(task.attempts)) }, 5000)

    load()
    return () => {
      stopped = true
      unsubscribe()
      clearInterval(tick)
      refresh.cancel()
      if (unmountOutput) unmountOutput()
    }
  },
}
