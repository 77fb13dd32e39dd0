// ANSI escape handling for the output pane: programs write colours with SGR sequences
// (ESC [ … m); everything else (cursor moves, OSC titles, charset switches) is stripped so it
// never shows raw. The parser is pure and streaming: a chunk may end in the middle of an
// escape sequence, so the unfinished tail is carried into the next feed().
// Rendering builds text nodes and spans only: program output never reaches innerHTML.

const ESC = '\u001b'
// Longest unfinished escape carried between chunks; a longer one is garbage and is dropped.
const MAX_CARRY = 256

// The default look: no colours, no attributes. Styles are plain objects compared by key().
export function plainStyle() {
  return { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false }
}

function styleKey(s) {
  return `${s.fg}|${s.bg}|${s.bold}|${s.dim}|${s.italic}|${s.underline}|${s.inverse}`
}

export function isPlain(s) {
  return styleKey(s) === styleKey(plainStyle())
}

// A colour is a palette index 0–15 (rendered by class, so light and dark themes pick the
// shade), or an 'rgb(r,g,b)' string for 256-colour and truecolour sequences.
function color256(n) {
  if (n < 16) return n
  if (n >= 232) {
    const v = 8 + (n - 232) * 10
    return `rgb(${v},${v},${v})`
  }
  const i = n - 16
  const steps = [0, 95, 135, 175, 215, 255]
  return `rgb(${steps[Math.floor(i / 36)]},${steps[Math.floor(i / 6) % 6]},${steps[i % 6]})`
}

// Applies one SGR parameter list to a style (a new object; styles are never shared).
export function applySgr(style, params) {
  const s = { ...style }
  const p = params.length === 0 ? [0] : params
  for (let i = 0; i < p.length; i++) {
    const n = p[i]
    if (n === 0) Object.assign(s, plainStyle())
    else if (n === 1) s.bold = true
    else if (n === 2) s.dim = true
    else if (n === 3) s.italic = true
    else if (n === 4) s.underline = true
    else if (n === 7) s.inverse = true
    else if (n === 22) { s.bold = false; s.dim = false }
    else if (n === 23) s.italic = false
    else if (n === 24) s.underline = false
    else if (n === 27) s.inverse = false
    else if (n >= 30 && n <= 37) s.fg = n - 30
    else if (n === 39) s.fg = null
    else if (n >= 40 && n <= 47) s.bg = n - 40
    else if (n === 49) s.bg = null
    else if (n >= 90 && n <= 97) s.fg = n - 90 + 8
    else if (n >= 100 && n <= 107) s.bg = n - 100 + 8
    else if (n === 38 || n === 48) {
      // 38;5;N (256 colours) or 38;2;R;G;B (truecolour); malformed forms end the list.
      let c = null
      if (p[i + 1] === 5 && p[i + 2] !== undefined) { c = color256(clampByte(p[i + 2])); i += 2 }
      else if (p[i + 1] === 2 && p[i + 4] !== undefined) {
        c = `rgb(${clampByte(p[i + 2])},${clampByte(p[i + 3])},${clampByte(p[i + 4])})`
        i += 4
      } else break
      if (n === 38) s.fg = c; else s.bg = c
    }
  }
  return s
}

function clampByte(n) {
  return Math.max(0, Math.min(255, n | 0))
}

// Where the escape sequence starting at `i` (text[i] === ESC) ends: the index after it, or -1
// when the text ends first (the caller carries it). Returns {end, sgr} where sgr holds the
// parameters of an SGR sequence, else null.
function scanEscape(text, i) {
  const next = text[i + 1]
  if (next === undefined) return { end: -1, sgr: null }
  if (next === '[') {
    let j = i + 2
    while (j < text.length) {
      const c = text.charCodeAt(j)
      if (c >= 0x40 && c <= 0x7e) {
        if (text[j] === 'm') {
          const body = text.slice(i + 2, j)
          // Private sequences (ESC [ ? …) and ones with intermediates are not SGR.
          if (/^[0-9;:]*$/.test(body)) {
            const sgr = body === '' ? [] : body.split(/[;:]/).map((x) => (x === '' ? 0 : parseInt(x, 10)))
            return { end: j + 1, sgr }
          }
        }
        return { end: j + 1, sgr: null }
      }
      if (c < 0x20 || c > 0x7e) return { end: j, sgr: null } // broken sequence: drop its head
      j++
    }
    return { end: -1, sgr: null }
  }
  if (next === ']' || next === 'P' || next === '_' || next === '^' || next === 'X') {
    // OSC / DCS / APC / PM / SOS: a string ended by BEL or ESC \.
    for (let j = i + 2; j < text.length; j++) {
      if (text[j] === '\u0007') return { end: j + 1, sgr: null }
      if (text[j] === ESC) {
        if (j + 1 >= text.length) return { end: -1, sgr: null }
        if (text[j + 1] === '\\') return { end: j + 2, sgr: null }
      }
    }
    return { end: -1, sgr: null }
  }
  // ESC, intermediates (0x20–0x2F), one final byte: charset switches, keypad modes …
  let j = i + 1
  while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++
  if (j >= text.length) return { end: -1, sgr: null }
  return { end: j + 1, sgr: null }
}

// A streaming parser. feed(text) returns tokens:
//   {text, style}  visible text (no control characters) in a style
//   {newline: true}
//   {cr: true}     a carriage return not followed by \n (the line is overwritten)
export function createAnsiParser() {
  let style = plainStyle()
  let carry = ''
  let pendingCr = false

  function feed(chunk) {
    const text = carry + chunk
    carry = ''
    const tokens = []
    let run = ''
    const flush = () => {
      if (run) tokens.push({ text: run, style })
      run = ''
    }
    if (pendingCr && text.length > 0) {
      pendingCr = false
      if (text[0] !== '\n') tokens.push({ cr: true })
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]
      const code = text.charCodeAt(i)
      if (ch === ESC) {
        const { end, sgr } = scanEscape(text, i)
        if (end < 0) {
          flush()
          const rest = text.slice(i)
          carry = rest.length <= MAX_CARRY ? rest : ''
          return tokens
        }
        if (sgr) {
          flush()
          style = applySgr(style, sgr)
        }
        i = end - 1
      } else if (ch === '\n') {
        flush()
        tokens.push({ newline: true })
      } else if (ch === '\r') {
        flush()
        if (i + 1 >= text.length) pendingCr = true
        else if (text[i + 1] !== '\n') tokens.push({ cr: true })
      } else if (ch === '\t') {
        run += '    '
      } else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) {
        // Other control characters (bell, backspace, C1) have no visible form here.
      } else {
        run += ch
      }
    }
    flush()
    return tokens
  }

  return { feed, get style() { return style } }
}

// Class names and inline style for a span in `style`; null when plain text suffices.
export function spanLook(style) {
  if (isPlain(style)) return null
  let fg = style.fg
  let bg = style.bg
  if (style.inverse) {
    fg = style.bg ?? 'inverse-fg'
    bg = style.fg ?? 'inverse-bg'
  }
  const classes = []
  const css = []
  if (typeof fg === 'number') classes.push(`ansi-fg-${fg}`)
  else if (fg === 'inverse-fg') classes.push('ansi-fg-inverse')
  else if (fg) css.push(`color:${fg}`)
  if (typeof bg === 'number') classes.push(`ansi-bg-${bg}`)
  else if (bg === 'inverse-bg') classes.push('ansi-bg-inverse')
  else if (bg) css.push(`background-color:${bg}`)
  if (style.bold) classes.push('ansi-bold')
  if (style.dim) classes.push('ansi-dim')
  if (style.italic) classes.push('ansi-italic')
  if (style.underline) classes.push('ansi-underline')
  return { className: classes.join(' '), css: css.join(';') }
}

// One styled piece of text as a DOM node: a text node when plain, else a span.
export function textNode(text, style) {
  const look = spanLook(style)
  if (!look) return document.createTextNode(text)
  const span = document.createElement('span')
  if (look.className) span.className = look.className
  if (look.css) span.style.cssText = look.css
  span.textContent = text
  return span
}

// The whole text at once (e.g. a finished log): colours kept, other escapes stripped,
// \r-overwritten line starts dropped.
export function ansiToNodes(text) {
  const frag = document.createDocumentFragment()
  let line = []
  const emit = () => { for (const t of line) frag.appendChild(textNode(t.text, t.style)) }
  for (const t of createAnsiParser().feed(text)) {
    if (t.newline) { emit(); frag.appendChild(document.createTextNode('\n')); line = [] }
    else if (t.cr) line = []
    else line.push(t)
  }
  emit()
  return frag
}

// Plain text without any escapes (for tests and copy).
export function stripAnsi(text) {
  let out = ''
  for (const t of createAnsiParser().feed(text)) {
    if (t.newline) out += '\n'
    else if (t.text) out += t.text
  }
  return out
}
