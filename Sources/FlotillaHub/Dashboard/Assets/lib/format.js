// Formatting of times, durations, sizes and states for every view.
import { h } from './dom.js'

const DASH = '—'

export function ageSeconds(iso, now = Date.now()) {
  if (!iso) return null
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return null
  return Math.max(0, (now - t) / 1000)
}

// ago('2026-11-21T13:33:20.416Z') → '4s ago', '3m ago', '2h ago', '5d ago'
export function ago(iso, now = Date.now()) {
  const s = ageSeconds(iso, now)
  if (s === null) return DASH
  if (s < 1) return 'now'
  return `${shortDuration(s)} ago`
}

function shortDuration(s) {
  if (s < 60) return `${Math.floor(s)}s`
  if (s < 3600) return `${Math.floor(s / 60)}m`
  if (s < 86400) return `${Math.floor(s / 3600)}h`
  return `${Math.floor(s / 86400)}d`
}

// duration(seconds) → '850 ms', '12.3 s', '4m 05s', '2h 03m', '3d 4h'
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return DASH
  const s = Math.max(0, seconds)
  if (s < 1) return `${Math.round(s * 1000)} ms`
  if (s < 10) return `${s.toFixed(2)} s`
  if (s < 60) return `${s.toFixed(1)} s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`
  if (s < 86400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`
}

// Seconds between two ISO times (end defaults to now).
export function between(startIso, endIso) {
  if (!startIso) return null
  const a = Date.parse(startIso)
  const b = endIso ? Date.parse(endIso) : Date.now()
  if (Number.isNaN(a) || Number.isNaN(b)) return null
  return Math.max(0, (b - a) / 1000)
}

// bytes(n) → '512 B', '1.2 KiB', '3.4 MiB'
export function bytes(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return DASH
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return i === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}

const numberFormat = new Intl.NumberFormat('en-US')
export function number(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return DASH
  return numberFormat.format(n)
}

// rate(2.345) → '2.35', rate(0.04) → '0.04', rate(123.4) → '123'
export function rate(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return DASH
  if (n === 0) return '0'
  if (n < 10) return n.toFixed(2)
  if (n < 100) return n.toFixed(1)
  return numberFormat.format(Math.round(n))
}

// Formatters are made once: toLocale*String builds a new one per call (the events tail formats
// a row's time on every render).
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
  second: '2-digit', hour12: false })

// Local wall-clock time: '13:33:20'
export function clock(iso) {
  if (!iso) return DASH
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return DASH
  return clockFormat.format(d)
}

// Local date and time: 'Nov 21, 13:33:20'
export function dateTime(iso) {
  if (!iso) return DASH
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return DASH
  return dateTimeFormat.format(d)
}

// stateBadge('running') → <span class="state state-running">running</span>
export function stateBadge(state) {
  const s = state ? String(state) : 'unknown'
  return h('span', { class: `state state-${s.replace(/[^a-z0-9_-]/gi, '_')}`, dataset: { state: s } }, s.replace(/_/g, ' '))
}

// Updates a badge made by stateBadge in place (keyed rows).
export function setStateBadge(el, state) {
  const s = state ? String(state) : 'unknown'
  if (el.dataset.state === s) return
  el.dataset.state = s
  el.className = `state state-${s.replace(/[^a-z0-9_-]/gi, '_')}`
  el.textContent = s.replace(/_/g, ' ')
}

export function percent(p) {
  if (p === null || p === undefined || Number.isNaN(p)) return DASH
  return `${Math.round(p)}%`
}

// Terminal escapes and other control characters out of one-line text (progress messages).
export function plain(text) {
  if (text === null || text === undefined) return ''
  // eslint-disable-next-line no-control-regex
  return String(text).replace(/\x1b\[[0-?]*[ -\/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?|\x1b[@-Z\\-_]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
}

export function truncate(text, max = 120) {
  if (!text) return ''
  const t = String(text)
  return t.length > max ? `${t.slice(0, max - 1)}…` : t
}

// The hash of a page: hrefs are always built through these, ids encoded.
export const link = {
  task: (id) => `#/tasks/${encodeURIComponent(id)}`,
  agent: (id) => `#/agents/${encodeURIComponent(id)}`,
  graph: (id) => (id ? `#/graph?task=${encodeURIComponent(id)}` : '#/graph'),
  tasks: (query) => {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== '') q.set(k, v)
    const s = q.toString()
    return s ? `#/tasks?${s}` : '#/tasks'
  },
}
