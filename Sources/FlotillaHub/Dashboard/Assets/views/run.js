// One workflow run (GET /api/workflow-runs/{id}): the step graph live (colour per step status,
// a skipped step's reason on its node, matrix instances as squares), a side panel for the
// chosen step (status, condition, skip reason, error, its tasks with links and live output),
// the run's inputs and trigger, and Cancel / Rerun for submitters. Live: workflow.* and step.*
// events of this run, and task events of its tasks, refetch the run (at most four times a
// second). The chosen step is kept in the address (#/runs/ID?step=S) without a reload.
import { h } from '../lib/dom.js'
import { ago, between, duration, stateBadge } from '../lib/format.js'
import { throttle } from '../lib/schedule.js'
import { createStepGraph } from '../lib/step-graph.js'
import { jsonBlock } from '../lib/task-detail.js'
import { eventConcernsRun, isRunActive, progressText, runTaskIds, runTriggerText } from '../lib/workflow-model.js'
import { runHref, workflowHref } from '../lib/workflow-parts.js'
import { createStepPanel } from '../lib/step-panel.js'

function panel(title, ...body) {
  return h('section', { class: 'card' }, h('div', { class: 'card-header' }, h('h2', {}, title)), h('div', { class: 'card-body' }, ...body))
}

export default {
  title: 'Workflow run',
  scope: 'viewer',
  mount(root, ctx, params) {
    const id = params.id
    const canAct = ctx.api.can('submitter')
    let run = null
    let stopped = false
    let busy = false
    let taskIds = new Set()
    let selected = params.query.get('step') || null
    let shownInputs = null

    const badge = h('span', { class: 'heading-state' })
    const title = h('h1', { class: 'task-heading' }, h('span', { class: 'muted' }, 'Run '), h('span', { class: 'task-id' }, id))
    const actions = h('div', { class: 'actions' })
    const subtitle = h('p', { class: 'task-subtitle muted run-subtitle' })
    const message = h('p', { class: 'action-message', role: 'status', 'aria-live': 'polite' })
    const notices = h('div', { class: 'task-notices' })
    const cancel = h('button', { type: 'button', class: 'btn danger', 'data-action': 'cancel-run' }, 'Cancel run')
    const rerun = h('button', { type: 'button', class: 'btn', 'data-action': 'rerun' }, 'Rerun')
    const graph = createStepGraph({ label: `Steps of run ${id}`, onSelect: (step) => choose(step) })
    const stepPanel = createStepPanel(ctx, { onClose: () => choose(null) })
    const inputsHost = h('div', { class: 'run-inputs' })

    root.classList.add('run-view')
    root.dataset.runId = id
    root.append(
      h('header', { class: 'view-header' }, h('div', { class: 'heading-group' }, title, badge), actions),
      subtitle, message, notices,
      h('div', { class: 'run-columns' },
        h('div', { class: 'run-main' }, panel('Steps', graph.element)),
        h('aside', { class: 'run-side' }, stepPanel.element)),
      inputsHost)

    cancel.addEventListener('click', () => act('cancel'))
    rerun.addEventListener('click', () => act('rerun'))

    async function act(action) {
      if (busy) return
      busy = true
      showActions()
      message.className = 'action-message'
      message.textContent = action === 'cancel' ? 'Cancelling…' : 'Starting a new run…'
      try {
        if (action === 'cancel') {
          const record = await ctx.api.post(`/api/workflow-runs/${encodeURIComponent(id)}/cancel`, { reason: 'cancelled from the dashboard' })
          message.textContent = 'Cancel requested.'
          if (!stopped && record?.steps) show(record)
          refresh()
        } else {
          const record = await ctx.api.post(`/api/workflow-runs/${encodeURIComponent(id)}/rerun`)
          ctx.navigate(runHref(record.id))
        }
      } catch (err) {
        message.className = 'action-message error'
        message.textContent = `${action === 'cancel' ? 'Cancel' : 'Rerun'} failed: ${err.message ?? err}`
      } finally {
        busy = false
        if (!stopped) showActions()
      }
    }

    function showActions() {
      actions.replaceChildren()
      if (run) actions.appendChild(h('a', { class: 'btn', href: workflowHref(run.workflow) }, 'Workflow'))
      if (!canAct || !run) return
      if (isRunActive(run)) actions.appendChild(cancel)
      actions.appendChild(rerun)
      cancel.disabled = busy
      rerun.disabled = busy
    }

    function choose(step) {
      selected = step
      graph.select(step)
      // The address follows the choice (a link to it opens the same step) without a reload.
      const hash = step ? `#/runs/${encodeURIComponent(id)}?step=${encodeURIComponent(step)}` : `#/runs/${encodeURIComponent(id)}`
      if (location.hash !== hash) history.replaceState(null, '', hash)
      stepPanel.show(run, step)
    }

    function show(record) {
      run = record
      taskIds = runTaskIds(run)
      root.dataset.status = run.status
      badge.replaceChildren(stateBadge(run.status))
      subtitle.replaceChildren(
        h('a', { href: workflowHref(run.workflow) }, run.workflow),
        ` · ${runTriggerText(run.trigger)} · started `,
        h('time', { datetime: run.created_at, title: run.created_at }, ago(run.created_at)),
        ` · ${run.ended_at ? 'took' : 'running for'} ${duration(between(run.created_at, run.ended_at))}`,
        run.progress ? ` · ${progressText(run.progress)}` : '',
        run.rerun_of ? h('span', {}, ' · rerun of ', h('a', { href: runHref(run.rerun_of) }, run.rerun_of)) : '')
      notices.replaceChildren(run.cancel_reason ? h('div', { class: 'notice' }, h('strong', {}, 'Cancelled: '), run.cancel_reason) : '')
      showActions()
      graph.update(run.steps ?? [])
      if (selected && !(run.steps ?? []).some((st) => st.id === selected)) selected = null
      graph.select(selected)
      stepPanel.show(run, selected)
      // Inputs and trigger never change: drawn once, so what the reader opened stays open.
      const json = JSON.stringify([run.inputs, run.trigger])
      if (json !== shownInputs) {
        shownInputs = json
        inputsHost.replaceChildren(h('div', { class: 'grid grid-2 run-json' },
          panel('Inputs', jsonBlock('JSON', run.inputs ?? {})),
          panel('Trigger', jsonBlock(runTriggerText(run.trigger), run.trigger ?? {}, { open: run.trigger?.kind !== 'webhook' }))))
      }
    }

    async function load() {
      try {
        const record = await ctx.api.get(`/api/workflow-runs/${encodeURIComponent(id)}`)
        if (!stopped) show(record)
      } catch (err) {
        if (stopped || run) return // a failed refresh keeps what is shown; the next event tries again
        root.replaceChildren(h('header', { class: 'view-header' }, title),
          h('p', { class: 'notice error' }, err.code === 'workflow_run_not_found' ? `No workflow run has the id ${id}.` : `Could not load the run: ${err.message ?? err}`),
          h('p', {}, h('a', { href: '#/workflows' }, '← Workflows')))
      }
    }

    const refresh = throttle(load, 4)
    const unsubscribe = ctx.live.subscribe(['workflow.', 'step.', 'task.'], (ev) => {
      if (eventConcernsRun(ev, id, taskIds)) refresh()
    })
    // "running for" moves on without events.
    const tick = setInterval(() => { if (run && isRunActive(run)) refresh() }, 10000)

    load()
    return () => {
      stopped = true
      unsubscribe()
      refresh.cancel()
      clearInterval(tick)
      graph.destroy()
      stepPanel.destroy()
    }
  },
}
