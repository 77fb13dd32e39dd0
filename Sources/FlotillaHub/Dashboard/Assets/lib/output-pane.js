// The terminal-like pane that follows an attempt's live output
// (GET /api/tasks/{id}/output?follow=1, Server-Sent Events). Output is parsed by lib/ansi.js and
// appended as text nodes and spans, never as HTML. Chunks are queued and rendered at most ten
// times a second, so a program printing megabytes a second cannot stall the page; only the
// newest MAX_LINES lines are kept.
import { createAnsiParser, textNode } from './ansi.js'
import { h } from './dom.js'
import { throttle } from './schedule.js'

const MAX_LINES = 2000
// A line longer than this is wrapped into a new line element (a log without newlines must not
// grow one text node forever).
const MAX_LINE_CHARS = 4000
// After the stream is refused (task unknown, hub restarting) the pane tries again this often.
const RETRY_MS = 5000

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export function mountOutput(el, ctx, { taskId }) {
  const status = h('span', { class: 'output-status', role: 'status' }, 'connecting…')
  const follow = h('button', { type: 'button', class: 'output-follow', 'aria-pressed': 'true', title: 'Keep the newest output in view' }, 'Follow')
  const pane = h('div', { class: 'output-pane', role: 'log', tabindex: '0', 'aria-label': 'Live output' })
  const empty = h('div', { class: 'output-empty' }, 'waiting for output…')
  pane.appendChild(empty)
  const box = h('div', { class: 'output-box' }, h('div', { class: 'output-toolbar' }, status, follow), pane)
  el.appendChild(box)

  let following = true
  let parser = createAnsiParser()
  let attempt = null
  let line = null
  let lineChars = 0
  let lines = 0
  let dropped = false
  let ended = false
  let source = null
  let retryTimer = null
  const received = new Map() // attempt → byte offset received up to
  const queue = []

  const setFollow = (on) => {
    following = on
    follow.setAttribute('aria-pressed', on ? 'true' : 'false')
    if (on) pane.scrollTop = pane.scrollHeight
  }
  follow.addEventListener('click', () => setFollow(!following))
  pane.addEventListener('scroll', () => {
    const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 8
    if (atBottom !== following) setFollow(atBottom)
  })

  const addLine = (node) => {
    empty.remove()
    pane.appendChild(node)
    lines++
    while (lines > MAX_LINES && pane.firstChild) {
      pane.firstChild.remove()
      lines--
      dropped = true
    }
  }
  const newLine = () => {
    line = h('div', { class: 'output-line' })
    lineChars = 0
    addLine(line)
  }
  const separator = (text) => {
    addLine(h('div', { class: 'output-separator' }, text))
    line = null
  }

  const renderText = (text) => {
    for (const t of parser.feed(text)) {
      if (t.newline) {
        if (!line) newLine()
        line = null
      } else if (t.cr) {
        // A carriage return rewrites the line (progress bars): keep only what follows.
        if (line) { line.replaceChildren(); lineChars = 0 }
      } else {
        if (!line || lineChars > MAX_LINE_CHARS) newLine()
        line.appendChild(textNode(t.text, t.style))
        lineChars += t.text.length
      }
    }
  }

  const render = () => {
    for (const item of queue.splice(0)) {
      if (item.attempt !== undefined && item.attempt !== attempt) {
        attempt = item.attempt
        parser = createAnsiParser()
        separator(`attempt ${attempt}`)
      }
      if (item.text) renderText(item.text)
      if (item.end) {
        // Decided here, not when 'end' arrives: queued output may not be drawn yet then.
        box.classList.add('output-ended')
        separator(lines === 0 ? `task ${item.end} · no output` : `task ${item.end}`)
      }
    }
    status.textContent = statusText()
    if (following) pane.scrollTop = pane.scrollHeight
  }
  const request = throttle(render, 10)

  const statusText = () => {
    const parts = []
    if (attempt !== null) parts.push(`attempt ${attempt}`)
    if (ended) parts.push('ended')
    else if (!source) parts.push('unavailable, retrying…')
    else if (source.readyState === EventSource.CONNECTING) parts.push('reconnecting…')
    else parts.push('live')
    if (dropped) parts.push(`last ${MAX_LINES.toLocaleString()} lines`)
    return parts.join(' · ')
  }

  // Drops what was already received (a stream reopened without Last-Event-ID replays the tail).
  const fresh = (d) => {
    const bytes = encoder.encode(d.text)
    const have = received.get(d.attempt) ?? 0
    const end = d.offset + bytes.length
    if (end <= have) return ''
    received.set(d.attempt, end)
    return d.offset >= have ? d.text : decoder.decode(bytes.subarray(have - d.offset))
  }

  const parse = (e) => {
    try { return JSON.parse(e.data) } catch { return null }
  }

  const open = () => {
    retryTimer = null
    source = new EventSource(`/api/tasks/${encodeURIComponent(taskId)}/output?follow=1`)
    source.addEventListener('open', () => { status.textContent = statusText() })
    source.addEventListener('output', (e) => {
      const d = parse(e)
      if (!d || typeof d.text !== 'string') return
      const text = fresh(d)
      if (text || d.attempt !== attempt) { queue.push({ attempt: d.attempt, text }); request() }
    })
    source.addEventListener('attempt', (e) => {
      const d = parse(e)
      if (d) { queue.push({ attempt: d.attempt }); request() }
    })
    source.addEventListener('end', (e) => {
      const d = parse(e) ?? {}
      ended = true
      source.close()
      queue.push({ end: d.state ?? 'ended' })
      request()
    })
    source.addEventListener('error', () => {
      if (ended) return
      // CONNECTING: the browser reconnects by itself with Last-Event-ID. CLOSED: the hub
      // refused the stream; open a new one later (the received offsets drop the replay).
      if (source.readyState === EventSource.CLOSED) {
        source = null
        probe()
      }
      status.textContent = statusText()
    })
  }

  // EventSource does not say why it was refused: ask once. A task or hub without output (404)
  // is final, anything else (hub restarting) is retried.
  const probe = async () => {
    let gone = false
    try {
      const r = await fetch(`/api/tasks/${encodeURIComponent(taskId)}/output?tail=0`, { credentials: 'same-origin', cache: 'no-store' })
      gone = r.status === 404
    } catch {
      // The hub is away: retry.
    }
    if (ended) return
    if (gone) {
      ended = true
      empty.textContent = 'no output available'
      box.classList.add('output-ended')
      status.textContent = 'no output'
    } else {
      retryTimer = setTimeout(open, RETRY_MS)
    }
  }
  open()

  return () => {
    ended = true
    if (retryTimer) clearTimeout(retryTimer)
    if (source) source.close()
    box.remove()
  }
}
