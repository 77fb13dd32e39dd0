// The run page's side panel for one step: status, outcome, condition, skip reason, error, needs
// and on_failure, its tasks (links to #/tasks/{id}, matrix combination, state, result) and the
// live output of one of them (lib/output-pane.js, as the task page). The output pane stays
// mounted while the same task is shown, so refreshes do not restart its stream.
import { h } from './dom.js'
import { ago, stateBadge } from './format.js'
import { jsonBlock } from './task-detail.js'
import { mountOutput } from './output-pane.js'
import { matrixLabel } from './workflow-model.js'

const taskHref = (id) => `#/tasks/${encodeURIComponent(id)}`

function row(label, ...value) {
  return [h('dt', {}, label), h('dd', {}, ...value)]
}

function time(iso) {
  return iso ? h('time', { datetime: iso, title: iso }, ago(iso)) : h('span', { class: 'muted' }, '—')
}

function ids(list) {
  if (!list?.length) return h('span', { class: 'muted' }, 'none')
  return h('span', { class: 'chips wrap' }, ...list.map((s) => h('span', { class: 'chip' }, s)))
}

export function createStepPanel(ctx, { onClose } = {}) {
  const heading = h('h2', {})
  const close = h('button', { type: 'button', class: 'btn small ghost', 'data-action': 'close-step', 'aria-label': 'Close the step panel' }, '×')
  const body = h('div', { class: 'card-body step-panel-body' })
  const outputTitle = h('h3', { class: 'step-output-title' })
  const outputHost = h('div', { class: 'step-output' })
  const outputBox = h('div', { class: 'step-output-box', hidden: '' }, outputTitle, outputHost)
  const element = h('section', { class: 'card step-panel', 'aria-live': 'polite' },
    h('div', { class: 'card-header' }, heading, close), body, outputBox)
  close.addEventListener('click', () => onClose?.())

  let shown = '' // the JSON of what the body shows
  let outputTask = null
  let unmountOutput = null
  const chosenTask = new Map() // step id → task id picked among a matrix's instances

  function setOutput(taskId, label) {
    outputTitle.textContent = taskId ? `Output of ${label}` : ''
    outputBox.hidden = !taskId
    if (taskId === outputTask) return
    if (unmountOutput) unmountOutput()
    unmountOutput = null
    outputHost.replaceChildren()
    outputTask = taskId
    if (taskId) unmountOutput = mountOutput(outputHost, ctx, { taskId })
  }

  function empty(run) {
    element.dataset.stepId = ''
    element.removeAttribute('data-status')
    heading.textContent = 'Steps'
    close.hidden = true
    const key = JSON.stringify(['none', run?.id])
    if (shown !== key) {
      shown = key
      body.replaceChildren(h('p', { class: 'muted' }, 'Choose a step in the graph to see its condition, tasks and output.'))
    }
    setOutput(null)
  }

  function show(run, stepId) {
    const step = run?.steps?.find((s) => s.id === stepId)
    if (!step) { empty(run); return }
    close.hidden = false
    element.dataset.stepId = step.id
    element.dataset.status = step.status
    heading.replaceChildren(h('span', { class: 'muted' }, 'Step '), step.id, ' ', stateBadge(step.status))
    const tasks = step.tasks ?? []
    let pick = chosenTask.get(step.id)
    if (!tasks.some((t) => t.id === pick)) pick = tasks[0]?.id ?? null
    // An on_failure handler runs when a step naming it fails, not when its needs succeed.
    const handles = (run.steps ?? []).filter((s) => (s.on_failure ?? []).includes(step.id)).map((s) => s.id)
    const key = JSON.stringify([step, pick, handles])
    if (shown !== key) {
      shown = key
      body.replaceChildren(...content(step, pick, handles))
    }
    const task = tasks.find((t) => t.id === pick)
    setOutput(task?.id ?? null, task ? (task.matrix ? matrixLabel(task.matrix) : task.id) : '')
  }

  function content(step, pick, handles) {
    const implied = handles.length ? 'none (runs when a step it handles fails)' : 'none (runs when the steps it needs succeeded)'
    const rows = [
      row('Status', stateBadge(step.status)),
      row('Outcome', step.outcome ?? h('span', { class: 'muted' }, '—'), step.conclusion && step.conclusion !== step.outcome ? ` (counts as ${step.conclusion})` : ''),
      row('Condition', step.if ? h('code', { class: 'step-condition' }, step.if) : h('span', { class: 'muted' }, implied)),
      row('Needs', ids(step.needs)),
      row('On failure', ids(step.on_failure)),
      ...(handles.length ? [row('Handles', ids(handles))] : []),
      row('Started', time(step.started_at)),
      row('Ended', time(step.ended_at)),
    ]
    const out = []
    if (step.skip_reason) out.push(h('div', { class: 'notice skip-reason', 'data-skip-reason': '' }, h('strong', {}, 'Skipped: '), step.skip_reason))
    if (step.error) {
      out.push(h('div', { class: 'notice error step-error' }, h('strong', {}, `${step.error.code ?? 'Error'}: `), step.error.message ?? JSON.stringify(step.error)))
    }
    out.push(h('dl', { class: 'dl facts' }, ...rows.flat()))
    const tasks = step.tasks ?? []
    if (tasks.length) {
      out.push(h('h3', { class: 'step-tasks-title' }, tasks.length === 1 ? 'Task' : `Tasks (${tasks.length})`))
      out.push(h('ul', { class: 'step-tasks' }, ...tasks.map((t) => {
        const label = t.matrix ? matrixLabel(t.matrix) : ''
        const pickButton = tasks.length > 1
          ? h('button', { type: 'button', class: `btn small${t.id === pick ? ' primary' : ''}`, 'data-action': 'show-output', 'aria-pressed': String(t.id === pick), onclick: () => { chosenTask.set(step.id, t.id); redraw(step.id) } }, 'Output')
          : ''
        return h('li', { class: 'step-task', dataset: { taskId: t.id, state: t.state ?? '' } },
          h('div', { class: 'step-task-head' },
            stateBadge(t.state), ' ',
            h('a', { class: 'task-id', href: taskHref(t.id) }, t.id),
            label ? h('span', { class: 'muted' }, ` ${label}`) : '', ' ', pickButton),
          t.error ? h('p', { class: 'error-text' }, typeof t.error === 'string' ? t.error : (t.error.message ?? JSON.stringify(t.error))) : '',
          t.result !== null && t.result !== undefined ? jsonBlock('Result', t.result, { open: false }) : '')
      })))
    } else if (step.status === 'pending') {
      out.push(h('p', { class: 'muted' }, 'Not started yet: it waits for the steps it needs.'))
    }
    return out
  }

  // A matrix instance's Output button: redraw the body (the pressed button) and switch the pane.
  let lastRun = null
  function redraw(stepId) {
    shown = ''
    if (lastRun) show(lastRun, stepId)
  }

  return {
    element,
    show(run, stepId) {
      lastRun = run
      show(run, stepId)
    },
    destroy() {
      if (unmountOutput) unmountOutput()
      unmountOutput = null
      chosenTask.clear()
    },
  }
}
