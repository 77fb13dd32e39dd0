// node --test Tests/DashboardJS: the output pane's ANSI parser (lib/ansi.js).
import test from 'node:test'
import assert from 'node:assert/strict'
import { loadAsset } from './load.mjs'

const { createAnsiParser, stripAnsi, spanLook, applySgr, plainStyle } = await loadAsset('lib/ansi.js')

test('SGR colours and bold become styles, reset returns to plain', () => {
  const tokens = createAnsiParser().feed('a\u001b[1;31mred\u001b[0m b')
  assert.deepEqual(tokens.map((t) => t.text), ['a', 'red', ' b'])
  assert.equal(tokens[1].style.fg, 1)
  assert.equal(tokens[1].style.bold, true)
  assert.equal(tokens[2].style.fg, null)
  assert.equal(tokens[2].style.bold, false)
})

test('bright, background, default colours and 256/truecolour', () => {
  let s = applySgr(plainStyle(), [92, 44])
  assert.equal(s.fg, 10)
  assert.equal(s.bg, 4)
  s = applySgr(s, [39, 49])
  assert.equal(s.fg, null)
  assert.equal(s.bg, null)
  assert.equal(applySgr(plainStyle(), [38, 5, 196]).fg, 'rgb(255,0,0)')
  assert.equal(applySgr(plainStyle(), [38, 5, 3]).fg, 3)
  assert.equal(applySgr(plainStyle(), [48, 2, 1, 2, 3]).bg, 'rgb(1,2,3)')
  assert.equal(applySgr(plainStyle(), [38, 5, 244]).fg, 'rgb(128,128,128)')
})

test('other CSI, OSC and charset escapes are stripped, never shown raw', () => {
  const raw = '\u001b[2J\u001b[?25lhello\u001b]0;title\u0007 \u001b]8;;http://x\u001b\\link\u001b(B\u001b[K!\u0007'
  assert.equal(stripAnsi(raw), 'hello link!')
})

test('an escape split across chunks is carried to the next chunk', () => {
  const p = createAnsiParser()
  const first = p.feed('ok \u001b[3')
  assert.deepEqual(first.map((t) => t.text), ['ok '])
  const second = p.feed('2mgreen')
  assert.equal(second[0].text, 'green')
  assert.equal(second[0].style.fg, 2)
})

test('newlines, CRLF and bare carriage returns', () => {
  const p = createAnsiParser()
  const kinds = (ts) => ts.map((t) => (t.newline ? 'NL' : t.cr ? 'CR' : t.text))
  assert.deepEqual(kinds(p.feed('a\r\nb\r50%\r100%\n')), ['a', 'NL', 'b', 'CR', '50%', 'CR', '100%', 'NL'])
  // A \r at the end of a chunk waits to see whether \n follows.
  assert.deepEqual(kinds(p.feed('x\r')), ['x'])
  assert.deepEqual(kinds(p.feed('\ny')), ['NL', 'y'])
  assert.deepEqual(kinds(p.feed('\r')), [])
  assert.deepEqual(kinds(p.feed('z')), ['CR', 'z'])
})

test('control characters vanish, tabs become spaces, markup stays text', () => {
  assert.equal(stripAnsi('a\u0008b\tc<script>'), 'ab    c<script>')
})

test('span look: palette colours by class, others inline, inverse swaps', () => {
  assert.equal(spanLook(plainStyle()), null)
  assert.deepEqual(spanLook(applySgr(plainStyle(), [1, 33])), { className: 'ansi-fg-3 ansi-bold', css: '' })
  assert.deepEqual(spanLook(applySgr(plainStyle(), [38, 2, 9, 9, 9])), { className: '', css: 'color:rgb(9,9,9)' })
  assert.deepEqual(spanLook(applySgr(plainStyle(), [7, 31])), { className: 'ansi-fg-inverse ansi-bg-1', css: '' })
})

test('an unterminated escape longer than the carry limit is dropped', () => {
  const p = createAnsiParser()
  p.feed('\u001b]' + 'x'.repeat(1000))
  assert.deepEqual(p.feed('after').map((t) => t.text), ['after'])
})
