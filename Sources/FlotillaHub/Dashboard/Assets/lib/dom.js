// Tiny DOM helpers. Text always goes in as text nodes, never as HTML: every string the hub sends
// (prompts, errors, output) is untrusted.

const SVG_NS = 'http://www.w3.org/2000/svg'

function applyAttrs(el, attrs, svg) {
  if (!attrs) return
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value)
    } else if (key === 'class' || key === 'className') {
      if (svg) el.setAttribute('class', value)
      else el.className = value
    } else if (key === 'dataset') {
      for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) el.dataset[k] = v
    } else if (key === 'style' && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k.startsWith('--')) el.style.setProperty(k, v)
        else el.style[k] = v
      }
    } else if (!svg && (key === 'value' || key === 'checked' || key === 'selected' || key === 'indeterminate')) {
      el[key] = value
    } else if (value === true) {
      el.setAttribute(key, '')
    } else {
      el.setAttribute(key, String(value))
    }
  }
}

function appendChildren(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false || child === true) continue
    if (Array.isArray(child)) appendChildren(el, child)
    else if (child instanceof Node) el.appendChild(child)
    else el.appendChild(document.createTextNode(String(child)))
  }
}

// h('a', {href: '#/', class: 'x', onclick: fn, dataset: {taskId: id}}, 'text', otherNode, [more])
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag)
  applyAttrs(el, attrs, false)
  appendChildren(el, children)
  return el
}

// The same for SVG elements (charts, icons).
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag)
  applyAttrs(el, attrs, true)
  appendChildren(el, children)
  return el
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild)
  return el
}

// setText(el, value): writes only when the text changed (keyed row updates stay cheap).
export function setText(el, value) {
  const text = value === undefined || value === null ? '' : String(value)
  if (el.textContent !== text) el.textContent = text
}

// replace(el, ...children): clear then append.
export function replace(el, ...children) {
  clear(el)
  appendChildren(el, children)
  return el
}

// A small inline icon set drawn by us (no icon fonts).
const ICONS = {
  logo: 'M3 17l3-9 3 5 3-9 3 7 3-4 3 10z',
  menu: 'M4 6h16M4 12h16M4 18h16',
  pause: 'M8 5v14M16 5v14',
  play: 'M7 5l12 7-12 7z',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 5v6h-6',
  stop: 'M6 6h12v12H6z',
  send: 'M4 12l16-8-6 16-2-6z',
}

export function icon(name, attrs = {}) {
  return s('svg', { viewBox: '0 0 24 24', width: 16, height: 16, 'aria-hidden': 'true', fill: 'none',
    stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round', ...attrs },
  s('path', { d: ICONS[name] || '' }))
}

export function logo() {
  return s('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true', fill: 'none' },
    s('rect', { x: 1, y: 1, width: 22, height: 22, rx: 6, fill: 'currentColor', opacity: '.14' }),
    s('path', { d: 'M5 16.5h14l-2 3H7z', fill: 'currentColor' }),
    s('path', { d: 'M11.5 4v11M11.5 5l6 8h-6M10.5 7l-4.5 6h4.5', stroke: 'currentColor', 'stroke-width': 1.6,
      'stroke-linejoin': 'round', 'stroke-linecap': 'round' }))
}
