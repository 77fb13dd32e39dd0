// Tasks: the filterable, searchable task list. Paged by the server (GET /api/tasks with
// cursor), so 100,000 tasks cost one page. Live: rows are keyed by task id and patched in place
// from task events; on the newest page, a task the filters may show and the page does not have
// triggers a throttled refetch of that page, so new tasks appear at the top within a second.
import { h, clear } from '../lib/dom.js'
import { throttle } from '../lib/schedule.js'
import { readFilters, filtersHash, filtersQuery, hasFilters, eventMayMatch } from '../lib/task-query.js'
import { filterBar } from '../lib/task-filter-bar.js'
import { taskRow, updateRow, rowTask, refreshAge, taskFromEvent, taskHref } from '../lib/task-row.js'

const PAGE_SIZE = 50
const AGE_REFRESH_MS = 15000

export default {
  title: 'Tasks',
  scope: 'viewer',
  mount(root, ctx, params) {
    let filters = readFilters(params.query)
    let cursors = [undefined] // cursors[i] opens page i; page 0 is the newest
    let page = 0
    let nextCursor = null
    let generation = 0 // answers to older requests are ignored
    let unseen = 0 // new tasks seen while not on the newest page
    const rows = new Map() // task id → <tr>
    const updates = new Map() // task id → latest event, applied by the throttled render

    const bar = filterBar(filters, (f) => {
      filters = f
      // replaceState: the link follows the filters without remounting the view (the search
      // field keeps focus while typing).
      history.replaceState(null, '', filtersHash(filters))
      cursors = [undefined]
      page = 0
      load()
    })
    const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite' })
    const body = h('tbody')
    const table = h('table', { class: 'table task-table' },
      h('thead', {}, h('tr', {},
        h('th', { class: 'col-state', scope: 'col' }, 'State'),
        h('th', { class: 'col-task', scope: 'col' }, 'Task'),
        h('th', { class: 'col-type', scope: 'col' }, 'Type'),
        h('th', { class: 'col-role', scope: 'col' }, 'Role'),
        h('th', { class: 'col-agent', scope: 'col' }, 'Agent'),
        h('th', { class: 'col-attempt num', scope: 'col', title: 'Attempt' }, '#'),
        h('th', { class: 'col-age', scope: 'col' }, 'Created'))),
      body)
    const newer = h('button', { type: 'button', class: 'btn', 'data-action': 'newer' }, '← Newer')
    const older = h('button', { type: 'button', class: 'btn', 'data-action': 'older' }, 'Older →')
    const pageLabel = h('span', { class: 'page-label muted' })
    const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' }, newer, pageLabel, older)
    root.classList.add('tasks-view')
    root.append(
      h('header', { class: 'view-header' }, h('h1', {}, 'Tasks'),
        ctx.api.can('submitter') ? h('a', { class: 'btn primary', href: '#/submit', 'data-action': 'new-task' }, 'New task') : ''),
      bar.el, status, h('div', { class: 'card table-wrap' }, table), pager)

    // A click anywhere on a row opens the task (the id is the link for the keyboard).
    body.addEventListener('click', (e) => {
      if (e.target.closest('a, button, input') || getSelection().toString()) return
      const tr = e.target.closest('tr.task-row')
      if (tr) ctx.navigate(taskHref(tr.dataset.taskId))
    })
    newer.addEventListener('click', () => go(page - 1))
    older.addEventListener('click', () => go(page + 1))

    function go(p) {
      if (p < 0 || p >= cursors.length) return
      page = p
      // A new page starts at its top, as a new page of a book would.
      window.scrollTo(0, 0)
      load()
    }

    async function load() {
      const mine = ++generation
      status.textContent = 'Loading…'
      try {
        const answer = await ctx.api.get('/api/tasks', filtersQuery(filters, cursors[page], PAGE_SIZE))
        if (mine !== generation) return
        nextCursor = answer.next_cursor ?? null
        cursors.length = page + 1
        if (nextCursor && answer.tasks.length === PAGE_SIZE) cursors.push(nextCursor)
        if (page === 0) unseen = 0
        show(answer.tasks)
      } catch (err) {
        if (mine !== generation) return
        status.textContent = `Could not load tasks: ${err.message ?? err}`
        status.classList.add('error')
      }
    }

    // Shows a page, reusing the rows of tasks already shown (keyed by id).
    function show(tasks) {
      const keep = new Set(tasks.map((t) => t.id))
      for (const [id, tr] of rows) if (!keep.has(id)) { tr.remove(); rows.delete(id) }
      let before = body.firstChild
      for (const task of tasks) {
        let tr = rows.get(task.id)
        if (tr) updateRow(tr, task)
        else { tr = taskRow(task); rows.set(task.id, tr) }
        if (tr !== before) body.insertBefore(tr, before)
        else before = before.nextSibling
      }
      if (tasks.length === 0) {
        body.appendChild(h('tr', { class: 'empty-row' }, h('td', { colspan: '7' },
          hasFilters(filters) ? 'No tasks match these filters.' : 'No tasks yet.')))
      } else {
        for (const e of body.querySelectorAll('.empty-row')) e.remove()
      }
      showStatus()
      if (updates.size) render() // events that arrived while the page loaded
      newer.disabled = page === 0
      older.disabled = page + 1 >= cursors.length
      pageLabel.textContent = `page ${page + 1}`
    }

    function showStatus() {
      status.classList.remove('error')
      clear(status)
      const n = rows.size
      status.append(`${n} task${n === 1 ? '' : 's'}${page === 0 ? ' · newest first' : ''}`)
      if (unseen > 0) {
        const back = h('button', { type: 'button', class: 'link-button', 'data-action': 'newest' }, `${unseen} new · show newest`)
        back.addEventListener('click', () => go(0))
        status.append(' · ', back)
      }
    }

    // Live: patch known rows in place (at most ten renders a second); refetch the newest page
    // (at most twice a second) when a task it may show is not on it.
    const statusLater = throttle(showStatus, 4)
    const refetch = throttle(() => { if (page === 0) load() }, 2)
    const render = throttle(() => {
      for (const [id, ev] of updates) {
        const tr = rows.get(id)
        if (tr) updateRow(tr, taskFromEvent(rowTask(tr), ev))
      }
      updates.clear()
    }, 10)
    const unsubscribe = ctx.live.subscribe(['task.'], (ev) => {
      if (!ev.task_id) return
      if (rows.has(ev.task_id)) {
        updates.set(ev.task_id, ev)
        render()
      } else if (eventMayMatch(filters, ev) && (ev.type === 'task.queued' || ev.type === 'task.blocked' || hasFilters(filters))) {
        if (page === 0) refetch()
        else if (ev.type === 'task.queued' || ev.type === 'task.blocked') { unseen++; statusLater() }
      }
    })
    const ages = setInterval(() => { for (const tr of rows.values()) refreshAge(tr) }, AGE_REFRESH_MS)

    load()
    return () => {
      generation++
      unsubscribe()
      clearInterval(ages)
      refetch.cancel()
      render.cancel()
      statusLater.cancel()
      bar.destroy()
    }
  },
}
