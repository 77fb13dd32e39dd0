// Submit a task (POST /api/tasks). The form checks what it can before sending (the payload
// must be JSON, numbers in range); the API's own errors are shown beside the field they name
// (`field` of invalid_field, missing_field, unknown_dependency …). On success it opens the
// new task. Fields may be prefilled from the hash query: #/submit?type=x&depends_on=a,b.
import { h } from '../lib/dom.js'

const PRIORITIES = ['critical', 'high', 'normal', 'low']
const FIELDS = ['type', 'role', 'priority', 'prompt', 'capabilities', 'depends_on', 'max_attempts', 'timeout_seconds', 'payload']

export default {
  title: 'Submit',
  scope: 'submitter',
  mount(root, ctx, params) {
    const q = params.query
    const errors = new Map()
    const inputs = {}

    const field = (name, label, control, hint) => {
      inputs[name] = control
      control.id = `submit-${name}`
      control.name = name
      const error = h('p', { class: 'error-text', id: `submit-${name}-error`, 'aria-live': 'polite' })
      errors.set(name, error)
      control.setAttribute('aria-describedby', `submit-${name}-error${hint ? ` submit-${name}-hint` : ''}`)
      return h('div', { class: `field field-${name}` },
        h('label', { for: control.id }, label),
        control,
        hint ? h('p', { class: 'field-hint muted', id: `submit-${name}-hint` }, hint) : '',
        error)
    }
    const input = (attrs) => h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs })

    const priority = h('select', {}, ...PRIORITIES.map((p) => h('option', { value: p }, p)))
    priority.value = PRIORITIES.includes(q.get('priority')) ? q.get('priority') : 'normal'
    const payload = h('textarea', { rows: '6', class: 'code', spellcheck: 'false' })
    payload.value = q.get('payload') ?? '{}'
    const prompt = h('textarea', { rows: '5' })
    prompt.value = q.get('prompt') ?? ''

    const formError = h('div', { class: 'form-error error-text', role: 'alert' })
    const submit = h('button', { type: 'submit', class: 'btn primary', 'data-action': 'submit' }, 'Submit task')
    const form = h('form', { class: 'submit-form', novalidate: '' },
      formError,
      h('div', { class: 'field-row' },
        field('type', 'Type', input({ required: '', placeholder: 'testing.run', value: q.get('type') ?? '' }), 'e.g. code.generate, testing.run, shell.run'),
        field('role', 'Role', input({ placeholder: 'from the type', value: q.get('role') ?? '' })),
        field('priority', 'Priority', priority)),
      field('prompt', 'Prompt', prompt, 'Work for an LLM executor; shell agents run payload.command.'),
      h('div', { class: 'field-row' },
        field('capabilities', 'Capabilities', input({ placeholder: 'python, docker', value: q.get('capabilities') ?? '' }), 'Comma-separated; the agent needs all of them.'),
        field('depends_on', 'Depends on', input({ placeholder: 'task ids', value: q.get('depends_on') ?? '' }), 'Comma-separated task ids.')),
      h('div', { class: 'field-row' },
        field('max_attempts', 'Max attempts', input({ type: 'number', min: '1', max: '100', step: '1', placeholder: '3', value: q.get('max_attempts') ?? '' })),
        field('timeout_seconds', 'Timeout (seconds)', input({ type: 'number', min: '1', max: '604800', step: '1', placeholder: 'hub default', value: q.get('timeout_seconds') ?? '' }))),
      field('payload', 'Payload (JSON)', payload, 'e.g. {"command": "make test"}'),
      h('div', { class: 'form-actions' }, submit, h('a', { class: 'btn', href: '#/tasks' }, 'Cancel')))
    root.classList.add('submit-view')
    root.append(h('header', { class: 'view-header' }, h('h1', {}, 'New task')), h('div', { class: 'card card-body' }, form))

    const setError = (name, text) => {
      const el = errors.get(name)
      if (el) el.textContent = text ?? ''
      inputs[name]?.setAttribute('aria-invalid', text ? 'true' : 'false')
    }
    const clearErrors = () => {
      for (const name of FIELDS) setError(name, '')
      formError.textContent = ''
    }

    // The payload is checked as it is typed, so a typo shows before submitting.
    payload.addEventListener('input', () => setError('payload', payloadError(payload.value)))

    const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean)

    // Builds the body; returns {body} or {errors: {field: text}}.
    function build() {
      const problems = {}
      const body = {}
      const type = inputs.type.value.trim()
      if (!type) problems.type = 'A task needs a type.'
      else body.type = type
      if (inputs.role.value.trim()) body.role = inputs.role.value.trim()
      body.priority = priority.value
      if (prompt.value.trim()) body.prompt = prompt.value
      const caps = list(inputs.capabilities.value)
      if (caps.length) body.capabilities = caps
      const deps = list(inputs.depends_on.value)
      if (deps.length) body.depends_on = deps
      for (const [name, min, max] of [['max_attempts', 1, 100], ['timeout_seconds', 1, 604800]]) {
        const raw = inputs[name].value.trim()
        if (!raw) continue
        const n = Number(raw)
        if (!Number.isInteger(n) || n < min || n > max) problems[name] = `A whole number from ${min} to ${max.toLocaleString()}.`
        else body[name] = n
      }
      const perr = payloadError(payload.value)
      if (perr) problems.payload = perr
      else if (payload.value.trim()) body.payload = JSON.parse(payload.value)
      return Object.keys(problems).length ? { errors: problems } : { body }
    }

    let sending = false
    form.addEventListener('submit', async (e) => {
      e.preventDefault()
      if (sending) return
      clearErrors()
      const { body, errors: problems } = build()
      if (problems) {
        for (const [name, text] of Object.entries(problems)) setError(name, text)
        inputs[Object.keys(problems)[0]].focus()
        return
      }
      sending = true
      submit.disabled = true
      submit.textContent = 'Submitting…'
      try {
        const record = await ctx.api.post('/api/tasks', body)
        ctx.navigate(`#/tasks/${encodeURIComponent(record.id)}`)
      } catch (err) {
        const name = errorField(err)
        if (name) {
          setError(name, err.message ?? String(err))
          inputs[name].focus()
        } else {
          formError.textContent = `${err.code ? `${err.code}: ` : ''}${err.message ?? err}`
        }
      } finally {
        sending = false
        submit.disabled = false
        submit.textContent = 'Submit task'
      }
    })

    inputs.type.focus()
    return () => {}
  },
}

function payloadError(text) {
  if (!text.trim()) return ''
  try {
    JSON.parse(text)
    return ''
  } catch (e) {
    return `Not valid JSON: ${e.message}`
  }
}

// Which form field an API error concerns: its `field` ('tasks[0].payload.x' → 'payload'), else
// a field name quoted in the message, else the code's usual field.
function errorField(err) {
  const candidates = []
  if (typeof err.field === 'string') candidates.push(err.field.replace(/^tasks\[\d+\]\./, '').split(/[.[]/)[0])
  if (err.field === 'timeout') candidates.push('timeout_seconds')
  for (const m of String(err.message ?? '').matchAll(/'([a-z_]+)'/g)) candidates.push(m[1])
  if (err.code === 'unknown_dependency' || err.code === 'dependency_cycle') candidates.push('depends_on')
  return candidates.find((c) => FIELDS.includes(c)) ?? null
}
