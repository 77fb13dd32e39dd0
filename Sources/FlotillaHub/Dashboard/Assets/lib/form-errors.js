// The errors of a form the hub checks: one message beside each control (its `aria-describedby`
// names it) and one under the form for a refusal that names no control. Shared by the goal and
// run forms; `controls` is the form's Map of name → control, filled as the form is built.
import { h } from './dom.js'

export function formErrors(controls) {
  const messages = new Map()
  const formError = h('div', { class: 'form-error error-text', role: 'alert' })
  const set = (name, text) => {
    const el = messages.get(name)
    if (el) el.textContent = text ?? ''
    controls.get(name)?.setAttribute('aria-invalid', text ? 'true' : 'false')
  }
  return {
    formError,
    // The message element of control `name` whose element id is `id` (it gets `${id}-error`).
    fieldError(name, id) {
      const el = h('p', { class: 'error-text', id: `${id}-error`, 'aria-live': 'polite', 'data-error-for': name })
      messages.set(name, el)
      return el
    },
    set,
    clear() {
      for (const name of controls.keys()) set(name, '')
      formError.textContent = ''
    },
    // The hub's refusal: beside control `name` (focused) when the form has it, else under the form.
    show(err, name) {
      if (name && controls.has(name)) {
        set(name, err.message ?? String(err))
        controls.get(name).focus()
      } else {
        formError.textContent = `${err.code ? `${err.code}: ` : ''}${err.message ?? err}`
      }
    },
  }
}
