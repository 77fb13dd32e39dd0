// The task list's filter bar: text search, a state multi-select and exact role / type / agent.
// Calls onChange(filters) when they change (text fields after a short pause, Enter at once).
import { h } from './dom.js'
import { TASK_STATES } from './task-query.js'

const TYPING_PAUSE_MS = 250

export function filterBar(initial, onChange) {
  let filters = { ...initial, states: [...(initial.states ?? [])] }
  let timer = null

  const text = (name, placeholder, label) => {
    const input = h('input', { type: name === 'q' ? 'search' : 'text', name, placeholder, 'aria-label': label, autocomplete: 'off', spellcheck: 'false' })
    input.value = filters[name] ?? ''
    return input
  }
  const q = text('q', 'Search prompt or task id', 'Search tasks')
  const role = text('role', 'role', 'Role')
  const type = text('type', 'type', 'Type')
  const agent = text('agent', 'agent', 'Agent')

  const summary = h('summary', { class: 'state-summary' })
  const boxes = TASK_STATES.map((s) => {
    const box = h('input', { type: 'checkbox', name: 'state', value: s })
    box.checked = filters.states.includes(s)
    return h('label', { class: 'state-option' }, box, h('span', { class: `state state-${s}` }, s))
  })
  const states = h('details', { class: 'state-filter' }, summary, h('fieldset', { class: 'state-menu' }, h('legend', { class: 'sr-only' }, 'States'), ...boxes))
  const clearButton = h('button', { type: 'button', class: 'btn', 'data-action': 'clear-filters' }, 'Clear')
  const form = h('form', { class: 'filter-bar', role: 'search' }, q, states, role, type, agent, clearButton)

  const showSummary = () => {
    summary.textContent = filters.states.length ? `State: ${filters.states.join(', ')}` : 'State: any'
  }
  showSummary()

  const read = () => {
    filters = {
      states: TASK_STATES.filter((s) => form.querySelector(`input[name=state][value=${s}]`).checked),
    }
    for (const input of [q, role, type, agent]) {
      const v = input.value.trim()
      if (v) filters[input.name] = v
    }
    showSummary()
    return filters
  }
  const fire = () => {
    clearTimeout(timer)
    timer = null
    onChange(read())
  }

  form.addEventListener('input', (e) => {
    if (e.target.name === 'state') { fire(); return }
    clearTimeout(timer)
    timer = setTimeout(fire, TYPING_PAUSE_MS)
  })
  form.addEventListener('submit', (e) => { e.preventDefault(); states.open = false; fire() })
  clearButton.addEventListener('click', () => {
    for (const input of [q, role, type, agent]) input.value = ''
    for (const box of form.querySelectorAll('input[name=state]')) box.checked = false
    fire()
  })
  // The state menu closes on Escape and when focus or a click goes elsewhere.
  states.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && states.open) { states.open = false; summary.focus() }
  })
  const outside = (e) => { if (states.open && !states.contains(e.target)) states.open = false }
  document.addEventListener('click', outside)
  document.addEventListener('focusin', outside)

  return {
    el: form,
    destroy() {
      clearTimeout(timer)
      document.removeEventListener('click', outside)
      document.removeEventListener('focusin', outside)
    },
  }
}
