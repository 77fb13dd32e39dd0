// One workflow (GET /api/workflows/{name}): its steps as a static graph (needs solid,
// on_failure dashed), triggers and inputs, its YAML source (text, monospace), and its runs
// (GET /api/workflows/{name}/runs), 20 a page (`before` cursor), filtered by status. Live: a
// workflow.* event of this workflow refetches the runs on the newest page (at most once a
// second); "Run" (submitters) opens the inputs form.
import { h } from '../lib/dom.js'
import { throttle } from '../lib/schedule.js'
import { createStepGraph } from '../lib/step-graph.js'
import { runForm } from '../lib/run-form.js'
import { RUN_STATUSES, inputHint } from '../lib/workflow-model.js'
import { runHref, runRow, runTableHead, triggerList } from '../lib/workflow-parts.js'

const PAGE = 20

function panel(title, ...body) {
  return h('section', { class: 'card' }, h('div', { class: 'card-header' }, h('h2', {}, title)), h('div', { class: 'card-body' }, ...body))
}

export default {
  title: 'Workflow',
  scope: 'viewer',
  mount(root, ctx, params) {
    const name = params.id
    const canRun = ctx.api.can('submitter')
    let stopped = false
    let workflow = null
    let cursors = [] // `before` of each page shown after the newest (empty: the newest page)
    let lastPage = []
    let runsGeneration = 0

    const title = h('h1', {}, h('span', { class: 'muted' }, 'Workflow '), name)
    const actions = h('div', { class: 'actions' })
    const description = h('p', { class: 'task-subtitle muted' })
    const formHost = h('div', { class: 'run-form-host' })
    const graph = createStepGraph({ label: `Steps of ${name}` })
    const facts = h('div')
    const source = h('pre', { class: 'code workflow-source', tabindex: '0', 'aria-label': 'Workflow source' })
    const filter = h('select', { name: 'status', 'aria-label': 'Filter runs by status' },
      h('option', { value: '' }, 'All statuses'), ...RUN_STATUSES.map((st) => h('option', { value: st }, st)))
    filter.value = RUN_STATUSES.includes(params.query.get('status')) ? params.query.get('status') : ''
    const runsBody = h('tbody')
    const runsStatus = h('p', { class: 'list-status', role: 'status' })
    const newer = h('button', { type: 'button', class: 'btn small', 'data-action': 'newer', disabled: true }, 'Newer')
    const older = h('button', { type: 'button', class: 'btn small', 'data-action': 'older', disabled: true }, 'Older')
    const runsCard = h('section', { class: 'card workflow-runs' },
      h('div', { class: 'card-header' }, h('h2', {}, 'Runs'), filter),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table run-table' }, runTableHead(), runsBody)),
      h('div', { class: 'card-body pager' }, runsStatus, newer, older))

    root.classList.add('workflow-view')
    root.dataset.workflow = name
    root.append(
      h('header', { class: 'view-header' }, title, actions),
      description, formHost,
      panel('Steps', graph.element),
      h('div', { class: 'workflow-columns' }, runsCard,
        h('div', { class: 'workflow-side' }, panel('Triggers and inputs', facts), panel('Source', source))))

    const closeForm = () => formHost.replaceChildren()
    function showActions() {
      actions.replaceChildren()
      if (!canRun) return
      const run = h('button', { type: 'button', class: 'btn primary', 'data-action': 'run-workflow' }, 'Run')
      run.addEventListener('click', () => {
        if (formHost.firstChild) { closeForm(); return }
        formHost.replaceChildren(h('div', { class: 'card card-body' }, runForm(ctx, workflow, { onStarted: (r) => ctx.navigate(runHref(r.id)), onClose: closeForm })))
        formHost.querySelector('input, select, button')?.focus()
      })
      actions.appendChild(run)
    }

    function show(wf) {
      const first = !workflow
      workflow = wf
      description.textContent = wf.description ?? ''
      if (first) showActions()
      graph.update(wf.steps ?? [])
      facts.replaceChildren(h('dl', { class: 'dl facts' },
        h('dt', {}, 'Triggers'), h('dd', {}, triggerList(wf.triggers)),
        h('dt', {}, 'Inputs'), h('dd', {}, wf.inputs?.length
          ? h('ul', { class: 'input-list' }, ...wf.inputs.map((i) => h('li', {}, h('code', {}, i.name), h('span', { class: 'muted' }, ` ${inputHint(i)}`), i.description ? ` — ${i.description}` : '')))
          : h('span', { class: 'muted' }, 'none')),
        h('dt', {}, 'File'), h('dd', {}, h('code', {}, wf.file), h('span', { class: 'muted' }, ` · version ${wf.version}`))))
      // Text content: the YAML is shown as written, never parsed as HTML.
      if (source.textContent !== (wf.source ?? '')) source.textContent = wf.source ?? ''
    }

    async function load() {
      try {
        const wf = await ctx.api.get(`/api/workflows/${encodeURIComponent(name)}`)
        if (!stopped) show(wf)
      } catch (err) {
        if (stopped || workflow) return
        root.replaceChildren(h('header', { class: 'view-header' }, title),
          h('p', { class: 'notice error' }, err.code === 'workflow_not_found' ? `No workflow is registered as ${name}.` : `Could not load the workflow: ${err.message ?? err}`),
          h('p', {}, h('a', { href: '#/workflows' }, '← All workflows')))
      }
    }

    async function loadRuns() {
      const mine = ++runsGeneration
      const before = cursors[cursors.length - 1]
      try {
        const body = await ctx.api.get(`/api/workflows/${encodeURIComponent(name)}/runs`, { status: filter.value, before, limit: PAGE })
        if (stopped || mine !== runsGeneration) return
        lastPage = body.runs ?? []
        runsBody.replaceChildren(...(lastPage.length ? lastPage.map(runRow)
          : [h('tr', { class: 'empty-row' }, h('td', { colspan: '6' },
            cursors.length ? 'No older runs.' : filter.value ? `No ${filter.value} runs.` : 'No runs yet.'))]))
        runsStatus.classList.remove('error')
        runsStatus.textContent = cursors.length ? `Page ${cursors.length + 1}` : ''
        newer.disabled = cursors.length === 0
        older.disabled = lastPage.length < PAGE
      } catch (err) {
        if (stopped || mine !== runsGeneration) return
        runsStatus.textContent = `Could not load the runs: ${err.message ?? err}`
        runsStatus.classList.add('error')
      }
    }

    filter.addEventListener('change', () => { cursors = []; loadRuns() })
    older.addEventListener('click', () => {
      if (!lastPage.length) return
      cursors.push(lastPage[lastPage.length - 1].id)
      loadRuns()
    })
    newer.addEventListener('click', () => { cursors.pop(); loadRuns() })

    const refreshRuns = throttle(() => { if (cursors.length === 0) loadRuns() }, 1)
    const unsubscribe = ctx.live.subscribe(['workflow.'], (ev) => {
      if (ev.data?.workflow === name) refreshRuns()
    })

    load()
    loadRuns()
    return () => {
      stopped = true
      unsubscribe()
      refreshRuns.cancel()
      graph.destroy()
    }
  },
}
