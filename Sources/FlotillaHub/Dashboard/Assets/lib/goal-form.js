// The "Add goal" form of #/goals (POST /api/goals): title, repository, budget, priority,
// approve plan, verify commands (one a line). The page checks nothing itself: the hub does,
// and its error is shown beside the field it names (`field`), else under the form. On success
// it calls onAdded(goal).
import { h } from './dom.js'
import { addGoalBody, formFieldOf } from './goal-model.js'
import { formErrors } from './form-errors.js'

const FIELDS = [
  { name: 'title', label: 'Goal', control: () => h('input', { type: 'text', autocomplete: 'off', placeholder: 'Add rate limiting to the API' }), hint: 'One sentence.' },
  { name: 'repo', label: 'Repository', control: () => h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: '/srv/api or https://…' }), hint: 'A path or URL the hub can clone.' },
  { name: 'budget_usd', label: 'Budget (USD)', control: () => h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', placeholder: 'none' }), hint: 'Most its tasks may spend together.' },
  { name: 'priority', label: 'Priority', control: () => h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', placeholder: '50' }), hint: '0–100, higher first.' },
  { name: 'verify', label: 'Verify commands', control: () => h('textarea', { rows: '2', spellcheck: 'false', placeholder: 'swift test' }), hint: 'One shell command a line; each merge must pass them.' },
  { name: 'approve_plan', label: 'Approve the plan before it runs', control: () => h('input', { type: 'checkbox' }), hint: '' },
]

export function goalForm(ctx, { onAdded, onClose } = {}) {
  const controls = new Map()
  const errors = formErrors(controls)
  const fields = FIELDS.map((f) => {
    const id = `goal-form-${f.name}`
    const control = f.control()
    control.id = id
    control.name = f.name
    control.setAttribute('aria-describedby', `${id}-error`)
    controls.set(f.name, control)
    const error = errors.fieldError(f.name, id)
    const checkbox = f.name === 'approve_plan'
    return h('div', { class: `field goal-field goal-field-${f.name}${checkbox ? ' field-check' : ''}`, dataset: { field: f.name } },
      checkbox ? h('label', { for: id }, control, ` ${f.label}`) : h('label', { for: id }, f.label),
      checkbox ? '' : control,
      f.hint ? h('p', { class: 'field-hint muted' }, f.hint) : '',
      error)
  })
  const add = h('button', { type: 'submit', class: 'btn primary', 'data-action': 'add-goal' }, 'Add goal')
  const close = h('button', { type: 'button', class: 'btn', 'data-action': 'close-goal-form' }, 'Close')
  const form = h('form', { class: 'goal-form card card-body', novalidate: '', 'aria-label': 'Add a goal' },
    h('div', { class: 'goal-form-fields' }, ...fields), errors.formError, h('div', { class: 'form-actions' }, add, close))
  close.addEventListener('click', () => onClose?.())

  let sending = false
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    if (sending) return
    errors.clear()
    const c = (name) => controls.get(name)
    const body = addGoalBody({ title: c('title').value, repo: c('repo').value, budget: c('budget_usd').value,
      priority: c('priority').value, approvePlan: c('approve_plan').checked, verify: c('verify').value })
    sending = true
    add.disabled = true
    add.textContent = 'Adding…'
    try {
      const goal = await ctx.api.post('/api/goals', body)
      for (const [name, control] of controls) if (name === 'approve_plan') control.checked = false; else control.value = ''
      onAdded?.(goal)
    } catch (err) {
      errors.show(err, formFieldOf(err))
    } finally {
      sending = false
      add.disabled = false
      add.textContent = 'Add goal'
    }
  })
  return { element: form, focus: () => controls.get('title').focus() }
}
