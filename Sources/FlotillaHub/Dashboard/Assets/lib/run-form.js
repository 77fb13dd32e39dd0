// The small form that starts a run of a registered workflow (POST /api/workflows/{name}/runs):
// one control per declared input, typed (text, number, or a true/false/default select), the
// hub's refusals (`workflow_invalid_input`, field `inputs.NAME`) shown beside the input they
// name. On success it calls onStarted(run) (the pages open the run).
import { h } from './dom.js'
import { buildInputs, inputHint, inputOfError } from './workflow-model.js'
import { formErrors } from './form-errors.js'

let formCount = 0

export function runForm(ctx, workflow, { onStarted, onClose } = {}) {
  const prefix = `run-${++formCount}`
  const controls = new Map()
  const errors = formErrors(controls)
  const inputs = workflow.inputs ?? []

  const fields = inputs.map((input) => {
    const id = `${prefix}-${input.name}`
    let control
    if (input.type === 'boolean') {
      const def = input.default === true ? 'true' : input.default === false ? 'false' : null
      control = h('select', { id, name: input.name },
        h('option', { value: '' }, def === null ? '(not given)' : `default (${def})`),
        h('option', { value: 'true' }, 'true'),
        h('option', { value: 'false' }, 'false'))
    } else {
      control = h('input', { id, name: input.name, type: 'text', autocomplete: 'off', spellcheck: 'false',
        inputmode: input.type === 'number' ? 'decimal' : undefined,
        placeholder: input.default !== undefined && input.default !== null ? String(input.default) : (input.required ? 'required' : '') })
    }
    controls.set(input.name, control)
    const error = errors.fieldError(input.name, id)
    control.setAttribute('aria-describedby', `${id}-error ${id}-hint`)
    return h('div', { class: `field field-input`, dataset: { input: input.name } },
      h('label', { for: id }, input.name, input.required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : ''),
      control,
      h('p', { class: 'field-hint muted', id: `${id}-hint` }, [inputHint(input), input.description].filter(Boolean).join(' · ')),
      error)
  })

  const start = h('button', { type: 'submit', class: 'btn primary', 'data-action': 'start-run' }, 'Start run')
  const close = h('button', { type: 'button', class: 'btn', 'data-action': 'close-run-form' }, 'Close')
  const form = h('form', { class: 'run-form', novalidate: '', 'aria-label': `Run ${workflow.name}` },
    inputs.length ? h('div', { class: 'run-form-fields' }, ...fields) : h('p', { class: 'muted' }, 'This workflow takes no inputs.'),
    errors.formError,
    h('div', { class: 'form-actions' }, start, close))
  close.addEventListener('click', () => onClose?.())

  let sending = false
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    if (sending) return
    errors.clear()
    const values = Object.fromEntries([...controls].map(([name, c]) => [name, c.value]))
    const built = buildInputs(inputs, values)
    if (built.errors) {
      for (const [name, text] of Object.entries(built.errors)) errors.set(name, text)
      controls.get(Object.keys(built.errors)[0])?.focus()
      return
    }
    sending = true
    start.disabled = true
    start.textContent = 'Starting…'
    try {
      const run = await ctx.api.post(`/api/workflows/${encodeURIComponent(workflow.name)}/runs`, { inputs: built.inputs })
      onStarted?.(run)
    } catch (err) {
      errors.show(err, inputOfError(err))
    } finally {
      sending = false
      start.disabled = false
      start.textContent = 'Start run'
    }
  })

  return form
}
