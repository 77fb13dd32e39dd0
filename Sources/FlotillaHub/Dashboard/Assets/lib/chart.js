// Small SVG charts drawn by our code: a time-series line/area chart with a hover read-out, and
// HTML bar helpers (a stacked bar with its legend, a proportional bar).
import { h, s, clear } from './dom.js'

// Round a maximum up to a 1-2-5 step so axis labels read well.
function niceMax(v) {
  if (!(v > 0)) return 1
  const p = 10 ** Math.floor(Math.log10(v))
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p
  return 10 * p
}

// lineChart(container, {times, series, height, format, timeFormat, yMin})
// - times: array of ms timestamps (x), oldest first
// - series: [{label, values (numbers or null for a gap), area?: bool}] drawn as s-1, s-2…
// - format(v): y labels and the read-out
// Redraws the container's content; call it again with new data (it is small).
export function lineChart(container, { times, series, height = 120, format = String, timeFormat, yMin = 0, empty = 'No data yet' }) {
  clear(container)
  container.classList.add('chart-wrap')
  const width = Math.max(200, Math.round(container.clientWidth || 400))
  const pad = { l: 40, r: 8, t: 8, b: 18 }
  const w = width - pad.l - pad.r
  const hgt = height - pad.t - pad.b
  const all = series.flatMap((sr) => sr.values).filter((v) => v !== null && v !== undefined && Number.isFinite(v))
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': series.map((sr) => sr.label).join(', ') })
  container.appendChild(svg)
  const yMax = niceMax(Math.max(...all, 0))
  const t0 = times.length ? times[0] : 0
  const t1 = times.length > 1 ? times[times.length - 1] : t0 + 1
  const x = (t) => pad.l + ((t - t0) / (t1 - t0 || 1)) * w
  const y = (v) => pad.t + hgt - ((v - yMin) / (yMax - yMin || 1)) * hgt

  for (let i = 0; i <= 2; i++) {
    const v = yMin + ((yMax - yMin) * i) / 2
    const yy = Math.round(y(v)) + 0.5
    svg.appendChild(s('line', { class: 'grid-line', x1: pad.l, x2: width - pad.r, y1: yy, y2: yy }))
    svg.appendChild(s('text', { class: 'axis-label', x: pad.l - 6, y: yy + 3.5, 'text-anchor': 'end' }, format(v)))
  }
  if (times.length && timeFormat) {
    svg.appendChild(s('text', { class: 'axis-label', x: pad.l, y: height - 4 }, timeFormat(t0)))
    svg.appendChild(s('text', { class: 'axis-label', x: width - pad.r, y: height - 4, 'text-anchor': 'end' }, timeFormat(t1)))
  }
  if (!all.length) {
    svg.appendChild(s('text', { class: 'axis-label', x: pad.l + w / 2, y: pad.t + hgt / 2, 'text-anchor': 'middle' }, empty))
    return
  }

  series.forEach((sr, index) => {
    const cls = `s-${index + 1}`
    // Split at nulls: a gap means no task finished in that interval.
    const runs = []
    let run = []
    sr.values.forEach((v, i) => {
      if (v === null || v === undefined || !Number.isFinite(v)) { if (run.length) runs.push(run); run = [] } else run.push([x(times[i]), y(v)])
    })
    if (run.length) runs.push(run)
    for (const pts of runs) {
      const d = pts.map(([px, py], i) => `${i ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`).join('')
      if (sr.area) {
        const base = y(yMin).toFixed(1)
        svg.appendChild(s('path', { class: `area ${cls}`, d: `${d}L${pts[pts.length - 1][0].toFixed(1)},${base}L${pts[0][0].toFixed(1)},${base}Z` }))
      }
      if (pts.length === 1) svg.appendChild(s('circle', { class: `dot ${cls}`, cx: pts[0][0], cy: pts[0][1], r: 2.5 }))
      else svg.appendChild(s('path', { class: `line ${cls}`, d }))
    }
  })

  // Hover read-out: a cursor line, a dot per series and a tip with the values.
  const cursor = s('line', { class: 'cursor', y1: pad.t, y2: pad.t + hgt, visibility: 'hidden' })
  const dots = series.map((_, i) => s('circle', { class: `dot s-${i + 1}`, r: 3, visibility: 'hidden' }))
  svg.append(cursor, ...dots)
  const tip = h('div', { class: 'chart-tip', hidden: true })
  container.appendChild(tip)
  const hide = () => { cursor.setAttribute('visibility', 'hidden'); dots.forEach((d) => d.setAttribute('visibility', 'hidden')); tip.hidden = true }
  svg.addEventListener('pointerleave', hide)
  svg.addEventListener('pointermove', (ev) => {
    const rect = svg.getBoundingClientRect()
    const px = ((ev.clientX - rect.left) / rect.width) * width
    let best = 0
    for (let i = 1; i < times.length; i++) if (Math.abs(x(times[i]) - px) < Math.abs(x(times[best]) - px)) best = i
    const cx = x(times[best])
    cursor.setAttribute('x1', cx); cursor.setAttribute('x2', cx); cursor.setAttribute('visibility', 'visible')
    const parts = []
    series.forEach((sr, i) => {
      const v = sr.values[best]
      if (v === null || v === undefined) { dots[i].setAttribute('visibility', 'hidden') } else {
        dots[i].setAttribute('cx', cx); dots[i].setAttribute('cy', y(v)); dots[i].setAttribute('visibility', 'visible')
      }
      parts.push(`${sr.label} ${v === null || v === undefined ? '—' : format(v)}`)
    })
    tip.textContent = `${timeFormat ? timeFormat(times[best]) + ' · ' : ''}${parts.join(' · ')}`
    tip.hidden = false
    const left = (cx / width) * rect.width
    tip.style.left = `${Math.min(Math.max(0, left - tip.offsetWidth / 2), rect.width - tip.offsetWidth)}px`
    tip.style.top = `-${tip.offsetHeight + 4}px`
  })
}

// chartLegend([{label}]) → the small legend line above a chart.
export function chartLegend(series) {
  return h('div', { class: 'chart-legend' }, series.map((sr, i) => h('span', null, h('i', { class: `s-${i + 1}` }), sr.label)))
}

// stackedBar(el, [{key, label, value}]): one bar split by share, and a legend with the counts.
// Keeps its elements and only updates sizes and numbers (it is redrawn on events).
export function stackedBar(el, parts) {
  if (!el._bar) {
    el._bar = h('div', { class: 'stacked-bar', role: 'img' })
    el._legend = h('div', { class: 'legend' })
    el._items = new Map()
    el.append(el._bar, el._legend)
  }
  const total = parts.reduce((a, p) => a + (p.value || 0), 0)
  el._bar.setAttribute('aria-label', parts.map((p) => `${p.label} ${p.value}`).join(', '))
  for (const p of parts) {
    let item = el._items.get(p.key)
    if (!item) {
      item = { seg: h('span', { class: `fill-${p.key}`, title: p.label }), count: h('b'), row: null }
      item.row = h('span', { class: 'legend-item' }, h('i', { class: `fill-${p.key}` }), p.label, ' ', item.count)
      el._bar.appendChild(item.seg)
      el._legend.appendChild(item.row)
      el._items.set(p.key, item)
    }
    item.seg.style.flexGrow = String(total ? p.value : 0)
    item.seg.style.flexBasis = '0'
    item.count.textContent = String(p.value)
    item.row.classList.toggle('faint', !p.value)
  }
}

// hbar(value, max) → a proportional bar element (lane depths).
export function hbar(value, max, cls = '') {
  const pct = max > 0 ? Math.max(2, Math.round((value / max) * 100)) : 0
  return h('span', { class: 'hbar' }, h('span', { class: cls, style: { width: `${value ? pct : 0}%` } }))
}
