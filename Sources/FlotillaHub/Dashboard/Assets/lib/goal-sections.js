// The detail page's sections (#/goals/{id}), drawn from a goal record and its run: the state
// timeline, each plan step (title, criteria, files, merge, fixes with links to their tasks),
// the verification checks, the review (tier with reasons, secret findings file:line, diff
// size), and the notices (reasons, planning issues, the approval it waits for).
import { h } from './dom.js'
import { ago, dateTime, link, stateBadge } from './format.js'
import { iso, planSteps, planning, proposal, review, stepMerge, verification } from './goal-model.js'

const taskLink = (id) => h('a', { class: 'mono', href: link.task(id) }, id)
const commitText = (c) => (typeof c === 'string' ? c.slice(0, 10) : '')

// [{seq, ts, from, to, reason}] → an ordered list, oldest first.
export function timelineList(entries, loading) {
  if (!entries.length) return h('p', { class: 'muted goal-timeline-empty' }, loading ? 'Reading the event log…' : 'No state changes recorded (older events may be past the retention).')
  return h('ol', { class: 'goal-timeline' }, ...entries.map((e) => {
    const at = iso(e.ts)
    return h('li', { class: 'goal-timeline-entry', dataset: { to: e.to ?? '', seq: String(e.seq) } },
      h('time', { datetime: at ?? '', title: at ? dateTime(at) : '' }, at ? ago(at) : '—'),
      ' ', e.from ? stateBadge(e.from) : h('span', { class: 'muted' }, 'added'), ' → ', stateBadge(e.to),
      e.reason ? h('span', { class: 'goal-timeline-reason' }, ` ${e.reason}`) : '')
  }))
}

// Each step of the plan, in plan order, with what the merge queue did with it.
export function stepList(goal, run) {
  const steps = planSteps(goal)
  if (!steps.length) return h('p', { class: 'muted' }, goal.state === 'queued' || goal.state === 'planning' ? 'No plan yet.' : 'No plan.')
  const runSteps = new Map((run?.steps ?? []).map((st) => [st.id, st]))
  return h('ol', { class: 'goal-steps' }, ...steps.map((st) => {
    const m = stepMerge(goal, st.id)
    const tasks = runSteps.get(st.id)?.tasks ?? []
    const status = runSteps.get(st.id)?.status
    return h('li', { class: 'goal-step card', dataset: { stepId: st.id, merge: m?.state ?? '' } },
      h('div', { class: 'goal-step-head' }, h('strong', {}, st.title ?? st.id), ' ', h('code', { class: 'muted' }, st.id),
        status ? stateBadge(status) : '', m ? h('span', { class: `chip merge-${m.state}` }, m.state === 'merged' ? 'merged ✓' : m.state) : ''),
      Array.isArray(st.success_criteria) && st.success_criteria.length
        ? h('ul', { class: 'goal-criteria' }, ...st.success_criteria.map((c) => h('li', {}, String(c)))) : '',
      h('dl', { class: 'dl facts goal-step-facts' },
        st.needs?.length ? [h('dt', {}, 'Needs'), h('dd', {}, st.needs.join(', '))] : '',
        st.files?.length ? [h('dt', {}, 'Files'), h('dd', { class: 'chips wrap' }, ...st.files.map((f) => h('code', { class: 'chip' }, String(f))))] : '',
        st.role ? [h('dt', {}, 'Role'), h('dd', {}, st.role)] : '',
        tasks.length ? [h('dt', {}, 'Tasks'), h('dd', {}, ...tasks.flatMap((t, i) => [i ? ', ' : '', taskLink(t.id), ` (${t.state ?? '?'})`]))] : '',
        m ? [h('dt', {}, 'Merge'), h('dd', {}, m.state,
          m.mergedCommit ? h('span', {}, ' as ', h('code', {}, commitText(m.mergedCommit))) : '',
          m.taskId && !tasks.some((t) => t.id === m.taskId) ? h('span', {}, ' · ', taskLink(m.taskId)) : '',
          m.reason ? h('span', { class: 'muted' }, ` · ${m.reason}`) : '')] : '',
        m?.fixes.length ? [h('dt', {}, 'Fixes'), h('dd', { class: 'goal-fixes' }, ...m.fixes.flatMap((id, i) => [i ? ', ' : '', taskLink(String(id))]))] : ''))
  }))
}

export function verificationBlock(goal) {
  const v = verification(goal)
  if (!v) return h('p', { class: 'muted' }, 'Not verified yet.')
  return h('div', { class: 'goal-verification' },
    v.rounds !== null ? h('p', { class: 'muted' }, `${v.rounds} round${v.rounds === 1 ? '' : 's'}`,
      v.fixTasks.length ? h('span', {}, ' · corrective tasks ', ...v.fixTasks.flatMap((id, i) => [i ? ', ' : '', taskLink(String(id))])) : '') : '',
    v.checks.length ? h('ul', { class: 'goal-checks' }, ...v.checks.map((c) => h('li', { class: 'goal-check', dataset: { passed: String(c.passed === true) } },
      h('span', { class: `chip ${c.passed ? 'ok' : 'bad'}` }, c.passed ? 'passed' : `exit ${c.exit_code ?? '?'}`), ' ', h('code', {}, String(c.command ?? '')),
      c.output ? h('details', {}, h('summary', {}, 'Output'), h('pre', { class: 'output-pre' }, String(c.output))) : '')))
      : h('p', { class: 'muted' }, 'No checks.'))
}

export function reviewBlock(goal) {
  const r = review(goal)
  if (!r) return h('p', { class: 'muted' }, 'Not reviewed yet.')
  return h('div', { class: 'goal-review', dataset: { tier: r.tier ?? '', blocked: String(r.blocked) } },
    h('p', {}, h('span', { class: `tier tier-${(r.tier ?? 'unknown').replace(/[^a-z]/g, '')}` }, `${r.tier ?? '?'} risk`),
      r.diff ? h('span', { class: 'muted' }, ` · ${r.diff.files} file${r.diff.files === 1 ? '' : 's'}, +${r.diff.added} −${r.diff.removed}`) : '',
      r.autoMerge ? h('span', { class: 'chip' }, 'auto-merge') : '',
      r.blocked ? h('strong', { class: 'danger-text' }, ' · publication blocked') : ''),
    r.reasons.length ? h('ul', { class: 'goal-reasons' }, ...r.reasons.map((t) => h('li', {}, t))) : '',
    r.secrets.length ? h('div', { class: 'goal-secrets' }, h('h3', {}, 'Secrets found'),
      h('ul', {}, ...r.secrets.map((f) => h('li', { class: 'goal-secret' }, h('code', {}, `${f.file}:${f.line}`), ` ${f.kind ?? ''}`,
        f.excerpt ? h('code', { class: 'muted goal-secret-excerpt' }, ` ${f.excerpt}`) : '')))) : '')
}

// What stops the goal or waits for someone: its reasons once failed or cancelled, the planning
// issues of a refused plan, the approval its plan waits for.
export function noticesFor(goal) {
  const out = []
  if (goal.state === 'awaiting_approval') {
    const id = planning(goal)?.approvalId
    out.push(h('div', { class: 'notice goal-approval' }, h('strong', {}, 'The plan waits for a person. '),
      h('a', { href: '#/approvals', 'data-approval-id': id ?? '' }, id ? `Decide on approval ${id}` : 'Open the approvals')))
  }
  const proposed = proposal(goal)
  if (proposed) {
    out.push(h('div', { class: 'notice goal-proposal' }, h('strong', {}, 'Proposed by the hub\'s own initiative: '),
      `${proposed.kind ?? 'finding'}: ${proposed.summary ?? ''}`,
      goal.state === 'queued' ? h('span', {}, ' · ', h('a', { href: '#/approvals' }, 'its proposal may wait for a person')) : ''))
  }
  const issues = planning(goal)?.issues ?? []
  if (issues.length && !planSteps(goal).length) {
    out.push(h('div', { class: 'notice error goal-issues' }, h('strong', {}, 'The plan was refused:'),
      h('ul', {}, ...issues.map((t) => h('li', {}, h('code', {}, t))))))
  }
  if ((goal.state === 'failed' || goal.state === 'cancelled') && goal.reasons?.length) {
    out.push(h('div', { class: `notice${goal.state === 'failed' ? ' error' : ''} goal-reasons-notice` }, h('strong', {}, goal.state === 'failed' ? 'Failed: ' : 'Cancelled: '),
      goal.reasons[goal.reasons.length - 1]))
  }
  return out
}
