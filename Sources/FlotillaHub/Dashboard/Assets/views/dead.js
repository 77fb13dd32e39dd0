// Dead letters: dead tasks with their last error; submitters select one or many and retry
// them in one request (POST /api/tasks/retry), each row then shows its own outcome. Live: new
// dead tasks are added at the top (throttled refetch of the newest page); a retried task's row
// changes state in place and stays until the page is reloaded, so nothing jumps.
import { h } from '../lib/dom.js'
import { ago, stateBadge } from '../lib/format.js'
import { throttle } from '../lib/schedule.js'
import { taskLink } from '../lib/task-row.js'
import { taskTitle } from '../lib/task-query.js'

const PAGE_SIZE = 50

export default {
  title: 'Dead letters',
  scope: 'viewer',
  mount(root, ctx) {
    const canRetry = ctx.api.can('submitter')
    const rows = new Map() // id → {tr, box, stateCell, resultCell, task}
    let nextCursor = null
    let stopped = false
    let sending = false

    const selectAll = h('input', { type: 'checkbox', 'aria-label': 'Select every dead task on the page', 'data-action': 'select-all' })
    const retryButton = h('button', { type: 'button', class: 'btn primary', id: 'retry-selected', 'data-action': 'retry' }, 'Retry selected')
    const summary = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite' }, 'Loading…')
    const body = h('tbody')
    const more = h('button', { type: 'button', class: 'btn', 'data-action': 'load-more' }, 'Load more')
    const head = h('tr', {},
      canRetry ? h('th', { class: 'col-check', scope: 'col' }, selectAll) : '',
      h('th', { class: 'col-state', scope: 'col' }, 'State'),
      h('th', { class: 'col-task', scope: 'col' }, 'Task'),
      h('th', { class: 'col-error', scope: 'col' }, 'Last error'),
      h('th', { class: 'col-attempt num', scope: 'col', title: 'Attempts' }, '#'),
      h('th', { class: 'col-age', scope: 'col' }, 'Died'),
      h('th', { class: 'col-result', scope: 'col' }, 'Retry'))
    root.classList.add('dead-view')
    root.append(
      h('header', { class: 'view-header' }, h('h1', {}, 'Dead letters'), canRetry ? retryButton : ''),
      summary,
      h('div', { class: 'card table-wrap' }, h('table', { class: 'table dead-table' }, h('thead', {}, head), body)),
      h('div', { class: 'pager' }, more))

    const selected = () => [...rows.values()].filter((r) => r.box?.checked && !r.box.disabled)
    const showSelection = () => {
      const n = selected().length
      retryButton.textContent = n ? `Retry ${n} selected` : 'Retry selected'
      retryButton.disabled = n === 0 || sending
      const selectable = [...rows.values()].filter((r) => r.box && !r.box.disabled)
      selectAll.checked = selectable.length > 0 && n === selectable.length
      selectAll.indeterminate = n > 0 && n < selectable.length
    }

    function addRow(task, atTop) {
      const box = canRetry ? h('input', { type: 'checkbox', 'aria-label': `Select ${task.id}` }) : null
      const stateCell = h('td', { class: 'col-state' }, stateBadge(task.state))
      const resultCell = h('td', { class: 'col-result' })
      const error = task.error ?? task.reason ?? ''
      const title = taskTitle(task)
      const tr = h('tr', { class: 'task-row', 'data-task-id': task.id, 'data-state': task.state },
        canRetry ? h('td', { class: 'col-check' }, box) : '',
        stateCell,
        h('td', { class: 'col-task', title }, taskLink(task.id), title ? h('span', { class: 'task-title' }, title) : ''),
        h('td', { class: 'col-error', title: [task.error, task.reason].filter(Boolean).join('\n') }, error),
        h('td', { class: 'col-attempt num' }, String(task.attempt ?? '')),
        h('td', { class: 'col-age', title: task.finished_at ?? '' }, task.finished_at ? ago(task.finished_at) : ''),
        resultCell)
      box?.addEventListener('change', showSelection)
      rows.set(task.id, { tr, box, stateCell, resultCell, task })
      if (atTop) body.insertBefore(tr, body.firstChild); else body.appendChild(tr)
    }

    function showSummary() {
      for (const e of body.querySelectorAll('.empty-row')) e.remove()
      if (rows.size === 0) body.appendChild(h('tr', { class: 'empty-row' }, h('td', { colspan: '7' }, 'No dead tasks.')))
      summary.textContent = `${rows.size} dead task${rows.size === 1 ? '' : 's'} shown${nextCursor ? ' · more below' : ''}`
      more.hidden = !nextCursor
      showSelection()
    }

    async function loadMore() {
      more.disabled = true
      try {
        const answer = await ctx.api.get('/api/tasks', { state: 'dead', limit: PAGE_SIZE, cursor: nextCursor ?? undefined })
        if (stopped) return
        for (const t of answer.tasks) if (!rows.has(t.id)) addRow(t, false)
        nextCursor = answer.tasks.length === PAGE_SIZE ? answer.next_cursor : null
        showSummary()
      } catch (err) {
        summary.textContent = `Could not load dead tasks: ${err.message ?? err}`
      } finally {
        more.disabled = false
      }
    }

    // New dead tasks: the newest page, whose unknown tasks go on top (newest first).
    async function loadNewest() {
      try {
        const answer = await ctx.api.get('/api/tasks', { state: 'dead', limit: PAGE_SIZE })
        if (stopped) return
        for (const t of [...answer.tasks].reverse()) if (!rows.has(t.id)) addRow(t, true)
        showSummary()
      } catch {
        // The next event tries again.
      }
    }

    async function retrySelected() {
      const ids = selected().map((r) => r.task.id)
      if (ids.length === 0 || sending) return
      sending = true
      showSelection()
      summary.textContent = `Retrying ${ids.length}…`
      try {
        const answer = await ctx.api.post('/api/tasks/retry', { ids })
        for (const id of answer.retried ?? []) mark(id, true, 'retried')
        for (const e of answer.errors ?? []) mark(e.id, false, `${e.code}: ${e.message}`)
        const failed = answer.errors?.length ?? 0
        summary.textContent = `${answer.retried?.length ?? 0} retried${failed ? `, ${failed} refused` : ''}.`
      } catch (err) {
        summary.textContent = `Retry failed: ${err.message ?? err}`
      } finally {
        sending = false
        showSelection()
      }
    }

    function mark(id, ok, text) {
      const r = rows.get(id)
      if (!r) return
      r.resultCell.replaceChildren(h('span', { class: ok ? 'result-ok' : 'result-error', 'data-result': ok ? 'retried' : 'error' }, text))
      if (ok && r.box) { r.box.checked = false; r.box.disabled = true }
    }

    function setState(id, state) {
      const r = rows.get(id)
      if (!r || r.tr.dataset.state === state) return
      r.tr.dataset.state = state
      r.stateCell.replaceChildren(stateBadge(state))
      if (r.box) {
        r.box.disabled = state !== 'dead'
        if (r.box.disabled) r.box.checked = false
      }
      if (state === 'dead') r.resultCell.replaceChildren()
      else if (!r.resultCell.firstChild) r.resultCell.replaceChildren(h('span', { class: 'result-ok', 'data-result': 'retried' }, 'retried'))
    }

    retryButton.addEventListener('click', retrySelected)
    selectAll.addEventListener('change', () => {
      for (const r of rows.values()) if (r.box && !r.box.disabled) r.box.checked = selectAll.checked
      showSelection()
    })
    more.addEventListener('click', loadMore)

    const states = new Map()
    const paint = throttle(() => { for (const [id, st] of states) setState(id, st); states.clear(); showSelection() }, 10)
    const newest = throttle(loadNewest, 2)
    const unsubscribe = ctx.live.subscribe(['task.'], (ev) => {
      if (!ev.task_id) return
      if (rows.has(ev.task_id)) {
        if (ev.data?.state) { states.set(ev.task_id, ev.data.state); paint() }
      } else if (ev.type === 'task.dead') {
        newest()
      }
    })

    loadMore()
    return () => {
      stopped = true
      unsubscribe()
      paint.cancel()
      newest.cancel()
    }
  },
}
