// One approval request on the approvals view: a card for a pending request (who asks, for what,
// the exact command or diff, the time left, and Allow / Deny for submitters), and a table row
// for a decided one (who decided, how, why).
import { h, setText } from './dom.js'
import { ago, dateTime, link, stateBadge } from './format.js'
import { choiceLabel, countdown, decisionText, diffLines, secondsLeft, toIso } from './approval-model.js'
import { taskLink } from './task-row.js'

// The exact command / diff / content asked about, diff lines coloured; the raw input as JSON
// when the executor gave no detail.
export function detailBlock(record) {
  const text = (record.detail || (record.input && Object.keys(record.input).length ? JSON.stringify(record.input, null, 2) : '')).replace(/\n+$/, '')
  const pre = h('pre', { class: 'code approval-detail', tabindex: '0', 'aria-label': `What ${record.tool} would do` })
  for (const { kind, line } of diffLines(text)) pre.appendChild(h('span', { class: `diff-line diff-${kind}` }, line, '\n'))
  return pre
}

function who(record) {
  return h('span', { class: 'approval-who' },
    h('a', { href: link.agent(record.agent_id), class: 'approval-agent' }, record.agent_id),
    record.role ? h('span', { class: 'muted' }, ` (${record.role})`) : '',
    record.task_id ? [' · ', taskLink(record.task_id), record.attempt ? h('span', { class: 'muted' }, ` #${record.attempt}`) : ''] : '')
}

// pendingCard(record, {canDecide, decide}) → {el, tick(now), busy(bool), error(text)}.
// decide(action, body) posts the decision and resolves when the hub has answered: the card
// changes nothing before that (the view moves it to the history with the hub's record).
export function pendingCard(record, { canDecide, decide }) {
  const clock = h('span', { class: 'approval-countdown', title: `Decided by the timeout policy at ${dateTime(toIso(record.expires_at))}` })
  const error = h('p', { class: 'approval-error', role: 'alert', hidden: true })
  const buttons = []
  const el = h('article', { class: 'card approval-card', dataset: { approvalId: record.id, state: record.state } },
    h('header', { class: 'approval-head' },
      h('span', { class: 'chip approval-tool' }, record.tool),
      h('code', { class: 'approval-subject', title: record.subject }, record.subject),
      clock),
    h('div', { class: 'approval-meta' },
      who(record),
      h('span', { class: 'chip', title: 'Where the request came from' }, record.source),
      record.read_only ? h('span', { class: 'chip', title: 'A read-only tool' }, 'read-only') : '',
      h('span', { class: 'muted', title: dateTime(toIso(record.created_at)) }, `asked ${ago(toIso(record.created_at))}`)),
    detailBlock(record),
    canDecide ? actions() : '',
    error)

  function actions() {
    const row = h('div', { class: 'approval-actions' })
    const allowing = (record.choices || []).filter((c) => c.allows)
    if (allowing.length) {
      for (const c of allowing) {
        const b = h('button', { type: 'button', class: 'btn primary', dataset: { action: 'allow', choice: c.key }, title: `Answer "${c.key}"` }, c.label)
        b.addEventListener('click', () => send('allow', { choice: c.key }))
        row.appendChild(b)
      }
    } else {
      const b = h('button', { type: 'button', class: 'btn primary', dataset: { action: 'allow' } }, 'Allow')
      b.addEventListener('click', () => send('allow', {}))
      row.appendChild(b)
    }
    const deny = h('button', { type: 'button', class: 'btn danger', dataset: { action: 'deny' } }, 'Deny…')
    const reason = h('input', { type: 'text', name: 'reason', required: true, maxlength: 2000, placeholder: 'Why? The agent reads this.', 'aria-label': 'Reason for denying' })
    const confirm = h('button', { type: 'submit', class: 'btn danger solid', dataset: { action: 'confirm-deny' } }, 'Deny')
    const keep = h('button', { type: 'button', class: 'btn', dataset: { action: 'cancel-deny' } }, 'Back')
    const form = h('form', { class: 'deny-form', hidden: true }, reason, confirm, keep)
    deny.addEventListener('click', () => { form.hidden = false; deny.hidden = true; reason.focus() })
    keep.addEventListener('click', () => { form.hidden = true; deny.hidden = false; deny.focus() })
    reason.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') keep.click() })
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const why = reason.value.trim()
      if (!why) { reason.focus(); return }
      send('deny', { reason: why })
    })
    row.appendChild(deny)
    buttons.push(...row.querySelectorAll('button'), confirm, keep, reason)
    return [row, form]
  }

  let sending = false
  async function send(action, body) {
    if (sending) return
    sending = true
    card.busy(true)
    card.error(null)
    try {
      await decide(action, body)
    } catch (e) {
      card.error(e.code === 'approval_decided' ? `Already decided: ${e.message}` : `${e.code ? `${e.code}: ` : ''}${e.message}`)
    } finally {
      sending = false
      card.busy(false)
    }
  }

  const card = {
    el,
    record,
    tick(now = Date.now()) {
      const left = secondsLeft(record, now)
      setText(clock, left === null ? '' : left <= 0 ? 'expired' : `${countdown(left)} left`)
      el.dataset.expiring = left !== null && left < 60 ? 'true' : 'false'
    },
    busy(on) { for (const b of buttons) b.disabled = on; el.setAttribute('aria-busy', String(on)) },
    error(text) { error.hidden = !text; setText(error, text || '') },
  }
  card.tick()
  return card
}

// decidedRow(record) → a <tr> of the history table.
export function decidedRow(record) {
  const choice = choiceLabel(record)
  const decidedAt = toIso(record.decided_at)
  return h('tr', { class: 'approval-row', dataset: { approvalId: record.id, state: record.state, decidedBy: record.decided_by ?? '' } },
    h('td', { class: 'col-state' }, stateBadge(record.state)),
    h('td', { class: 'col-request', title: record.detail || record.subject },
      h('span', { class: 'chip approval-tool' }, record.tool), ' ', h('code', { class: 'approval-subject' }, record.subject)),
    h('td', { class: 'col-who' }, who(record)),
    h('td', { class: 'col-decision', title: record.decider ?? '' }, decisionText(record), choice ? h('span', { class: 'muted' }, ` · ${choice}`) : ''),
    h('td', { class: 'col-reason wrap' }, record.reason ?? ''),
    h('td', { class: 'col-age', title: dateTime(decidedAt) }, decidedAt ? ago(decidedAt) : ''))
}
