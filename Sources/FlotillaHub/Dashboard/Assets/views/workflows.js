// Registered workflows (GET /api/workflows): each with its description, triggers (the webhook's
// path, the schedule's next firing), inputs, run counts and last run; "Run" (submitters) opens
// the inputs form in place. Live: a workflow.* event refetches the list (at most once a second).
import { h } from '../lib/dom.js'
import { throttle } from '../lib/schedule.js'
import { inputHint } from '../lib/workflow-model.js'
import { runForm } from '../lib/run-form.js'
import { lastRunLine, recentRuns, runHref, triggerList, workflowHref } from '../lib/workflow-parts.js'

// Runs fetched for the "recent runs" strips (newest first, all workflows at once).
const RECENT = 100
const RECENT_PER_WORKFLOW = 10

function runCounts(runs) {
  const kinds = ['running', 'succeeded', 'failed', 'cancelled'].filter((k) => runs?.[k])
  if (!kinds.length) return ''
  return h('span', { class: 'run-counts' }, ...kinds.map((k) => h('span', { class: `count count-${k}` }, `${runs[k]} ${k}`)))
}

export default {
  title: 'Workflows',
  scope: 'viewer',
  mount(root, ctx) {
    const canRun = ctx.api.can('submitter')
    const cards = new Map() // name → {card, formHost, body}
    let stopped = false
    let openForm = null // the workflow whose form is open (kept across refreshes)

    const status = h('p', { class: 'list-status', role: 'status' }, 'Loading…')
    const list = h('div', { class: 'workflow-list' })
    root.classList.add('workflows-view')
    root.append(h('header', { class: 'view-header' }, h('h1', {}, 'Workflows')), status, list)

    function card(wf) {
      const formHost = h('div', { class: 'run-form-host' })
      const body = h('div', { class: 'card-body workflow-body' })
      const actions = h('div', { class: 'card-actions' })
      if (canRun) {
        const run = h('button', { type: 'button', class: 'btn small primary', 'data-action': 'run-workflow' }, 'Run')
        run.addEventListener('click', () => toggleForm(wf.name))
        actions.appendChild(run)
      }
      const el = h('section', { class: 'card workflow-card', dataset: { workflow: wf.name } },
        h('div', { class: 'card-header' }, h('h2', {}, h('a', { href: workflowHref(wf.name) }, wf.name)), actions),
        body, formHost)
      return { el, body, formHost, wf }
    }

    function fill(entry, wf, recent) {
      entry.wf = wf
      const inputs = wf.inputs?.length
        ? h('span', { class: 'chips wrap' }, ...wf.inputs.map((i) => h('span', { class: 'chip', title: [inputHint(i), i.description].filter(Boolean).join(' · ') }, `${i.name}${i.required ? '*' : ''}: ${i.type}`)))
        : h('span', { class: 'muted' }, 'none')
      entry.body.replaceChildren(
        wf.description ? h('p', { class: 'workflow-description' }, wf.description) : '',
        h('dl', { class: 'dl facts' },
          h('dt', {}, 'Triggers'), h('dd', {}, triggerList(wf.triggers)),
          h('dt', {}, 'Inputs'), h('dd', {}, inputs),
          h('dt', {}, 'Steps'), h('dd', {}, `${wf.steps?.length ?? 0}`, h('span', { class: 'muted' }, ` · ${wf.file} · version ${wf.version}`)),
          h('dt', {}, 'Last run'), h('dd', { class: 'workflow-last-run' }, lastRunLine(wf.last_run)),
          recent.length ? [h('dt', {}, 'Recent'), h('dd', {}, recentRuns(recent))] : '',
          h('dt', {}, 'Runs'), h('dd', {}, runCounts(wf.runs) || h('span', { class: 'muted' }, 'none'))))
    }

    function toggleForm(name) {
      const entry = cards.get(name)
      if (!entry) return
      if (openForm === name) { closeForm(); return }
      closeForm()
      openForm = name
      entry.formHost.replaceChildren(runForm(ctx, entry.wf, {
        onStarted: (run) => ctx.navigate(runHref(run.id)),
        onClose: closeForm,
      }))
      entry.formHost.querySelector('input, select, button')?.focus()
    }

    function closeForm() {
      if (openForm) cards.get(openForm)?.formHost.replaceChildren()
      openForm = null
    }

    function show(workflows, runs) {
      const recent = new Map()
      for (const r of runs) {
        const list = recent.get(r.workflow) ?? []
        if (list.length < RECENT_PER_WORKFLOW) list.push(r)
        recent.set(r.workflow, list)
      }
      status.classList.remove('error')
      status.textContent = workflows.length
        ? `${workflows.length} workflow${workflows.length === 1 ? '' : 's'}`
        : 'No workflows yet: register one with `flotilla workflow apply FILE` (docs/workflows.md).'
      const seen = new Set()
      let previous = null
      for (const wf of workflows) {
        seen.add(wf.name)
        let entry = cards.get(wf.name)
        if (!entry) { entry = card(wf); cards.set(wf.name, entry) }
        fill(entry, wf, recent.get(wf.name) ?? [])
        // In name order, moving only what is out of place (an open form keeps its focus).
        const want = previous ? previous.nextSibling : list.firstChild
        if (want !== entry.el) list.insertBefore(entry.el, want)
        previous = entry.el
      }
      for (const [name, entry] of cards) {
        if (!seen.has(name)) { entry.el.remove(); cards.delete(name); if (openForm === name) openForm = null }
      }
    }

    async function load() {
      try {
        // The recent runs are a bonus: the list shows without them.
        const [body, runs] = await Promise.all([ctx.api.get('/api/workflows'),
          ctx.api.get('/api/workflow-runs', { limit: RECENT }).catch(() => ({ runs: [] }))])
        if (!stopped) show(body.workflows ?? [], runs.runs ?? [])
      } catch (err) {
        if (stopped) return
        status.textContent = `Could not load the workflows: ${err.message ?? err}`
        status.classList.add('error')
      }
    }
    const refresh = throttle(load, 1)
    const unsubscribe = ctx.live.subscribe(['workflow.'], () => refresh())
    // Relative times and next firings move on without events.
    const tick = setInterval(refresh, 30000)

    load()
    return () => {
      stopped = true
      unsubscribe()
      refresh.cancel()
      clearInterval(tick)
    }
  },
}
